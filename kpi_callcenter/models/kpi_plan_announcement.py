# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Trial period and activation announcement (the seed: "no time to adjust").

A plan may have a trial end date: its scorecards of periods starting on or before it are
computed and shown, marked as trial, and pay nothing (the payroll bridge skips them).
Activating a plan tells each assigned employee, by mail and on the portal, its KPIs,
weights, targets, payout scale and the first paid period: once per employee and plan
version (``kpi.plan.announcement``).
"""

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import formatLang


class KpiPlan(models.Model):
    _inherit = "kpi.plan"

    trial_end_date = fields.Date(
        tracking=True,
        copy=False,
        help="Until this date the plan is on trial: scorecards of periods starting on or "
        "before it are computed and shown to employees, marked as trial, and pay nothing.",
    )
    first_paid_date = fields.Date(
        string="First paid period",
        compute="_compute_first_paid_date",
        help="Start of the first monthly period that pays a bonus.",
    )
    announcement_ids = fields.One2many("kpi.plan.announcement", "plan_id", string="Announcements")

    @api.depends("trial_end_date")
    @api.depends_context("tz")
    def _compute_first_paid_date(self):
        today = fields.Date.context_today(self)
        for plan in self:
            if plan.trial_end_date:
                plan.first_paid_date = plan.trial_end_date.replace(day=1) + relativedelta(months=1)
            else:
                plan.first_paid_date = today.replace(day=1)

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _activate(self):
        res = super()._activate()
        self._announce()
        return res

    def generate_scorecards(self, date_from, date_to):
        """Employees assigned after the activation get the announcement too."""
        scorecards = super().generate_scorecards(date_from, date_to)
        self.filtered(lambda plan: plan.state == "active")._announce()
        return scorecards

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("trial_end_date")
    def _check_trial_end_date(self):
        """A trial cannot reach back over scorecards already paid."""
        plans = self.filtered("trial_end_date")
        if not plans:
            return
        paid = self.env["kpi.scorecard"].search(
            [("plan_id", "in", plans.ids), ("state", "=", "paid")], order="date_from"
        )
        for plan in plans:
            paid_in_trial = paid.filtered(
                lambda card, plan=plan: card.plan_id == plan and card.date_from <= plan.trial_end_date
            )
            if paid_in_trial:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s, field Trial end date: %(date)s would put paid scorecards "
                        "in the trial period (%(names)s).",
                        plan=plan.display_name,
                        date=plan.trial_end_date,
                        names=", ".join(paid_in_trial[:5].mapped("display_name")),
                    )
                )

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------
    def _announce(self):
        """Send the plan to each assigned employee not told about this version yet:
        a message (mail) and an announcement record (portal). Returns the new records."""
        Announcement = self.env["kpi.plan.announcement"]
        created = Announcement
        for plan in self:
            employees = plan._get_assigned_employees()
            done = Announcement.search(
                [("plan_id", "=", plan.id), ("version", "=", plan.version)]
            ).employee_id
            # The caller may activate the plan (or generate its scorecards); the
            # recipients' users and partners are HR data.
            employees_sudo = (employees - done).sudo()
            if not employees_sudo:
                continue
            subject = self.env._(
                "Your KPI plan %(plan)s (version %(version)s)", plan=plan.name, version=plan.version
            )
            body = plan._prepare_announcement_body()
            partners = self.env["res.partner"]
            vals_list = []
            for employee_sudo in employees_sudo:
                partner = plan._get_announcement_partner(employee_sudo)
                partners |= partner
                vals_list.append(
                    {
                        "plan_id": plan.id,
                        "version": plan.version,
                        "employee_id": employee_sudo.id,
                        "partner_id": partner.id,
                        "subject": subject,
                        "body": body,
                    }
                )
            message = False
            if partners:
                message = plan.message_notify(
                    partner_ids=partners.ids,
                    subject=subject,
                    body=body,
                    subtype_xmlid="mail.mt_comment",
                    email_layout_xmlid="mail.mail_notification_light",
                )
            for vals in vals_list:
                vals["message_id"] = message.id if message else False
            created |= Announcement.sudo().create(vals_list)
        return created

    @api.model
    def _get_announcement_partner(self, employee_sudo):
        """Who receives an employee's announcement: their user, else their KPI portal
        user, else their work contact."""
        return (
            employee_sudo.user_id.partner_id
            or employee_sudo.kpi_portal_user_id.partner_id
            or employee_sudo.work_contact_id
        )

    def _prepare_announcement_body(self):
        """The plan as employees see it: KPIs with weight, target, threshold and
        explanation, bonus base, payout scale, trial and first paid period."""
        self.ensure_one()

        def number(value):
            # whole numbers without decimals ("30 đơn", not "30.0 đơn"), in the user's format
            return formatLang(self.env, value, digits=2 if value % 1 else 0)

        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s %%</td><td>%s %s</td><td>%s %%</td><td>%s</td></tr>")
            % (
                line.definition_id.name,
                number(line.weight),
                number(line.target),
                line.definition_id.unit or "",
                number(line.threshold),
                line.definition_id.explanation or "",
            )
            for line in self.line_ids
        )
        header = Markup("<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>") % (
            self.env._("KPI"), self.env._("Weight"), self.env._("Target"),
            self.env._("Bonus threshold"), self.env._("How it is computed"),
        )
        scale = self.payout_scale_id
        if scale:
            tiers = ", ".join(
                f"{tier.achievement:g} % → {tier.payout:g} %" for tier in scale.tier_ids
            )
            scale_text = self.env._("Payout scale %(scale)s: %(tiers)s.", scale=scale.name, tiers=tiers)
        else:
            scale_text = self.env._("No payout scale: each KPI pays its achievement (capped).")
        # Formatted outside the _() call: string literals among its arguments hide the
        # message from Odoo's term export (setup/i18n).
        bonus_base = f"{self.bonus_base:,.0f}"
        parts = [
            Markup("<p>%s</p>") % self.env._(
                "Your KPI plan %(plan)s is now active. Here is how your results and your bonus "
                "will be measured.",
                plan=self.name,
            ),
            Markup('<table class="table table-sm o_kpi_announcement_kpis">%s%s</table>') % (header, rows),
            Markup("<p>%s</p>") % self.env._(
                "Bonus base per period at 100 %%: %(base)s %(currency)s.",
                base=bonus_base,
                currency=self.currency_id.name,
            ),
            Markup("<p>%s</p>") % scale_text,
        ]
        if self.trial_end_date:
            parts.append(
                Markup('<p class="o_kpi_announcement_trial">%s</p>') % self.env._(
                    "Trial period until %(date)s: your scorecards are computed and shown, "
                    "but pay no bonus.",
                    date=self.trial_end_date,
                )
            )
        parts.append(
            Markup('<p class="o_kpi_announcement_first_paid">%s</p>') % self.env._(
                "First paid period: the month starting %(date)s.", date=self.first_paid_date
            )
        )
        return Markup("").join(escape(part) for part in parts)


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
