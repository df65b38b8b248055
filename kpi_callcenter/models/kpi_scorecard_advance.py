# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Monthly advances on a quarterly or yearly bonus (``kpi.scorecard.advance``).

Created by the plan (``kpi.plan.generate_advances``, run by the daily cron for the month
that just ended), one per scorecard and month; paid by payroll through the input
``KPI_BONUS_ADVANCE`` (the payroll bridge); deducted from the bonus when the period's
scorecard is paid (``kpi.scorecard.settlement_amount``). Nobody edits them.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError


class KpiScorecardAdvance(models.Model):
    _name = "kpi.scorecard.advance"
    _description = "KPI Monthly Advance"
    _order = "date_from desc, employee_id, id"

    scorecard_id = fields.Many2one(
        "kpi.scorecard", required=True, index=True, ondelete="restrict", readonly=True,
        help="The quarterly or yearly scorecard whose bonus the advance is paid on.",
    )
    employee_id = fields.Many2one(related="scorecard_id.employee_id", store=True, index=True)
    plan_id = fields.Many2one(related="scorecard_id.plan_id", store=True)
    company_id = fields.Many2one(related="scorecard_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="scorecard_id.currency_id")
    date_from = fields.Date(string="Month", required=True, readonly=True)
    date_to = fields.Date(string="Month end", required=True, readonly=True, index=True)
    provisional_bonus = fields.Monetary(
        readonly=True,
        help="The month's bonus on its share of the period's targets and bonus base.",
    )
    percent = fields.Float(string="Advance (%)", readonly=True)
    amount = fields.Monetary(readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("paid", "Paid")], required=True, default="open", readonly=True, index=True
    )

    _sql_constraints = [
        ("month_uniq", "unique(scorecard_id, date_from)", "One advance per scorecard and month."),
    ]

    @api.depends("employee_id", "date_from")
    def _compute_display_name(self):
        for advance in self:
            advance.display_name = self.env._(
                "Advance %(month)s - %(employee)s",
                month=advance.date_from.strftime("%m/%Y") if advance.date_from else "",
                employee=advance.employee_id.name or "",
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_if_open(self):
        paid = self.filtered(lambda advance: advance.state == "paid")
        if paid:
            raise UserError(
                self.env._(
                    "These advances were paid and cannot be deleted: %(names)s",
                    names=", ".join(paid.mapped("display_name")),
                )
            )
