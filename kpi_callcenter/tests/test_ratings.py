# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer ratings of tickets (OCA helpdesk_mgmt_rating) as KPIs: ``rating_avg`` and
``rating_count``, the QA void, the minimum number of ratings, the drill-down.

March 2027 (UTC), hand-built:

- agent 1: 5 (2 March), 4 (10 March), 2 (20 March); ignored: 1 (27 February, outside),
  a request not answered (not consumed) → 3 ratings, average 11 / 3 = 3.6667;
- agent 2: 5 (5 March) → 1 rating, average 5.
"""

from datetime import datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import KpiCommon


@tagged("post_install", "-at_install", "kpi_measure", "kpi_ratings")
class TestRatings(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_model = cls.env["ir.model"]._get("helpdesk.ticket")

        def ticket(user):
            return cls.env["helpdesk.ticket"].create(
                {"name": "Rated", "description": "T", "user_id": user.id, "company_id": cls.company.id}
            )

        cls.ticket1, cls.ticket2 = ticket(cls.agent1.user_id), ticket(cls.agent2.user_id)
        cls.ratings = {}
        for key, record, value, when, consumed in (
            ("a", cls.ticket1, 5, datetime(2027, 3, 2, 9), True),
            ("b", cls.ticket1, 4, datetime(2027, 3, 10, 9), True),
            ("c", cls.ticket1, 2, datetime(2027, 3, 20, 9), True),
            ("old", cls.ticket1, 1, datetime(2027, 2, 27, 9), True),
            ("pending", cls.ticket1, 0, False, False),
            ("d", cls.ticket2, 5, datetime(2027, 3, 5, 9), True),
        ):
            cls.ratings[key] = cls.env["rating.rating"].create(
                {
                    "res_model_id": cls.ticket_model.id,
                    "res_id": record.id,
                    "partner_id": cls.partner.id,
                    "rating": value,
                    "consumed": consumed,
                }
            )
            cls.ratings[key].kpi_rated_on = when
        cls.rating_avg = cls._create_definition(
            "RATE_AVG", "helpdesk", "rating_avg", rating_min_count=2, unit="/5"
        )
        cls.rating_count = cls._create_definition("RATE_COUNT", "helpdesk", "rating_count")

    def _values(self, definition):
        return definition._compute_values(self.agents, self.date_from, self.date_to)

    def test_rating_measures(self):
        a1, a2, a3 = self.agents.ids
        self.assertEqual(self._values(self.rating_count), {a1: 3.0, a2: 1.0, a3: 0.0})
        values = self._values(self.rating_avg)
        self.assertAlmostEqual(values[a1], 11 / 3)
        self.assertEqual((values[a2], values[a3]), (5.0, 0.0))

    def test_void_by_qa(self):
        rating = self.ratings["c"]
        with self.assertRaises(AccessError):
            rating.with_user(self.agent_users[0]).action_kpi_void("I do not like it")
        with self.assertRaisesRegex(ValidationError, "Void reason"):
            rating.with_user(self.user_officer).action_kpi_void("  ")
        wizard = self.env["kpi.rating.void"].with_user(self.user_officer).create(
            {"rating_ids": [(6, 0, rating.ids)], "reason": "The customer rated the courier."}
        )
        wizard.action_void()
        self.assertTrue(rating.kpi_voided)
        self.assertEqual(rating.kpi_voided_by_id, self.user_officer)
        note = self.ticket1.message_ids.filtered(lambda m: "The customer rated the courier." in (m.body or ""))
        self.assertEqual(len(note), 1)
        # (5 + 4) / 2 = 4.5 on 2 ratings
        a1 = self.agent1.id
        self.assertEqual(self._values(self.rating_count)[a1], 2.0)
        self.assertEqual(self._values(self.rating_avg)[a1], 4.5)

    def test_minimum_ratings_and_drilldown(self):
        plan = self._create_plan(
            [{"definition_id": self.rating_avg.id, "weight": 100, "target": 4.5}],
            employees=self.agent1 | self.agent2,
            bonus_base=1_000_000,
        )
        cards = self._generate(plan)
        card1 = cards.filtered(lambda card: card.employee_id == self.agent1)
        card2 = cards.filtered(lambda card: card.employee_id == self.agent2)
        # agent 1: 3 ratings ≥ 2; (11 / 3) / 4.5 = 81.4815 % (the calculator's unrounded
        # achievement) → 1,000,000 × 81.4815 % = 814,814.8 → 814,815 VND
        self.assertFalse(card1.line_ids.below_min_count)
        self.assertEqual(card1.bonus_amount, 814_815)
        # agent 2: 5 / 4.5 = 111.11 %, but 1 rating < 2: the KPI pays nothing
        self.assertTrue(card2.line_ids.below_min_count)
        self.assertAlmostEqual(card2.line_ids.achievement, 111.11, places=2)
        self.assertEqual(card2.bonus_amount, 0)
        # the what-if keeps the rule (same payout input)
        self.assertEqual(card2.what_if({"RATE_AVG": 5})["bonus"], 0)
        # drill-down: the 3 ratings of agent 1, their average the actual
        action = card1.line_ids.action_view_records()
        ratings = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(ratings, self.ratings["a"] | self.ratings["b"] | self.ratings["c"])
        self.assertAlmostEqual(sum(ratings.mapped("rating")) / len(ratings), card1.line_ids.actual, places=2)

    def test_simulation_and_calibration_keep_the_minimum(self):
        """The pay-impact simulation and the calibration replay March as a scorecard
        would: agent 2's single rating (minimum 2) pays nothing and is no sample."""
        plan = self._create_plan(
            [{"definition_id": self.rating_avg.id, "weight": 100, "target": 4.5}],
            employees=self.agent1 | self.agent2,
            bonus_base=1_000_000,
        )
        simulation = plan.simulate(self.date_from, self.date_to)
        new = {line.employee_id: line.new_bonus for line in simulation.line_ids}
        # agent 1: (11 / 3) / 4.5 = 81.4815 % × 1,000,000 = 814,815 VND (as the scorecard)
        self.assertEqual(new[self.agent1], 814_815)
        # agent 2: 5 / 4.5 = 111.11 %, but 1 rating < 2: 0 (not 1,111,111)
        self.assertEqual(new[self.agent2], 0)
        calibration = plan._run_calibration(
            periods=[(self.date_from, self.date_to)], employees=self.agent1 | self.agent2
        )
        # one sample (agent 1's 11 / 3 = 3.67, stored with 2 decimals); agent 2 is left out
        self.assertEqual(calibration.sample_count, 1)
        self.assertEqual(calibration.actual_median, 3.67)
