# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What one payslip pays of one correction after payment (``hr.payslip.kpi.correction``).

Written by the payroll bridge only (``compute_sheet`` allocates, as superuser after its
access check on the payslips): a draft payslip's rows are replaced at each computation;
a done payslip's rows are what it paid, and stay (a cancelled payslip's rows stay too,
for the record, and no longer count).
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError


class HrPayslipKpiCorrection(models.Model):
    _name = "hr.payslip.kpi.correction"
    _description = "KPI Correction Paid by a Payslip"
    _order = "payslip_id, correction_id"

    payslip_id = fields.Many2one("hr.payslip", required=True, readonly=True, index=True, ondelete="cascade")
    payslip_state = fields.Selection(related="payslip_id.state", string="Payslip status")
    correction_id = fields.Many2one(
        "kpi.scorecard.correction", required=True, readonly=True, index=True, ondelete="restrict"
    )
    scorecard_id = fields.Many2one(related="correction_id.scorecard_id")
    employee_id = fields.Many2one(related="correction_id.employee_id")
    company_id = fields.Many2one(related="payslip_id.company_id", store=True)
    currency_id = fields.Many2one(related="correction_id.currency_id")
    reason = fields.Text(related="correction_id.reason")
    amount = fields.Monetary(readonly=True, help="What the payslip pays of the correction (negative: taken back).")
    from_kpi = fields.Monetary(
        string="Offset against KPI amounts", readonly=True, help="Of a clawback: offset against the payslip's KPI amounts."
    )
    from_wage = fields.Monetary(
        string="Taken from wages", readonly=True, help="Of an acknowledged clawback: taken from wages (capped)."
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Only the payroll computation records what a payslip pays of a correction."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(self.env._("What a payslip paid of a correction is never edited."))
        return super().write(vals)
