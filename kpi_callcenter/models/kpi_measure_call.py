# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL


class KpiMeasureCall(models.AbstractModel):
    """Calls of the PBX call log (``kpi.call``), by start time.

    - ``inbound_count`` / ``outbound_count``: calls of that direction, answered or not;
    - ``answered_rate``: % of the agent's calls (both directions) that were answered;
    - ``inbound_duration`` / ``outbound_duration``: talk time in minutes;
    - ``avg_handle_time``: talk time of the answered calls ÷ answered calls, in seconds;
    - ``cost``: cost of the calls (outbound), in company currency.

    Per definition, calls shorter than ``call_min_duration`` seconds are left out, and with
    ``call_dedupe_minutes`` a call of an agent to/from a phone number in the same direction
    within N minutes of the previous one counts once.
    """

    _name = "kpi.measure.call"
    _inherit = "kpi.measure"
    _description = "KPI Measure: Phone calls"

    @api.model
    def _measure_aggregations(self):
        return {
            "inbound_count": "count",
            "outbound_count": "count",
            "answered_rate": "ratio",
            "inbound_duration": "sum",
            "outbound_duration": "sum",
            "avg_handle_time": "avg",
            "cost": "sum",
        }

    @api.model
    def _get_values(self, definition, employees, date_from, date_to):
        if not employees:
            return {}
        start, stop = self._period_bounds(date_from, date_to)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT c.employee_id,
                       COUNT(*),
                       COUNT(*) FILTER (WHERE c.direction = 'inbound'),
                       COUNT(*) FILTER (WHERE c.direction = 'outbound'),
                       COUNT(*) FILTER (WHERE c.disposition = 'answered'),
                       COALESCE(SUM(c.duration) FILTER (WHERE c.direction = 'inbound'), 0),
                       COALESCE(SUM(c.duration) FILTER (WHERE c.direction = 'outbound'), 0),
                       COALESCE(SUM(c.duration) FILTER (WHERE c.disposition = 'answered'), 0),
                       COALESCE(SUM(c.cost), 0)
                  FROM (%(kept)s) c
              GROUP BY c.employee_id
                """,
                kept=self._kept_calls_query(definition, employees, start, stop),
            )
        )
        result = {}
        for employee_id, total, inbound, outbound, answered, in_secs, out_secs, talk_secs, cost in rows:
            result[employee_id] = self._measure_value(
                definition.measure,
                {
                    "inbound_count": inbound,
                    "outbound_count": outbound,
                    "answered_rate": 100.0 * answered / total if total else 0.0,
                    "inbound_duration": in_secs / 60.0,
                    "outbound_duration": out_secs / 60.0,
                    "avg_handle_time": talk_secs / answered if answered else 0.0,
                    "cost": cost,
                },
            )
        return result

    @api.model
    def _kept_calls_query(self, definition, employees, start, stop):
        """The calls of ``employees`` the KPI counts (``[start, stop)``, the minimum
        duration, repeated calls once): one SQL row per call with its id, employee,
        direction, disposition, duration and cost. Shared by the figures and the
        drill-down."""
        self.env["kpi.call"].flush_model(
            ["company_id", "employee_id", "start", "direction", "disposition", "duration", "cost", "phone"]
        )
        return SQL(
            """
            WITH kept AS (
                SELECT c.id, c.employee_id, c.direction, c.disposition, c.duration, c.cost, c.phone,
                       c.start,
                       lag(c.start) OVER (
                           PARTITION BY c.employee_id, c.phone, c.direction ORDER BY c.start, c.id
                       ) AS prev_start
                  FROM kpi_call c
                 WHERE c.company_id = %(company)s
                   AND c.employee_id IN %(employees)s
                   AND c.start >= %(start)s AND c.start < %(stop)s
                   AND COALESCE(c.duration, 0) >= %(min_duration)s
            )
            SELECT c.id, c.employee_id, c.direction, c.disposition, c.duration, c.cost
              FROM kept c
             WHERE %(dedupe)s = 0
                OR c.phone IS NULL
                OR c.prev_start IS NULL
                OR c.prev_start <= c.start - make_interval(mins => %(dedupe)s)
            """,
            company=definition.company_id.id,
            employees=tuple(employees.ids),
            start=start,
            stop=stop,
            min_duration=definition.call_min_duration or 0,
            dedupe=definition.call_dedupe_minutes or 0,
        )

    @api.model
    def _get_records_domain(self, definition, employee, date_from, date_to):
        """The calls behind the actual: the kept calls of the measure's direction (both
        directions for the answered rate and the cost, the answered ones for the handle
        time)."""
        start, stop = self._period_bounds(date_from, date_to)
        condition = {
            "inbound_count": SQL("c.direction = 'inbound'"),
            "inbound_duration": SQL("c.direction = 'inbound'"),
            "outbound_count": SQL("c.direction = 'outbound'"),
            "outbound_duration": SQL("c.direction = 'outbound'"),
            "avg_handle_time": SQL("c.disposition = 'answered'"),
        }.get(definition.measure, SQL("TRUE"))
        rows = self.env.execute_query(
            SQL(
                "SELECT c.id FROM (%s) c WHERE %s",
                self._kept_calls_query(definition, employee, start, stop),
                condition,
            )
        )
        return "kpi.call", [("id", "in", [call_id for (call_id,) in rows])]

    @api.model
    def _measure_value(self, measure, values):
        """The value of ``measure`` among the figures of one agent (hook for new measures)."""
        return float(values.get(measure, 0.0))
