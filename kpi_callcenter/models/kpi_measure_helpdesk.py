# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL


class KpiMeasureHelpdesk(models.AbstractModel):
    """Tickets of OCA helpdesk_mgmt assigned to the employee's user.

    - ``closed_count``: tickets in a closed stage whose close date is in the period;
    - ``overdue_count``: tickets due in the period that were closed after their due date,
      or are still open past it;
    - ``on_time_rate``: % of the tickets closed in the period that were closed by their
      due date (a ticket with no due date is on time).
    """

    _name = "kpi.measure.helpdesk"
    _inherit = "kpi.measure"
    _description = "KPI Measure: Helpdesk"

    @api.model
    def _measure_aggregations(self):
        return {"closed_count": "count", "overdue_count": "count", "on_time_rate": "ratio"}

    @api.model
    def _get_values_batch(self, definitions, employees, date_from, date_to):
        """All definitions with the same company and teams from one grouped query."""
        scope = self._user_period(employees, date_from, date_to)
        if not scope:
            return {definition.id: {} for definition in definitions}
        by_user, start, stop = scope
        groups = defaultdict(lambda: definitions.browse())
        for definition in definitions:
            groups[(definition.company_id, tuple(sorted(definition.helpdesk_team_ids.ids)))] |= definition
        result = {}
        for (company, team_ids), group in groups.items():
            figures = self._get_ticket_figures(company, team_ids, by_user, start, stop)
            for definition in group:
                values = result[definition.id] = {}
                for employee_id, (closed, on_time, overdue) in figures.items():
                    if definition.measure == "closed_count":
                        value = closed
                    elif definition.measure == "overdue_count":
                        value = overdue
                    else:  # on_time_rate
                        value = 100.0 * on_time / closed if closed else 0.0
                    values[employee_id] = float(value)
        return result

    @api.model
    def _get_ticket_figures(self, company, team_ids, by_user, start, stop):
        """``{employee_id: (closed, closed on time, overdue)}`` in one grouped query."""
        self.env["helpdesk.ticket"].flush_model(
            ["user_id", "company_id", "active", "team_id", "stage_id", "closed_date", "kpi_due_date"]
        )
        self.env["helpdesk.ticket.stage"].flush_model(["closed"])
        now = fields.Datetime.now()
        team_filter = SQL("TRUE")
        if team_ids:
            team_filter = SQL("t.team_id IN %s", team_ids)
        closed_in_period = SQL(
            "st.closed AND t.closed_date >= %s AND t.closed_date < %s", start, stop
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT t.user_id,
                       COUNT(*) FILTER (WHERE %(closed)s),
                       COUNT(*) FILTER (WHERE %(closed)s
                                         AND (t.kpi_due_date IS NULL OR t.closed_date <= t.kpi_due_date)),
                       COUNT(*) FILTER (WHERE t.kpi_due_date >= %(start)s AND t.kpi_due_date < %(stop)s
                                         AND ((st.closed AND t.closed_date > t.kpi_due_date)
                                              OR (NOT COALESCE(st.closed, FALSE)
                                                  AND t.kpi_due_date < %(now)s)))
                  FROM helpdesk_ticket t
             LEFT JOIN helpdesk_ticket_stage st ON st.id = t.stage_id
                 WHERE t.user_id IN %(users)s
                   AND t.company_id = %(company)s
                   AND t.active
                   AND ((t.closed_date >= %(start)s AND t.closed_date < %(stop)s)
                        OR (t.kpi_due_date >= %(start)s AND t.kpi_due_date < %(stop)s))
                   AND %(team_filter)s
              GROUP BY t.user_id
                """,
                closed=closed_in_period,
                start=start,
                stop=stop,
                now=now,
                users=tuple(by_user),
                company=company.id,
                team_filter=team_filter,
            )
        )
        return {
            by_user[user_id]: (closed, on_time, overdue) for user_id, closed, on_time, overdue in rows
        }
