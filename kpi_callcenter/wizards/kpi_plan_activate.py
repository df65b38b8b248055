# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class KpiPlanActivate(models.TransientModel):
    """Shows the warnings of a plan's health check (and pay impact) and lets a KPI
    Manager acknowledge them, which is recorded, then activates the plan."""

    _name = "kpi.plan.activate"
    _description = "Acknowledge KPI Plan Warnings"

    plan_id = fields.Many2one("kpi.plan", required=True, ondelete="cascade")
    warning_ids = fields.Many2many(
        "kpi.plan.health.issue", compute="_compute_warning_ids", string="Warnings"
    )

    @api.depends("plan_id")
    def _compute_warning_ids(self):
        for wizard in self:
            wizard.warning_ids = wizard.plan_id.health_issue_ids.filtered(
                lambda issue: issue.severity == "warning"
            )

    def action_acknowledge_and_activate(self):
        self.ensure_one()
        if not self.env.user.has_group("kpi_callcenter.group_kpi_manager"):
            raise AccessError(self.env._("Only a KPI Manager can acknowledge a plan's warnings."))
        plan = self.plan_id
        if plan.state != "draft":
            raise UserError(self.env._("Plan %(plan)s is not a draft.", plan=plan.display_name))
        warnings = self.warning_ids
        if warnings:
            summary = "\n".join(f"- {message}" for message in warnings.mapped("message"))
            self.env["kpi.plan.acknowledgement"].create(
                {
                    "plan_id": plan.id,
                    "version": plan.version,
                    "issue_keys": "\n".join(warnings.mapped("key")),
                    "summary": summary,
                }
            )
            plan.message_post(
                body=plan._health_summary_html(
                    [{"message": self.env._(
                        "%(user)s acknowledged these warnings of version %(version)s:",
                        user=self.env.user.name,
                        version=plan.version,
                    )}]
                    + [{"message": message} for message in warnings.mapped("message")]
                ),
                subtype_xmlid="mail.mt_note",
            )
        return plan.action_activate()
