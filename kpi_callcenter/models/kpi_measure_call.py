# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL


class KpiMeasureCall(models.AbstractModel):
    """Calls of the PBX call log (``kpi.call``), by start time.

    - ``inbound_count`` / ``outbound_count``: calls of that direction, answered or not;
    - ``answered_rate``: % of the agent's calls (both directions) that were answered;
    - ``inbound_duration`` / ``outbound_duration``: talk time in minutes;
    - ``avg_handle_time``: talk time of the answered calls ÷ answered calls, in seconds;
    - ``cost``: cost of the calls (outbound), in company currency;
    - ``csat_avg``: average post-call survey score (1 to 5) of the calls the caller rated,
      as the PBX pushed it with the call (``kpi.call.csat``); ``csat_count``: those calls.

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
            "csat_avg": "avg",
            "csat_count": "count",
        }

    @api.model
    def _get_values_batch(self, definitions, employees, date_from, date_to):
        """All definitions with the same company, minimum duration and repeat window
        from one grouped query; the window over repeated calls only runs for the
        definitions that ask for it (``call_dedupe_minutes``)."""
        if not employees:
            return {definition.id: {} for definition in definitions}
        groups = defaultdict(lambda: definitions.browse())
        for definition in definitions:
            key = (definition.company_id, definition.call_min_duration or 0, definition.call_dedupe_minutes or 0)
            groups[key] |= definition
        result = {}
        for (company, min_duration, dedupe), group in groups.items():
            start, stop = self._period_bounds(date_from, date_to, company)
            figures = self._get_call_figures(company, employees, start, stop, min_duration, dedupe)
            for definition in group:
                result[definition.id] = {
                    employee_id: self._measure_value(definition.measure, values)
                    for employee_id, values in figures.items()
                }
        return result

    @api.model
    def _get_call_figures(self, company, employees, start, stop, min_duration, dedupe):
        """``{employee_id: {measure: value}}`` of the calls in ``[start, stop)`` (UTC)
        lasting at least ``min_duration`` seconds; with ``dedupe`` minutes, a repeated
        call (same agent, number and direction within that time) counts once."""
        figures = SQL(
            """
                       COUNT(*),
                       COUNT(*) FILTER (WHERE c.direction = 'inbound'),
                       COUNT(*) FILTER (WHERE c.direction = 'outbound'),
                       COUNT(*) FILTER (WHERE c.disposition = 'answered'),
                       COALESCE(SUM(c.talk_seconds) FILTER (WHERE c.direction = 'inbound'), 0),
                       COALESCE(SUM(c.talk_seconds) FILTER (WHERE c.direction = 'outbound'), 0),
                       COALESCE(SUM(c.talk_seconds) FILTER (WHERE c.disposition = 'answered'), 0),
                       COALESCE(SUM(c.cost), 0),
                       COUNT(c.csat),
                       COALESCE(SUM(c.csat), 0)
            """
        )
        query = SQL(
            "SELECT c.employee_id, %s FROM (%s) c GROUP BY c.employee_id",
            figures,
            self._kept_calls_query(company, employees, start, stop, min_duration, dedupe),
        )
        result = {}
        for (
            employee_id, total, inbound, outbound, answered, in_secs, out_secs, talk_secs, cost,
            surveyed, csat_total,
        ) in self.env.execute_query(query):
            result[employee_id] = {
                "inbound_count": inbound,
                "outbound_count": outbound,
                "answered_rate": 100.0 * answered / total if total else 0.0,
                "inbound_duration": in_secs / 60.0,
                "outbound_duration": out_secs / 60.0,
                "avg_handle_time": talk_secs / answered if answered else 0.0,
                "cost": cost,
                "csat_avg": float(csat_total) / surveyed if surveyed else 0.0,
                "csat_count": surveyed,
            }
        return result

    @api.model
    def _kept_calls_query(self, company, employees, start, stop, min_duration, dedupe):
        """The calls of ``employees`` a KPI counts: in ``[start, stop)`` (UTC), lasting at
        least ``min_duration`` seconds, with ``dedupe`` minutes a repeated call once. One
        SQL row per call with its id, employee, direction, disposition, talk seconds and cost;
        shared by the figures and the drill-down. The window over repeated calls only
        runs when ``dedupe`` asks for it."""
        self.env["kpi.call"].flush_model(
            ["company_id", "employee_id", "start", "direction", "disposition", "talk_seconds", "cost", "phone", "csat"]
        )
        scope = SQL(
            """
                   c.company_id = %(company)s
               AND c.employee_id IN %(employees)s
               AND c.start >= %(start)s AND c.start < %(stop)s
               AND COALESCE(c.talk_seconds, 0) >= %(min_duration)s
            """,
            company=company.id,
            employees=tuple(employees.ids),
            start=start,
            stop=stop,
            min_duration=min_duration,
        )
        if not dedupe:
            return SQL(
                """SELECT c.id, c.employee_id, c.direction, c.disposition, c.talk_seconds, c.cost, c.csat
                     FROM kpi_call c WHERE %s""",
                scope,
            )
        return SQL(
            """
            WITH kept AS (
                SELECT c.id, c.employee_id, c.direction, c.disposition, c.talk_seconds, c.cost, c.csat,
                       c.phone, c.start,
                       lag(c.start) OVER (
                           PARTITION BY c.employee_id, c.phone, c.direction ORDER BY c.start, c.id
                       ) AS prev_start
                  FROM kpi_call c
                 WHERE %(scope)s
            )
            SELECT c.id, c.employee_id, c.direction, c.disposition, c.talk_seconds, c.cost, c.csat
              FROM kept c
             WHERE c.phone IS NULL
                OR c.prev_start IS NULL
                OR c.prev_start <= c.start - make_interval(mins => %(dedupe)s)
            """,
            scope=scope,
            dedupe=dedupe,
        )

    @api.model
    def _get_records_domain(self, definition, employee, date_from, date_to):
        """The calls behind the actual: the kept calls (the company's clock, minimum
        duration, repeats once) of the measure's direction (both directions for the
        answered rate and the cost, the answered ones for the handle time, the rated ones
        for the survey score)."""
        company = definition.company_id
        start, stop = self._period_bounds(date_from, date_to, company)
        condition = {
            "inbound_count": SQL("c.direction = 'inbound'"),
            "inbound_duration": SQL("c.direction = 'inbound'"),
            "outbound_count": SQL("c.direction = 'outbound'"),
            "outbound_duration": SQL("c.direction = 'outbound'"),
            "avg_handle_time": SQL("c.disposition = 'answered'"),
            "csat_avg": SQL("c.csat IS NOT NULL"),
            "csat_count": SQL("c.csat IS NOT NULL"),
        }.get(definition.measure, SQL("TRUE"))
        kept = self._kept_calls_query(
            company,
            employee,
            start,
            stop,
            definition.call_min_duration or 0,
            definition.call_dedupe_minutes or 0,
        )
        rows = self.env.execute_query(SQL("SELECT c.id FROM (%s) c WHERE %s", kept, condition))
        return "kpi.call", [("id", "in", [call_id for (call_id,) in rows])]

    @api.model
    def _measure_value(self, measure, values):
        """The value of ``measure`` among the figures of one agent (hook for new measures)."""
        return float(values.get(measure, 0.0))
