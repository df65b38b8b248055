# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class KpiScorecardAdvance(models.Model):
    _inherit = "kpi.scorecard.advance"

    payslip_id = fields.Many2one(
        "hr.payslip",
        readonly=True,
        copy=False,
        index=True,
        ondelete="restrict",
        help="The payslip that paid this advance (input KPI_BONUS_ADVANCE).",
    )
