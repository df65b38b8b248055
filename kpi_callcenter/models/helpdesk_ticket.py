# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

# Who may set or move a ticket's due date: it decides the overdue and on-time KPIs.
DUE_DATE_EDITOR_GROUPS = ("helpdesk_mgmt.group_helpdesk_manager", "kpi_callcenter.group_kpi_officer")
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
        help="When the ticket must be resolved: set at creation from the team/priority "
        "resolution time; only helpdesk managers and KPI Officers change it (tracked).",
    )
    kpi_overdue = fields.Boolean(compute="_compute_kpi_overdue", string="Overdue")
    kpi_due_date_editable = fields.Boolean(
        string="Due date editable", compute="_compute_kpi_due_date_editable"
    )

    @api.depends_context("uid")
    def _compute_kpi_due_date_editable(self):
        self.kpi_due_date_editable = self._kpi_due_date_editor()

    @api.model
    def _kpi_due_date_editor(self):
        """May the current user set or move due dates?"""
        return self.env.su or any(self.env.user.has_group(group) for group in DUE_DATE_EDITOR_GROUPS)

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

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self._kpi_due_date_editor():
            given = next((vals for vals in vals_list if vals.get("kpi_due_date")), None)
            if given is not None:
                raise AccessError(
                    self.env._(
                        "Ticket %(ticket)s, field Due date: the due date comes from the "
                        "resolution times; only helpdesk managers and KPI Officers set it.",
                        ticket=given.get("name") or "",
                    )
                )
        return super().create(vals_list)

    def write(self, vals):
        if "kpi_due_date" not in vals:
            return super().write(vals)
        new_due = fields.Datetime.to_datetime(vals["kpi_due_date"]) or False
        moved = self.filtered(lambda t: t.kpi_due_date != new_due)
        if moved and not self._kpi_due_date_editor():
            raise AccessError(
                self.env._(
                    "Ticket %(ticket)s, field Due date: only helpdesk managers and KPI Officers "
                    "change a due date.",
                    ticket=moved[0].display_name,
                )
            )
        # the change is tracked whatever the context: tracking_disable does not hide it
        return super(
            HelpdeskTicket, self.with_context(tracking_disable=False, mail_notrack=False)
        ).write(vals)
