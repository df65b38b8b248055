# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Period review lines and audited adjustments.

March 2027, bonus base 1,000,000 ₫, no scale. CALLS (sum, target 100, weight 50,
threshold 80 %), CSAT (average, target 90, weight 40, threshold 90 %), QUAL (target 10,
weight 10, no threshold).

- agent 1: 70 calls (70 % < 80 %: review), CSAT 90 (100 %), QUAL 0: score 35 + 40 = 75,
  bonus 0 + 400,000 = 400,000.
- agent 2: 100 calls, CSAT 81 (90 %: exactly the threshold, no review), QUAL 10.
- agent 3: 50 calls (review), CSAT 72 (80 % < 90 %: review), QUAL 10.
Exactly three review lines. Adjusting agent 1's CALLS target to 70 (a system outage):
100 %, score 50 + 40 = 90, bonus 500,000 + 400,000 = 900,000.
"""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import KpiCommon


@tagged("post_install", "-at_install", "kpi_governance")
class TestReview(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calls = cls._create_definition("CALLS", name="Calls", manual_aggregate="sum")
        cls.csat = cls._create_definition("CSAT", name="CSAT")
        cls.qual = cls._create_definition("QUAL", name="Quality")
        cls.plan = cls._create_plan(
            [
                {"definition_id": cls.calls.id, "weight": 50, "target": 100, "threshold": 80},
                {"definition_id": cls.csat.id, "weight": 40, "target": 90, "threshold": 90},
                {"definition_id": cls.qual.id, "weight": 10, "target": 10},
            ],
            bonus_base=1_000_000,
        )
        a1, a2, a3 = cls.agents
        cls._add_manual_values(cls.calls, {a1: 70, a2: 100, a3: 50})
        cls._add_manual_values(cls.csat, {a1: 90, a2: 81, a3: 72})
        cls._add_manual_values(cls.qual, {a2: 10, a3: 10})
        cls.cards = cls._generate(cls.plan)
        cls.card1 = cls.cards.filtered(lambda c: c.employee_id == a1)

    def _line(self, card, definition):
        return card.line_ids.filtered(lambda line: line.definition_id == definition)

    def _confirm(self):
        self.cards.with_user(self.user_officer).action_confirm()
        return self.env["kpi.review.line"].search([("scorecard_id", "in", self.cards.ids)])

    def test_review_lines_for_exactly_the_lines_below_threshold(self):
        self.assertFalse(self.env["kpi.review.line"].search([("scorecard_id", "in", self.cards.ids)]))
        reviews = self._confirm()
        a1, _a2, a3 = self.agents
        self.assertEqual(
            sorted((r.employee_id.name, r.definition_id.code) for r in reviews),
            [("Agent 1", "CALLS"), ("Agent 3", "CALLS"), ("Agent 3", "CSAT")],
        )
        self.assertEqual(set(reviews.mapped("manager_id")), {self.manager})
        self.assertEqual(set(reviews.mapped("state")), {"to_review"})
        self.assertEqual(reviews.filtered(lambda r: r.employee_id == a1).achievement, 70.0)
        # confirming again after a reset creates no duplicate
        self.card1.with_user(self.user_hr_manager).action_reset_to_draft()
        self.card1.action_compute()
        self.card1.action_confirm()
        self.assertEqual(len(self.env["kpi.review.line"].search([("scorecard_id", "in", self.cards.ids)])), 3)
        self.assertTrue(a3)

    def test_team_manager_fills_in_the_reason(self):
        reviews = self._confirm()
        review = reviews.filtered(lambda r: r.employee_id == self.agent1)
        self.env.flush_all()
        self.env.cr.precommit.run()  # the creation's own tracking, as at a commit
        as_manager = review.with_user(self.user_manager)
        as_manager.write({"reason": "equipment", "note": "Headset broken for a week."})
        self.assertEqual(review.state, "done")
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written at commit time
        self.assertEqual(
            set(review.message_ids.tracking_value_ids.field_id.mapped("name")), {"reason", "note"}
        )
        with self.assertRaises(AccessError):
            as_manager.write({"manager_id": False})
        # an agent sees no review line, the other team's manager neither
        with self.assertRaises(AccessError):
            review.with_user(self.agent_users[0]).read(["reason"])
        # the report: reasons per KPI and team
        reviews.filtered(lambda r: r.definition_id == self.csat).write({"reason": "training"})
        groups = self.env["kpi.review.line"]._read_group(
            [("id", "in", reviews.ids)], ["definition_id", "manager_id", "reason"], ["__count"]
        )
        self.assertEqual(
            sorted((d.code, m.name, r or "", c) for d, m, r, c in groups),
            [("CALLS", "Team Manager", "", 1), ("CALLS", "Team Manager", "equipment", 1),
             ("CSAT", "Team Manager", "training", 1)],
        )

    def test_adjustment_needs_a_reason(self):
        Adjustment = self.env["kpi.scorecard.adjustment"].with_user(self.user_hr_manager)
        line = self._line(self.card1, self.calls)
        for reason in (False, "", "   "):
            with self.assertRaisesRegex(ValidationError, r"Agent 1 - Test plan - 03/2027 / \[CALLS\] Calls, "
                                                         r"field Reason: an adjustment needs a reason"):
                Adjustment.create({"scorecard_line_id": line.id, "field": "target", "new_value": 70,
                                   "reason": reason})
        with self.assertRaises(AccessError):
            self.env["kpi.scorecard.adjustment"].with_user(self.user_officer).create(
                {"scorecard_line_id": line.id, "field": "target", "new_value": 70, "reason": "x"}
            )
        self.assertEqual(line.target, 100)

    def test_adjustment_is_applied_tracked_and_kept(self):
        self._confirm()
        line = self._line(self.card1, self.calls)
        self.assertEqual((self.card1.score, self.card1.bonus_amount), (75.0, 400_000))
        adjustment = self.env["kpi.scorecard.adjustment"].with_user(self.user_hr_manager).create(
            {"scorecard_line_id": line.id, "field": "target", "new_value": 70,
             "reason": "PBX outage on 3 days"}
        )
        self.assertEqual(adjustment.scorecard_id, self.card1)
        self.assertEqual((adjustment.old_value, adjustment.new_value), (100, 70))
        self.assertEqual(adjustment.user_id, self.user_hr_manager)
        self.assertEqual((line.target, line.achievement, line.score), (70, 100, 50))
        self.assertEqual((self.card1.score, self.card1.bonus_amount), (90.0, 900_000))
        self.assertEqual(self.card1.state, "confirmed")
        body = self.card1.message_ids[0].body
        self.assertIn("[CALLS] Calls: Target adjusted by", body)
        self.assertIn("from 100.0 to 70.0", body)
        self.assertIn("Reason: PBX outage on 3 days", body)
        # never edited nor deleted
        with self.assertRaises(AccessError):
            adjustment.with_user(self.user_hr_manager).reason = "other"
        with self.assertRaises(AccessError):
            adjustment.with_user(self.user_hr_manager).unlink()
        # a recomputation keeps it
        self.card1.with_user(self.user_hr_manager).action_reset_to_draft()
        self.card1.action_compute()
        self.assertEqual((line.target, self.card1.score, self.card1.bonus_amount), (70, 90.0, 900_000))
        # an actual, too
        self.env["kpi.scorecard.adjustment"].with_user(self.user_hr_manager).create(
            {"scorecard_line_id": self._line(self.card1, self.qual).id, "field": "actual",
             "new_value": 5, "reason": "Audit found 5 checked calls"}
        )
        self.assertEqual((self.card1.score, self.card1.bonus_amount), (95.0, 950_000))

    def test_paid_scorecard_cannot_be_adjusted(self):
        self._confirm()
        self.card1._write_workflow({"state": "paid"})
        with self.assertRaisesRegex(UserError, "paid and cannot be adjusted"):
            self.env["kpi.scorecard.adjustment"].with_user(self.user_hr_manager).create(
                {"scorecard_line_id": self._line(self.card1, self.calls).id, "field": "target",
                 "new_value": 70, "reason": "late"}
            )
