# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Quarterly and yearly plans: per-period targets prorated over the period's days, no
confirmation while the period runs, monthly advances, the yearly (Tết) bonus.

Mon–Fri schedule in UTC, no public holiday. Q1 2027 has 21 + 20 + 23 = 64 working days. One
manual KPI "PIECES_P" (values summed), weight 100, no scale.
"""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import KpiCommon


@tagged("post_install", "-at_install")
class TestPeriodBonus(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pieces = cls._create_definition("PIECES_P", name="Pieces", unit="pieces", manual_aggregate="sum")

    def _plan(self, employees, **values):
        plan = self._create_plan(
            [(self.pieces, 100, values.pop("target", 300))], employees=employees, activate=False, **values
        )
        self._activate_acknowledged(plan)
        self.assertEqual(plan.state, "active")
        return plan

    def test_quarter_target_prorated_over_the_quarter(self):
        plan = self._plan(self.agent1, period_type="quarter", bonus_base=3_000_000)
        self._create_sick_leave(self.agent1, date(2027, 2, 10))
        self._add_manual_values(self.pieces, {self.agent1: 150}, day=date(2027, 1, 12))
        self._add_manual_values(self.pieces, {self.agent1: 100}, day=date(2027, 3, 10))
        with freeze_time("2027-02-15 08:00"):
            card = plan.generate_scorecards(date(2027, 1, 1), date(2027, 3, 31))
            with self.assertRaisesRegex(UserError, "still running"):
                card.action_confirm()
        with freeze_time("2027-04-01 08:00"):
            plan.generate_scorecards(date(2027, 1, 1), date(2027, 3, 31))
            card.action_confirm()
        # one sick day of 64 working days: target 300 × 63 / 64 = 295.3125;
        # 250 pieces → 84.656 % → bonus 3,000,000 × 250 / 295.3125 = 2,539,682.54 → 2,539,683 ₫
        self.assertEqual(card.working_days, 64)
        self.assertAlmostEqual(card.line_ids.target, 295.3125, places=4)
        self.assertEqual(card.bonus_amount, 2_539_683)
        self.assertEqual(card.state, "confirmed")
        self.assertEqual(card.pay_date, date(2027, 3, 31))

    def test_monthly_plans_confirm_as_before(self):
        """A monthly scorecard is still confirmed whenever HR decides (no change)."""
        plan = self._plan(self.agent1, target=100, bonus_base=1_000_000)
        with freeze_time("2027-03-15 08:00"):
            card = self._generate(plan)
            card.action_confirm()
        self.assertEqual(card.state, "confirmed")

    def test_plan_options_checked(self):
        with self.assertRaisesRegex(ValidationError, "only quarterly and yearly plans"):
            self._create_plan([(self.pieces, 100, 300)], activate=False, advance_percent=50)
        with self.assertRaisesRegex(ValidationError, "not between 0 and 100"):
            self._create_plan([(self.pieces, 100, 300)], activate=False, period_type="quarter",
                              advance_percent=150)
        with self.assertRaisesRegex(ValidationError, "needs a yearly plan"):
            self._create_plan([(self.pieces, 100, 300)], activate=False, period_type="quarter",
                              year_bonus_method="coefficient")
        with self.assertRaisesRegex(ValidationError, "needs its table"):
            self._create_plan([(self.pieces, 100, 300)], activate=False, period_type="year",
                              year_bonus_method="coefficient")
        monthly = self._plan(self.agent1, target=100)
        with freeze_time("2027-04-02 08:00"), self.assertRaisesRegex(UserError, "pays no monthly advance"):
            monthly.generate_advances(date(2027, 3, 1))

    def test_tet_bonus_of_an_agent_hired_in_april(self):
        """Yearly (Tết) bonus by coefficient: hired on 2027-04-01, 9 months worked."""
        self._create_contract(self.agent1, date(2027, 4, 1))
        scale = self._create_payout_scale([(0, 50), (80, 100), (100, 120)])
        plan = self._plan(
            self.agent1,
            target=1200,
            period_type="year",
            bonus_base=12_000_000,
            year_bonus_method="coefficient",
            year_coefficient_scale_id=scale.id,
            year_bonus_date=date(2028, 1, 20),
        )
        for month, pieces in ((4, 90), (5, 90), (6, 90), (7, 110), (8, 110), (9, 110),
                              (10, 115), (11, 115), (12, 115)):
            self._add_manual_values(self.pieces, {self.agent1: pieces}, day=date(2027, month, 10))
        with freeze_time("2028-01-05 08:00"):
            card = plan.generate_scorecards(date(2027, 1, 1), date(2027, 12, 31))
            card.action_confirm()
        # a month's target: 1200 / 12 = 100 pieces; monthly scores 90, 90, 90, 110, 110, 110,
        # 115, 115, 115 (weight 100): average 945 / 9 = 105 → coefficient 120 % = 1.2;
        # months worked April–December = 9: 12,000,000 × 1.2 × 9 / 12 = 10,800,000 ₫
        self.assertRecordValues(
            card,
            [{"effective_date_from": date(2027, 4, 1), "months_worked": 9, "year_average_score": 105,
              "year_coefficient": 1.2, "bonus_amount": 10_800_000, "pay_date": date(2028, 1, 20),
              "state": "confirmed"}],
        )

    def test_quarterly_scorecards_cover_the_whole_quarter(self):
        plan = self._plan(self.agent1, period_type="quarter", bonus_base=3_000_000)
        with self.assertRaisesRegex(UserError, "per quarter"):
            plan.generate_scorecards(date(2027, 3, 1), date(2027, 3, 31))
        # the generate dialog of March generates the first quarter
        wizard = self.env["kpi.scorecard.generate"].create(
            {"plan_ids": [(6, 0, plan.ids)], "date_from": date(2027, 3, 1), "date_to": date(2027, 3, 31)}
        )
        action = wizard.action_generate()
        card = self.env["kpi.scorecard"].search(action["domain"])
        self.assertEqual((card.date_from, card.date_to), (date(2027, 1, 1), date(2027, 3, 31)))
