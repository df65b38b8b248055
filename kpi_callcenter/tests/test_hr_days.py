# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Real HR life, the building blocks: the period clock, the days of a schedule,
employment and transfers from contracts, public holidays loaded from ``holidays``.

September 2026 starts on a Tuesday: Mon–Fri it has 22 working days (1–4, 7–11, 14–18,
21–25, 28–30), 26 Mon–Sat (4 Saturdays). February 2027 has 20 (1–5 … 22–26).
"""

from datetime import date, datetime

from odoo import Command
from odoo.tests import new_test_user, tagged, users

from ..engine import days as engine_days
from .common import KpiCommon

SEP_FROM, SEP_TO = date(2026, 9, 1), date(2026, 9, 30)


@tagged("post_install", "-at_install", "kpi_hr_days")
class TestHrDays(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Department = cls.env["hr.department"]
        cls.telesales = Department.create({"name": "Telesales", "company_id": cls.company.id})
        cls.cskh = Department.create({"name": "CSKH", "company_id": cls.company.id})
        cls.agent_job = cls.env["hr.job"].create({"name": "Agent", "company_id": cls.company.id})
        cls.user_time_off = new_test_user(
            cls.env,
            "kpi_time_off_manager",
            groups="base.group_user,hr.group_hr_user,hr_holidays.group_hr_holidays_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _contract(cls, employee, date_start, date_end=False, department=None, state="open", **values):
        return cls._create_contract(
            employee, date_start, date_end, department or cls.telesales, state, job_id=cls.agent_job.id, **values
        )

    def _figures(self, employee, date_from=SEP_FROM, date_to=SEP_TO, **options):
        work, holidays, leaves = self.env["resource.calendar"]._kpi_get_day_shares(
            employee, date_from, date_to
        )[employee.id]
        segments = self.env["hr.contract"]._kpi_get_segments(employee, date_from, date_to)[employee.id]
        ranges = engine_days.plan_ranges(date_from, date_to, segments, lambda dep, job: True)
        return engine_days.days_figures(work, holidays, leaves, ranges, **options)

    # ------------------------------------------------------------------
    # The period clock
    # ------------------------------------------------------------------
    def test_period_clock_ignores_the_user_time_zone(self):
        """The bounds of September follow the company schedule (Ho Chi Minh City, UTC+7),
        whoever asks: users in UTC, New York and Ho Chi Minh City, and the cron (no tz)."""
        self.calendar.tz = "Asia/Ho_Chi_Minh"
        expected = (datetime(2026, 8, 31, 17, 0), datetime(2026, 9, 30, 17, 0))
        for tz in ("UTC", "America/New_York", "Asia/Ho_Chi_Minh", False):
            self.user_officer.tz = tz
            company = self.company.with_user(self.user_officer).with_context(tz=tz)
            with self.subTest(tz=tz):
                self.assertEqual(company._kpi_period_bounds(SEP_FROM, SEP_TO), expected)
                measure = self.env["kpi.measure"].with_user(self.user_officer).with_context(tz=tz)
                self.assertEqual(measure._period_bounds(SEP_FROM, SEP_TO, self.company), expected)
        # a night shift company: the business day starts at 06:00 local = 23:00 UTC
        self.company.kpi_business_day_start = 6.0
        self.assertEqual(
            self.company._kpi_period_bounds(SEP_FROM, SEP_TO),
            (datetime(2026, 8, 31, 23, 0), datetime(2026, 9, 30, 23, 0)),
        )

    # ------------------------------------------------------------------
    # Days of a schedule
    # ------------------------------------------------------------------
    def test_hired_on_the_15th(self):
        # Sep 15–30 Mon–Fri: 15–18 (4) + 21–25 (5) + 28–30 (3) = 12 of 22
        self._contract(self.agent1, date(2026, 9, 15))
        figures = self._figures(self.agent1)
        self.assertEqual(figures["working_days"], 22.0)
        self.assertEqual(figures["absent_days"], 10.0)
        self.assertEqual(figures["available_days"], 12.0)
        self.assertAlmostEqual(figures["prorate_factor"], 12 / 22)

    def test_left_on_the_10th_archived(self):
        # Sep 1–10 Mon–Fri: 1–4 (4) + 7–10 (4) = 8 of 22
        self._contract(self.agent1, date(2025, 1, 1), date(2026, 9, 10), state="close")
        self.agent1.action_archive()
        figures = self._figures(self.agent1)
        self.assertEqual((figures["absent_days"], figures["available_days"]), (14.0, 8.0))
        self.assertAlmostEqual(figures["prorate_factor"], 8 / 22)

    def test_draft_and_cancelled_contracts_are_ignored(self):
        self._contract(self.agent1, date(2026, 9, 15), state="cancel")
        self._contract(self.agent2, date(2026, 9, 15), state="draft")
        segments = self.env["hr.contract"]._kpi_get_segments(self.agent1 | self.agent2, SEP_FROM, SEP_TO)
        # no valid contract at all: the current department and job, whole period
        self.assertEqual(segments[self.agent1.id], [(SEP_FROM, SEP_TO, None, None)])
        self.assertEqual(segments[self.agent2.id], [(SEP_FROM, SEP_TO, None, None)])

    def test_mon_sat_and_half_days(self):
        calendar = self.calendar.copy({"name": "Mon-Sat"})
        saturday = [
            {"name": f"Sat {period}", "dayofweek": "5", "hour_from": start, "hour_to": end, "day_period": period}
            for period, start, end in (("morning", 8, 12), ("afternoon", 13, 17))
        ]
        calendar.attendance_ids = [(0, 0, vals) for vals in saturday]
        self.agent1.resource_calendar_id = calendar
        # 22 weekdays + 4 Saturdays (5, 12, 19, 26) = 26
        self.assertEqual(self._figures(self.agent1)["working_days"], 26.0)
        # Saturday mornings only: 22 + 4 × 0.5 = 24
        calendar.attendance_ids.filtered(lambda a: a.dayofweek == "5" and a.day_period == "afternoon").unlink()
        self.assertEqual(self._figures(self.agent1)["working_days"], 24.0)

    def test_tet_public_holidays_and_sick_leave(self):
        """Feb 2027 with public holidays Mon 8 – Fri 12 on the schedule: 15 / 20. Sick leave
        over a holiday counts once (the holiday)."""
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Tết",
                "calendar_id": self.calendar.id,
                "company_id": self.company.id,
                "date_from": datetime(2027, 2, 8, 0, 0),
                "date_to": datetime(2027, 2, 12, 23, 59, 59),
            }
        )
        feb = {"date_from": date(2027, 2, 1), "date_to": date(2027, 2, 28)}
        figures = self._figures(self.agent1, **feb)
        self.assertEqual(
            (figures["working_days"], figures["holiday_days"], figures["available_days"]), (20.0, 5.0, 15.0)
        )
        self.assertEqual(figures["prorate_factor"], 0.75)
        # a 24/7 hotline plan keeps the full target on public holidays
        self.assertEqual(self._figures(self.agent1, holidays_reduce=False, **feb)["prorate_factor"], 1.0)
        sick = self.env.ref("hr_holidays.holiday_status_sl")
        sick.company_id = False
        # sick Thu 11 – Tue 16 Feb: 11, 12 are holidays; 15, 16 are leave → 20 - 5 - 2 = 13
        self.env["hr.leave"].with_context(leave_skip_state_check=True).create(
            {
                "employee_id": self.agent1.id,
                "holiday_status_id": sick.id,
                "request_date_from": date(2027, 2, 11),
                "request_date_to": date(2027, 2, 16),
            }
        ).action_validate()
        figures = self._figures(self.agent1, **feb)
        self.assertEqual((figures["leave_days"], figures["available_days"]), (2.0, 13.0))

    def test_unpaid_leave_does_not_prorate(self):
        self.assertFalse(self.env.ref("hr_holidays.holiday_status_unpaid").kpi_prorate)
        self.assertTrue(self.env.ref("hr_holidays.holiday_status_cl").kpi_prorate)
        new_type = self.env["hr.leave.type"].create({"name": "Maternity (KPI test)", "requires_allocation": "no"})
        self.assertTrue(new_type.kpi_prorate, "a new leave type prorates by default")

    # ------------------------------------------------------------------
    # Transfers and gaps
    # ------------------------------------------------------------------
    def test_transfer_by_contract(self):
        self._contract(self.agent1, date(2025, 1, 1), date(2026, 9, 15), state="close")
        self._contract(self.agent1, date(2026, 9, 16), department=self.cskh)
        segments = self.env["hr.contract"]._kpi_get_segments(self.agent1, SEP_FROM, SEP_TO)[self.agent1.id]
        job = self.agent_job.id
        self.assertEqual(
            segments,
            [
                (SEP_FROM, date(2026, 9, 15), self.telesales.id, job),
                (date(2026, 9, 16), SEP_TO, self.cskh.id, job),
            ],
        )

    def test_dated_transfer_without_contract(self):
        self._contract(self.agent1, date(2025, 1, 1))
        self.env["kpi.employee.transfer"].create(
            {"employee_id": self.agent1.id, "date": date(2026, 9, 16), "department_id": self.cskh.id}
        )
        segments = self.env["hr.contract"]._kpi_get_segments(self.agent1, SEP_FROM, SEP_TO)[self.agent1.id]
        self.assertEqual(
            [(start, end, dep) for start, end, dep, _job in segments],
            [(SEP_FROM, date(2026, 9, 15), self.telesales.id), (date(2026, 9, 16), SEP_TO, self.cskh.id)],
        )

    def test_gap_between_contracts_is_warned_not_zeroed(self):
        self._contract(self.agent1, date(2025, 1, 1), date(2026, 9, 10), state="close")
        self._contract(self.agent1, date(2026, 9, 21))
        gaps = self.env["hr.contract"]._kpi_get_gaps(self.agents, SEP_FROM, SEP_TO)
        self.assertEqual(gaps, {self.agent1: [(date(2026, 9, 11), date(2026, 9, 20))]})
        # the gap stays employed: nothing absent
        self.assertEqual(self._figures(self.agent1)["absent_days"], 0.0)

    def test_queries_do_not_depend_on_the_number_of_employees(self):
        for employee in self.agents:
            self._contract(employee, date(2026, 9, 15))
        self.env.invalidate_all()
        Calendar, Contract = self.env["resource.calendar"], self.env["hr.contract"]
        counts = []
        # the first round warms the caches (groups, time zones), the next two are compared
        for employees in (self.agent1, self.agent1, self.agents):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            Calendar._kpi_get_day_shares(employees, SEP_FROM, SEP_TO)
            Contract._kpi_get_segments(employees, SEP_FROM, SEP_TO)
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual(counts[1], counts[2], "1 employee vs 3: same number of queries")

    # ------------------------------------------------------------------
    # Public holidays
    # ------------------------------------------------------------------
    @users("kpi_time_off_manager")
    def test_load_vietnam_public_holidays(self):
        calendar = self.calendar.with_user(self.env.user)
        calendar.tz = "Asia/Ho_Chi_Minh"
        wizard = self.env["kpi.public.holiday.load"].create(
            {"calendar_id": calendar.id, "country_id": self.env.ref("base.vn").id, "year": 2026}
        )
        wizard.action_load()
        leaves = self.env["resource.calendar.leaves"].search(
            [("calendar_id", "=", calendar.id), ("resource_id", "=", False)]
        )
        days = {leave.date_from.date() for leave in leaves}
        # each local day starts at 17:00 UTC the day before: Tết 16–20 Feb 2026
        for tet_day in (15, 16, 17, 18, 19):
            self.assertIn(date(2026, 2, tet_day), days)
        self.assertIn(date(2026, 4, 29), days, "30/4")
        self.assertIn(date(2026, 9, 1), days, "2/9 (1 Sep 17:00 UTC)")
        # the make-up Saturday 22 Aug 2026 became a working day (Monday's hours)
        made_up = calendar.attendance_ids.filtered(lambda a: a.date_from == date(2026, 8, 22))
        self.assertEqual(set(made_up.mapped("dayofweek")), {"5"})
        self.assertTrue(made_up)
        # idempotent
        wizard.action_load()
        self.assertEqual(
            self.env["resource.calendar.leaves"].search_count(
                [("calendar_id", "=", calendar.id), ("resource_id", "=", False)]
            ),
            len(leaves),
        )
        self.assertEqual(len(calendar.attendance_ids.filtered(lambda a: a.date_from)), len(made_up))
        # August 2026: 21 weekdays + Sat 22 = 22 working days, Mon 31 a public holiday
        self.agent1.sudo().resource_calendar_id = calendar
        figures = self._figures(self.agent1.sudo(), date(2026, 8, 1), date(2026, 8, 31))
        self.assertEqual((figures["working_days"], figures["holiday_days"]), (22.0, 1.0))
