# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Real HR life on scorecards: hires, leavers, whole-month sick leave, Tết, transfers,
the period clock and the daily cron.

Plan: one KPI, CALLS (manual, sum), weight 100, target 220 (10 a working day), no
payout scale (payout = achievement, capped at 150 %), bonus base 2,200,000 VND.
September 2026, Mon–Fri: 22 working days; February 2027: 20.
"""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import KpiCommon

SEP_FROM, SEP_TO = date(2026, 9, 1), date(2026, 9, 30)
BASE = 2_200_000


@tagged("post_install", "-at_install", "kpi_hr_life")
class TestHrLife(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Department = cls.env["hr.department"]
        cls.telesales = Department.create({"name": "Telesales", "company_id": cls.company.id})
        cls.cskh = Department.create({"name": "CSKH", "company_id": cls.company.id})
        cls.agent3 = cls.agents[2]
        cls.calls = cls._create_definition("CALLS", unit="calls", manual_aggregate="sum")
        cls.plan = cls._create_plan([(cls.calls, 100, 220)], bonus_base=BASE)

    @classmethod
    def _contract(cls, employee, date_start, date_end=False, department=None, state="open", **values):
        return cls._create_contract(employee, date_start, date_end, department or cls.telesales, state, **values)

    def _card(self, cards, employee, plan=None):
        return cards.filtered(lambda c: c.employee_id == employee and (not plan or c.plan_id == plan))

    def test_hired_on_the_15th(self):
        self._contract(self.agent1, date(2026, 9, 15))
        # 50 calls on Sep 10 (before the hire: not counted), 120 on Sep 20
        self._add_manual_values(self.calls, {self.agent1: 50}, day=date(2026, 9, 10))
        self._add_manual_values(self.calls, {self.agent1: 120}, day=date(2026, 9, 20))
        card = self._card(self._generate(self.plan, SEP_FROM, SEP_TO), self.agent1)
        self.assertEqual((card.effective_date_from, card.effective_date_to), (date(2026, 9, 15), SEP_TO))
        # 12 of 22 days: target 220 × 12/22 = 120, actual 120 → 100 %
        self.assertEqual((card.working_days, card.absent_days, card.available_days), (22, 10, 12))
        self.assertAlmostEqual(card.prorate_factor, 12 / 22, places=4)
        line = card.line_ids
        self.assertAlmostEqual(line.target, 120.0)
        self.assertEqual(line.actual, 120.0)
        self.assertAlmostEqual(line.achievement, 100.0)
        # base 2,200,000 × 12/22 = 1,200,000 at 100 %
        self.assertEqual(card.bonus_base, 1_200_000)
        self.assertEqual(card.bonus_amount, 1_200_000)

    def test_leaver_archived_gets_a_scorecard(self):
        self._contract(self.agent2, date(2025, 1, 1), date(2026, 9, 10), state="close")
        self.agent2.active = False
        self._add_manual_values(self.calls, {self.agent2: 80}, day=date(2026, 9, 5))
        cards = self._generate(self.plan, SEP_FROM, SEP_TO)
        card = self._card(cards, self.agent2)
        self.assertTrue(card, "a leaver gets the scorecard of the period they left in")
        self.assertEqual(card.effective_date_to, date(2026, 9, 10))
        # 8 of 22 days: target 80, actual 80 → 100 %; base 2,200,000 × 8/22 = 800,000
        self.assertAlmostEqual(card.line_ids.target, 80.0)
        self.assertEqual(card.bonus_amount, 800_000)
        # confirmed the day after leaving
        with freeze_time("2026-09-11 09:00:00"):
            card.invalidate_recordset(["is_provisional"])
            self.assertFalse(card.is_provisional)
            card.action_confirm()
        self.assertEqual(card.state, "confirmed")

    def test_sick_the_whole_month_is_not_assessed(self):
        sick = self.env.ref("hr_holidays.holiday_status_sl")
        sick.company_id = False
        self.env["hr.leave"].with_context(leave_skip_state_check=True).create(
            {
                "employee_id": self.agent3.id,
                "holiday_status_id": sick.id,
                "request_date_from": SEP_FROM,
                "request_date_to": SEP_TO,
            }
        ).action_validate()
        self._add_manual_values(self.calls, {self.agent3: 5}, day=date(2026, 9, 10))
        card = self._card(self._generate(self.plan, SEP_FROM, SEP_TO), self.agent3)
        # 22 days of sick leave: A = 0, factor 0, target 0
        self.assertEqual((card.leave_days, card.available_days, card.prorate_factor), (22, 0, 0))
        self.assertFalse(card.is_assessed)
        self.assertTrue(card.not_assessed_reason)
        line = card.line_ids
        self.assertEqual((line.target, line.achievement, line.payout, line.bonus_amount), (0, 0, 0, 0))
        self.assertEqual(card.bonus_amount, 0)
        # leave does not cut the base (only the bonus: no work, no bonus)
        self.assertEqual(card.bonus_base, BASE)
        # the statement (and the portal page, same summary) says why
        html = self.env["ir.actions.report"]._render_qweb_html(
            "kpi_callcenter.kpi_scorecard_report_statement", card.ids
        )[0].decode()
        self.assertIn("o_kpi_not_assessed", html)
        self.assertIn("0.0 available days", html)

    def test_tet_month(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Tết",
                "calendar_id": self.calendar.id,
                "company_id": self.company.id,
                "date_from": datetime(2027, 2, 8, 0, 0),
                "date_to": datetime(2027, 2, 12, 23, 59, 59),
            }
        )
        feb_from, feb_to = date(2027, 2, 1), date(2027, 2, 28)
        self._add_manual_values(self.calls, {self.agent1: 165}, day=date(2027, 2, 17))
        card = self._card(self._generate(self.plan, feb_from, feb_to), self.agent1)
        # 20 - 5 public holidays = 15: target 220 × 15/20 = 165 → 100 %, full base
        self.assertEqual((card.working_days, card.holiday_days, card.available_days), (20, 5, 15))
        self.assertAlmostEqual(card.line_ids.target, 165.0)
        self.assertEqual(card.bonus_amount, BASE)
        # a 24/7 hotline keeps the full target: 165 / 220 = 75 % → 1,650,000
        hotline = self._create_plan(
            [(self.calls, 100, 220)], name="Hotline", bonus_base=BASE, holidays_reduce_targets=False
        )
        card = self._card(self._generate(hotline, feb_from, feb_to), self.agent1)
        self.assertEqual((card.holiday_days, card.prorate_factor), (0, 1.0))
        self.assertEqual(card.bonus_amount, 1_650_000)

    def test_transfer_gives_two_scorecards(self):
        """Telesales → CSKH on Sep 16 (a new contract): Sep 1–15 in the old plan, 16–30 in
        the new, 11/22 each; orders on both sides count on their own side."""
        orders = self._create_definition("ORDERS", source="sale", measure="order_count")
        old = self._create_plan(
            [(orders, 100, 4)], name="Telesales", employees=self.env["hr.employee"],
            department_ids=[Command.set(self.telesales.ids)], bonus_base=BASE,
        )
        new = self._create_plan(
            [(orders, 100, 4)], name="CSKH", employees=self.env["hr.employee"],
            department_ids=[Command.set(self.cskh.ids)], bonus_base=BASE,
        )
        self._contract(self.agent1, date(2025, 1, 1), date(2026, 9, 15), state="close")
        self._contract(self.agent1, date(2026, 9, 16), department=self.cskh)
        user = self.agent1.user_id
        self._create_sale_order(user, 100000, datetime(2026, 9, 10, 10, 0))
        self._create_sale_order(user, 100000, datetime(2026, 9, 11, 10, 0))
        self._create_sale_order(user, 100000, datetime(2026, 9, 20, 10, 0))
        cards = self._generate(old | new, SEP_FROM, SEP_TO)
        self.assertEqual(len(cards), 2, "only agent 1 is in these plans, once in each")
        card_old, card_new = self._card(cards, self.agent1, old), self._card(cards, self.agent1, new)
        self.assertEqual((card_old.effective_date_from, card_old.effective_date_to), (SEP_FROM, date(2026, 9, 15)))
        self.assertEqual((card_new.effective_date_from, card_new.effective_date_to), (date(2026, 9, 16), SEP_TO))
        self.assertAlmostEqual(card_old.prorate_factor, 11 / 22, places=4)
        self.assertAlmostEqual(card_new.prorate_factor, 11 / 22, places=4)
        # old: 2 orders / (4 × 11/22 = 2) = 100 %; base 2,200,000 × 11/22 = 1,100,000
        self.assertEqual(card_old.line_ids.actual, 2)
        self.assertEqual(card_old.bonus_base, 1_100_000)
        self.assertEqual(card_old.bonus_amount, 1_100_000)
        # new: 1 / 2 = 50 % of 1,100,000 → 550,000
        self.assertEqual(card_new.line_ids.actual, 1)
        self.assertEqual(card_new.bonus_amount, 550_000)

    def test_one_clock_whatever_the_user(self):
        """Orders at 23:30 and 00:30 local (Ho Chi Minh City, UTC+7) around both ends of
        September: the same actuals for users in UTC, New York, Ho Chi Minh City and the
        cron."""
        self.calendar.tz = "Asia/Ho_Chi_Minh"
        orders = self._create_definition("ORDERS", source="sale", measure="order_count")
        plan = self._create_plan([(orders, 100, 22)], name="Orders", employees=self.agent1, bonus_base=BASE)
        user = self.agent1.user_id
        for utc in (
            datetime(2026, 8, 31, 16, 30),  # Aug 31 23:30 local: August
            datetime(2026, 8, 31, 17, 30),  # Sep 1 00:30 local: September
            datetime(2026, 9, 30, 16, 30),  # Sep 30 23:30 local: September
            datetime(2026, 9, 30, 17, 30),  # Oct 1 00:30 local: October
            datetime(2026, 9, 30, 22, 0),  # Oct 1 05:00 local: October (September's night shift at 06:00)
        ):
            self._create_sale_order(user, 100000, utc)
        for tz in ("UTC", "America/New_York", "Asia/Ho_Chi_Minh"):
            self.user_hr_manager.tz = tz
            with self.subTest(tz=tz):
                cards = plan.with_user(self.user_hr_manager).with_context(tz=tz).generate_scorecards(SEP_FROM, SEP_TO)
                self.assertEqual(cards.line_ids.actual, 2)
        with freeze_time("2026-09-20 03:00:00"):  # the cron runs without any user time zone
            self.env["kpi.plan"].with_context(tz=False)._cron_generate_scorecards()
        card = self.env["kpi.scorecard"].search([("plan_id", "=", plan.id), ("date_from", "=", SEP_FROM)])
        self.assertEqual(card.line_ids.actual, 2, "the cron (no time zone) counts the same")
        # a business day starting at 06:00: Sep 1 00:30 is August's night shift; Oct 1
        # 00:30 and 05:00 are September's
        self.company.kpi_business_day_start = 6.0
        card.action_compute()
        self.assertEqual(card.line_ids.actual, 3)

    def test_cron_picks_up_new_hires_and_isolates_a_failing_plan(self):
        plan = self._create_plan(
            [(self.calls, 100, 220)], name="Telesales", employees=self.env["hr.employee"],
            department_ids=[Command.set(self.telesales.ids)], bonus_base=BASE,
        )
        broken = self._create_plan([(self.calls, 100, 220)], name="Broken", employees=self.agent2)
        # weights no longer sum to 100 (as after a faulty data import): computing fails
        self.env.cr.execute(SQL("UPDATE kpi_plan_line SET weight = 10 WHERE plan_id = %s", broken.id))
        broken.line_ids.invalidate_recordset(["weight"])
        broken.invalidate_recordset(["total_weight"])
        self._contract(self.agent1, date(2026, 9, 15))
        with freeze_time("2026-09-16 03:00:00"):
            self.env["kpi.plan"]._cron_generate_scorecards()
        card = self.env["kpi.scorecard"].search([("plan_id", "=", plan.id)])
        self.assertEqual(card.employee_id, self.agent1, "the new hire has a scorecard without HR")
        self.assertEqual((card.date_from, card.date_to), (SEP_FROM, SEP_TO))
        self.assertEqual(card.effective_date_from, date(2026, 9, 15))
        self.assertFalse(self.env["kpi.scorecard"].search([("plan_id", "=", broken.id)]))
        activity = broken.activity_ids.filtered(lambda a: a.user_id == self.user_hr_manager)
        self.assertTrue(activity, "the plan's KPI Managers are told")
        self.assertIn("could not be generated", broken.message_ids[:1].body)

    def test_probation_policies(self):
        """Contract from Sep 1, trial period until Sep 15 (11 working days: 1–4, 7–11, 14–15)."""
        contract = self._contract(self.agent1, SEP_FROM)
        contract.trial_date_end = date(2026, 9, 15)
        self._add_manual_values(self.calls, {self.agent1: 110}, day=date(2026, 9, 20))
        skip = self._create_plan(
            [(self.calls, 100, 220)], name="Skip", employees=self.agent1, bonus_base=BASE,
            probation_policy="skip",
        )
        card = self._card(self._generate(skip, SEP_FROM, SEP_TO), self.agent1)
        # not assessed before Sep 16: 11 of 22 days, target 110, base 1,100,000, 100 %
        self.assertEqual((card.absent_days, card.effective_date_from), (11, date(2026, 9, 16)))
        self.assertAlmostEqual(card.line_ids.target, 110.0)
        self.assertEqual(card.bonus_amount, 1_100_000)
        ramp = self._create_plan(
            [(self.calls, 100, 220)], name="Ramp", employees=self.agent1, bonus_base=BASE,
            probation_policy="ramp", probation_ramp_pct=50,
        )
        card = self._card(self._generate(ramp, SEP_FROM, SEP_TO), self.agent1)
        # first month of tenure: 50 % of the target (110); 110 / 110 = 100 % of the whole base
        self.assertEqual(card.prorate_factor, 0.5)
        self.assertAlmostEqual(card.line_ids.target, 110.0)
        self.assertEqual(card.bonus_amount, BASE)

    def test_gap_between_contracts_is_warned(self):
        self._contract(self.agent1, date(2025, 1, 1), date(2026, 9, 10), state="close")
        self._contract(self.agent1, date(2026, 9, 21))
        card = self._card(self._generate(self.plan, SEP_FROM, SEP_TO), self.agent1)
        # never silently zeroed: the whole month counts, 22 / 22, and the gap is shown
        self.assertEqual((card.absent_days, card.prorate_factor), (0, 1.0))
        self.assertIn("2026-09-11 → 2026-09-20", card.contract_gap_note)
        other = self._card(self._generate(self.plan, SEP_FROM, SEP_TO), self.agent2)
        self.assertFalse(other.contract_gap_note)
        # warned before confirmation: confirming opens the dialog listing the gap, nothing
        # is confirmed before the answer
        cards = card | other
        action = cards.with_user(self.user_officer).action_confirm()
        self.assertIsInstance(action, dict)
        self.assertEqual(action["res_model"], "kpi.scorecard.confirm")
        self.assertEqual(set(cards.mapped("state")), {"computed"})
        wizard = self.env["kpi.scorecard.confirm"].with_user(self.user_officer).browse(action["res_id"])
        self.assertEqual((wizard.contract_gap_count, wizard.gap_count), (1, 0))
        self.assertIn("no contract from 09/11/2026 – 09/20/2026", wizard.contract_gap_html)
        self.assertIn(self.agent1.name, wizard.contract_gap_html)
        self.assertNotIn(self.agent2.name, wizard.contract_gap_html)
        # only a KPI Officer acknowledges it; a context key alone confirms nothing
        with self.assertRaises(AccessError):
            cards.with_user(self.user_manager).with_context(kpi_ack_contract_gaps=True).action_confirm()
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_manager).action_confirm_anyway()
        self.assertEqual(set(cards.mapped("state")), {"computed"})
        wizard.action_confirm_anyway()
        self.assertEqual(set(cards.mapped("state")), {"confirmed"})
        note = card.message_ids.filtered(lambda m: "despite days without a contract" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.user_officer.partner_id)
        self.assertIn("09/11/2026 – 09/20/2026", note.body)
        self.assertFalse(other.message_ids.filtered(lambda m: "despite days without a contract" in (m.body or "")))

    def test_one_clock_for_calls(self):
        """Calls at 23:30 and 00:30 local (Ho Chi Minh City, UTC+7) at both ends of
        September: users in UTC, New York and Ho Chi Minh City and the cron count the
        same calls; with a business day from 06:00, the night shift's calls after midnight
        belong to the day before."""
        self.calendar.tz = "Asia/Ho_Chi_Minh"
        source = self.env["kpi.call.source"].create(
            {"name": "Clock PBX", "type": "asterisk", "company_id": self.company.id, "tz": "Asia/Ho_Chi_Minh"}
        )
        inbound = self._create_definition("CLOCK_IN", source="call", measure="inbound_count")
        plan = self._create_plan([(inbound, 100, 22)], name="Calls", employees=self.agent1, bonus_base=BASE)
        starts = (
            datetime(2026, 8, 31, 16, 30),  # Aug 31 23:30 local: August
            datetime(2026, 8, 31, 17, 30),  # Sep 1 00:30 local: September
            datetime(2026, 9, 30, 16, 30),  # Sep 30 23:30 local: September
            datetime(2026, 9, 30, 17, 30),  # Oct 1 00:30 local: October
            datetime(2026, 9, 30, 22, 0),  # Oct 1 05:00 local: October (September's night shift at 06:00)
        )
        self.env["kpi.call"].create(
            [
                {
                    "external_uid": f"clock-{index}",
                    "source_id": source.id,
                    "company_id": self.company.id,
                    "employee_id": self.agent1.id,
                    "direction": "inbound",
                    "start": start,
                    "talk_seconds": 60,
                    "disposition": "answered",
                    "phone": "+84912345678",
                }
                for index, start in enumerate(starts)
            ]
        )
        for tz in ("UTC", "America/New_York", "Asia/Ho_Chi_Minh"):
            self.user_hr_manager.tz = tz
            with self.subTest(tz=tz):
                cards = plan.with_user(self.user_hr_manager).with_context(tz=tz).generate_scorecards(SEP_FROM, SEP_TO)
                # Sep 1 00:30 and Sep 30 23:30
                self.assertEqual(cards.line_ids.actual, 2)
        with freeze_time("2026-09-20 03:00:00"):  # the cron runs without any user time zone
            self.env["kpi.plan"].with_context(tz=False)._cron_generate_scorecards()
        card = self.env["kpi.scorecard"].search([("plan_id", "=", plan.id), ("date_from", "=", SEP_FROM)])
        self.assertEqual(len(card), 1)
        self.assertEqual(card.line_ids.actual, 2, "the cron (no time zone) counts the same")
        # the drill-down shows the same two calls
        action = card.line_ids.action_view_records()
        self.assertEqual(
            sorted(self.env[action["res_model"]].search(action["domain"]).mapped("external_uid")),
            ["clock-1", "clock-2"],
        )
        # business day from 06:00: Sep 1 00:30 is August's night shift; Sep 30 23:30,
        # Oct 1 00:30 and Oct 1 05:00 are September's → 3, whoever computes
        self.company.kpi_business_day_start = 6.0
        for tz in ("UTC", "America/New_York"):
            self.user_hr_manager.tz = tz
            with self.subTest(tz=tz, business_day_start=6):
                card.with_user(self.user_hr_manager).with_context(tz=tz).action_compute()
                self.assertEqual(card.line_ids.actual, 3)

    def test_fixed_standard_days(self):
        """A company fixing 26 standard working days (ngày công chuẩn) whatever the month:
        a hire on Sep 15 (Mon–Fri schedule) is absent 10 scheduled days (1–4, 7–11, 14)."""
        self.company.kpi_standard_days = 26
        self._contract(self.agent1, date(2026, 9, 15))
        self._add_manual_values(self.calls, {self.agent1: 120}, day=date(2026, 9, 20))
        cards = self._generate(self.plan, SEP_FROM, SEP_TO)
        card = self._card(cards, self.agent1)
        # S = 26 (not 22), absent 10, A = 26 - 10 = 16, factor 16/26 = 0.6154
        self.assertEqual((card.working_days, card.absent_days, card.available_days), (26, 10, 16))
        self.assertAlmostEqual(card.prorate_factor, 16 / 26, places=4)
        # target 220 × 16/26 = 135.38; 120 / 135.38 = 88.64 %
        self.assertAlmostEqual(card.line_ids.target, 220 * 16 / 26, places=2)
        self.assertAlmostEqual(card.line_ids.achievement, 88.64, places=2)
        # base 2,200,000 × 16/26 = 1,353,846.15 → 1,353,846 VND; bonus 1,353,846.15 ×
        # 88.636 % = 2,200,000 × 120 / 220 = 1,200,000
        self.assertEqual(card.bonus_base, 1_353_846)
        self.assertEqual(card.bonus_amount, 1_200_000)
        # agent 2 (no contract: employed all month): 26 - 0 = 26, factor 1
        other = self._card(cards, self.agent2)
        self.assertEqual((other.working_days, other.available_days, other.prorate_factor), (26, 26, 1.0))

    def test_leave_reduces_the_base_option(self):
        """Three days of sick leave (Wed 2 – Fri 4 September), 190 calls: the target is
        prorated either way (220 × 19/22 = 190 → 100 %); the base is cut only on a plan
        that asks for it."""
        for day in (2, 3, 4):
            self._create_sick_leave(self.agent1, date(2026, 9, day))
        self._add_manual_values(self.calls, {self.agent1: 190}, day=date(2026, 9, 20))
        card = self._card(self._generate(self.plan, SEP_FROM, SEP_TO), self.agent1)
        self.assertEqual((card.working_days, card.leave_days, card.available_days), (22, 3, 19))
        self.assertAlmostEqual(card.line_ids.target, 190.0)
        self.assertAlmostEqual(card.line_ids.achievement, 100.0)
        # default: leave does not cut the base → 2,200,000 × 100 %
        self.assertEqual((card.bonus_base, card.bonus_amount), (BASE, BASE))
        cutting = self._create_plan(
            [(self.calls, 100, 220)], name="Leave cuts", employees=self.agent1, bonus_base=BASE,
            leave_reduces_base=True,
        )
        card = self._card(self._generate(cutting, SEP_FROM, SEP_TO), self.agent1)
        # base 2,200,000 × (22 - 3) / 22 = 1,900,000 at 100 %
        self.assertEqual((card.bonus_base, card.bonus_amount), (1_900_000, 1_900_000))

    def test_query_count_with_contracts_and_calendars(self):
        """Computing a plan costs no more queries for 9 employees than for 3,
        each with a contract (two hire dates), on two schedules (Mon–Fri, Mon–Sat), one of
        them with a day of sick leave: contracts, calendars and leaves are read in batches."""
        mon_sat = self.calendar.copy({"name": "Mon-Sat (queries)"})
        mon_sat.attendance_ids = [
            Command.create(
                {"name": f"Sat {period}", "dayofweek": "5", "hour_from": start, "hour_to": end, "day_period": period}
            )
            for period, start, end in (("morning", 8, 12), ("afternoon", 13, 17))
        ]

        def plan_for(count, suffix):
            employees = self.env["hr.employee"]
            for index in range(count):
                user = self.env["res.users"].create(
                    {"name": f"HQ {suffix} {index}", "login": f"hq_{suffix}_{index}",
                     "company_id": self.company.id, "company_ids": [Command.set(self.company.ids)]}
                )
                employee = self._create_employee(f"HQ {suffix} {index}", user)
                calendar = mon_sat if index % 3 == 0 else self.calendar
                employee.resource_calendar_id = calendar
                self._contract(
                    employee, date(2026, 1, 1) if index % 2 else date(2026, 9, 15),
                    resource_calendar_id=calendar.id,
                )
                employees |= employee
            self._create_sick_leave(employees[1], date(2026, 9, 22))
            self._add_manual_values(self.calls, dict.fromkeys(employees, 100), day=date(2026, 9, 24))
            return self._create_plan(
                [(self.calls, 100, 220)], name=f"HQ {suffix}", employees=employees, bonus_base=BASE
            )

        def count(plan):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            cards = plan.generate_scorecards(SEP_FROM, SEP_TO)
            self.env.flush_all()
            return self.cr.sql_log_count - before, cards

        small, big = plan_for(3, "s"), plan_for(9, "b")
        small.generate_scorecards(date(2026, 8, 1), date(2026, 8, 31))  # warm-up (ORM caches)
        count_small, cards_small = count(small)
        count_big, cards_big = count(big)
        self.assertEqual((len(cards_small), len(cards_big)), (3, 9))
        # employee 0 of each: hired Sep 15, Mon–Sat (26 days in September): Sep 15–30 has
        # 12 weekdays + 2 Saturdays (19, 26) = 14 → absent 26 - 14 = 12
        first = cards_big.filtered(lambda card: card.employee_id.name == "HQ b 0")
        self.assertEqual((first.working_days, first.absent_days), (26, 12))
        # 9 employees never cost more queries than 3 (51 and 48 when written: the first
        # plan also warms caches the second one finds filled)
        self.assertLessEqual(count_big, count_small, f"3 employees: {count_small} queries, 9: {count_big}")

    def test_minimum_available_days(self):
        """Hired on Tue Sep 29: 2 available days (29, 30) of 22. Assessed with the default
        minimum (1 day); not assessed (bonus 0, the reason shown) with a minimum of 3."""
        self._contract(self.agent1, date(2026, 9, 29))
        self._add_manual_values(self.calls, {self.agent1: 20}, day=date(2026, 9, 30))
        card = self._card(self._generate(self.plan, SEP_FROM, SEP_TO), self.agent1)
        # target 220 × 2/22 = 20, actual 20 → 100 % of the base 2,200,000 × 2/22 = 200,000
        self.assertEqual((card.available_days, card.is_assessed), (2, True))
        self.assertEqual(card.bonus_amount, 200_000)
        self.company.kpi_min_available_days = 3
        card.action_compute()
        self.assertFalse(card.is_assessed)
        self.assertTrue(card.not_assessed_reason)
        self.assertEqual(card.bonus_amount, 0)
