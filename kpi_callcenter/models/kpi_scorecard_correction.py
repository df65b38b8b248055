# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Corrections after payment (``kpi.scorecard.correction``): a KPI Manager corrects a
line's actual or target of a paid scorecard with a mandatory reason
(:meth:`kpi.scorecard.correct`). The paid scorecard keeps its figures; the correction
records the changed lines (old and new values), the bonus before and after, and the
difference (``amount``, negative for a clawback), which the payroll bridge pays through
the employee's next payslips (``KPI_BONUS_ADJ``).

A correction is never edited: it is paid (``amount_paid``, by the payroll bridge), the
employee acknowledges a clawback taken from wages (``action_acknowledge``, themself
only), or a KPI Manager writes off what a leaver still owes (``action_write_off``, with a
reason). Each move is in its chatter, with its author.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import formatLang

from .kpi_scorecard import _field_labels

# What a client (a KPI Manager) may still write on a correction: the reason of a future
# write-off, and the chatter's bookkeeping. Everything else moves through the actions.
CORRECTION_CLIENT_FIELDS = frozenset(
    {"write_off_reason", "message_main_attachment_id", "activity_ids", "message_follower_ids"}
)
# A client creates a correction with these only; the figures are computed.
CORRECTION_CREATE_FIELDS = frozenset({"scorecard_id", "reason", "line_ids"})
CORRECTION_LINE_CREATE_FIELDS = frozenset({"scorecard_line_id", "field", "new_value"})


class KpiScorecardCorrection(models.Model):
    _name = "kpi.scorecard.correction"
    _description = "KPI Scorecard Correction"
    _inherit = ["mail.thread"]
    _order = "id desc"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    scorecard_id = fields.Many2one(
        "kpi.scorecard", required=True, readonly=True, index=True, ondelete="restrict"
    )
    employee_id = fields.Many2one(related="scorecard_id.employee_id", store=True, index=True)
    company_id = fields.Many2one(related="scorecard_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="scorecard_id.currency_id")
    plan_id = fields.Many2one(related="scorecard_id.plan_id")
    date_from = fields.Date(related="scorecard_id.date_from")
    date_to = fields.Date(related="scorecard_id.date_to")
    line_ids = fields.One2many(
        "kpi.scorecard.correction.line", "correction_id", string="Corrected KPIs", readonly=True
    )
    reason = fields.Text(required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Corrected by", readonly=True)
    score_before = fields.Float(digits=(16, 2), readonly=True, help="Score before this correction.")
    score_after = fields.Float(digits=(16, 2), readonly=True, help="Score with this correction.")
    bonus_before = fields.Monetary(
        readonly=True,
        help="Bonus before this correction: the scorecard's paid bonus plus the earlier corrections.",
    )
    bonus_after = fields.Monetary(
        string="Recomputed bonus", readonly=True, help="Bonus recomputed with this correction."
    )
    amount = fields.Monetary(
        readonly=True,
        help="Recomputed bonus - bonus before: paid by the next payslips; negative, a clawback.",
    )
    amount_paid = fields.Monetary(
        readonly=True, copy=False, tracking=True, help="What done payslips paid (or took back) of it."
    )
    amount_written_off = fields.Monetary(readonly=True, copy=False, tracking=True)
    amount_residual = fields.Monetary(
        string="Still open",
        compute="_compute_amount_residual",
        store=True,
        help="Amount - paid - written off.",
    )
    state = fields.Selection(
        [("open", "Open"), ("paid", "Paid"), ("written_off", "Written off")],
        required=True,
        default="open",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    is_advance_settlement = fields.Boolean(
        string="Advances settlement",
        readonly=True,
        copy=False,
        help="Created when a quarter's or year's scorecard was paid with monthly advances above "
        "its bonus: the difference is taken back like any clawback.",
    )
    acknowledged_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        copy=False,
        tracking=True,
        help="The employee who acknowledged this clawback: it may then be taken from wages.",
    )
    acknowledged_on = fields.Datetime(readonly=True, copy=False)
    write_off_reason = fields.Text(tracking=True, copy=False)
    written_off_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    written_off_on = fields.Datetime(readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("amount", "amount_paid", "amount_written_off")
    def _compute_amount_residual(self):
        for correction in self:
            correction.amount_residual = correction.currency_id.round(
                correction.amount - correction.amount_paid - correction.amount_written_off
            )

    @api.depends("scorecard_id.display_name")
    def _compute_display_name(self):
        for correction in self:
            correction.display_name = self.env._(
                "Correction %(number)s of %(scorecard)s",
                number=correction.id or "",
                scorecard=correction.scorecard_id.display_name or "",
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        """A client's create goes through :meth:`kpi.scorecard.correct` (KPI Managers
        only, paid scorecards only, the figures computed): give the scorecard, the reason
        and the lines (``scorecard_line_id``, ``field``, ``new_value``)."""
        if self.env.su:
            return super().create(vals_list)
        corrections = self.browse()
        Line = self.env["kpi.scorecard.line"]
        for vals in vals_list:
            commands = vals.get("line_ids") or []
            line_vals = (
                [command[2] for command in commands if command[0] == 0]
                if isinstance(commands, list)
                and all(isinstance(command, list | tuple) and len(command) == 3 for command in commands)
                else None
            )
            if line_vals is None or not all(
                isinstance(values, dict) and isinstance(values.get("scorecard_line_id"), int)
                for values in line_vals
            ) or not isinstance(vals.get("scorecard_id"), int):
                raise ValidationError(
                    self.env._(
                        "New correction: give the scorecard's id and its corrected lines as "
                        "(0, 0, {\"scorecard_line_id\": id, \"field\": \"actual\", \"new_value\": x})."
                    )
                )
            scorecard = self.env["kpi.scorecard"].browse(vals["scorecard_id"]).exists()
            forbidden = set(vals) - CORRECTION_CREATE_FIELDS
            for values in line_vals:
                forbidden |= set(values) - CORRECTION_LINE_CREATE_FIELDS
            if forbidden:
                raise AccessError(
                    self.env._(
                        "New correction of %(scorecard)s: %(fields)s are computed; give the "
                        "scorecard, the reason and the corrected KPI lines.",
                        scorecard=scorecard.display_name or "",
                        fields=", ".join(sorted(forbidden)),
                    )
                )
            if not scorecard:
                raise ValidationError(self.env._("A correction needs its scorecard."))
            changes = {}
            for values in line_vals:
                line = Line.browse(values.get("scorecard_line_id")).exists()
                if line.scorecard_id != scorecard:
                    raise ValidationError(
                        self.env._(
                            "Correction of %(scorecard)s, field KPI line: the line belongs to "
                            "another scorecard.",
                            scorecard=scorecard.display_name,
                        )
                    )
                changes.setdefault(line.code, {})[values.get("field") or "actual"] = values.get("new_value")
            corrections |= scorecard.correct(changes, vals.get("reason"))
        return corrections

    def write(self, vals):
        """A correction is never edited: clients write the reason of a future write-off
        only (on an open correction); the rest moves through the actions."""
        if not self.env.su:
            protected = set(vals) - CORRECTION_CLIENT_FIELDS
            if protected:
                raise AccessError(
                    self.env._(
                        "%(corrections)s: %(fields)s are never edited; a new correction "
                        "corrects a correction.",
                        corrections=", ".join(self.mapped("display_name")),
                        fields=_field_labels(self, protected),
                    )
                )
            if "write_off_reason" in vals:
                self._check_open()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "Corrections are never deleted: %(names)s",
                names=", ".join(self.mapped("display_name")),
            )
        )

    def _check_open(self):
        closed = self.filtered(lambda correction: correction.state != "open")
        if closed:
            raise UserError(
                self.env._(
                    "These corrections are no longer open: %(names)s",
                    names=", ".join(closed.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_acknowledge(self):
        """The employee acknowledges the clawback: the payroll may take from their wages
        what the KPI amounts do not offset (up to the company's share of the net wage).
        Only the employee themself (their user or their portal user) acknowledges, never
        someone else for them; the date and the user are recorded."""
        self.check_access("read")
        user = self.env.user
        for correction in self:
            employee_sudo = correction.sudo().employee_id
            if user not in (employee_sudo.user_id | employee_sudo.kpi_portal_user_id):
                raise AccessError(
                    self.env._(
                        "%(correction)s: only %(employee)s acknowledges this correction.",
                        correction=correction.display_name,
                        employee=employee_sudo.name,
                    )
                )
        self._check_open()
        not_clawback = self.filtered(lambda correction: correction.amount_residual >= 0)
        if not_clawback:
            raise UserError(
                self.env._(
                    "Only a clawback (a negative correction still open) is acknowledged: %(names)s",
                    names=", ".join(not_clawback.mapped("display_name")),
                )
            )
        to_do = self.filtered(lambda correction: not correction.acknowledged_by_id)
        # the identity was checked above: the user writes their own acknowledgement
        to_do_sudo = to_do.sudo()
        to_do_sudo.write({"acknowledged_by_id": user.id, "acknowledged_on": fields.Datetime.now()})
        for correction_sudo in to_do_sudo:
            correction_sudo.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "%(user)s acknowledged this clawback: what the KPI amounts do not offset "
                    "may be taken from wages, up to the company's share of the net wage.",
                    user=user.name,
                ),
                author_id=user.partner_id.id,
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_write_off(self):
        """A KPI Manager writes off what is still owed of open clawbacks (e.g. a leaver's
        remainder after the final settlement), with the reason written first; the user and
        the date are recorded."""
        self._check_manager()
        self._check_open()
        own = self.env.user.employee_ids
        for correction in self:
            if not self.env.su and correction.employee_id & own:
                raise AccessError(
                    self.env._(
                        "%(correction)s: nobody writes off their own clawback.",
                        correction=correction.display_name,
                    )
                )
            if correction.amount_residual >= 0:
                raise UserError(
                    self.env._(
                        "%(correction)s: only what an employee still owes (a clawback) is "
                        "written off; a correction in their favour is paid.",
                        correction=correction.display_name,
                    )
                )
            if not (correction.write_off_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "%(correction)s, field Write-off reason: write why the remainder is written off.",
                        correction=correction.display_name,
                    )
                )
        now = fields.Datetime.now()
        for correction in self:
            residual = correction.amount_residual
            correction._write_workflow(
                {
                    "amount_written_off": correction.amount_written_off + residual,
                    "state": "written_off",
                    "written_off_by_id": self.env.user.id,
                    "written_off_on": now,
                }
            )
            correction.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "%(user)s wrote off %(amount)s: %(reason)s",
                    user=self.env.user.name,
                    amount=formatLang(self.env, -residual, currency_obj=correction.currency_id),
                    reason=correction.write_off_reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------
    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group("kpi_callcenter.group_kpi_manager"):
            raise AccessError(
                self.env._(
                    "Only a KPI Manager corrects a paid scorecard or writes a correction off: %(names)s",
                    names=", ".join(self.mapped("display_name")),
                )
            )
        self.check_access("write")

    def _write_workflow(self, vals):
        """Write the workflow fields (amounts paid or written off, state, links) as
        superuser. Private: the callers (the actions, the payroll bridge) checked the
        user's rights and the transition first."""
        corrections_sudo = self.sudo()
        return corrections_sudo.write(vals)

    @api.model
    def _create_advance_settlements(self, scorecards):
        """The settlement of ``scorecards`` just paid: where the monthly advances paid are
        above the period's bonus (``amount_to_recover``), one open clawback of the
        difference, unless one exists (not written off). Called by the payroll bridge
        after its access check on the payslip that paid them."""
        existing_sudo = self.sudo().search(
            [
                ("scorecard_id", "in", scorecards.ids),
                ("is_advance_settlement", "=", True),
                ("state", "!=", "written_off"),
            ]
        )
        vals_list = []
        for card in scorecards - existing_sudo.scorecard_id:
            currency = card.currency_id
            to_recover = currency.round(card.amount_to_recover)
            if currency.compare_amounts(to_recover, 0.0) <= 0:
                continue
            vals_list.append(
                {
                    "scorecard_id": card.id,
                    "is_advance_settlement": True,
                    "user_id": self.env.user.id,
                    "score_before": card.score,
                    "score_after": card.score,
                    "bonus_before": card.advance_paid_amount,
                    "bonus_after": card.bonus_amount,
                    "amount": -to_recover,
                    "reason": self.env._(
                        "Monthly advances paid (%(advances)s) are above the bonus of the period "
                        "(%(bonus)s): the difference is taken back.",
                        advances=formatLang(self.env, card.advance_paid_amount, currency_obj=currency),
                        bonus=formatLang(self.env, card.bonus_amount, currency_obj=currency),
                    ),
                }
            )
        corrections_sudo = self.sudo().create(vals_list)
        corrections_sudo._log_creation()
        return corrections_sudo

    def _get_statement_payslips(self):
        """``[{"number", "amount_text"}]``: the payslips that paid this correction, for
        the statement and the portal (the payroll bridge fills it)."""
        self.ensure_one()
        return []

    def _log_creation(self):
        """The correction's first note, on it and on its scorecard: who corrected what
        (old → new), the bonus before and after, the amount and the reason."""
        labels = dict(self.env["kpi.scorecard.correction.line"]._fields["field"]._description_selection(self.env))
        for correction in self:
            currency = correction.currency_id
            rows = Markup("").join(
                Markup("<li>%s</li>")
                % self.env._(
                    "%(kpi)s: %(field)s %(old)s → %(new)s",
                    kpi=line.definition_id.display_name,
                    field=labels.get(line.field, line.field),
                    old=round(line.old_value, 2),
                    new=round(line.new_value, 2),
                )
                for line in correction.line_ids
            )
            body = Markup("<p>%s</p><ul>%s</ul><p>%s</p>") % (
                self.env._(
                    "%(user)s corrected the paid scorecard: bonus %(before)s → %(after)s, "
                    "correction %(amount)s.",
                    user=correction.user_id.name,
                    before=formatLang(self.env, correction.bonus_before, currency_obj=currency),
                    after=formatLang(self.env, correction.bonus_after, currency_obj=currency),
                    amount=formatLang(self.env, correction.amount, currency_obj=currency),
                ),
                rows,
                self.env._("Reason: %(reason)s", reason=correction.reason),
            )
            correction.message_post(body=body, author_id=correction.user_id.partner_id.id, subtype_xmlid="mail.mt_note")
            correction.scorecard_id.message_post(
                body=body, author_id=correction.user_id.partner_id.id, subtype_xmlid="mail.mt_note"
            )

    def _apply_paid(self, paid_by_correction, note_by_correction=None):
        """Set ``amount_paid`` (``{correction: amount}``, what done payslips paid of it);
        a correction paid in full is ``paid``, one not fully paid (again) ``open``. One
        chatter note per correction (``note_by_correction``). Called by the payroll
        bridge after its access check on the payslips."""
        note_by_correction = note_by_correction or {}
        for correction, paid in paid_by_correction.items():
            currency = correction.currency_id
            residual = currency.round(correction.amount - paid - correction.amount_written_off)
            state = "paid" if currency.is_zero(residual) else "open"
            correction._write_workflow({"amount_paid": currency.round(paid), "state": state})
            if correction in note_by_correction:
                correction.sudo().message_post(
                    body=Markup("<p>%s</p>") % note_by_correction[correction],
                    author_id=self.env.user.partner_id.id,
                    subtype_xmlid="mail.mt_note",
                )


class KpiScorecardCorrectionLine(models.Model):
    _name = "kpi.scorecard.correction.line"
    _description = "KPI Scorecard Correction Line"
    _order = "correction_id, id"

    correction_id = fields.Many2one(
        "kpi.scorecard.correction", required=True, readonly=True, index=True, ondelete="cascade"
    )
    scorecard_line_id = fields.Many2one(
        "kpi.scorecard.line", string="KPI line", required=True, readonly=True, ondelete="restrict"
    )
    definition_id = fields.Many2one(related="scorecard_line_id.definition_id", string="KPI")
    code = fields.Char(related="scorecard_line_id.code")
    employee_id = fields.Many2one(related="correction_id.employee_id", store=True, index=True)
    company_id = fields.Many2one(related="correction_id.company_id", store=True)
    currency_id = fields.Many2one(related="correction_id.currency_id")
    field = fields.Selection([("actual", "Actual"), ("target", "Target")], required=True, readonly=True)
    old_value = fields.Float(digits=(16, 2), readonly=True)
    new_value = fields.Float(digits=(16, 2), readonly=True)
    bonus_before = fields.Monetary(readonly=True, help="The line's bonus before the correction.")
    bonus_after = fields.Monetary(readonly=True, help="The line's bonus with the correction.")

    @api.model_create_multi
    def create(self, vals_list):
        """Lines are created with their correction only (:meth:`kpi.scorecard.correct`)."""
        if not self.env.su:
            raise AccessError(
                self.env._("The lines of a correction are created with it (Correct on a paid scorecard).")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "%(corrections)s: %(fields)s of a correction's line are never edited.",
                    corrections=", ".join(self.correction_id.mapped("display_name")),
                    fields=_field_labels(self, set(vals)),
                )
            )
        return super().write(vals)
