# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
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
    def _get_values(self, definition, employees, date_from, date_to):
        scope = self._user_period(employees, date_from, date_to)
        if not scope:
            return {}
        by_user, start, stop = scope
        self.env["helpdesk.ticket"].flush_model(
            ["user_id", "company_id", "active", "team_id", "stage_id", "closed_date", "kpi_due_date"]
        )
        self.env["helpdesk.ticket.stage"].flush_model(["closed"])
        filters = self._ticket_filters(definition, start, stop)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT t.user_id,
                       COUNT(*) FILTER (WHERE %(closed)s),
                       COUNT(*) FILTER (WHERE %(closed)s AND %(on_time)s),
                       COUNT(*) FILTER (WHERE %(overdue)s)
                  FROM helpdesk_ticket t
             LEFT JOIN helpdesk_ticket_stage st ON st.id = t.stage_id
                 WHERE t.user_id IN %(users)s
                   AND %(scope)s
              GROUP BY t.user_id
                """,
                users=tuple(by_user),
                **filters,
            )
        )
        result = {}
        for user_id, closed, on_time, overdue in rows:
            if definition.measure == "closed_count":
                value = closed
            elif definition.measure == "overdue_count":
                value = overdue
            else:  # on_time_rate
                value = 100.0 * on_time / closed if closed else 0.0
            result[by_user[user_id]] = float(value)
        return result


    @api.model
    def _ticket_filters(self, definition, start, stop):
        """The SQL conditions on ``helpdesk_ticket t`` joined to its stage ``st``:
        ``scope`` (company, active, teams), ``closed`` (closed in the period),
        ``on_time`` (closed by the due date) and ``overdue``."""
        team_filter = SQL("TRUE")
        if definition.helpdesk_team_ids:
            team_filter = SQL("t.team_id IN %s", tuple(definition.helpdesk_team_ids.ids))
        return {
            "scope": SQL("t.company_id = %s AND t.active AND %s", definition.company_id.id, team_filter),
            "closed": SQL("st.closed AND t.closed_date >= %s AND t.closed_date < %s", start, stop),
            "on_time": SQL("(t.kpi_due_date IS NULL OR t.closed_date <= t.kpi_due_date)"),
            "overdue": SQL(
                """t.kpi_due_date >= %(start)s AND t.kpi_due_date < %(stop)s
                   AND ((st.closed AND t.closed_date > t.kpi_due_date)
                        OR (NOT COALESCE(st.closed, FALSE) AND t.kpi_due_date < %(now)s))""",
                start=start,
                stop=stop,
                now=fields.Datetime.now(),
            ),
        }

    @api.model
    def _get_records_domain(self, definition, employee, date_from, date_to):
        """The tickets of the employee's user behind the actual: those closed in the
        period (closed count, and the tickets the on-time rate is taken over) or the
        overdue ones, selected by the conditions of the grouped query."""
        if not employee.user_id:
            return "helpdesk.ticket", [("id", "=", False)]
        start, stop = self._period_bounds(date_from, date_to)
        self.env["helpdesk.ticket"].flush_model(
            ["user_id", "company_id", "active", "team_id", "stage_id", "closed_date", "kpi_due_date"]
        )
        self.env["helpdesk.ticket.stage"].flush_model(["closed"])
        filters = self._ticket_filters(definition, start, stop)
        condition = filters["overdue"] if definition.measure == "overdue_count" else filters["closed"]
        rows = self.env.execute_query(
            SQL(
                """
                SELECT t.id
                  FROM helpdesk_ticket t
             LEFT JOIN helpdesk_ticket_stage st ON st.id = t.stage_id
                 WHERE t.user_id = %(user)s AND %(scope)s AND %(condition)s
                """,
                user=employee.user_id.id,
                scope=filters["scope"],
                condition=condition,
            )
        )
        return "helpdesk.ticket", [("id", "in", [ticket_id for (ticket_id,) in rows])]
