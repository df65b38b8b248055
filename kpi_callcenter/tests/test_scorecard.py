# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KpiCommon


@tagged("post_install", "-at_install", "kpi_scorecard")
class TestScorecard(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calls = cls._create_definition("CALLS", unit="calls", manual_aggregate="sum")
        cls.aht = cls._create_definition("AHT", direction="lower", unit="s")
        cls.plan = cls._create_plan([(cls.calls, 70, 200), (cls.aht, 30, 300)])

    def _card(self, cards, employee):
        return cards.filtered(lambda c: c.employee_id == employee)

    def _line(self, card, definition):
        return card.line_ids.filtered(lambda line: line.definition_id == definition)

    def test_both_directions_cap_and_score(self):
        self._add_manual_values(self.calls, {self.agent1: 250, self.agent2: 100, self.agents[2]: 400})
        self._add_manual_values(self.aht, {self.agent1: 240, self.agent2: 600, self.agents[2]: 0})
        cards = self._generate(self.plan)
        self.assertEqual(len(cards), 3)
        self.assertEqual(set(cards.mapped("state")), {"computed"})
        card1, card2, card3 = (self._card(cards, agent) for agent in self.agents)
        # agent 1: 250/200 = 125 %, lower: 300/240 = 125 % → 0.7*125 + 0.3*125 = 125
        self.assertAlmostEqual(self._line(card1, self.calls).achievement, 125.0)
        self.assertAlmostEqual(self._line(card1, self.aht).achievement, 125.0)
        self.assertAlmostEqual(self._line(card1, self.calls).score, 87.5)
        self.assertAlmostEqual(card1.score, 125.0)
        # agent 2: 100/200 = 50 %, 300/600 = 50 % → 50
        self.assertAlmostEqual(card2.score, 50.0)
        # agent 3: 400/200 = 200 % capped at 150; AHT 0 → cap 150 → 150
        self.assertAlmostEqual(self._line(card3, self.calls).achievement, 150.0)
        self.assertAlmostEqual(self._line(card3, self.aht).achievement, 150.0)
        self.assertAlmostEqual(card3.score, 150.0)
        self.assertEqual(card1.prorate_factor, 1.0)
        self.assertEqual(card1.working_days, 23.0)
        self.assertEqual(card1.leave_days, 0.0)

    def test_custom_cap(self):
        # the plan's terms with a cap of 110 % on the calls (an active plan is never edited)
        plan = self._create_plan(
            [{"definition_id": self.calls.id, "weight": 70, "target": 200, "cap": 110}, (self.aht, 30, 300)],
            name="Capped plan",
        )
        self._add_manual_values(self.calls, {self.agent1: 300})
        card = self._card(self._generate(plan), self.agent1)
        self.assertAlmostEqual(self._line(card, self.calls).achievement, 110.0)

    def test_proration_with_sick_leave(self):
        sick = self.env.ref("hr_holidays.holiday_status_sl")
        self.assertTrue(sick.kpi_prorate)
        sick.company_id = False
        paid = self.env["hr.leave.type"].create(
            {"name": "Paid (KPI test)", "requires_allocation": "no", "kpi_prorate": False}
        )
        Leave = self.env["hr.leave"].with_context(leave_skip_state_check=True)
        # agent 1: sick Wed 3 → Tue 9 March 2027 (5 working days)
        Leave.create(
            {
                "employee_id": self.agent1.id,
                "holiday_status_id": sick.id,
                "request_date_from": date(2027, 3, 3),
                "request_date_to": date(2027, 3, 9),
            }
        ).action_validate()
        # agent 2: 2 days of paid leave: does not prorate
        Leave.create(
            {
                "employee_id": self.agent2.id,
                "holiday_status_id": paid.id,
                "request_date_from": date(2027, 3, 15),
                "request_date_to": date(2027, 3, 16),
            }
        ).action_validate()
        self._add_manual_values(self.calls, {self.agent1: 180, self.agent2: 180})
        self._add_manual_values(self.aht, {self.agent1: 300, self.agent2: 300})
        cards = self._generate(self.plan)
        card1, card2 = self._card(cards, self.agent1), self._card(cards, self.agent2)
        self.assertEqual(card1.working_days, 23.0)
        self.assertEqual(card1.leave_days, 5.0)
        self.assertAlmostEqual(card1.prorate_factor, 18 / 23, places=4)
        calls1 = self._line(card1, self.calls)
        # count target 200 × 18/23 = 156.52; 180 calls → 115 %
        self.assertAlmostEqual(calls1.target, 200 * 18 / 23)
        self.assertEqual(calls1.target_full, 200)
        self.assertTrue(calls1.prorated)
        self.assertAlmostEqual(calls1.achievement, 180 / (200 * 18 / 23) * 100)
        # averages are never prorated
        aht1 = self._line(card1, self.aht)
        self.assertEqual(aht1.target, 300)
        self.assertFalse(aht1.prorated)
        # paid leave: no proration
        self.assertEqual(card2.prorate_factor, 1.0)
        self.assertEqual(card2.leave_days, 0.0)
        self.assertAlmostEqual(self._line(card2, self.calls).achievement, 90.0)

    def test_generate_is_idempotent_and_refreshes(self):
        self._add_manual_values(self.calls, {self.agent1: 100})
        cards = self._generate(self.plan)
        self.assertAlmostEqual(self._line(self._card(cards, self.agent1), self.calls).actual, 100)
        self._add_manual_values(self.calls, {self.agent1: 50})
        again = self._generate(self.plan)
        self.assertEqual(again, cards)
        self.assertAlmostEqual(self._line(self._card(again, self.agent1), self.calls).actual, 150)
        self.assertEqual(len(self._card(again, self.agent1).line_ids), 2)

    def test_assignment_by_department_and_job(self):
        department = self.env["hr.department"].create({"name": "CSKH", "company_id": self.company.id})
        job = self.env["hr.job"].create({"name": "Telesales", "company_id": self.company.id})
        self.agent1.department_id = department
        self.agent2.job_id = job
        plan = self._create_plan(
            [(self.calls, 100, 10)], employees=self.env["hr.employee"], name="By dept/job",
        )
        plan.write({"department_ids": [Command.set(department.ids)], "job_ids": [Command.set(job.ids)]})
        cards = self._generate(plan)
        self.assertEqual(cards.employee_id, self.agent1 | self.agent2)
        self.assertEqual(plan.employee_count, 2)

    def _flush_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_locking_and_workflow(self):
        self._add_manual_values(self.calls, {self.agent1: 100})
        card = self._card(self._generate(self.plan), self.agent1)
        self._flush_tracking()
        card.action_confirm()
        self._flush_tracking()
        self.assertEqual(card.state, "confirmed")
        with self.assertRaisesRegex(UserError, "locked"):
            card.action_compute()
        # figures are the workflow's, whatever the user (see test_rpc_attack.py)
        with self.assertRaisesRegex(AccessError, "Agent 1"):
            card.with_user(self.user_hr_manager).write({"score": 1.0})
        with self.assertRaisesRegex(AccessError, "Agent 1"):
            card.line_ids[0].with_user(self.user_hr_manager).write({"actual": 1.0})
        # the values of a confirmed scorecard are final; generate leaves it untouched
        with self.assertRaisesRegex(UserError, "its values are final"):
            self._add_manual_values(self.calls, {self.agent1: 100})
        self._generate(self.plan)
        self.assertAlmostEqual(self._line(card, self.calls).actual, 100)
        # only a KPI manager resets
        with self.assertRaises(AccessError):
            card.with_user(self.user_officer).action_reset_to_draft()
        card.with_user(self.user_hr_manager).action_reset_to_draft()
        self._flush_tracking()
        self.assertEqual(card.state, "draft")
        # a paid scorecard is never reset
        card.action_compute()
        card.action_confirm()
        self._flush_tracking()
        card._write_workflow({"state": "paid"})
        self._flush_tracking()
        with self.assertRaisesRegex(UserError, "Paid"):
            card.with_user(self.user_hr_manager).action_reset_to_draft()
        # state changes are tracked in the chatter: confirmed, draft, confirmed, paid
        tracked = card.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "state")
        self.assertEqual(
            sorted(tracked.mapped("new_value_char")), ["Confirmed", "Confirmed", "Draft", "Paid"]
        )
        self.assertTrue(any("Computed: score" in body for body in card.message_ids.mapped("body")))

    def test_confirm_needs_computed(self):
        card = self.env["kpi.scorecard"].create(
            {
                "employee_id": self.agent1.id,
                "plan_id": self.plan.id,
                "date_from": self.date_from,
                "date_to": self.date_to,
                "company_id": self.company.id,
            }
        )
        with self.assertRaisesRegex(UserError, "Only computed"):
            card.action_confirm()

    def test_unique_scorecard_per_employee_plan_period(self):
        vals = {
            "employee_id": self.agent1.id,
            "plan_id": self.plan.id,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "company_id": self.company.id,
        }
        self.env["kpi.scorecard"].create(vals)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["kpi.scorecard"].create(vals)

    # ------------------------------------------------------------------
    # Bad input: clear errors naming the record
    # ------------------------------------------------------------------
    def test_weights_must_sum_to_100(self):
        plan = self._create_plan([(self.calls, 60, 10), (self.aht, 30, 10)], activate=False, name="Bad weights")
        with self.assertRaisesRegex(ValidationError, "Bad weights.*90"):
            plan.action_activate()
        with self.assertRaisesRegex(ValidationError, "Bad weights"):
            plan.generate_scorecards(self.date_from, self.date_to)

    def test_negative_target_refused(self):
        # checked on a draft version (an active plan's lines refuse any change)
        version = self._new_version(self.plan)
        with self.assertRaisesRegex(ValidationError, r"Test plan / \[CALLS\].*negative"):
            version.line_ids[0].target = -5

    def test_period_end_before_start(self):
        with self.assertRaisesRegex(ValidationError, "before it starts"):
            self.plan.generate_scorecards(date(2027, 3, 31), date(2027, 3, 1))

    def test_negative_bonus_base_refused(self):
        version = self._new_version(self.plan)
        with self.assertRaisesRegex(ValidationError, "Test plan"):
            version.bonus_base = -1


@tagged("post_install", "-at_install", "kpi_scorecard")
class TestScorecardQueryCount(KpiCommon):
    """Computing a plan costs the same number of queries for 5 or 50 employees."""

    agent_count = 0

    def _plan_for(self, count, suffix):
        employees = self.env["hr.employee"]
        for index in range(count):
            user = self.env["res.users"].create(
                {"name": f"QC {suffix} {index}", "login": f"qc_{suffix}_{index}", "company_id": self.company.id,
                 "company_ids": [Command.set(self.company.ids)]}
            )
            employees |= self._create_employee(f"QC {suffix} {index}", user)
        # Two KPIs from two sources: 50 employees x 2 lines = 100 rows, one ORM batch
        # (the ORM inserts and updates rows 100 at a time: +1 query per 100 rows, which
        # tests/bench_scorecards.py shows at 1,000 employees).
        definitions = [
            self._create_definition(f"QC_SO_{suffix}", "sale", "order_count"),
            self._create_definition(f"QC_CSAT_{suffix}"),
        ]
        for employee in employees:
            self._create_sale_order(employee.user_id, 1000.0, datetime(2027, 3, 3, 10, 0))
        self._add_manual_values(definitions[1], dict.fromkeys(employees, 4.0))
        plan = self._create_plan(
            [(definition, 50, 10) for definition in definitions], employees=employees, name=f"QC {suffix}"
        )
        return plan

    def _count_queries(self, plan):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        cards = plan.generate_scorecards(self.date_from, self.date_to)
        self.env.flush_all()
        return self.cr.sql_log_count - before, cards

    def test_query_count_does_not_grow_with_employees(self):
        small, big = self._plan_for(5, "s"), self._plan_for(50, "b")
        # warm-up (ORM caches, registry) on a throwaway period
        small.generate_scorecards(date(2027, 1, 1), date(2027, 1, 31))
        count_small, cards_small = self._count_queries(small)
        count_big, cards_big = self._count_queries(big)
        self.assertEqual(len(cards_small), 5)
        self.assertEqual(len(cards_big), 50)
        self.assertEqual(set(cards_big.mapped("state")), {"computed"})
        self.assertAlmostEqual(cards_big[0].line_ids.filtered(lambda line: line.code.startswith("QC_SO")).actual, 1.0)
        self.assertEqual(
            count_small, count_big, f"5 employees: {count_small} queries, 50 employees: {count_big}"
        )
