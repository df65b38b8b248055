# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Measure providers: one abstract model per KPI source.

A provider answers one question: *what are the values of this definition for these
employees in this period?* — with one grouped query for all employees, never one per
employee. A definition with ``source = 'sale'`` is measured by ``kpi.measure.sale``;
adding a source means adding one provider model (``_name = 'kpi.measure.<source>'``)
and one ``selection_add`` on ``kpi.definition.source`` and ``measure``.
"""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, models


class KpiMeasure(models.AbstractModel):
    _name = "kpi.measure"
    _description = "KPI Measure Provider"

    # Which measures of the provider are counts/sums (prorated) and which are
    # ratios/averages (never prorated). Providers extend this dict.
    @api.model
    def _measure_aggregations(self):
        return {}

    @api.model
    def _get_values(self, definition, employees, date_from, date_to):
        """Return ``{employee_id: value}`` for ``definition`` over ``[date_from, date_to]``.

        Employees without data may be missing from the dict (their value is 0).
        Implementations must issue a bounded number of queries, whatever
        ``len(employees)``.
        """
        raise NotImplementedError()

    @api.model
    def _get_records_domain(self, definition, employee, date_from, date_to):
        """``(model name, domain)`` selecting exactly the records behind the actual of
        ``definition`` for ``employee`` in the period (the drill-down), with the filter
        of :meth:`_get_values`. For a rate or an average, the records it is taken over.
        """
        raise NotImplementedError()

    # ------------------------------------------------------------------
    # Helpers shared by providers
    # ------------------------------------------------------------------
    @api.model
    def _period_bounds(self, date_from, date_to, tz_name=None):
        """Naive UTC datetimes ``[start, stop)`` covering the local days of the period.

        The days are those of ``tz_name`` (default: the context/user timezone, else UTC),
        so that a call at 23:30 in Ho Chi Minh City belongs to the right day.
        """
        tz = pytz.timezone(tz_name or self.env.context.get("tz") or self.env.user.tz or "UTC")
        start = tz.localize(datetime.combine(date_from, time.min))
        stop = tz.localize(datetime.combine(date_to + timedelta(days=1), time.min))
        return (
            start.astimezone(pytz.utc).replace(tzinfo=None),
            stop.astimezone(pytz.utc).replace(tzinfo=None),
        )

    @api.model
    def _employees_by_user(self, employees):
        """``{user_id: employee_id}`` for employees linked to a user (one per user)."""
        return {emp.user_id.id: emp.id for emp in employees if emp.user_id}

    @api.model
    def _user_period(self, employees, date_from, date_to):
        """``(by_user, start, stop)`` for providers that attribute records through the
        employee's user, or ``None`` when no employee has a user."""
        by_user = self._employees_by_user(employees)
        if not by_user:
            return None
        return (by_user, *self._period_bounds(date_from, date_to))
