# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class KpiCallBudgetWarning(models.Model):
    """A call-budget warning sent to an agent's manager: at most one per threshold and month.

    The unique constraint is what makes "exactly once" hold, even when two imports or
    pushes cross the threshold at the same time.
    """

    _name = "kpi.call.budget.warning"
    _description = "Call Budget Warning"
    _order = "month desc, employee_id, threshold"

    employee_id = fields.Many2one("hr.employee", string="Agent", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="employee_id.company_id", store=True, index=True)
    month = fields.Date(required=True, index=True, help="First day of the month.")
    threshold = fields.Integer(required=True, help="Percentage of the budget reached (80, 100).")
    consumed = fields.Monetary(currency_field="currency_id", help="Outbound call cost when the warning was sent.")
    budget = fields.Monetary(currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    manager_id = fields.Many2one("hr.employee", string="Manager warned", ondelete="set null")
    message_id = fields.Many2one("mail.message", string="Message", ondelete="set null")

    _sql_constraints = [
        (
            "employee_month_threshold_uniq",
            "unique(employee_id, month, threshold)",
            "A call-budget warning is sent once per agent, month and threshold.",
        )
    ]
