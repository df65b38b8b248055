# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

try:
    import holidays as holidays_lib
except ImportError:  # pragma: no cover - declared in external_dependencies
    holidays_lib = None


class KpiPublicHolidayLoad(models.TransientModel):
    """Load the public holidays of a country and year on a working schedule, from the
    ``holidays`` library: an editable proposal (employers choose their own Tết days)."""

    _name = "kpi.public.holiday.load"
    _description = "Load Public Holidays"

    calendar_id = fields.Many2one("resource.calendar", string="Working schedule", required=True)
    country_id = fields.Many2one(
        "res.country",
        required=True,
        default=lambda self: self.env.company.country_id or self.env.ref("base.vn"),
    )
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)

    @api.model
    def _get_holidays(self, country_code, year):
        """``(holidays, make-up working days)`` of the library for a country and year:
        ``{date: name}`` and the weekend days worked instead of a bridge day."""
        if holidays_lib is None:
            raise UserError(self.env._("The Python library 'holidays' is not installed."))
        try:
            found = holidays_lib.country_holidays(country_code, years=year, language="vi")
        except NotImplementedError as error:
            raise UserError(
                self.env._(
                    "No public holidays are known for %(country)s.", country=country_code
                )
            ) from error
        except ValueError:
            found = holidays_lib.country_holidays(country_code, years=year)
        workdays = sorted(day for day in getattr(found, "weekend_workdays", ()) if day.year == year)
        return dict(sorted(found.items())), workdays

    def action_load(self):
        """Create the global time off of the year on the schedule (idempotent: a day that
        already has a public holiday on the schedule is skipped) and the make-up working
        days as dated attendances."""
        self.ensure_one()
        # the user's own rights on public holidays (Time Off managers in Odoo) apply
        self.calendar_id.check_access("write")
        self.env["resource.calendar.leaves"].check_access("create")
        calendar = self.calendar_id
        holidays, workdays = self._get_holidays(self.country_id.code, self.year)
        tz = pytz.timezone(calendar.tz or "UTC")
        Leave = self.env["resource.calendar.leaves"]
        existing = Leave.search(
            [
                ("calendar_id", "=", calendar.id),
                ("resource_id", "=", False),
                ("date_from", "<", datetime(self.year + 1, 1, 2)),
                ("date_to", ">", datetime(self.year - 1, 12, 31)),
            ]
        )
        taken = set()
        for leave in existing:
            first = pytz.utc.localize(leave.date_from).astimezone(tz).date()
            last = pytz.utc.localize(leave.date_to).astimezone(tz).date()
            taken.update(first + timedelta(days=n) for n in range((last - first).days + 1))
        vals_list = []
        for day, name in holidays.items():
            if day in taken:
                continue
            start = tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc)
            stop = tz.localize(datetime.combine(day, time(23, 59, 59))).astimezone(pytz.utc)
            vals_list.append(
                {
                    "name": name,
                    "calendar_id": calendar.id,
                    "company_id": calendar.company_id.id,
                    "date_from": start.replace(tzinfo=None),
                    "date_to": stop.replace(tzinfo=None),
                    "time_type": "leave",
                }
            )
        Leave.create(vals_list)
        attendances = self._prepare_workday_attendance_vals(workdays)
        self.env["resource.calendar.attendance"].create(attendances)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Public holidays loaded"),
                "message": self.env._(
                    "%(holidays)s public holidays and %(workdays)s make-up working days "
                    "added to %(calendar)s for %(year)s: review them, your company may choose "
                    "other Tết days.",
                    holidays=len(vals_list),
                    workdays=len(attendances) and len(workdays),
                    calendar=calendar.display_name,
                    year=self.year,
                ),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _prepare_workday_attendance_vals(self, workdays):
        """Dated attendances making each make-up Saturday or Sunday a working day, with
        the hours of the schedule's Monday (none on a two-week schedule, and none for a
        day the schedule already works)."""
        calendar = self.calendar_id
        if calendar.two_weeks_calendar:
            return []
        monday = calendar.attendance_ids.filtered(
            lambda a: a.dayofweek == "0" and not a.date_from and not a.resource_id and not a.display_type
        )
        vals_list = []
        for day in workdays:
            dated = calendar.attendance_ids.filtered(
                lambda a, day=day: a.date_from == day and a.date_to == day
            )
            weekday = str(day.weekday())
            regular = calendar.attendance_ids.filtered(
                lambda a, weekday=weekday: a.dayofweek == weekday and not a.date_from
            )
            if dated or regular:
                continue
            vals_list += [
                {
                    "name": self.env._("Make-up working day %(day)s", day=day.strftime("%d/%m/%Y")),
                    "calendar_id": calendar.id,
                    "dayofweek": weekday,
                    "date_from": day,
                    "date_to": day,
                    "hour_from": attendance.hour_from,
                    "hour_to": attendance.hour_to,
                    "day_period": attendance.day_period,
                }
                for attendance in monday
            ]
        return vals_list

    @api.model
    def _load_for_demo(self, company_ids, years=(2026, 2027)):
        """Demo data: the public holidays of each company's country (Vietnam by default)
        on its working schedule, for ``years``."""
        for company in self.env["res.company"].browse(company_ids):
            for year in years:
                self.create(
                    {
                        "calendar_id": company.resource_calendar_id.id,
                        "country_id": (company.country_id or self.env.ref("base.vn")).id,
                        "year": year,
                    }
                ).action_load()
