# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Colour bands of KPI lines: red below the threshold, amber below the target, green from
it (or the plan line's own limits), in words on the statement."""

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import KpiCommon


@tagged("post_install", "-at_install", "kpi_bands")
class TestBands(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quality = cls._create_definition("BAND_Q", manual_aggregate="avg")
        cls.sales = cls._create_definition("BAND_S", manual_aggregate="sum")
        cls.plan = cls._create_plan(
            [
                {"definition_id": cls.quality.id, "weight": 50, "target": 100, "threshold": 80},
                {
                    "definition_id": cls.sales.id, "weight": 50, "target": 100, "threshold": 50,
                    "band_red_below": 60, "band_green_from": 90,
                },
            ]
        )
        # agent 1: quality 79 → 79 % (red, < 80); sales 95 → 95 % (green, ≥ 90)
        # agent 2: quality 80 → 80 % (amber); sales 59 → 59 % (red, < 60)
        # agent 3: quality 100 → 100 % (green); sales 89 → 89 % (amber, < 90)
        cls._add_manual_values(cls.quality, {cls.agents[0]: 79, cls.agents[1]: 80, cls.agents[2]: 100})
        cls._add_manual_values(cls.sales, {cls.agents[0]: 95, cls.agents[1]: 59, cls.agents[2]: 89})
        cls.cards = cls._generate(cls.plan)

    def _bands(self, agent):
        card = self.cards.filtered(lambda c: c.employee_id == agent)
        return card, {line.code: line.band for line in card.line_ids}

    def test_bands_from_threshold_target_and_plan_line(self):
        line = self.plan.line_ids.filtered(lambda plan_line: plan_line.definition_id == self.quality)
        self.assertEqual((line.band_red_below, line.band_green_from), (80.0, 100.0))
        card1, bands1 = self._bands(self.agents[0])
        card2, bands2 = self._bands(self.agents[1])
        card3, bands3 = self._bands(self.agents[2])
        self.assertEqual(bands1, {"BAND_Q": "red", "BAND_S": "green"})
        self.assertEqual(bands2, {"BAND_Q": "amber", "BAND_S": "red"})
        self.assertEqual(bands3, {"BAND_Q": "green", "BAND_S": "amber"})
        # a scorecard shows its lowest band
        self.assertEqual((card1.band, card2.band, card3.band), ("red", "red", "amber"))
        self.assertEqual(
            card1.line_ids.filtered(lambda line: line.code == "BAND_Q").band_text, "Red: 79.0 % is below 80.0 %."
        )

    def test_bands_in_words_on_the_statement(self):
        card, _bands = self._bands(self.agents[1])
        html = self.env["ir.actions.report"]._render_qweb_html(
            "kpi_callcenter.kpi_scorecard_report_statement", card.ids
        )[0].decode()
        self.assertIn("o_kpi_band_amber", html)
        self.assertIn("Below target", html)
        self.assertIn("o_kpi_band_red", html)
        self.assertIn("Below threshold", html)

    def test_red_limit_above_green_is_refused(self):
        plan = self._create_plan([(self.quality, 100, 100)], activate=False, name="Draft bands")
        line = plan.line_ids
        with self.assertRaisesRegex(ValidationError, "Red below"):
            line.write({"band_red_below": 95, "band_green_from": 90})
