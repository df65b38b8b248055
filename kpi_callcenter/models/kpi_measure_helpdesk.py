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
        if definition.measure in ("rating_avg", "rating_count"):
            figures = self._get_rating_figures(definition, employees, date_from, date_to)
            index = 0 if definition.measure == "rating_count" else 1
            return {employee_id: float(values[index]) for employee_id, values in figures.items()}
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
        if definition.measure in ("rating_avg", "rating_count"):
            if not employee.user_id:
                return "rating.rating", [("id", "=", False)]
            start, stop = self._period_bounds(date_from, date_to)
            rows = self.env.execute_query(
                SQL(
                    "SELECT r.id FROM (%s) r",
                    self._ratings_query(definition, {employee.user_id.id: employee.id}, start, stop),
                )
            )
            return "rating.rating", [("id", "in", [rating_id for (rating_id,) in rows])]
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

    # ------------------------------------------------------------------
    # Customer ratings (OCA helpdesk_mgmt_rating)
    # ------------------------------------------------------------------
    @api.model
    def _ratings_query(self, definition, by_user, start, stop):
        """The customer ratings the KPI counts: given (1–5) in ``[start, stop)`` on a
        ticket of one of the users ``by_user`` (company, active, teams), not voided by QA.
        One SQL row per rating: its id, the ticket's user and the rating."""
        self.env["rating.rating"].flush_model(["res_model", "res_id", "rating", "consumed", "kpi_rated_on", "kpi_voided"])
        self.env["helpdesk.ticket"].flush_model(["user_id", "company_id", "active", "team_id"])
        scope = self._ticket_filters(definition, start, stop)["scope"]
        return SQL(
            """
            SELECT r.id, t.user_id, r.rating
              FROM rating_rating r
              JOIN helpdesk_ticket t ON t.id = r.res_id
             WHERE r.res_model = 'helpdesk.ticket'
               AND r.consumed AND r.rating >= 1
               AND NOT COALESCE(r.kpi_voided, FALSE)
               AND r.kpi_rated_on >= %(start)s AND r.kpi_rated_on < %(stop)s
               AND t.user_id IN %(users)s
               AND %(scope)s
            """,
            start=start,
            stop=stop,
            users=tuple(by_user),
            scope=scope,
        )

    @api.model
    def _get_rating_figures(self, definition, employees, date_from, date_to):
        """``{employee_id: (number of ratings, average rating)}`` in the period, one query."""
        scope = self._user_period(employees, date_from, date_to)
        if not scope:
            return {}
        by_user, start, stop = scope
        rows = self.env.execute_query(
            SQL(
                "SELECT r.user_id, COUNT(*), AVG(r.rating) FROM (%s) r GROUP BY r.user_id",
                self._ratings_query(definition, by_user, start, stop),
            )
        )
        return {by_user[user_id]: (count, float(average or 0.0)) for user_id, count, average in rows}
