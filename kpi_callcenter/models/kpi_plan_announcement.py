# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Announcements of a plan version to its employees (mail and portal); sent by
``kpi.plan._announce()``, once per employee and plan version."""

from odoo import fields, models


class KpiPlanAnnouncement(models.Model):
    _name = "kpi.plan.announcement"
    _description = "KPI Plan Announcement"
    _order = "create_date desc, id desc"

    plan_id = fields.Many2one("kpi.plan", required=True, ondelete="cascade", index=True)
    version = fields.Integer(required=True)
    employee_id = fields.Many2one("hr.employee", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", string="Sent to")
    message_id = fields.Many2one("mail.message", ondelete="set null")
    subject = fields.Char(required=True)
    body = fields.Html(sanitize_style=True)

    _sql_constraints = [
        (
            "plan_version_employee_uniq",
            "unique(plan_id, version, employee_id)",
            "A plan version is announced once per employee.",
        ),
    ]
