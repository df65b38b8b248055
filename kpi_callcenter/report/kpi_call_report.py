# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class KpiCallReport(models.Model):
    """Calls per agent and month (in the agent's time zone), with the month's budget.

    Ratios and averages are per agent and month; in a pivot grouping several rows they
    show the average of those rows, while counts, minutes, costs and budgets add up.
    """

    _name = "kpi.call.report"
    _description = "Call Statistics per Agent and Month"
    _auto = False
    _order = "month desc, employee_id"
    _rec_name = "employee_id"
    _depends = {
        "kpi.call": ["employee_id", "company_id", "direction", "start", "talk_seconds", "disposition", "cost"],
        "hr.employee": ["kpi_call_budget", "job_id", "parent_id", "department_id"],
        "hr.job": ["kpi_call_budget"],
    }

    employee_id = fields.Many2one("hr.employee", string="Agent", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    department_id = fields.Many2one("hr.department", string="Department", readonly=True)
    manager_id = fields.Many2one("hr.employee", string="Manager", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(readonly=True)
    call_count = fields.Integer(string="Calls", readonly=True)
    inbound_count = fields.Integer(string="Calls in", readonly=True)
    outbound_count = fields.Integer(string="Calls out", readonly=True)
    answered_count = fields.Integer(string="Answered", readonly=True)
    answered_rate = fields.Float(string="Answered (%)", readonly=True, aggregator="avg", digits=(16, 1))
    inbound_minutes = fields.Float(string="Talk time in (min)", readonly=True, digits=(16, 1))
    outbound_minutes = fields.Float(string="Talk time out (min)", readonly=True, digits=(16, 1))
    avg_handle_time = fields.Float(
        string="Average handle time (s)", readonly=True, aggregator="avg", digits=(16, 1),
        help="Talk time of the answered calls divided by their number.",
    )
    cost = fields.Monetary(currency_field="currency_id", readonly=True)
    budget = fields.Monetary(
        currency_field="currency_id", readonly=True, help="The agent's monthly call budget as set today (0: no limit)."
    )
    budget_used = fields.Float(
        string="Budget used (%)", readonly=True, aggregator="avg", digits=(16, 1),
        help="Outbound call cost divided by the budget.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH monthly AS (
                SELECT c.employee_id,
                       c.company_id,
                       -- the one period clock: the company schedule's time zone and business-day start
                       date_trunc(
                           'month',
                           timezone(COALESCE(cal.tz, 'UTC'), c.start AT TIME ZONE 'UTC')
                           - make_interval(mins => ROUND(COALESCE(co.kpi_business_day_start, 0) * 60)::int)
                       )::date AS month,
                       MIN(c.id) AS id,
                       COUNT(*) AS call_count,
                       COUNT(*) FILTER (WHERE c.direction = 'inbound') AS inbound_count,
                       COUNT(*) FILTER (WHERE c.direction = 'outbound') AS outbound_count,
                       COUNT(*) FILTER (WHERE c.disposition = 'answered') AS answered_count,
                       COALESCE(SUM(c.talk_seconds) FILTER (WHERE c.direction = 'inbound'), 0) AS inbound_seconds,
                       COALESCE(SUM(c.talk_seconds) FILTER (WHERE c.direction = 'outbound'), 0) AS outbound_seconds,
                       COALESCE(SUM(c.talk_seconds) FILTER (WHERE c.disposition = 'answered'), 0) AS talk_seconds,
                       COALESCE(SUM(c.cost), 0) AS cost
                  FROM kpi_call c
                  JOIN res_company co ON co.id = c.company_id
             LEFT JOIN resource_calendar cal ON cal.id = co.resource_calendar_id
              GROUP BY c.employee_id, c.company_id, 3
            )
            SELECT m.id,
                   m.employee_id,
                   m.company_id,
                   e.department_id,
                   e.parent_id AS manager_id,
                   m.month,
                   m.call_count,
                   m.inbound_count,
                   m.outbound_count,
                   m.answered_count,
                   100.0 * m.answered_count / m.call_count AS answered_rate,
                   m.inbound_seconds / 60.0 AS inbound_minutes,
                   m.outbound_seconds / 60.0 AS outbound_minutes,
                   CASE WHEN m.answered_count > 0 THEN m.talk_seconds::float / m.answered_count ELSE 0 END
                       AS avg_handle_time,
                   m.cost,
                   COALESCE(NULLIF(e.kpi_call_budget, 0), j.kpi_call_budget, 0) AS budget,
                   CASE WHEN COALESCE(NULLIF(e.kpi_call_budget, 0), j.kpi_call_budget, 0) > 0
                        THEN 100.0 * m.cost / COALESCE(NULLIF(e.kpi_call_budget, 0), j.kpi_call_budget)
                        ELSE 0 END AS budget_used
              FROM monthly m
              JOIN hr_employee e ON e.id = m.employee_id
         LEFT JOIN hr_job j ON j.id = e.job_id
            """
        )

