# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issues found by a plan's health check (``kpi.plan._refresh_health()``). Errors block
the activation; warnings need a KPI Manager's acknowledgement for the plan's version."""

from odoo import fields, models

HEALTH_RULES = [
    ("too_many", "Too many KPIs"),
    ("weights", "Weights"),
    ("explanation", "Explanation missing"),
    ("controllable", "Not controllable"),
    ("opposing", "Opposing KPIs"),
    ("coverage", "Coverage"),
    ("calibration", "Target calibration"),
    ("pay_impact", "Pay impact"),
    ("team_pool", "Team pools"),
    ("individual_target", "Individual targets"),
]


class KpiPlanHealthIssue(models.Model):
    _name = "kpi.plan.health.issue"
    _description = "KPI Plan Health Issue"
    _order = "plan_id, severity, id"

    plan_id = fields.Many2one("kpi.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    rule = fields.Selection(HEALTH_RULES, required=True)
    severity = fields.Selection(
        [("error", "Error: blocks activation"), ("warning", "Warning: needs acknowledgement")],
        required=True,
    )
    message = fields.Text(required=True)
    key = fields.Char(required=True, help="Identifies the issue for acknowledgements.")
    plan_line_id = fields.Many2one("kpi.plan.line", ondelete="cascade")
