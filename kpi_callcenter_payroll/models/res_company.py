# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    kpi_correction_wage_share = fields.Float(
        string="Clawback cap (% of net wage)",
        default=30.0,
        help="The most a payslip takes from wages for acknowledged KPI clawbacks, in % of "
        "its net wage (Vietnam's labour code, art. 102: 30 %). What is not taken stays open "
        "for the next payslip.",
    )

    @api.constrains("kpi_correction_wage_share")
    def _check_kpi_correction_wage_share(self):
        for company in self:
            if not 0 <= company.kpi_correction_wage_share <= 100:
                raise ValidationError(
                    self.env._(
                        "%(company)s, field Clawback cap: %(value)s is not a percentage from 0 to 100.",
                        company=company.name,
                        value=company.kpi_correction_wage_share,
                    )
                )
