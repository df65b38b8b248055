# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import api, models

PUBLIC_HOLIDAY_DOMAIN = [("time_type", "=", "leave"), ("resource_id", "=", False)]
PRORATING_LEAVE_DOMAIN = [
    ("time_type", "=", "leave"),
    ("resource_id", "!=", False),
    ("holiday_id.holiday_status_id.kpi_prorate", "=", True),
]


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_kpi_load_public_holidays(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kpi_callcenter.kpi_public_holiday_load_action"
        )
        action["context"] = {"default_calendar_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Business: the days of a period
    # ------------------------------------------------------------------
    @api.model
    def _kpi_get_day_shares(self, employees, date_from, date_to):
        """``{employee_id: (work, holidays, leaves)}``, three ``{date: share of a day}``
        over ``[date_from, date_to]``: the employee's schedule without time off, the
        public holidays on it, and the validated prorating time off on it (not on a
        public holiday). A half day counts 0.5, as Odoo's calendars count it.

        Days are those of the company's schedule time zone (the one clock). Bounded
        queries: a few per working schedule, whatever ``len(employees)``. The caller
        checked its access to the scorecards: schedules and time off are read as sudo.
        """
        result = {}
        employees_sudo = employees.sudo()
        by_calendar = defaultdict(lambda: employees_sudo.browse())
        for employee_sudo in employees_sudo:
            by_calendar[employee_sudo.resource_calendar_id] |= employee_sudo
        for calendar_sudo, calendar_employees in by_calendar.items():
            if not calendar_sudo:
                for employee_sudo in calendar_employees:
                    result[employee_sudo.id] = ({}, {}, {})
                continue
            tz = pytz.timezone(calendar_employees[:1].company_id._kpi_tz())
            start = tz.localize(datetime.combine(date_from, time.min))
            stop = tz.localize(datetime.combine(date_to + timedelta(days=1), time.min))
            resources = calendar_employees.resource_id
            attendances = calendar_sudo._attendance_intervals_batch(start, stop, resources, tz=tz)
            holidays = calendar_sudo._leave_intervals_batch(
                start, stop, resources, domain=list(PUBLIC_HOLIDAY_DOMAIN), tz=tz
            )
            leaves = calendar_sudo._leave_intervals_batch(
                start, stop, resources, domain=list(PRORATING_LEAVE_DOMAIN), tz=tz
            )
            # (hours, days) of each attendance line, looked up once per schedule rather
            # than once per interval of each employee
            durations = {}
            for employee_sudo in calendar_employees:
                rid = employee_sudo.resource_id.id
                work_intervals = attendances[rid]
                holiday_intervals = work_intervals & holidays[rid]
                leave_intervals = (work_intervals & leaves[rid]) - holidays[rid]
                result[employee_sudo.id] = tuple(
                    self._kpi_day_shares(intervals, durations)
                    for intervals in (work_intervals, holiday_intervals, leave_intervals)
                )
        return result

    @api.model
    def _kpi_day_shares(self, intervals, durations=None):
        """``{date: days}`` of attendance intervals (their records as payload), each
        interval counting its attendances' share of a day pro rata of its hours.
        ``durations``: ``{attendance id: (hours, days)}`` when already read."""
        durations = {} if durations is None else durations
        shares = defaultdict(float)
        for start, stop, attendances in intervals:
            hours = (stop - start).total_seconds() / 3600
            for attendance in attendances:
                if attendance.id not in durations:
                    durations[attendance.id] = (attendance.duration_hours, attendance.duration_days)
            planned = sum(durations[aid][0] for aid in attendances._ids)
            if planned:
                shares[start.date()] += sum(durations[aid][1] for aid in attendances._ids) * hours / planned
        return dict(shares)
