# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

PRIORITIES = [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")]


class KpiHelpdeskResolutionTime(models.Model):
    """Time allowed to resolve a ticket, per helpdesk team and priority (set by HR)."""

    _name = "kpi.helpdesk.resolution.time"
    _description = "KPI Ticket Resolution Time"
    _order = "team_id, priority"

    team_id = fields.Many2one(
        "helpdesk.ticket.team", help="Empty: any team without a more specific rule."
    )
    priority = fields.Selection(PRIORITIES, help="Empty: any priority.")
    hours = fields.Float(required=True, help="Hours from the ticket's creation to its due date.")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)

    _sql_constraints = [
        ("team_priority_uniq", "unique(company_id, team_id, priority)", "One resolution time per team and priority."),
    ]

    @api.constrains("hours")
    def _check_hours(self):
        for record in self:
            if record.hours <= 0:
                raise ValidationError(
                    self.env._(
                        "Resolution time of %(team)s / %(priority)s: hours must be positive.",
                        team=record.team_id.display_name or self.env._("any team"),
                        priority=record.priority or self.env._("any priority"),
                    )
                )

    @api.model
    def _get_hours_map(self):
        """{(company_id, team_id or False, priority or False): hours}, all rules in one read."""
        return {
            (r.company_id.id, r.team_id.id or False, r.priority or False): r.hours
            for r in self.sudo().search([])
        }


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    kpi_due_date = fields.Datetime(
        string="Due date",
        compute="_compute_kpi_due_date",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="When the ticket must be resolved. Set from the team/priority resolution "
        "time unless given.",
    )
    kpi_overdue = fields.Boolean(compute="_compute_kpi_overdue", string="Overdue")

    @api.depends("team_id", "priority", "create_date")
    def _compute_kpi_due_date(self):
        hours_map = self.env["kpi.helpdesk.resolution.time"]._get_hours_map()
        for ticket in self:
            if ticket.kpi_due_date:
                continue
            company = ticket.company_id.id or self.env.company.id
            team = ticket.team_id.id or False
            prio = ticket.priority or False
            hours = next(
                (
                    hours_map[key]
                    for key in ((company, team, prio), (company, team, False), (company, False, prio), (company, False, False))
                    if key in hours_map
                ),
                None,
            )
            start = ticket.create_date or fields.Datetime.now()
            ticket.kpi_due_date = start + timedelta(hours=hours) if hours else False

    @api.depends("kpi_due_date", "closed", "closed_date")
    def _compute_kpi_overdue(self):
        now = fields.Datetime.now()
        for ticket in self:
            due = ticket.kpi_due_date
            if not due:
                ticket.kpi_overdue = False
            elif ticket.closed:
                ticket.kpi_overdue = bool(ticket.closed_date and ticket.closed_date > due)
            else:
                ticket.kpi_overdue = due < now
