# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

RATING_MEASURES = ("rating_avg", "rating_count")


class KpiMeasureHelpdesk(models.AbstractModel):
    """Tickets of OCA helpdesk_mgmt assigned to the employee's user.

    - ``closed_count``: tickets in a closed stage whose close date is in the period;
    - ``overdue_count``: tickets due in the period that were closed after their due date,
      or are still open past it;
    - ``on_time_rate``: % of the tickets closed in the period that were closed by their
      due date (a ticket with no due date is on time);
    - ``rating_avg`` / ``rating_count``: the customer ratings (OCA helpdesk_mgmt_rating)
      given in the period on the user's tickets, not voided by QA.
    """

    _name = "kpi.measure.helpdesk"
    _inherit = "kpi.measure"
    _description = "KPI Measure: Helpdesk"

    @api.model
    def _measure_aggregations(self):
        return {
            "closed_count": "count",
            "overdue_count": "count",
            "on_time_rate": "ratio",
            "rating_avg": "avg",
            "rating_count": "count",
        }

    @api.model
    def _get_values_batch(self, definitions, employees, date_from, date_to):
        """All definitions with the same company and teams from one grouped query (one
        more for the customer ratings)."""
        scope = self._user_period(employees, date_from, date_to)
        if not scope:
            return {definition.id: {} for definition in definitions}
        by_user, start, stop = scope
        groups = defaultdict(lambda: definitions.browse())
        for definition in definitions:
            key = (
                definition.measure in RATING_MEASURES,
                definition.company_id,
                tuple(sorted(definition.helpdesk_team_ids.ids)),
            )
            groups[key] |= definition
        result = {}
        for (is_rating, company, team_ids), group in groups.items():
            if is_rating:
                figures = self._get_rating_counts(company, team_ids, by_user, start, stop)
                for definition in group:
                    index = 0 if definition.measure == "rating_count" else 1
                    result[definition.id] = {
                        employee_id: float(values[index]) for employee_id, values in figures.items()
                    }
                continue
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
    def _ticket_filters(self, company, team_ids, start, stop):
        """The SQL conditions on ``helpdesk_ticket t`` joined to its stage ``st``:
        ``scope`` (company, active, teams), ``closed`` (closed in the period),
        ``on_time`` (closed by the due date) and ``overdue``. Shared by the figures and
        the drill-down."""
        team_filter = SQL("TRUE")
        if team_ids:
            team_filter = SQL("t.team_id IN %s", tuple(team_ids))
        return {
            "scope": SQL("t.company_id = %s AND t.active AND %s", company.id, team_filter),
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
    def _get_ticket_figures(self, company, team_ids, by_user, start, stop):
        """``{employee_id: (closed, closed on time, overdue)}`` in one grouped query."""
        self.env["helpdesk.ticket"].flush_model(
            ["user_id", "company_id", "active", "team_id", "stage_id", "closed_date", "kpi_due_date"]
        )
        self.env["helpdesk.ticket.stage"].flush_model(["closed"])
        filters = self._ticket_filters(company, team_ids, start, stop)
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
                   AND ((t.closed_date >= %(start)s AND t.closed_date < %(stop)s)
                        OR (t.kpi_due_date >= %(start)s AND t.kpi_due_date < %(stop)s))
              GROUP BY t.user_id
                """,
                users=tuple(by_user),
                start=start,
                stop=stop,
                **filters,
            )
        )
        return {
            by_user[user_id]: (closed, on_time, overdue) for user_id, closed, on_time, overdue in rows
        }

    @api.model
    def _get_records_domain(self, definition, employee, date_from, date_to):
        """The records of the employee's user behind the actual, selected by the
        conditions of the grouped query on the same period clock: the tickets closed in
        the period (closed count, and the tickets the on-time rate is taken over), the
        overdue ones, or the counted customer ratings."""
        team_ids = tuple(sorted(definition.helpdesk_team_ids.ids))
        model = "rating.rating" if definition.measure in RATING_MEASURES else "helpdesk.ticket"
        scope = self._user_period(employee, date_from, date_to)
        if not scope:
            return model, [("id", "=", False)]
        by_user, start, stop = scope
        if definition.measure in RATING_MEASURES:
            rows = self.env.execute_query(
                SQL(
                    "SELECT r.id FROM (%s) r",
                    self._ratings_query(definition.company_id, team_ids, by_user, start, stop),
                )
            )
            return model, [("id", "in", [rating_id for (rating_id,) in rows])]
        self.env["helpdesk.ticket"].flush_model(
            ["user_id", "company_id", "active", "team_id", "stage_id", "closed_date", "kpi_due_date"]
        )
        self.env["helpdesk.ticket.stage"].flush_model(["closed"])
        filters = self._ticket_filters(definition.company_id, team_ids, start, stop)
        condition = filters["overdue"] if definition.measure == "overdue_count" else filters["closed"]
        rows = self.env.execute_query(
            SQL(
                """
                SELECT t.id
                  FROM helpdesk_ticket t
             LEFT JOIN helpdesk_ticket_stage st ON st.id = t.stage_id
                 WHERE t.user_id IN %(users)s AND %(scope)s AND %(condition)s
                """,
                users=tuple(by_user),
                scope=filters["scope"],
                condition=condition,
            )
        )
        return model, [("id", "in", [ticket_id for (ticket_id,) in rows])]

    # ------------------------------------------------------------------
    # Customer ratings (OCA helpdesk_mgmt_rating)
    # ------------------------------------------------------------------
    @api.model
    def _ratings_query(self, company, team_ids, by_user, start, stop):
        """The customer ratings the KPI counts: given (1–5) in ``[start, stop)`` on a
        ticket of one of the users ``by_user`` (company, active, teams), not voided by QA.
        One SQL row per rating: its id, the ticket's user and the rating."""
        self.env["rating.rating"].flush_model(
            ["res_model", "res_id", "rating", "consumed", "kpi_rated_on", "kpi_voided"]
        )
        self.env["helpdesk.ticket"].flush_model(["user_id", "company_id", "active", "team_id"])
        scope = self._ticket_filters(company, team_ids, start, stop)["scope"]
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
    def _get_rating_counts(self, company, team_ids, by_user, start, stop):
        """``{employee_id: (number of ratings, average rating)}``, one grouped query."""
        rows = self.env.execute_query(
            SQL(
                "SELECT r.user_id, COUNT(*), AVG(r.rating) FROM (%s) r GROUP BY r.user_id",
                self._ratings_query(company, team_ids, by_user, start, stop),
            )
        )
        return {by_user[user_id]: (count, float(average or 0.0)) for user_id, count, average in rows}

    @api.model
    def _get_rating_figures(self, definition, employees, date_from, date_to):
        """``{employee_id: (number of ratings, average rating)}`` of ``definition``'s
        ratings in the period, one query."""
        scope = self._user_period(employees, date_from, date_to)
        if not scope:
            return {}
        by_user, start, stop = scope
        team_ids = tuple(sorted(definition.helpdesk_team_ids.ids))
        return self._get_rating_counts(definition.company_id, team_ids, by_user, start, stop)
