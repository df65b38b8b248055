# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The computation pipeline: chatter and tracking, bulk writes, the zero-target rule."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import KpiCommon


@tagged("post_install", "-at_install", "kpi_scorecard")
class TestScorecardCompute(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calls = cls._create_definition("CALLS", unit="calls", manual_aggregate="sum")
        cls.aht = cls._create_definition("AHT", direction="lower", unit="s")
        cls.plan = cls._create_plan([(cls.calls, 70, 200), (cls.aht, 30, 300)], bonus_base=1_000_000)

    def _line(self, card, definition):
        return card.line_ids.filtered(lambda line: line.definition_id == definition)

    def _messages(self, cards):
        self.env.flush_all()
        cards.invalidate_recordset(["message_ids"])
        return {card.id: len(card.message_ids) for card in cards}

    def test_chatter_once_per_explicit_compute_never_for_the_hourly_refresh(self):
        self._add_manual_values(self.calls, {self.agent1: 100})
        with freeze_time("2027-03-20 10:00:00"):
            cards = self._generate(self.plan)
        # generating: one note on the plan (3 created, 3 computed), none on the scorecards
        self.assertEqual(self._messages(cards), dict.fromkeys(cards.ids, 0))
        self.plan.invalidate_recordset(["message_ids"])
        generated = self.plan.message_ids.filtered(lambda m: "generated" in (m.body or ""))
        self.assertEqual(len(generated), 1)
        self.assertIn("3 created, 3 computed", generated.body)
        self.assertEqual(generated.author_id, self.env.user.partner_id)
        self.assertTrue(all(card.computed_on and card.state == "computed" for card in cards))
        # no tracking of computed figures (score, bonus)
        tracked = cards.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertFalse({"score", "bonus_amount"} & set(tracked))
        before = self._messages(cards)
        card1 = cards.filtered(lambda card: card.employee_id == self.agent1)
        self._add_manual_values(self.calls, {self.agent1: 60}, day=date(2027, 3, 20))
        with freeze_time("2027-03-21 07:00:00"):
            self.env["kpi.scorecard"]._cron_recompute_provisional()
        # the figures moved (100 + 60 calls of 200 = 80 %, × 70 = 56 points), the stamp too,
        # without any message
        self.assertAlmostEqual(self._line(card1, self.calls).actual, 160.0)
        self.assertAlmostEqual(self._line(card1, self.calls).score, 56.0)
        self.assertEqual(str(card1.computed_on), "2027-03-21 07:00:00")
        self.assertEqual(self._messages(cards), before)
        # an explicit compute: one message per scorecard
        cards.action_compute()
        after = self._messages(cards)
        self.assertEqual({card_id: after[card_id] - before[card_id] for card_id in after}, dict.fromkeys(before, 1))
        notes = cards.message_ids.filtered(lambda m: "Computed: score" in (m.body or ""))
        self.assertEqual(set(notes.mapped("res_id")), set(cards.ids))
        # generating again refreshes without a note: nothing created, no state changed
        plan_messages = len(self.plan.message_ids)
        self._generate(self.plan)
        self.plan.invalidate_recordset(["message_ids"])
        self.assertEqual(len(self.plan.message_ids), plan_messages)
        self.assertEqual(self._messages(cards), after)

    def test_refresh_queries_do_not_grow_with_employees(self):
        def plan_for(count, suffix):
            employees = self.env["hr.employee"]
            for index in range(count):
                user = self.env["res.users"].create(
                    {"name": f"RF {suffix} {index}", "login": f"rf_{suffix}_{index}",
                     "company_id": self.company.id, "company_ids": [Command.set(self.company.ids)]}
                )
                employees |= self._create_employee(f"RF {suffix} {index}", user)
            definition = self._create_definition(f"RF_{suffix}", manual_aggregate="sum")
            self._add_manual_values(definition, dict.fromkeys(employees, 4.0))
            plan = self._create_plan(
                [(definition, 50, 10), (self._create_definition(f"RF2_{suffix}"), 50, 10)],
                employees=employees, name=f"RF {suffix}",
            )
            return self._generate(plan)

        def count(cards):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            cards._recompute()
            self.env.flush_all()
            return self.cr.sql_log_count - before

        small, big = plan_for(5, "s"), plan_for(60, "b")
        count(small)  # warm-up
        self.assertEqual(count(small), count(big))
        # 4 of target 10 = 40 %, × 50 = 20 points; 0 of 10 = 0
        self.assertAlmostEqual(big[0].score, 20.0)
        self.assertEqual(big[0].bonus_amount, 0.0)

    def test_sick_the_whole_month_scores_nothing(self):
        sick = self.env.ref("hr_holidays.holiday_status_sl")
        sick.company_id = False
        self.env["hr.leave"].with_context(leave_skip_state_check=True).create(
            {
                "employee_id": self.agent1.id,
                "holiday_status_id": sick.id,
                "request_date_from": date(2027, 3, 1),
                "request_date_to": date(2027, 3, 31),
            }
        ).action_validate()
        self._add_manual_values(self.aht, {self.agent2: 300})
        cards = self._generate(self.plan)
        card1 = cards.filtered(lambda card: card.employee_id == self.agent1)
        # 23 working days, all on sick leave: factor 0; the call target 200 × 0 = 0 and the
        # AHT line (not prorated) has no day to be measured on: nothing reads as 100 %
        self.assertEqual((card1.working_days, card1.leave_days, card1.prorate_factor), (23.0, 23.0, 0.0))
        self.assertEqual(self._line(card1, self.calls).target, 0.0)
        self.assertEqual(self._line(card1, self.calls).achievement, 0.0)
        self.assertEqual(self._line(card1, self.aht).achievement, 0.0)
        self.assertEqual((card1.score, card1.bonus_amount), (0.0, 0.0))
        # agent 2 worked: AHT 300 s for a target of 300 s = 100 % × 30 = 30 points and
        # 1,000,000 × 30 % = 300,000; no call: 0 of 200
        card2 = cards.filtered(lambda card: card.employee_id == self.agent2)
        self.assertAlmostEqual(card2.score, 30.0)
        self.assertEqual(card2.bonus_amount, 300_000)

    def test_one_query_per_source(self):
        """All the sales KPIs of a period in one query, all the manual ones in another."""
        sales = (
            self._create_definition("SO_COUNT", "sale", "order_count")
            | self._create_definition("SO_REV", "sale", "revenue")
            | self._create_definition("SO_AVG", "sale", "avg_order_value")
        )
        self._create_sale_order(self.agent1.user_id, 1000.0, self._dt(2027, 3, 3, 10, 0))
        self._create_sale_order(self.agent1.user_id, 3000.0, self._dt(2027, 3, 4, 10, 0))
        csat_sum = self._create_definition("CSAT_SUM", manual_aggregate="sum")
        self._add_manual_values(self.aht, {self.agent1: [200, 400]})
        self._add_manual_values(csat_sum, {self.agent1: [4, 5]})
        definitions = sales | self.aht | csat_sum
        self.env.flush_all()
        definitions._measure(self.agents, self.date_from, self.date_to)  # warm the record cache
        with self.assertQueryCount(2):
            measured = definitions._measure(self.agents, self.date_from, self.date_to)
        a1, a2, _a3 = self.agents.ids
        # 2 orders, 1000 + 3000 = 4000, 4000 / 2 = 2000
        self.assertEqual([measured[d.id][a1] for d in sales], [2.0, 4000.0, 2000.0])
        self.assertEqual([measured[d.id][a2] for d in sales], [0.0, 0.0, 0.0])
        # AHT averages (200 + 400) / 2 = 300; the CSAT sum is 4 + 5 = 9
        self.assertEqual((measured[self.aht.id][a1], measured[csat_sum.id][a1]), (300.0, 9.0))
