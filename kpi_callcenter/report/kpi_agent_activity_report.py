# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class KpiAgentActivityReport(models.Model):
    """What each agent did per month, whatever the KPI plans measure: sales, calls in and
    out with their talk time, helpdesk tickets closed and overdue.

    Months are the agent's (their working time zone). Sales and tickets are attributed
    through the employee's user in the record's company, as the KPI providers do; a
    ticket is overdue in the month of its due date when it was closed after it, or is
    still open past it.
    """

    _name = "kpi.agent.activity.report"
    _description = "Agent Activity per Month"
    _auto = False
    _order = "month desc, employee_id"
    _rec_name = "employee_id"
    _depends = {
        "sale.order": ["user_id", "company_id", "state", "date_order", "amount_untaxed", "currency_rate"],
        "kpi.call": ["employee_id", "company_id", "direction", "start", "talk_seconds", "cost"],
        "helpdesk.ticket": ["user_id", "company_id", "active", "stage_id", "closed_date", "kpi_due_date"],
        "helpdesk.ticket.stage": ["closed"],
        "hr.employee": ["user_id", "company_id", "parent_id", "department_id", "resource_id"],
    }

    employee_id = fields.Many2one("hr.employee", string="Agent", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    department_id = fields.Many2one("hr.department", string="Department", readonly=True)
    manager_id = fields.Many2one("hr.employee", string="Manager", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True, help="Confirmed sale orders.")
    revenue = fields.Monetary(
        currency_field="currency_id", readonly=True, help="Untaxed amount of the confirmed orders, in company currency."
    )
    inbound_count = fields.Integer(string="Calls in", readonly=True)
    outbound_count = fields.Integer(string="Calls out", readonly=True)
    inbound_minutes = fields.Float(string="Talk time in (min)", readonly=True, digits=(16, 1))
    outbound_minutes = fields.Float(string="Talk time out (min)", readonly=True, digits=(16, 1))
    call_cost = fields.Monetary(currency_field="currency_id", readonly=True)
    tickets_closed = fields.Integer(string="Tickets closed", readonly=True)
    tickets_overdue = fields.Integer(
        string="Tickets overdue",
        readonly=True,
        help="Tickets due in the month that were closed late or are still open past their due date.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH emp AS (
                -- the one period clock: the company schedule's time zone and business-day start
                SELECT e.id, e.company_id, e.user_id, COALESCE(cal.tz, 'UTC') AS tz,
                       make_interval(mins => ROUND(COALESCE(co.kpi_business_day_start, 0) * 60)::int)
                           AS day_shift
                  FROM hr_employee e
                  JOIN res_company co ON co.id = e.company_id
             LEFT JOIN resource_calendar cal ON cal.id = co.resource_calendar_id
            ),
            activity AS (
                SELECT emp.id AS employee_id, so.company_id,
                       date_trunc('month', timezone(emp.tz, so.date_order AT TIME ZONE 'UTC') - emp.day_shift)::date AS month,
                       COUNT(*) AS order_count,
                       SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS revenue,
                       0 AS inbound_count, 0 AS outbound_count, 0 AS inbound_seconds, 0 AS outbound_seconds,
                       0 AS call_cost, 0 AS tickets_closed, 0 AS tickets_overdue
                  FROM sale_order so
                  JOIN emp ON emp.user_id = so.user_id AND emp.company_id = so.company_id
                 WHERE so.state = 'sale'
              GROUP BY 1, 2, 3
             UNION ALL
                SELECT c.employee_id, c.company_id,
                       date_trunc('month', timezone(emp.tz, c.start AT TIME ZONE 'UTC') - emp.day_shift)::date,
                       0, 0,
                       COUNT(*) FILTER (WHERE c.direction = 'inbound'),
                       COUNT(*) FILTER (WHERE c.direction = 'outbound'),
                       COALESCE(SUM(c.talk_seconds) FILTER (WHERE c.direction = 'inbound'), 0),
                       COALESCE(SUM(c.talk_seconds) FILTER (WHERE c.direction = 'outbound'), 0),
                       COALESCE(SUM(c.cost), 0),
                       0, 0
                  FROM kpi_call c
                  JOIN emp ON emp.id = c.employee_id
              GROUP BY 1, 2, 3
             UNION ALL
                SELECT emp.id, t.company_id,
                       date_trunc('month', timezone(emp.tz, t.closed_date AT TIME ZONE 'UTC') - emp.day_shift)::date,
                       0, 0, 0, 0, 0, 0, 0, COUNT(*), 0
                  FROM helpdesk_ticket t
                  JOIN helpdesk_ticket_stage st ON st.id = t.stage_id
                  JOIN emp ON emp.user_id = t.user_id AND emp.company_id = t.company_id
                 WHERE t.active AND st.closed AND t.closed_date IS NOT NULL
              GROUP BY 1, 2, 3
             UNION ALL
                SELECT emp.id, t.company_id,
                       date_trunc('month', timezone(emp.tz, t.kpi_due_date AT TIME ZONE 'UTC') - emp.day_shift)::date,
                       0, 0, 0, 0, 0, 0, 0, 0, COUNT(*)
                  FROM helpdesk_ticket t
             LEFT JOIN helpdesk_ticket_stage st ON st.id = t.stage_id
                  JOIN emp ON emp.user_id = t.user_id AND emp.company_id = t.company_id
                 WHERE t.active AND t.kpi_due_date IS NOT NULL
                   AND ((st.closed AND t.closed_date > t.kpi_due_date)
                        OR (NOT COALESCE(st.closed, FALSE) AND t.kpi_due_date < (now() AT TIME ZONE 'UTC')))
              GROUP BY 1, 2, 3
            )
            SELECT ROW_NUMBER() OVER (ORDER BY a.month, a.employee_id, a.company_id) AS id,
                   a.employee_id,
                   a.company_id,
                   e.department_id,
                   e.parent_id AS manager_id,
                   a.month,
                   SUM(a.order_count) AS order_count,
                   SUM(a.revenue) AS revenue,
                   SUM(a.inbound_count) AS inbound_count,
                   SUM(a.outbound_count) AS outbound_count,
                   SUM(a.inbound_seconds) / 60.0 AS inbound_minutes,
                   SUM(a.outbound_seconds) / 60.0 AS outbound_minutes,
                   SUM(a.call_cost) AS call_cost,
                   SUM(a.tickets_closed) AS tickets_closed,
                   SUM(a.tickets_overdue) AS tickets_overdue
              FROM activity a
              JOIN hr_employee e ON e.id = a.employee_id
          GROUP BY a.employee_id, a.company_id, e.department_id, e.parent_id, a.month
            """
        )
