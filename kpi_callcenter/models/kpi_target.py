# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Individual targets (``kpi.target``): one employee's own full-period target of one plan
line for a span of periods, set in advance with a reason.

It wins over the plan line's target in every scorecard of that employee and plan whose
period it covers (``kpi.scorecard._recompute_figures``; proration still applies). Once a
confirmed or paid scorecard used it, it is final: what a payslip paid never changes.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

TARGET_LOCKED_STATES = ("confirmed", "paid")
# Fields a scorecard's figures depend on: a target a locked scorecard used keeps them
# (its dates may still move as long as they cover the locked periods).
TARGET_FIGURE_FIELDS = frozenset({"plan_line_id", "employee_id", "target", "note"})
TARGET_DATE_FIELDS = frozenset({"date_from", "date_to"})
# Context keys that would silence the audit trail: the chatter of a target ignores them.
MAIL_SILENCING_KEYS = {"tracking_disable": False, "mail_notrack": False, "mail_create_nolog": False}


class KpiTarget(models.Model):
    _name = "kpi.target"
    _description = "KPI Individual Target"
    _inherit = ["mail.thread"]
    _order = "date_from desc, plan_id, employee_id, id"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    plan_line_id = fields.Many2one(
        "kpi.plan.line",
        string="Plan KPI",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        help="The KPI of a plan this target replaces the plan's target of.",
    )
    plan_id = fields.Many2one(related="plan_line_id.plan_id", store=True, index=True, string="Plan")
    definition_id = fields.Many2one(related="plan_line_id.definition_id", store=True, string="KPI")
    unit = fields.Char(related="plan_line_id.definition_id.unit")
    company_id = fields.Many2one(
        related="plan_line_id.plan_id.company_id", store=True, index=True, precompute=True
    )
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade", check_company=True,
        tracking=True,
    )
    date_from = fields.Date(
        string="Start", required=True, index=True, tracking=True,
        help="The target applies to the scorecards whose whole period lies between the "
        "two dates.",
    )
    date_to = fields.Date(string="End", required=True, index=True, tracking=True)
    target = fields.Float(
        required=True, tracking=True,
        help="The employee's target for a full period, before proration for leave.",
    )
    plan_target = fields.Float(
        related="plan_line_id.target", string="Plan's target",
        help="The plan line's target, which applies to the other employees.",
    )
    deviation_pct = fields.Float(
        string="Deviation (%)",
        compute="_compute_deviation_pct",
        digits=(16, 1),
        help="How far this target is from the plan's target, in % of the plan's target. "
        "The plan's health check flags targets further away than the company's limit.",
    )
    note = fields.Text(
        string="Reason", required=True, tracking=True,
        help="Why this employee has their own target (shown to them).",
    )
    is_used_locked = fields.Boolean(
        string="Used by a locked scorecard",
        compute="_compute_is_used_locked",
        help="A confirmed or paid scorecard was computed with this target: it can no longer "
        "be changed or deleted.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("plan_line_id.plan_id.name", "definition_id.code", "employee_id.name", "date_from", "date_to")
    def _compute_display_name(self):
        for record in self:
            record.display_name = " / ".join(
                filter(
                    None,
                    [
                        record.employee_id.name,
                        record.plan_id.name,
                        record.definition_id.code,
                        record.date_from and record.date_to and f"{record.date_from} → {record.date_to}",
                    ],
                )
            )

    @api.depends("target", "plan_line_id.target")
    def _compute_deviation_pct(self):
        for record in self:
            record.deviation_pct = record._get_deviation_pct()

    def _get_deviation_pct(self):
        """``|target - plan's target| ÷ plan's target`` in %; 100 % when the plan's target
        is 0 and this one is not."""
        self.ensure_one()
        plan_target = self.plan_line_id.target
        if not plan_target:
            return 100.0 if self.target else 0.0
        return abs(self.target - plan_target) * 100.0 / plan_target

    def _compute_is_used_locked(self):
        used = self._get_locked_lines().target_id
        for record in self:
            record.is_used_locked = record in used

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("date_from", "date_to", "target")
    def _check_values(self):
        for record in self:
            if record.date_from and record.date_to and record.date_to < record.date_from:
                raise ValidationError(
                    self.env._(
                        "Individual target %(target)s, field End: %(end)s is before the start %(start)s.",
                        target=record.display_name,
                        end=record.date_to,
                        start=record.date_from,
                    )
                )
            if record.target < 0:
                raise ValidationError(
                    self.env._(
                        "Individual target %(target)s, field Target: %(value)s is negative.",
                        target=record.display_name,
                        value=record.target,
                    )
                )

    @api.constrains("note")
    def _check_note(self):
        for record in self:
            if not (record.note or "").strip():
                raise ValidationError(
                    self.env._(
                        "Individual target %(target)s, field Reason: say why this employee has "
                        "their own target.",
                        target=record.display_name,
                    )
                )

    @api.constrains("plan_line_id", "employee_id", "date_from", "date_to")
    def _check_overlap(self):
        """One target per employee and plan KPI on any day: two overlapping targets would
        leave the scorecard's target ambiguous. One search for all of ``self``."""
        if not self:
            return
        others = self.search(
            [
                ("plan_line_id", "in", self.plan_line_id.ids),
                ("employee_id", "in", self.employee_id.ids),
                ("date_from", "<=", max(self.mapped("date_to"))),
                ("date_to", ">=", min(self.mapped("date_from"))),
            ]
        )
        for record in self:
            clash = (others - record).filtered(
                lambda other, r=record: other.plan_line_id == r.plan_line_id
                and other.employee_id == r.employee_id
                and other.date_from <= r.date_to
                and other.date_to >= r.date_from
            )[:1]
            if clash:
                raise ValidationError(
                    self.env._(
                        "Individual target %(target)s, field Period: it overlaps %(other)s; an "
                        "employee has one target per KPI on any day.",
                        target=record.display_name,
                        other=clash.display_name,
                    )
                )

    @api.constrains("plan_line_id", "employee_id")
    def _check_employee_company(self):
        for record in self:
            if record.employee_id.company_id != record.company_id:
                raise ValidationError(
                    self.env._(
                        "Individual target %(target)s, field Employee: %(employee)s is not in "
                        "the plan's company %(company)s.",
                        target=record.display_name,
                        employee=record.employee_id.name,
                        company=record.company_id.name,
                    )
                )

    def _check_not_own(self):
        """Nobody sets, changes or deletes their own individual target."""
        if self.env.su:
            return
        own = self.env.user.employee_ids
        for record in self:
            if record.employee_id & own:
                raise AccessError(
                    self.env._(
                        "Individual target %(target)s, field Employee: nobody sets, changes or "
                        "deletes their own target.",
                        target=record.display_name,
                    )
                )

    def _get_locked_lines(self):
        """The confirmed or paid scorecard lines computed with the targets ``self``. Read
        as superuser: the caller checked its access to the targets."""
        if not self.ids:
            return self.env["kpi.scorecard.line"]
        return self.env["kpi.scorecard.line"].sudo().search(
            [("target_id", "in", self.ids), ("state", "in", TARGET_LOCKED_STATES)]
        )

    def _raise_locked(self, line_sudo):
        """Refuse the change of the target ``self`` a locked scorecard line used."""
        card_sudo = line_sudo.scorecard_id
        states = dict(card_sudo._fields["state"]._description_selection(self.env))
        raise UserError(
            self.env._(
                "Individual target %(target)s: scorecard %(scorecard)s is %(state)s and was "
                "computed with it; it can no longer be changed or deleted. Set a new target for "
                "the coming periods instead.",
                target=self.display_name,
                scorecard=card_sudo.display_name,
                state=states[card_sudo.state],
            )
        )

    def _check_locked_write(self, vals):
        """Before a write: a target a locked scorecard used keeps its employee, KPI, value
        and reason, and its period still covers that scorecard's (the figures it paid stay
        explained); its dates may move otherwise."""
        if not set(vals) & (TARGET_FIGURE_FIELDS | TARGET_DATE_FIELDS):
            return
        for line_sudo in self._get_locked_lines():
            record = self.browse(line_sudo.target_id.id)
            changed = any(
                record._fields[fname].convert_to_write(record[fname], record) != vals[fname]
                for fname in TARGET_FIGURE_FIELDS & set(vals)
            )
            date_from = fields.Date.to_date(vals.get("date_from", record.date_from))
            date_to = fields.Date.to_date(vals.get("date_to", record.date_to))
            if changed or not (
                date_from and date_to and date_from <= line_sudo.date_from and date_to >= line_sudo.date_to
            ):
                record._raise_locked(line_sudo)

    def _check_in_advance(self):
        """A target is set in advance: it may not cover the period of a confirmed or paid
        scorecard of its employee and plan that was computed without it."""
        if not self:
            return
        lines_sudo = self.env["kpi.scorecard.line"].sudo().search(
            [
                ("plan_line_id", "in", self.plan_line_id.ids),
                ("employee_id", "in", self.employee_id.ids),
                ("state", "in", TARGET_LOCKED_STATES),
                ("date_from", ">=", min(self.mapped("date_from"))),
                ("date_to", "<=", max(self.mapped("date_to"))),
            ]
        )
        for record in self if lines_sudo else ():
            line_sudo = lines_sudo.filtered(
                lambda line, r=record: line.plan_line_id == r.plan_line_id
                and line.employee_id == r.employee_id
                and r.date_from <= line.date_from
                and line.date_to <= r.date_to
                and line.target_id.id != r.id
            )[:1]
            if line_sudo:
                card_sudo = line_sudo.scorecard_id
                states = dict(card_sudo._fields["state"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "Individual target %(target)s, field Period: scorecard %(scorecard)s is "
                        "already %(state)s; a target is set in advance, for periods not yet "
                        "confirmed.",
                        target=record.display_name,
                        scorecard=card_sudo.display_name,
                        state=states[card_sudo.state],
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def _with_audit_context(self):
        return self.with_context(**MAIL_SILENCING_KEYS, mail_create_nosubscribe=True)

    @api.model_create_multi
    def create(self, vals_list):
        records = super(KpiTarget, self._with_audit_context()).create(vals_list)
        records._check_not_own()
        records._check_in_advance()
        return records.with_env(self.env)

    def write(self, vals):
        self._check_not_own()
        self._check_locked_write(vals)
        result = super(KpiTarget, self._with_audit_context()).write(vals)
        if set(vals) & (TARGET_FIGURE_FIELDS | TARGET_DATE_FIELDS):
            self._check_not_own()
            self._check_in_advance()
        return result

    def unlink(self):
        self._check_not_own()
        locked_lines_sudo = self._get_locked_lines()
        if locked_lines_sudo:
            self.browse(locked_lines_sudo[0].target_id.id)._raise_locked(locked_lines_sudo[0])
        self._log_unlink()
        return super().unlink()

    def _log_unlink(self):
        """The target's own chatter goes with it: the deletion is logged on its plan."""
        self.check_access("unlink")
        # Access to delete the targets was checked: the note is posted on their plans,
        # which a KPI Officer may not write.
        for plan_sudo in self.plan_id.sudo():
            rows = Markup("").join(
                Markup("<li>%s</li>")
                % self.env._(
                    "%(target)s: %(value)s (%(reason)s)",
                    target=record.display_name,
                    value=record.target,
                    reason=record.note,
                )
                for record in self.filtered(lambda r, p=plan_sudo: r.plan_id == p)
            )
            plan_sudo._message_log(
                body=Markup("%s<ul>%s</ul>")
                % (self.env._("Individual targets deleted by %(user)s:", user=self.env.user.name), rows),
                author_id=self.env.user.partner_id.id,
            )

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------
    @api.model
    def _get_targets(self, plan, employees, date_from, date_to):
        """``{(plan line id, employee id): target}``: the individual targets of ``plan``
        whose period covers ``date_from``–``date_to``, for ``employees``. One search
        whatever the number of employees; read as superuser (the caller checked its
        access to the scorecards or the plan)."""
        targets_sudo = self.sudo().search(
            [
                ("plan_line_id", "in", plan.line_ids.ids),
                ("employee_id", "in", employees.ids),
                ("date_from", "<=", date_from),
                ("date_to", ">=", date_to),
            ]
        )
        return {(target.plan_line_id.id, target.employee_id.id): target for target in targets_sudo}
