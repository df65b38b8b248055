# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HrJob(models.Model):
    _inherit = "hr.job"

    kpi_call_currency_id = fields.Many2one(related="company_id.currency_id", string="Call budget currency")
    kpi_call_budget = fields.Monetary(
        string="Monthly call budget",
        currency_field="kpi_call_currency_id",
        groups="hr.group_hr_user",
        help="Outbound call cost allowed per agent and month for this job position (0: no limit). "
        "An amount on the employee overrides it.",
    )

    @api.constrains("kpi_call_budget")
    def _check_kpi_call_budget(self):
        for job in self:
            if job.kpi_call_budget < 0:
                raise ValidationError(
                    self.env._("Job position %(job)s: the monthly call budget cannot be negative.", job=job.name)
                )
