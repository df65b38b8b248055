# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    kpi_bonus_base = fields.Monetary(
        string="KPI bonus base",
        currency_field="currency_id",
        groups="hr.group_hr_user",
        help="Variable pay per period at 100 % payout. When set, overrides the plan's bonus base.",
    )
    kpi_scorecard_ids = fields.One2many("kpi.scorecard", "employee_id", groups="hr.group_hr_user")
    kpi_scorecard_count = fields.Integer(compute="_compute_kpi_scorecard_count", groups="hr.group_hr_user")

    def _compute_kpi_scorecard_count(self):
        counts = dict(
            self.env["kpi.scorecard"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["__count"]
            )
        )
        for employee in self:
            employee.kpi_scorecard_count = counts.get(employee, 0)

    @api.constrains("kpi_bonus_base")
    def _check_kpi_bonus_base(self):
        for employee in self:
            if employee.kpi_bonus_base < 0:
                raise ValidationError(
                    self.env._("%(employee)s: the KPI bonus base cannot be negative.", employee=employee.name)
                )

    def action_view_kpi_scorecards(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kpi_callcenter.kpi_scorecard_action")
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"default_employee_id": self.id}
        return action
