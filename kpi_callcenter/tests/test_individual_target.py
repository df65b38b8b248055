# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Individual targets (``kpi.target``): the scorecard, import, lock, audit, health check,
announcement, calibration and access, hand-checked.

The plan "Telesales" (bonus base 1,000,000 VND, no payout scale: a KPI pays its
achievement): ORDERS (manual, sum) weight 70 %, target 100 orders; CSAT (average)
weight 30 %, target 90. September 2026, Mon–Fri: 1 September is a Tuesday, so
4 + 5 + 5 + 5 + 3 = 22 working days (S = 22).

Agent 1 has an individual target of 80 orders for September and two days of validated
sick leave (Monday 14 and Tuesday 15): 20 of 22 days available, factor 20 / 22.

- ORDERS: prorated target 80 × 20 / 22 = 72.7272…; 76 orders → 76 × 22 / (80 × 20)
  = 1672 / 1600 = 104.5 % → 104.5 × 70 / 100 = 73.15 points; bonus 1,000,000 × 70 %
  × 104.5 % = 731,500.
- CSAT: 90 of 90 = 100 % (averages are not prorated) → 30 points; bonus 300,000.
- Score 73.15 + 30 = 103.15; bonus 731,500 + 300,000 = 1,031,500 (the bonus base is
  not cut by leave).

Agent 2, same 76 orders and CSAT 90, no individual target, no leave: 76 / 100 = 76 %
→ 53.2 points, 532,000; score 83.2, bonus 832,000.
"""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import KpiCommon

SEPTEMBER = (date(2026, 9, 1), date(2026, 9, 30))


class KpiTargetCommon(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.orders = cls._create_definition("ORDERS", name="Orders", unit="orders", manual_aggregate="sum")
        cls.csat = cls._create_definition("CSAT", name="Customer satisfaction")
        cls.plan = cls._create_plan(
            [(cls.orders, 70, 100), (cls.csat, 30, 90)], name="Telesales", bonus_base=1_000_000
        )
        cls.orders_line = cls.plan.line_ids.filtered(lambda line: line.definition_id == cls.orders)
        cls.agent3 = cls.agents[2]

    @classmethod
    def _create_target(cls, employee, target, period=SEPTEMBER, note="New in the team: ramp-up", user=None):
        Target = cls.env["kpi.target"].with_user(user or cls.user_officer)
        return Target.create(
            {
                "plan_line_id": cls.orders_line.id,
                "employee_id": employee.id,
                "date_from": period[0],
                "date_to": period[1],
                "target": target,
                "note": note,
            }
        )

    @classmethod
    def _september(cls):
        day = date(2026, 9, 10)
        cls._add_manual_values(cls.orders, dict.fromkeys(cls.agents, 76), day=day)
        cls._add_manual_values(cls.csat, dict.fromkeys(cls.agents, 90), day=day)
        return cls._generate(cls.plan, *SEPTEMBER)

    @staticmethod
    def _line(card, definition):
        return card.line_ids.filtered(lambda line: line.definition_id == definition)

    @staticmethod
    def _card(cards, employee):
        return cards.filtered(lambda card: card.employee_id == employee)


@tagged("post_install", "-at_install", "kpi_scorecard")
class TestIndividualTarget(KpiTargetCommon):
    def test_individual_target_vs_plan_target_with_sick_leave(self):
        target = self._create_target(self.agent1, 80)
        self._create_sick_leave(self.agent1, date(2026, 9, 14))
        self._create_sick_leave(self.agent1, date(2026, 9, 15))
        cards = self._september()
        card1, card2 = self._card(cards, self.agent1), self._card(cards, self.agent2)
        # S = 22, 2 days of sick leave: factor 20 / 22
        self.assertEqual((card1.working_days, card1.leave_days, card1.available_days), (22.0, 2.0, 20.0))
        self.assertAlmostEqual(card1.prorate_factor, 20 / 22, places=4)
        orders1 = self._line(card1, self.orders)
        self.assertEqual(orders1.target_id, target)
        self.assertTrue(orders1.is_individual_target)
        self.assertEqual(orders1.target_note, "New in the team: ramp-up")
        self.assertEqual(orders1.target_full, 80.0)
        self.assertTrue(orders1.prorated)
        self.assertAlmostEqual(orders1.target, 80 * 20 / 22, places=4)  # 72.7272…
        self.assertAlmostEqual(orders1.achievement, 104.5, places=6)  # 76 × 22 / 1600
        self.assertAlmostEqual(orders1.score, 73.15, places=6)
        self.assertEqual(orders1.bonus_amount, 731_500)  # 1,000,000 × 70 % × 104.5 %
        self.assertFalse(self._line(card1, self.csat).is_individual_target)
        self.assertAlmostEqual(card1.score, 103.15, places=6)
        self.assertEqual(card1.bonus_amount, 1_031_500)
        # agent 2 keeps the plan's target: 76 / 100 = 76 % → 53.2 + 30 points
        orders2 = self._line(card2, self.orders)
        self.assertFalse(orders2.target_id)
        self.assertEqual((orders2.target_full, orders2.target), (100.0, 100.0))
        self.assertAlmostEqual(card2.score, 83.2, places=6)
        self.assertEqual(card2.bonus_amount, 832_000)  # 532,000 + 300,000
        # the refresh (adjustments) and the what-if read the individual target back
        cards._refresh_figures()
        self.assertEqual(orders1.target_id, target)
        self.assertEqual(card1.bonus_amount, 1_031_500)
        # what if 80 orders: 80 × 22 / 1600 = 110 % → 77 points, 770,000 + 300,000
        what_if = card1.with_user(self.agent_users[0]).what_if({"ORDERS": 80})
        self.assertAlmostEqual(what_if["lines"]["ORDERS"]["achievement"], 110.0, places=6)
        self.assertAlmostEqual(what_if["score"], 107.0, places=6)
        self.assertEqual(what_if["bonus"], 1_070_000)
        # a target for October only changes nothing in September
        target.date_to = date(2026, 9, 29)  # no longer covers the whole period
        cards.action_compute()
        self.assertFalse(orders1.target_id)
        self.assertEqual(orders1.target_full, 100.0)

    def test_query_count_does_not_grow_with_employees(self):
        def plan_for(count, suffix):
            employees = self.env["hr.employee"]
            for index in range(count):
                employees |= self._create_employee(f"IT {suffix} {index}")
            definition = self._create_definition(f"IT_{suffix}", manual_aggregate="sum")
            plan = self._create_plan(
                [(definition, 50, 10), (self._create_definition(f"IT2_{suffix}"), 50, 10)],
                employees=employees, name=f"IT {suffix}",
            )
            self.env["kpi.target"].create(
                [
                    {"plan_line_id": plan.line_ids[0].id, "employee_id": employee.id, "target": 8,
                     "date_from": self.date_from, "date_to": self.date_to, "note": "Part-time"}
                    for employee in employees
                ]
            )
            return self._generate(plan)

        def count(cards):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            cards._recompute()
            self.env.flush_all()
            return self.cr.sql_log_count - before

        small, big = plan_for(3, "s"), plan_for(15, "b")
        count(small)  # warm-up
        self.assertEqual(count(small), count(big))
        self.assertTrue(all(big.line_ids.filtered(lambda line: line.target_full == 8).mapped("is_individual_target")))
        self.assertEqual(len(big.line_ids.filtered("is_individual_target")), 15)

    def test_lock_refuses_edit_and_delete(self):
        target = self._create_target(self.agent1, 80, period=(date(2026, 9, 1), date(2026, 12, 31)))
        cards = self._september()
        card1 = self._card(cards, self.agent1)
        # draft / computed: still editable
        target.with_user(self.user_officer).note = "Ramp-up after the transfer"
        card1.action_confirm()
        self.assertTrue(target.is_used_locked)
        Target = target.with_user(self.user_officer)
        for vals in ({"target": 90}, {"note": "Changed"}, {"employee_id": self.agent2.id},
                     {"date_from": date(2026, 9, 2)}, {"date_to": date(2026, 9, 29)}):
            with self.subTest(vals=vals), self.assertRaises(UserError) as caught:
                Target.write(vals)
            self.assertIn(target.display_name, str(caught.exception))
            self.assertIn(card1.display_name, str(caught.exception))
        with self.assertRaises(UserError) as caught:
            Target.unlink()
        self.assertIn(card1.display_name, str(caught.exception))
        self.assertEqual(target.target, 80.0)
        # the coming periods may still change: end the target in September, then a new one
        Target.date_to = date(2026, 9, 30)
        october = self._create_target(self.agent1, 90, period=(date(2026, 10, 1), date(2026, 12, 31)))
        self.assertEqual(october.target, 90.0)
        # agent 2's September scorecard is computed, not locked: a target may still be set
        self.assertEqual(self._create_target(self.agent2, 70).target, 70.0)

    def test_set_in_advance_of_locked_scorecards(self):
        cards = self._september()
        self._card(cards, self.agent2).action_confirm()
        with self.assertRaises(UserError) as caught:
            self._create_target(self.agent2, 70)
        message = str(caught.exception)
        self.assertIn("set in advance", message)
        self.assertIn(self._card(cards, self.agent2).display_name, message)
        self.assertFalse(self.env["kpi.target"].search([("employee_id", "=", self.agent2.id)]))

    def test_reason_period_overlap_and_own_target(self):
        with self.assertRaises(ValidationError) as caught:
            self._create_target(self.agent1, 80, note="  ")
        self.assertIn("field Reason", str(caught.exception))
        self._create_target(self.agent1, 80)
        with self.assertRaises(ValidationError) as caught:
            self._create_target(self.agent1, 70, period=(date(2026, 9, 15), date(2026, 10, 31)))
        self.assertIn("overlaps Agent 1 / Telesales / ORDERS / 2026-09-01 → 2026-09-30", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self._create_target(self.agent2, -5)
        self.assertIn("field Target", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self._create_target(self.agent2, 5, period=(date(2026, 9, 30), date(2026, 9, 1)))
        self.assertIn("field End", str(caught.exception))
        # a KPI Officer who is an employee of the plan sets no target of their own
        officer_employee = self._create_employee("Officer", self.user_officer)
        with self.assertRaises(AccessError):
            self._create_target(officer_employee, 10)

    def test_audit_trail(self):
        target = self._create_target(self.agent1, 80).with_env(self.env)
        self.env.cr.precommit.run()  # the creation's own tracking, as at a commit
        # a context asking not to track is ignored: the audit trail stays
        Target = target.with_user(self.user_hr_manager).with_context(tracking_disable=True)
        Target.write({"target": 85, "note": "Part-time from September"})
        self.env.cr.precommit.run()  # tracking values are written at commit time
        target.invalidate_recordset(["message_ids"])
        tracking = target.message_ids.tracking_value_ids
        by_field = {value.field_id.name: value for value in tracking}
        self.assertEqual((by_field["target"].old_value_float, by_field["target"].new_value_float), (80.0, 85.0))
        self.assertEqual(by_field["note"].old_value_text, "New in the team: ramp-up")
        self.assertEqual(by_field["note"].new_value_text, "Part-time from September")
        self.assertEqual(by_field["target"].mail_message_id.author_id, self.user_hr_manager.partner_id)
        # the deletion is logged on the plan
        target.with_user(self.user_hr_manager).unlink()
        self.plan.invalidate_recordset(["message_ids"])
        self.assertIn("Individual targets deleted by", self.plan.message_ids[0].body)
        self.assertIn("Agent 1 / Telesales / ORDERS", self.plan.message_ids[0].body)

    def test_health_check_flags_far_targets(self):
        self.company.kpi_target_deviation_pct = 30.0
        far = self._create_target(self.agent1, 60)  # |60 - 100| / 100 = 40 % > 30 %
        self._create_target(self.agent2, 75)  # 25 %: within the limit
        self._create_target(self.agent3, 130)  # 30 %: at the limit, not beyond
        issues = self.plan.with_user(self.user_hr_manager)._get_health_issues()
        flagged = [issue for issue in issues if issue["rule"] == "individual_target"]
        self.assertEqual(len(flagged), 1)
        self.assertEqual(flagged[0]["severity"], "warning")
        self.assertEqual(flagged[0]["key"], f"individual_target:{far.id}:60.0:100.0")
        self.assertIn("Agent 1", flagged[0]["message"])
        self.assertIn("40.0 % away", flagged[0]["message"])
        self.assertEqual(far.deviation_pct, 40.0)
        # a stricter company flags agent 2 and agent 3 too
        self.company.kpi_target_deviation_pct = 20.0
        issues = self.plan.with_user(self.user_hr_manager)._get_health_issues()
        self.assertEqual(len([issue for issue in issues if issue["rule"] == "individual_target"]), 3)
        with self.assertRaises(ValidationError):
            self.company.kpi_target_deviation_pct = -1

    def test_import(self):
        Target = self.env["kpi.target"].with_user(self.user_officer)
        fields_ = ["employee_id", "plan_line_id", "date_from", "date_to", "target", "note"]
        good = ["Agent 1", "Telesales / ORDERS", "2026-09-01", "2026-09-30", "80", "Ramp-up"]
        rows = [
            good,
            ["Nobody Known", "Telesales / ORDERS", "2026-09-01", "2026-09-30", "80", "Ramp-up"],
            ["Agent 2", "Telesales / ORDERS", "2026-09-01", "2026-09-30", "-4", "Typo"],
            ["Agent 3", "Telesales / ORDERS", "2026-09-01", "2026-09-30", "70", ""],
        ]
        with mute_logger("odoo.sql_db"):  # the rows without a required value fail in SQL
            result = Target.load(fields_, rows)
        self.assertFalse(result["ids"])
        errors = [message for message in result["messages"] if message["type"] == "error"]
        by_row = {}
        for message in errors:
            by_row[message["rows"]["from"]] = by_row.get(message["rows"]["from"], "") + message["message"]
        self.assertEqual(set(by_row), {1, 2, 3}, result["messages"])
        self.assertIn("Nobody Known", by_row[1])
        self.assertIn("Agent 2 / Telesales / ORDERS", by_row[2])
        self.assertIn("field Target", by_row[2])
        self.assertIn("Reason", by_row[3])
        self.assertFalse(self.env["kpi.target"].search([("plan_id", "=", self.plan.id)]), "nothing stored")
        # the good rows alone are imported
        result = Target.load(fields_, [good, ["Agent 2", "Telesales / ORDERS", "2026-09-01", "2026-12-31", "90",
                                               "Senior: more leads"]])
        self.assertEqual(len(result["ids"]), 2, result["messages"])
        imported = self.env["kpi.target"].browse(result["ids"])
        self.assertEqual(imported.mapped("target"), [80.0, 90.0])
        self.assertEqual(imported.plan_line_id, self.orders_line)

    def test_access(self):
        target1 = self._create_target(self.agent1, 80)
        target3 = self._create_target(self.agent3, 90)
        Target = self.env["kpi.target"]
        # an agent reads their own target only, and changes nothing
        self.assertEqual(Target.with_user(self.agent_users[0]).search([]), target1)
        with self.assertRaises(AccessError):
            target1.with_user(self.agent_users[0]).write({"target": 200})
        with self.assertRaises(AccessError):
            self._create_target(self.agent2, 200, user=self.agent_users[0])
        # the team manager reads the team's targets, changes nothing
        self.assertEqual(Target.with_user(self.user_manager).search([]), target1 | target3)
        with self.assertRaises(AccessError):
            target3.with_user(self.user_manager).write({"target": 95})
        # another company's officer sees none
        other = self.env["res.company"].create({"name": "Other KPI Co"})
        officer2 = self.env["res.users"].create(
            {"name": "Officer 2", "login": "kpi_officer_other", "company_id": other.id,
             "company_ids": [Command.set(other.ids)],
             "groups_id": [Command.set([self.env.ref("kpi_callcenter.group_kpi_officer").id,
                                        self.env.ref("base.group_user").id])]}
        )
        self.assertFalse(Target.with_user(officer2).search([]))

    @freeze_time("2026-08-20")
    def test_announcement_shows_own_targets_only(self):
        plan = self._create_plan([(self.orders, 70, 100), (self.csat, 30, 90)], name="Telesales v2",
                                 activate=False)
        line = plan.line_ids.filtered(lambda plan_line: plan_line.definition_id == self.orders)
        self.env["kpi.target"].create(
            {"plan_line_id": line.id, "employee_id": self.agent1.id, "date_from": SEPTEMBER[0],
             "date_to": SEPTEMBER[1], "target": 80, "note": "Ramp-up after the transfer"}
        )
        plan.with_user(self.user_hr_manager).action_activate()
        announcements = self.env["kpi.plan.announcement"].search([("plan_id", "=", plan.id)])
        self.assertEqual(announcements.employee_id, self.agents)
        own = announcements.filtered(lambda a: a.employee_id == self.agent1)
        self.assertIn("o_kpi_announcement_targets", own.body)
        self.assertIn("Orders: 80 orders from 2026-09-01 to 2026-09-30, instead of the plan's 100 orders.", own.body)
        self.assertIn("Ramp-up after the transfer", own.body)
        others = announcements - own
        for announcement in others:
            self.assertNotIn("o_kpi_announcement_targets", announcement.body)
            self.assertNotIn("Ramp-up", announcement.body)
        # agent 1 has a message of their own; the others share one
        self.assertEqual(own.message_id.partner_ids, self.agent_users[0].partner_id)
        self.assertEqual(len(others.message_id), 1)
        self.assertEqual(others.message_id.partner_ids, self.agent_users[1:].partner_id)


@tagged("post_install", "-at_install", "kpi_governance")
@freeze_time("2027-04-05")
class TestIndividualTargetCalibration(KpiTargetCommon):
    """Calibration per employee, January to March 2027 (the 3 months before 5 April):
    agent 1 made 60, 70, 110 orders (median 70), agent 2 50, 50, 50; agent 3 nothing but
    in March, 90. A month without any value adds no sample, so each employee has 3."""

    def test_suggested_per_employee(self):
        for months_before, orders in ((2, (60, 50, 0)), (1, (70, 50, 0)), (0, (110, 50, 90))):
            start, _end = self._month(months_before)
            values = {agent: value for agent, value in zip(self.agents, orders, strict=True) if value}
            self._add_manual_values(self.orders, values, day=start.replace(day=10))
        target = self._create_target(self.agent2, 55, period=(date(2027, 4, 1), date(2027, 4, 30)))
        calibrations = self.plan.with_user(self.user_hr_manager)._run_calibration()
        rows = calibrations.filtered(lambda c: c.definition_id == self.orders).employee_line_ids
        by_employee = {row.employee_id: row for row in rows}
        self.assertEqual(set(by_employee), set(self.agents))
        # agent 1: median of 60, 70, 110 = 70; achievement median 70 / 100 = 70 %
        self.assertEqual(by_employee[self.agent1].sample_count, 3)
        self.assertAlmostEqual(by_employee[self.agent1].suggested_target, 70.0)
        self.assertAlmostEqual(by_employee[self.agent1].achievement_median, 70.0)
        # agent 2: 50 every month; their individual target of April shown next to it
        self.assertAlmostEqual(by_employee[self.agent2].suggested_target, 50.0)
        self.assertEqual(by_employee[self.agent2].target_id, target)
        self.assertEqual(by_employee[self.agent2].individual_target, 55.0)
        # agent 3: 0, 0, 90 → median 0
        self.assertAlmostEqual(by_employee[self.agent3].suggested_target, 0.0)
        # from the suggestion to an individual target
        action = by_employee[self.agent1].action_set_individual_target()
        self.assertEqual(action["res_model"], "kpi.target")
        self.assertEqual(action["context"]["default_target"], 70.0)
        self.assertEqual(action["context"]["default_employee_id"], self.agent1.id)
        self.assertIn("median 70.0 over 3 periods", action["context"]["default_note"])


@tagged("post_install", "-at_install", "kpi_portal")
class TestIndividualTargetPortal(HttpCase, KpiTargetCommon):
    def test_portal_and_statement_show_your_target(self):
        self._create_target(self.agent1, 80)
        cards = self._september()
        card1, card2 = self._card(cards, self.agent1), self._card(cards, self.agent2)
        self.authenticate("kpi_agent1", "kpi_agent1")
        response = self.url_open(f"/my/kpi/{card1.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_kpi_individual_target", response.text)
        self.assertIn("Your target", response.text)
        self.assertIn("New in the team: ramp-up", response.text)
        self.authenticate("kpi_agent2", "kpi_agent2")
        response = self.url_open(f"/my/kpi/{card2.id}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("o_kpi_individual_target", response.text)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("kpi_callcenter.report_kpi_scorecard_statement", card1.ids)[0]
            .decode()
        )
        self.assertIn("o_kpi_individual_target", html)
        self.assertIn("Your target", html)
