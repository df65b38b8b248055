# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HrLeaveType(models.Model):
    _inherit = "hr.leave.type"

    kpi_prorate = fields.Boolean(
        string="Prorate KPI targets",
        default=True,
        help="Validated time off of this type lowers the employee's count and sum KPI "
        "targets in proportion (sick, maternity, paid annual and personal leave, "
        "compensatory and training days). Untick it for unpaid or unauthorised absence.",
    )
