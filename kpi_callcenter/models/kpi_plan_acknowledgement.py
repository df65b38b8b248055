# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class KpiPlanAcknowledgement(models.Model):
    """A KPI Manager acknowledged the warnings of a plan version (health check and pay
    impact) before activating it. Records are never changed nor deleted."""

    _name = "kpi.plan.acknowledgement"
    _description = "KPI Plan Warning Acknowledgement"
    _order = "create_date desc, id desc"

    plan_id = fields.Many2one("kpi.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    version = fields.Integer(required=True)
    user_id = fields.Many2one(
        "res.users", string="Acknowledged by", required=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    issue_keys = fields.Text(required=True)
    summary = fields.Text(string="Warnings acknowledged", required=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.user.has_group("kpi_callcenter.group_kpi_manager"):
            raise AccessError(self.env._("Only a KPI Manager can acknowledge a plan's warnings."))
        for vals in vals_list:
            vals["user_id"] = self.env.user.id
        return super().create(vals_list)
