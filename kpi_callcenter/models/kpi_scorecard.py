# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Monthly scorecards (``kpi.scorecard``) and their KPI lines (``kpi.scorecard.line``).

The pipeline, as explicit steps in this file:

- compute (``action_compute``, the hourly provisional cron): proration days → one
  provider query per KPI → line figures → bonus (``engine/``) → adjustments re-applied;
- confirm (``action_confirm``): call data check (a PBX without calls on a working day
  stops it with a dialog) → lock → review lines for the KPIs below their threshold;
- transparency: the portal page, the PDF statement, disputes and the KPI history.
"""

import logging
import math
import uuid
from collections import defaultdict
from datetime import datetime, timedelta

import pytz
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import format_date, format_datetime, formatLang

from ..engine import band as engine_band
from ..engine import callgap
from ..engine import chart as engine_chart
from ..engine import days as engine_days
from ..engine import period_bonus as engine_period_bonus
from ..engine import pool as engine_pool
from ..engine import scorecard as engine_scorecard
from .kpi_plan import LINE_SCOPES, POOL_SPLITS, TEAM_BASES

_logger = logging.getLogger(__name__)

LOCKED_STATES = ("confirmed", "paid")
# What a client may still write on a confirmed or paid scorecard: the portal token and the
# chatter's bookkeeping. Workflow fields are refused to clients in every state.
SCORECARD_UNLOCKED_FIELDS = frozenset(
    {"access_token", "message_main_attachment_id", "activity_ids", "message_follower_ids"}
)
# Written only by the workflow (the actions, the audited adjustments, the payroll bridge)
# through _write_workflow; see _get_workflow_fields. A client gives employee, plan and
# period when it creates a scorecard, and nothing else of these.
SCORECARD_WORKFLOW_FIELDS = frozenset(
    {
        "state", "employee_id", "plan_id", "date_from", "date_to",
        "score", "prorate_factor", "working_days", "leave_days", "bonus_amount", "computed_on",
        "call_gap_note",
    }
)
SCORECARD_CREATE_FIELDS = frozenset({"employee_id", "plan_id", "date_from", "date_to"})
# A client adds a line to a draft or computed scorecard with these only.
LINE_CREATE_FIELDS = frozenset({"scorecard_id", "plan_line_id", "definition_id"})
HISTORY_PERIODS = 6
# The largest actual or target a what-if or a correction takes: far above any real KPI, far
# below what would overflow the payout and bonus arithmetic.
MAX_KPI_VALUE = 1e12
# Figures written by the computation in one statement per table (``_write_figures``).
LINE_FIGURES = (
    "definition_id", "weight", "target_full", "target", "prorated", "threshold", "cap", "actual",
    "achievement", "score", "payout", "bonus_amount", "is_gate", "below_min_count",
    # team pools (engine/pool.py)
    "scope", "team_basis", "pool_split", "team_name", "team_size", "team_actual", "team_target",
    "individual_achievement", "pool_base", "pool_contribution", "pool_amount", "pool_share",
    # individual targets (kpi.target)
    "target_id", "is_individual_target",
)
# the figures of a team line, from engine/pool.py's result
POOL_FIGURES = (
    "team_size", "team_actual", "team_target", "individual_achievement", "pool_base",
    "pool_contribution", "pool_amount", "pool_share",
)
SCORECARD_FIGURES = (
    "working_days", "holiday_days", "leave_days", "absent_days", "available_days", "prorate_factor",
    "effective_date_from", "effective_date_to", "is_assessed", "not_assessed_reason",
    "contract_gap_note", "bonus_base", "score", "bonus_amount", "state", "computed_on",
    "pay_date", "year_average_score", "year_coefficient", "months_worked",
)


def _field_labels(records, fnames):
    """The labels of the fields ``fnames`` of ``records``' model, sorted (for messages)."""
    return ", ".join(
        sorted(
            records._fields[fname]._description_string(records.env)
            for fname in fnames
            if fname in records._fields
        )
    )


def _without_default_context(records, fnames):
    """``records`` without the context's ``default_<field>`` keys of ``fnames``: a client's
    context gives no workflow field a value."""
    prefix = "default_"
    # dropping keys needs a new context dict; kwargs could only add or change keys
    return records.with_context(  # pylint: disable=context-overridden
        {
            key: value
            for key, value in records.env.context.items()
            if not (key.startswith(prefix) and key[len(prefix):] in fnames)
        }
    )


BANDS = [("red", "Below threshold"), ("amber", "Below target"), ("green", "On target")]
BAND_ORDER = {"red": 0, "amber": 1, "green": 2}
PORTAL_RECORDS_LIMIT = 500
PORTAL_RECORDS_ORDER = {
    "rating.rating": "kpi_rated_on, id",
    "sale.order": "date_order, id",
    "helpdesk.ticket": "closed_date, id",
    "kpi.call": "start, id",
    "kpi.manual.value": "date, id",
}


def mask_phone(number):
    """A phone number with all but its last 3 digits hidden.

    >>> mask_phone("+84901234567")
    '•••••••••567'
    >>> mask_phone("")
    ''
    """
    number = (number or "").strip()
    if len(number) <= 3:
        return number
    return "•" * (len(number) - 3) + number[-3:]


class KpiScorecard(models.Model):
    _name = "kpi.scorecard"
    _description = "KPI Scorecard"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin"]
    _order = "date_from desc, employee_id, id"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(compute="_compute_name", store=True)
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade", check_company=True,
        tracking=True,
    )
    user_id = fields.Many2one(related="employee_id.user_id", string="Employee's user")
    department_id = fields.Many2one(
        related="employee_id.department_id", store=True, index=True, string="Department"
    )
    manager_id = fields.Many2one(related="employee_id.parent_id", string="Manager")
    plan_id = fields.Many2one(
        "kpi.plan", required=True, index=True, ondelete="restrict", check_company=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(required=True, index=True)
    date_to = fields.Date(required=True, index=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("computed", "Computed"),
            ("confirmed", "Confirmed"),
            ("paid", "Paid"),
        ],
        required=True,
        default="draft",
        tracking=True,
        copy=False,
        index=True,
    )
    line_ids = fields.One2many("kpi.scorecard.line", "scorecard_id", string="KPIs")
    score = fields.Float(
        digits=(16, 2), readonly=True, copy=False, help="Sum of the line scores (points)."
    )
    prorate_factor = fields.Float(
        digits=(16, 4),
        default=1.0,
        readonly=True,
        copy=False,
        help="Working days available ÷ working days in the period. Targets of counts and "
        "sums are multiplied by it.",
    )
    working_days = fields.Float(
        digits=(16, 2),
        readonly=True,
        copy=False,
        help="Working days S of the employee's schedule in the period, public holidays not "
        "removed (or the company's fixed standard days).",
    )
    holiday_days = fields.Float(
        digits=(16, 2), readonly=True, copy=False, help="Public holidays on those working days."
    )
    leave_days = fields.Float(
        digits=(16, 2), readonly=True, copy=False, help="Days of validated time off that prorate KPI targets."
    )
    absent_days = fields.Float(
        digits=(16, 2),
        readonly=True,
        copy=False,
        help="Working days outside the employee's employment or time in the plan.",
    )
    available_days = fields.Float(
        digits=(16, 2),
        readonly=True,
        copy=False,
        help="Working days - public holidays - prorating leave - absent days.",
    )
    effective_date_from = fields.Date(
        readonly=True, copy=False, help="First day of the period the employee was employed and in the plan."
    )
    effective_date_to = fields.Date(
        readonly=True,
        copy=False,
        index=True,
        help="Last day of the period the employee was employed and in the plan: payroll pays "
        "the scorecard in the payslip whose period contains it.",
    )
    bonus_base = fields.Monetary(
        readonly=True,
        copy=False,
        help="Bonus base earned by the days in the plan: base × (working days - absent "
        "days) ÷ working days.",
    )
    is_assessed = fields.Boolean(
        string="Assessed",
        default=True,
        readonly=True,
        copy=False,
        help="No work, no bonus: a scorecard without enough available days is not assessed.",
    )
    not_assessed_reason = fields.Char(readonly=True, copy=False)
    contract_gap_note = fields.Char(
        readonly=True,
        copy=False,
        help="Days between two contracts of the employee in the period: counted as employed "
        "under the earlier contract until HR fixes the contracts.",
    )
    bonus_amount = fields.Monetary(readonly=True, copy=False)
    computed_on = fields.Datetime(readonly=True, copy=False)
    pay_date = fields.Date(
        readonly=True,
        copy=False,
        index=True,
        help="Payroll pays the scorecard in the payslip whose period contains this day: the "
        "last day in the plan, or the off-cycle date of a yearly bonus.",
    )
    advance_ids = fields.One2many("kpi.scorecard.advance", "scorecard_id", string="Advances")
    advance_paid_amount = fields.Monetary(
        string="Advances paid",
        compute="_compute_settlement",
        help="Monthly advances of this quarterly or yearly scorecard already paid by payroll.",
    )
    settlement_amount = fields.Monetary(
        string="Payable at settlement",
        compute="_compute_settlement",
        help="What payroll pays for this scorecard: the bonus minus the advances paid, never "
        "negative.",
    )
    amount_to_recover = fields.Monetary(
        compute="_compute_settlement",
        help="Advances paid beyond the bonus of the period: to be recovered by a correction.",
    )
    year_average_score = fields.Float(
        string="Average monthly score",
        digits=(16, 2),
        readonly=True,
        copy=False,
        help="Yearly bonus by coefficient: the average of the monthly scores in the plan.",
    )
    year_coefficient = fields.Float(
        string="Coefficient",
        digits=(16, 4),
        readonly=True,
        copy=False,
        help="Yearly bonus by coefficient: the coefficient of the average monthly score.",
    )
    months_worked = fields.Integer(
        readonly=True,
        copy=False,
        help="Yearly bonus by coefficient: months in the plan in the year (a started month counts "
        "when in the plan on at least half of its days).",
    )
    is_provisional = fields.Boolean(
        compute="_compute_is_provisional",
        help="The period is still running: figures may change.",
    )
    is_trial = fields.Boolean(
        string="Trial",
        compute="_compute_is_trial",
        store=True,
        index=True,
        help="The plan was on trial in this period: the scorecard is shown but pays nothing.",
    )
    team_manager_id = fields.Many2one(
        related="employee_id.parent_id", store=True, index=True, string="Team"
    )
    performance_band = fields.Selection(
        [("under", "Underperformer"), ("on_track", "On track"), ("top", "Top performer")],
        compute="_compute_performance_band",
        store=True,
        index=True,
        help="From the score and the company's under- and top-performer scores.",
    )
    call_gap_note = fields.Text(
        string="Missing call data",
        readonly=True,
        copy=False,
        help="Set when the scorecard was confirmed although a PBX sent no call on some working "
        "days of the period: who confirmed it, when, and which days. Shown to the employee.",
    )
    band = fields.Selection(
        BANDS,
        compute="_compute_band",
        store=True,
        help="The lowest band of the KPIs: red when one is below its threshold, amber when one "
        "is below its target, green when all reach it.",
    )
    review_line_ids = fields.One2many("kpi.review.line", "scorecard_id", string="Reviews")
    adjustment_ids = fields.One2many("kpi.scorecard.adjustment", "scorecard_id", string="Adjustments")
    correction_ids = fields.One2many(
        "kpi.scorecard.correction", "scorecard_id", string="Corrections after payment"
    )

    _sql_constraints = [
        (
            "employee_plan_period_uniq",
            "unique(employee_id, plan_id, date_from, date_to)",
            "An employee has one scorecard per plan and period.",
        ),
        ("period_check", "CHECK(date_from <= date_to)", "A period cannot end before it starts."),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("employee_id.name", "plan_id.name", "date_from", "date_to")
    def _compute_name(self):
        for card in self:
            card.name = " - ".join(
                filter(None, [card.employee_id.name, card.plan_id.name, card._period_label()])
            )

    def _period_label(self):
        self.ensure_one()
        if not (self.date_from and self.date_to):
            return ""
        if (
            self.date_from.day == 1
            and self.date_from.month == self.date_to.month
            and (self.date_to + timedelta(days=1)).day == 1
        ):
            return self.date_from.strftime("%m/%Y")
        return f"{self.date_from} → {self.date_to}"

    @api.depends("date_to", "effective_date_to", "state")
    def _compute_is_provisional(self):
        today = fields.Date.context_today(self)
        for card in self:
            last_day = card.effective_date_to or card.date_to
            card.is_provisional = card.state in ("draft", "computed") and bool(
                last_day and last_day >= today
            )

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for card in self:
            card.access_url = f"/my/kpi/{card.id}"
        return res

    @api.depends("bonus_amount", "advance_ids.state", "advance_ids.amount")
    def _compute_settlement(self):
        for card in self:
            paid = sum(card.advance_ids.filtered(lambda a: a.state == "paid").mapped("amount"))
            card.advance_paid_amount = paid
            card.settlement_amount, card.amount_to_recover = engine_period_bonus.settle(
                card.bonus_amount, paid, card.currency_id.round
            )

    @api.depends("plan_id.trial_end_date", "date_from")
    def _compute_is_trial(self):
        for card in self:
            trial_end = card.plan_id.trial_end_date
            card.is_trial = bool(trial_end and card.date_from and card.date_from <= trial_end)

    @api.depends("line_ids.band")
    def _compute_band(self):
        for card in self:
            bands = [band for band in card.line_ids.mapped("band") if band]
            card.band = min(bands, key=BAND_ORDER.get) if bands else False

    @api.depends("score", "company_id.kpi_underperformer_score", "company_id.kpi_top_performer_score")
    def _compute_performance_band(self):
        for card in self:
            company = card.company_id
            if card.score < company.kpi_underperformer_score:
                card.performance_band = "under"
            elif card.score >= company.kpi_top_performer_score:
                card.performance_band = "top"
            else:
                card.performance_band = "on_track"

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.model
    def _check_period(self, date_from, date_to, label=""):
        if not date_from or not date_to:
            raise ValidationError(self.env._("%(what)s: a period needs a start and an end.", what=label))
        if date_to < date_from:
            raise ValidationError(
                self.env._(
                    "%(what)s: the period ends (%(end)s) before it starts (%(start)s).",
                    what=label or self.env._("Scorecard"),
                    start=date_from,
                    end=date_to,
                )
            )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for card in self:
            self._check_period(card.date_from, card.date_to, card.employee_id.name or "")

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        """A client creates a draft scorecard with no figure: the workflow computes them.
        Defaults of workflow fields from the context are ignored. The portal token is
        created with the scorecard, so that opening its portal page never writes."""
        vals_list = [{"access_token": str(uuid.uuid4()), **vals} for vals in vals_list]
        if self.env.su:
            return super().create(vals_list)
        workflow_fields = self._get_workflow_fields()
        for vals in vals_list:
            forbidden = set(vals) & workflow_fields - SCORECARD_CREATE_FIELDS - {"state"}
            if vals.get("state", "draft") != "draft":
                forbidden.add("state")
            if forbidden:
                raise AccessError(
                    self.env._(
                        "New scorecard of %(employee)s: %(fields)s are set by the scorecard's "
                        "workflow, not when it is created; a new scorecard starts in draft.",
                        employee=self._employee_label(vals.get("employee_id")),
                        fields=_field_labels(self, forbidden),
                    )
                )
        return super(KpiScorecard, _without_default_context(self, workflow_fields)).create(vals_list)

    def write(self, vals):
        """Clients never write workflow fields (whatever the context): see
        :meth:`_check_client_write` and :meth:`_write_workflow`. A state change hidden
        from tracking by the context is logged in the chatter all the same."""
        if not self.env.su:
            self._check_client_write(vals)
        context = self.env.context
        untracked = context.get("tracking_disable") or context.get("mail_notrack")
        old_states = {card.id: card.state for card in self} if "state" in vals and untracked else {}
        res = super().write(vals)
        if old_states:
            self._log_state_changes(old_states)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_if_not_locked(self):
        self._check_unlocked()

    def _get_workflow_fields(self):
        """Fields only the workflow writes: the state, the employee, plan and period,
        every figure, every stored computed field (the payroll bridge adds the payslip)."""
        computed = {
            fname
            for fname, field in self._fields.items()
            if field.store and field.compute and not field.inverse
        }
        return SCORECARD_WORKFLOW_FIELDS | set(SCORECARD_FIGURES) | computed

    def _check_client_write(self, vals):
        """A client (any user, any context) writes no workflow field, and nothing but the
        token and the chatter's bookkeeping on a confirmed or paid scorecard."""
        protected = set(vals) & self._get_workflow_fields()
        if protected:
            raise AccessError(
                self.env._(
                    "%(scorecards)s: %(fields)s change only through the scorecard's workflow "
                    "(compute, confirm, reset to draft, adjustments, payroll).",
                    scorecards=", ".join(self.mapped("display_name")),
                    fields=_field_labels(self, protected),
                )
            )
        if set(vals) - SCORECARD_UNLOCKED_FIELDS:
            self._check_unlocked()

    def _check_unlocked(self):
        locked = self.filtered(lambda c: c.state in LOCKED_STATES)
        if locked:
            raise UserError(
                self.env._(
                    "These scorecards are locked (confirmed or paid) and cannot be changed: %(names)s",
                    names=", ".join(locked.mapped("display_name")),
                )
            )

    def _write_workflow(self, vals):
        """Write workflow fields (state, figures, links) on ``self``, as superuser.

        Private, so never reachable from a client: its callers (the actions, the audited
        adjustments, the payroll bridge) check the user's rights and the transition
        first. Every state change reaches the chatter, authored by the real user.
        """
        cards_sudo = self.sudo()
        return cards_sudo.write(vals)

    def _log_state_changes(self, old_states):
        """Chatter notes for the state changes that tracking did not log (disabled by the
        context): one per scorecard whose state changed, authored by the current user."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        bodies = {
            card.id: Markup("<p>%s</p>")
            % self.env._(
                "Status: %(old)s → %(new)s",
                old=labels.get(old_states[card.id], old_states[card.id]),
                new=labels.get(card.state, card.state),
            )
            for card in self
            if card.state != old_states.get(card.id)
        }
        if bodies:
            self.browse(list(bodies))._message_log_batch(
                bodies=bodies, author_id=self.env.user.partner_id.id
            )

    @api.model
    def _employee_label(self, employee_id):
        # The name only, to say which new scorecard was refused; the caller may not read
        # employees.
        employee_sudo = self.env["hr.employee"].sudo().browse(employee_id).exists()
        return employee_sudo.name or self.env._("an unknown employee")

    def _message_post_after_hook(self, message, msg_vals):
        """An employee who writes on their scorecard follows it: HR's answer reaches them."""
        result = super()._message_post_after_hook(message, msg_vals)
        author = message.author_id
        if author and message.message_type == "comment":
            for card in self:
                employee_sudo = card.sudo().employee_id
                partners = (employee_sudo.user_id | employee_sudo.kpi_portal_user_id).partner_id
                if author in partners and author not in card.sudo().message_partner_ids:
                    card.sudo()._message_subscribe(partner_ids=author.ids)
        return result

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        """The chatter routes (``mail``, ``portal``) open a scorecard to whoever may read it
        (record rules) or has it in their portal scope (their own; their team's when they
        are a KPI Team Manager): the people who see its /my/kpi page. A token, hash or
        partner id alone opens nothing."""
        if thread := super()._get_thread_with_access(thread_id, mode):
            return thread
        thread_sudo = self.browse(thread_id).sudo().exists()
        if thread_sudo and thread_sudo._kpi_portal_in_scope():
            return thread_sudo
        return self.browse()

    def _kpi_portal_in_scope(self):
        """Whether the current user sees this scorecard on the portal: the scope of the
        /my/kpi pages (``hr.employee._kpi_portal_employees`` and ``_kpi_portal_team``)."""
        self.ensure_one()
        Employee = self.env["hr.employee"]
        employee_sudo = self.sudo().employee_id
        own_sudo = Employee._kpi_portal_employees()
        return employee_sudo in own_sudo or employee_sudo in Employee._kpi_portal_team(own_sudo)

    def _kpi_show_corrections(self):
        """Whether the current user sees the corrections of this scorecard (reasons,
        amounts taken from wages): its employee, and KPI Officers; a team manager reading
        a member's scorecard or statement does not, as over RPC."""
        self.ensure_one()
        if self.env.user.has_group("kpi_callcenter.group_kpi_officer"):
            return True
        return self.sudo().employee_id in self.env["hr.employee"]._kpi_portal_employees()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_compute(self):
        """Recompute the scorecards from the records (set-based per plan and period),
        then note the result in each scorecard's chatter (one message each)."""
        self.check_access("write")
        self._check_unlocked()
        old_states = self._recompute()
        self._log_computation(old_states)
        return True

    def action_confirm(self):
        """Confirm computed scorecards: the checks before confirmation (days between two
        contracts of an active employee, missing PBX days: either stops it with a dialog,
        unless acknowledged by a KPI Officer), then the lock, then the period review."""
        self.check_access("write")
        not_computed = self.filtered(lambda c: c.state != "computed")
        if not_computed:
            raise UserError(
                self.env._(
                    "Only computed scorecards can be confirmed: %(names)s",
                    names=", ".join(not_computed.mapped("display_name")),
                )
            )
        self._check_period_ended()
        action = self._check_contract_gaps() or self._check_call_data()
        if action:
            return action
        self._write_workflow({"state": "confirmed"})
        self._create_review_lines()
        return True

    def _check_period_ended(self):
        """A quarterly or yearly scorecard is confirmed at the period's end (its advances
        are paid monthly meanwhile), or after a leaver's last day in the plan."""
        running = self.filtered(
            lambda card: card.plan_id.period_type in ("quarter", "year")
            and (card.effective_date_to or card.date_to) >= card.company_id._kpi_today()
        )
        if running:
            raise UserError(
                self.env._(
                    "These quarterly or yearly scorecards cover a period that is still running: "
                    "they are confirmed once it has ended (%(names)s). Meanwhile the plan pays "
                    "monthly advances if it has any.",
                    names=", ".join(
                        f"{card.display_name} ({card.date_from} → {card.date_to})" for card in running
                    ),
                )
            )

    def action_reset_to_draft(self):
        """A KPI Manager sends confirmed or computed scorecards back to draft; a paid one
        is final."""
        self.check_access("write")
        if not self.env.user.has_group("kpi_callcenter.group_kpi_manager"):
            raise AccessError(
                self.env._(
                    "Only a KPI Manager can reset a scorecard to draft: %(names)s",
                    names=", ".join(self.mapped("display_name")),
                )
            )
        paid = self.filtered(lambda c: c.state == "paid")
        if paid:
            raise UserError(
                self.env._(
                    "Paid scorecards cannot be reset: %(names)s",
                    names=", ".join(paid.mapped("display_name")),
                )
            )
        corrected = self.filtered("correction_ids")
        if corrected:
            raise UserError(
                self.env._(
                    "These scorecards were corrected after payment and keep the figures the "
                    "corrections start from: %(names)s",
                    names=", ".join(corrected.mapped("display_name")),
                )
            )
        self._write_workflow({"state": "draft"})
        return True

    def action_print_statement(self):
        return self.env.ref("kpi_callcenter.kpi_scorecard_report_statement").report_action(self)

    def action_open_adjustment(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Adjust a KPI of %(scorecard)s", scorecard=self.display_name),
            "res_model": "kpi.scorecard.adjustment",
            "view_mode": "form",
            "target": "new",
            "context": {"default_scorecard_id": self.id},
        }

    def action_open_correction(self):
        """The correction dialog of a paid scorecard (KPI Managers): new actuals or
        targets and a reason; :meth:`correct` does the rest."""
        self.ensure_one()
        self._check_correctable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Correct %(scorecard)s", scorecard=self.display_name),
            "res_model": "kpi.scorecard.correct",
            "view_mode": "form",
            "target": "new",
            "context": {"default_scorecard_id": self.id},
        }

    def action_open_what_if(self):
        """The what-if dialog: other actuals, the same engine, nothing written."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("What if… (%(scorecard)s)", scorecard=self.display_name),
            "res_model": "kpi.scorecard.what.if",
            "view_mode": "form",
            "target": "new",
            "context": {"default_scorecard_id": self.id},
        }

    # ------------------------------------------------------------------
    # Cron: provisional figures while the period runs
    # ------------------------------------------------------------------
    @api.model
    def _cron_recompute_provisional(self):
        """Recompute the draft and computed scorecards whose period runs today (or ended
        yesterday, to catch the last day), one plan and period at a time, each in its own
        savepoint: one broken KPI set-up does not stop the others. No chatter message but
        a draft's first move to computed: ``computed_on`` tells when the figures were
        refreshed.
        """
        # the cron has no time zone: today is the company's business day (the one clock)
        today = self.env.company._kpi_today()
        cards = self.search(
            [
                ("state", "in", ("draft", "computed")),
                ("date_from", "<=", today),
                ("date_to", ">=", today - timedelta(days=1)),
            ]
        )
        batches = defaultdict(lambda: self.browse())
        for card in cards:
            batches[(card.plan_id.id, card.date_from, card.date_to)] |= card
        done = 0
        for batch in batches.values():
            try:
                with self.env.cr.savepoint():
                    # a draft becoming computed is a state change: logged once
                    batch._log_state_changes(batch._recompute())
            except (UserError, ValidationError) as error:
                _logger.warning(
                    "KPI: provisional recompute of %s failed: %s", batch[:1].plan_id.display_name, error
                )
            done += 1
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(batches) - done)
        return True

    # ------------------------------------------------------------------
    # Business: computation
    # ------------------------------------------------------------------
    def _recompute(self):
        """Recompute the figures of ``self``, one plan and period at a time. The callers
        checked access and lock; no chatter message. Returns ``{scorecard id: state
        before}`` for the caller to log the state changes."""
        old_states = {card.id: card.state for card in self}
        groups = defaultdict(lambda: self.browse())
        for card in self:
            groups[(card.plan_id, card.date_from, card.date_to)] |= card
        for (plan, date_from, date_to), cards in groups.items():
            # a team is computed whole: its other unlocked scorecards are recomputed too
            mates = cards._get_team_mates(plan, date_from, date_to)
            cards |= mates.filtered(lambda card: card.state not in LOCKED_STATES)
            cards._recompute_figures(plan, date_from, date_to)
        return old_states

    def _recompute_figures(self, plan, date_from, date_to):
        """Compute the scorecards ``self`` of one plan and period: the proration days, the
        providers' actuals, the audited adjustments (the latest target and actual of each
        line), every figure from ``engine/scorecard.py``, one bulk write.

        Team lines (``scope`` team) are pooled by ``engine/pool.py`` over the whole team:
        the caller (``_recompute``) added the team's other unlocked scorecards to ``self``;
        its locked ones (confirmed, paid) take part with their stored figures and are
        not written (a paid figure never changes).

        Query count does not depend on ``len(self)``: one provider query per source (and
        filter set), one batched work-days computation per calendar, one batch create of
        the missing lines, one search of the team-mates, one UPDATE per table.
        """
        plan._check_weights_sum()
        employees = self.employee_id
        days = self.env["kpi.employment"]._get_days(plan, employees, date_from, date_to)
        lines_by_key = self._sync_lines(plan)
        values_by_line, unpayable_by_line = self._get_actuals(plan, employees, days, date_from, date_to)
        gaps = self.env["hr.contract"]._kpi_get_gaps(employees, date_from, date_to)
        adjusted = self._get_adjusted_values()
        bases = self._get_bonus_bases()
        templates = {plan_line: plan_line._get_calculator_line() for plan_line in plan.line_ids}
        individual = self.env["kpi.target"]._get_targets(plan, employees, date_from, date_to)
        currency = plan.company_id.currency_id
        now = fields.Datetime.now()
        year_figures = (
            self._get_year_bonus_figures(plan, days, date_from, date_to)
            if plan.period_type == "year" and plan.year_bonus_method == "coefficient"
            else {}
        )
        calcs = {}
        for card in self:
            employee_id = card.employee_id.id
            figures = days[employee_id]
            # the bonus base follows the days in the plan; no work, no bonus
            base = engine_days.base_share(
                bases.get(employee_id) or plan.bonus_base,
                figures["working_days"],
                figures["absent_days"],
                figures["leave_days"],
                leave_cuts_base=plan.leave_reduces_base,
            )
            calcs[card] = {
                "records": {
                    plan_line.id: lines_by_key[(card.id, plan_line.id)] for plan_line in plan.line_ids
                },
                "lines": {
                    plan_line.id: dict(
                        templates[plan_line],
                        **self._prepare_individual_target(individual.get((plan_line.id, employee_id))),
                        actual=values_by_line[plan_line].get(employee_id, 0.0),
                        below_min_count=employee_id in unpayable_by_line[plan_line],
                        **adjusted.get(lines_by_key[(card.id, plan_line.id)].id, {}),
                    )
                    for plan_line in plan.line_ids
                },
                "factor": figures["target_factor"],
                "base": base if figures["is_assessed"] else 0.0,
                "days": figures["available_days"],
                "full_base": base,
            }
        locked_mates = self._get_team_mates(plan, date_from, date_to).filtered(
            lambda card: card.state in LOCKED_STATES
        )
        results = self._compute_pools(plan, calcs, locked_mates._prepare_stored_calcs())
        card_rows, line_rows = [], []
        for card in self:
            calc, result = calcs[card], results[card]
            line_rows.extend(
                self._prepare_line_figures(calc["records"][key], calc["lines"][key], result["lines"][key])
                for key in calc["lines"]
            )
            base = calc["full_base"]
            employee_id = card.employee_id.id
            figures = days[employee_id]
            period_vals = {
                "pay_date": figures["effective_date_to"] or date_to,
                "year_average_score": 0.0,
                "year_coefficient": 0.0,
                "months_worked": 0,
            }
            if year_figures:
                # the yearly (Tết) bonus: base × coefficient × months worked ÷ 12, off-cycle
                year = year_figures[employee_id]
                base = year["base"]
                period_vals.update(
                    year_average_score=year["average_score"],
                    year_coefficient=year["coefficient"],
                    months_worked=year["months_worked"],
                    pay_date=plan.year_bonus_date or period_vals["pay_date"],
                )
                result["bonus"] = year["bonus"] if figures["is_assessed"] else 0.0
            card_rows.append(
                self._prepare_card_figures(
                    card,
                    {
                        **card._prepare_days_vals(figures),
                        **period_vals,
                        "contract_gap_note": card._prepare_contract_gap_note(gaps.get(card.employee_id)),
                        "bonus_base": currency.round(base),
                        "score": result["score"],
                        "bonus_amount": result["bonus"],
                        "state": "computed",
                        "computed_on": now,
                    },
                )
            )
        self._write_figures(card_rows, line_rows)

    @api.model
    def _get_month_figures(self, plan, employees, month_from, month_to, months):
        """``{employee_id: {"score", "bonus", "in_plan"}}``: the provisional figures of one
        month of a quarterly or yearly ``plan`` (a period of ``months`` months), computed as
        a scorecard would be with ``1 / months`` of each target and of the bonus base
        (``engine/period_bonus.py``), over the month's days and actuals. Set-based: one
        provider query per source and window, as the scorecard computation."""
        days = self.env["kpi.employment"]._get_days(plan, employees, month_from, month_to)
        values_by_line, unpayable_by_line = self._get_actuals(plan, employees, days, month_from, month_to)
        templates = {
            plan_line: engine_period_bonus.month_share_line(plan_line._get_calculator_line(), months)
            for plan_line in plan.line_ids
        }
        # the caller checked its access to the plan; bonus bases are HR data
        bases = {employee.id: employee.kpi_bonus_base for employee in employees.sudo()}
        currency = plan.company_id.currency_id
        result = {}
        for employee in employees:
            figures = days[employee.id]
            inputs = [
                dict(
                    templates[plan_line],
                    actual=values_by_line[plan_line].get(employee.id, 0.0),
                    below_min_count=employee.id in unpayable_by_line[plan_line],
                )
                for plan_line in plan.line_ids
            ]
            base = engine_days.base_share(
                (bases.get(employee.id) or plan.bonus_base) / months,
                figures["working_days"],
                figures["absent_days"],
                figures["leave_days"],
                leave_cuts_base=plan.leave_reduces_base,
            )
            computed = engine_scorecard.compute(
                inputs, figures["target_factor"], base if figures["is_assessed"] else 0.0, currency.round
            )
            result[employee.id] = {
                "score": computed["score"],
                "bonus": computed["bonus"],
                "in_plan": bool(figures["effective_date_from"]),
            }
        return result

    def _get_year_bonus_figures(self, plan, days, date_from, date_to):
        """``{employee_id: {"average_score", "coefficient", "months_worked", "base",
        "bonus"}}`` of the yearly scorecards ``self`` of a plan paying its bonus by
        coefficient: the average of the monthly scores of the months started so far in
        which the employee was in the plan, its coefficient in the plan's table, the
        months worked (``days``: the year's day figures) and the Tết bonus."""
        employees = self.employee_id
        today = plan.company_id._kpi_today()
        months = engine_period_bonus.months_of(date_from, date_to)
        scores = defaultdict(list)
        for month_from, month_to in months:
            if month_from > today:
                break
            month = self._get_month_figures(plan, employees, month_from, month_to, len(months))
            for employee_id, figures in month.items():
                if figures["in_plan"]:
                    scores[employee_id].append(figures["score"])
        scale = plan.year_coefficient_scale_id
        bases = self._get_bonus_bases()
        rounding = plan.company_id.currency_id.round
        result = {}
        for employee in employees:
            figures = days[employee.id]
            average = engine_period_bonus.average_score(scores[employee.id])
            coefficient = scale._get_payout(average) / 100.0
            worked = engine_period_bonus.months_worked(
                figures["effective_date_from"], figures["effective_date_to"]
            )
            base = bases.get(employee.id) or plan.bonus_base
            result[employee.id] = {
                "average_score": average,
                "coefficient": coefficient,
                "months_worked": worked,
                "base": base,
                "bonus": engine_period_bonus.year_bonus(base, coefficient, worked, rounding),
            }
        return result

    @api.model
    def _prepare_individual_target(self, target):
        """The calculator input's keys an individual target (``kpi.target``) overrides:
        its full-period target (prorated like the plan's) and its id, stored on the line
        (``target_id``) so that ``_refresh_figures`` and ``what_if`` read it back."""
        if not target:
            return {}
        return {"target": target.target, "target_id": target.id}

    def _get_actuals(self, plan, employees, days, date_from, date_to):
        """``({plan line: {employee_id: actual}}, {plan line: {employee_id}})``: the
        actuals, and the employees whose line pays nothing (a customer rating KPI below
        its minimum number of ratings). Actuals count only the records of the days the
        employee was employed and in the plan. Employees are grouped by those effective
        dates: one measure per source and distinct window (the whole period for most, one
        per hire or leave date)."""
        windows = defaultdict(list)
        for employee in employees:
            figures = days[employee.id]
            window = (
                figures["effective_date_from"] or date_from,
                figures["effective_date_to"] or date_to,
            )
            windows[window].append(employee.id)
        values_by_line = {plan_line: {} for plan_line in plan.line_ids}
        unpayable_by_line = {plan_line: set() for plan_line in plan.line_ids}
        for (window_from, window_to), employee_ids in windows.items():
            window_employees = employees.browse(employee_ids)
            measured = plan.line_ids.definition_id._measure(window_employees, window_from, window_to)
            for plan_line in plan.line_ids:
                values_by_line[plan_line].update(measured[plan_line.definition_id.id])
                unpayable_by_line[plan_line] |= plan_line.definition_id._get_unpayable_employees(
                    window_employees, window_from, window_to
                )
        return values_by_line, unpayable_by_line

    def _prepare_days_vals(self, figures):
        """The day figures of the scorecard ``self`` from ``kpi.employment._get_days``."""
        self.ensure_one()
        reason = False
        if not figures["is_assessed"]:
            if not figures["effective_date_from"]:
                reason = self.env._("Not employed in this plan during the period.")
            else:
                reason = self.env._(
                    "Not assessed: %(available)s available days, below the minimum of %(minimum)s.",
                    available=round(figures["available_days"], 2),
                    minimum=round(self.company_id.kpi_min_available_days, 2),
                )
        return {
            "working_days": figures["working_days"],
            "holiday_days": figures["holiday_days"],
            "leave_days": figures["leave_days"],
            "absent_days": figures["absent_days"],
            "available_days": figures["available_days"],
            "prorate_factor": figures["target_factor"],
            "effective_date_from": figures["effective_date_from"],
            "effective_date_to": figures["effective_date_to"],
            "is_assessed": figures["is_assessed"],
            "not_assessed_reason": reason,
        }

    def _prepare_contract_gap_note(self, gaps):
        """The warning shown before confirmation about days between two contracts."""
        if not gaps:
            return False
        return self.env._(
            "No contract from %(days)s: counted as employed; check the contracts before confirming.",
            days=", ".join(f"{first} → {last}" for first, last in gaps),
        )

    @api.model
    def _prepare_card_figures(self, card, vals):
        """A row of ``SCORECARD_FIGURES`` (with the scorecard's id first) for
        ``_write_figures``; figures missing from ``vals`` keep their stored value."""
        row = [vals[fname] if fname in vals else card[fname] for fname in SCORECARD_FIGURES]
        # an empty Char/Date is False in the ORM, NULL in the table
        return (
            card.id,
            *(
                None if value is False and self._fields[fname].type != "boolean" else value
                for fname, value in zip(SCORECARD_FIGURES, row, strict=True)
            ),
        )

    def _refresh_figures(self):
        """Figures of ``self`` again from their stored lines (full-period targets,
        actuals, proration factor, days) and the latest audited adjustments, without
        measuring: called when an adjustment is made. The state does not change.

        A team line's pool is recomputed over the whole team: the team's other unlocked
        scorecards are refreshed and written too (their share moves with the team's
        actual); its other locked ones take part with their stored figures and keep them.
        """
        groups = defaultdict(lambda: self.browse())
        for card in self:
            groups[(card.plan_id, card.date_from, card.date_to)] |= card
        card_rows, line_rows = [], []
        for (plan, date_from, date_to), cards in groups.items():
            mates = cards._get_team_mates(plan, date_from, date_to)
            locked_mates = mates.filtered(lambda card: card.state in LOCKED_STATES)
            cards |= mates - locked_mates
            calcs = cards._prepare_stored_calcs()
            results = cards._compute_pools(plan, calcs, locked_mates._prepare_stored_calcs())
            for card in cards:
                calc, result = calcs[card], results[card]
                line_rows.extend(
                    self._prepare_line_figures(calc["records"][key], calc["lines"][key], result["lines"][key])
                    for key in calc["lines"]
                )
                vals = {"score": result["score"]}
                if not (plan.period_type == "year" and plan.year_bonus_method == "coefficient"):
                    # a yearly bonus by coefficient follows the monthly scores, not the lines
                    vals.update(
                        bonus_base=card.currency_id.round(calc["full_base"]), bonus_amount=result["bonus"]
                    )
                card_rows.append(self._prepare_card_figures(card, vals))
        self._write_figures(card_rows, line_rows)

    def _prepare_stored_calcs(self):
        """``{card: calculation}`` of ``self`` from their stored lines, days and the
        latest audited adjustments, as ``_compute_pools`` takes them (``records``,
        ``lines`` keyed alike, ``factor``, ``base`` — 0 when not assessed —, ``days``,
        ``full_base``)."""
        if not self:
            return {}
        adjusted = self._get_adjusted_values()
        bases = self._get_bonus_bases()
        calcs = {}
        for card in self:
            records = {line.plan_line_id.id or -line.id: line for line in card.line_ids}
            base = card._get_bonus_base(bases.get(card.employee_id.id) or card.plan_id.bonus_base)
            calcs[card] = {
                "records": records,
                "lines": {
                    key: dict(line._get_calculator_line(), **adjusted.get(line.id, {}))
                    for key, line in records.items()
                },
                "factor": card.prorate_factor,
                "base": base if card.is_assessed else 0.0,
                "days": card.available_days,
                "full_base": base,
            }
        return calcs

    # ------------------------------------------------------------------
    # Business: team pools
    # ------------------------------------------------------------------
    def _get_team_mates(self, plan, date_from, date_to):
        """The other scorecards of ``plan`` and the period in a team of ``self`` for one
        of the plan's team lines (none when the plan has no team line). One search."""
        team_lines = plan.line_ids.filtered(lambda plan_line: plan_line.scope == "team")
        if not team_lines or not self:
            return self.browse()
        # the caller checked its access to ``self``; a team's scorecards are part of
        # its computation whoever computes
        period_cards_sudo = self.sudo().search(
            [("plan_id", "=", plan.id), ("date_from", "=", date_from), ("date_to", "=", date_to)]
        )
        period_cards = self.browse(period_cards_sudo.ids) | self
        leaders = set(period_cards.sudo().employee_id.parent_id.ids)
        mates = self.browse()
        for plan_line in team_lines:
            keys = {plan_line._get_team_key(card.sudo().employee_id, leaders) for card in self}
            mates |= period_cards.filtered(
                lambda card, plan_line=plan_line, keys=keys: plan_line._get_team_key(
                    card.sudo().employee_id, leaders
                ) in keys
            )
        return mates - self

    def _compute_pools(self, plan, calcs, stored_calcs):
        """Every figure of the scorecards ``calcs`` (``{card: calculation}``, see
        ``_prepare_stored_calcs``), team lines pooled by ``engine/pool.py`` together with
        the team-mates ``stored_calcs`` (locked: read, never written).

        :return: ``{card: {"lines": {key: figures}, "score", "bonus"}}`` for the cards of
            ``calcs``, each line's figures with the team fields of ``LINE_FIGURES``
        """
        every = {**stored_calcs, **calcs}
        team_lines = plan.line_ids.filtered(lambda plan_line: plan_line.scope == "team")
        teams, names = {}, {}
        if team_lines:
            cards = self.browse().union(*every)
            leaders = set(cards.sudo().employee_id.parent_id.ids)
            keys = {
                (plan_line.id, card.id): plan_line._get_team_key(card.sudo().employee_id, leaders)
                for plan_line in team_lines
                for card in cards
            }
            teams = {
                plan_line.id: {
                    "split": plan_line.pool_split,
                    "members": {card: keys[(plan_line.id, card.id)] for card in cards},
                }
                for plan_line in team_lines
            }
            names = self._get_team_names(set(keys.values()))
        results = engine_pool.compute(
            {card: {key: calc[key] for key in ("lines", "factor", "base", "days")} for card, calc in every.items()},
            teams,
            plan.company_id.currency_id.round,
        )
        plan_lines = {plan_line.id: plan_line for plan_line in plan.line_ids}
        for card in calcs:
            for key, figures in results[card]["lines"].items():
                team = teams.get(key)
                plan_line = plan_lines.get(key)
                figures.update(
                    scope="team" if team else "individual",
                    team_basis=plan_line.team_basis if team else False,
                    pool_split=plan_line.pool_split if team else False,
                    team_name=names.get(team["members"][card], False) if team else False,
                )
        return {card: results[card] for card in calcs}

    @api.model
    def _get_team_names(self, team_keys):
        """``{team key: name}``: the name of the team's manager, department or lone
        employee (read as superuser: a member may not read their manager's record)."""
        ids = defaultdict(set)
        for kind, record_id in team_keys:
            ids[kind].add(record_id)
        employees_sudo = self.env["hr.employee"].sudo().browse(ids["manager"] | ids["employee"])
        departments_sudo = self.env["hr.department"].sudo().browse(ids["department"])
        names = {("department", department.id): department.name for department in departments_sudo}
        for employee in employees_sudo:
            names[("manager", employee.id)] = names[("employee", employee.id)] = employee.name
        return names

    @api.model
    def _prepare_line_figures(self, line, line_input, figures):
        """A row of ``LINE_FIGURES`` (with the line's id first) for ``_write_figures``.
        A team line keeps the member's own actual and prorated target in ``actual`` and
        ``target`` (the records behind them are theirs); its achievement, score and
        payout are the team's, its bonus the member's share of the pool."""
        team = figures.get("scope") == "team"
        return (
            line.id, line_input["definition_id"], line_input["weight"], line_input["target"],
            figures["individual_target"] if team else figures["target"], figures["prorated"],
            line_input["threshold"], line_input["cap"],
            line_input["actual"], figures["achievement"], figures["score"], figures["payout"],
            figures["bonus"], figures["is_gate"], bool(line_input.get("below_min_count")),
            figures.get("scope") or "individual", figures.get("team_basis") or False,
            figures.get("pool_split") or False, figures.get("team_name") or False,
            *((figures[fname] if team else 0) for fname in POOL_FIGURES),
            line_input.get("target_id") or False, bool(line_input.get("target_id")),
        )

    def _get_adjusted_values(self):
        """``{line id: {"adjusted_target": value, "actual": value}}``: the latest audited
        adjustment of each line's target and actual, for the calculator. Read as
        superuser: the caller checked its access to the scorecards."""
        return self._get_latest_values(
            self.env["kpi.scorecard.adjustment"].sudo().search([("scorecard_id", "in", self.ids)], order="id")
        )

    @api.model
    def _get_latest_values(self, changes_sudo):
        """``{line id: {"adjusted_target": value, "actual": value}}`` from audited
        changes (adjustments or correction lines, oldest first): the latest of each."""
        latest = defaultdict(dict)
        for change_sudo in changes_sudo:
            key = "adjusted_target" if change_sudo.field == "target" else "actual"
            latest[change_sudo.scorecard_line_id.id][key] = change_sudo.new_value
        return latest

    def _get_bonus_bases(self):
        """``{employee id: KPI bonus base}`` of the scorecards' employees (HR data, read
        as superuser: the caller checked its access to the scorecards)."""
        return {employee.id: employee.kpi_bonus_base for employee in self.sudo().employee_id}

    def _write_figures(self, card_rows, line_rows):
        """Write computed figures: ``line_rows`` are ``(id, *LINE_FIGURES)``, ``card_rows``
        ``(id, *SCORECARD_FIGURES)``. One UPDATE … FROM (VALUES …) per table, without
        tracking and without the lock check of ``write`` (callers checked access and
        lock, or are an audited adjustment); then the cache is invalidated and the fields
        that depend on the figures (performance band, the lines' state …) recomputed.
        """
        Line = self.env["kpi.scorecard.line"]
        for model, fnames, rows in (
            (Line, LINE_FIGURES, line_rows),
            (self, SCORECARD_FIGURES, card_rows),
        ):
            if not rows:
                continue
            model.flush_model(fnames)
            # False is the ORM's empty value; in VALUES it would make a text or date
            # column boolean: NULL instead for all but boolean fields
            empty_as_null = [model._fields[fname].type != "boolean" for fname in fnames]
            rows = [
                (row[0], *(
                    None if value is False and to_null else value
                    for value, to_null in zip(row[1:], empty_as_null, strict=True)
                ))
                for row in rows
            ]
            columns = SQL(", ").join(SQL.identifier(fname) for fname in fnames)
            assignments = SQL(", ").join(
                SQL(
                    "%s = __figures.%s::%s",
                    SQL.identifier(fname),
                    SQL.identifier(fname),
                    SQL(model._fields[fname].column_type[1]),
                )
                for fname in fnames
            )
            self.env.execute_query(
                SQL(
                    """
                    UPDATE %(table)s
                       SET %(assignments)s,%(token)s
                           write_uid = %(uid)s,
                           write_date = %(now)s
                      FROM (VALUES %(rows)s) AS __figures(id, %(columns)s)
                     WHERE %(table)s.id = __figures.id
                    """,
                    table=SQL.identifier(model._table),
                    assignments=assignments,
                    # a scorecard created before tokens came with it gets one here, not
                    # when its portal page is first opened (a GET never writes)
                    token=SQL(" access_token = COALESCE(%s.access_token, gen_random_uuid()::text),",
                              SQL.identifier(model._table)) if model is self else SQL(),
                    uid=self.env.uid,
                    now=self.env.cr.now(),
                    rows=SQL(", ").join(rows),
                    columns=columns,
                )
            )
            records = model.browse([row[0] for row in rows])
            records.invalidate_recordset(
                [*fnames, "write_uid", "write_date", *(["access_token"] if model is self else [])]
            )
            records.modified(fnames)

    def _sync_lines(self, plan):
        """Make the lines of ``self`` mirror the plan's lines; return {(card, plan line): line}.

        The missing lines (all of them on a first compute: 8,000 for 1,000 employees and
        8 KPIs) are inserted in one statement with their stored related fields, without a
        figure: the computation writes those next (``_write_figures``). The callers
        checked their access to the scorecards and that they are not locked."""
        Line = self.env["kpi.scorecard.line"]
        existing = self.line_ids
        obsolete = existing.filtered(lambda line: line.plan_line_id not in plan.line_ids)
        obsolete.unlink()
        lines_by_key = {
            (line.scorecard_id.id, line.plan_line_id.id): line for line in existing - obsolete
        }
        missing = [
            (card.id, plan_line.id)
            for card in self
            for plan_line in plan.line_ids
            if (card.id, plan_line.id) not in lines_by_key
        ]
        if not missing:
            return lines_by_key
        self.flush_model(["employee_id", "company_id", "state", "date_from", "date_to"])
        plan.line_ids.flush_model(["definition_id", "sequence"])
        columns = ("scorecard_id", "plan_line_id", "definition_id", "sequence", "employee_id", "company_id",
                   "state", "date_from", "date_to")
        now = self.env.cr.now()
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO kpi_scorecard_line (%(columns)s, create_uid, create_date, write_uid, write_date)
                SELECT c.id, pl.id, pl.definition_id, pl.sequence, c.employee_id, c.company_id,
                       c.state, c.date_from, c.date_to, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM (VALUES %(missing)s) AS m(scorecard_id, plan_line_id)
                  JOIN kpi_scorecard c ON c.id = m.scorecard_id
                  JOIN kpi_plan_line pl ON pl.id = m.plan_line_id
              ORDER BY c.id, pl.sequence, pl.id
             RETURNING id, scorecard_id, plan_line_id
                """,
                columns=SQL(", ").join(SQL.identifier(name) for name in columns),
                uid=self.env.uid,
                now=now,
                missing=SQL(", ").join(missing),
            )
        )
        new_ids = [line_id for line_id, _card_id, _plan_line_id in rows]
        new_lines = Line.browse(new_ids)
        for line_id, card_id, plan_line_id in rows:
            lines_by_key[(card_id, plan_line_id)] = Line.browse(line_id).with_prefetch(new_ids)
        self.invalidate_recordset(["line_ids"])
        # as on create: what depends on the new lines is marked to recompute (the
        # scorecard's band), and their other stored computed fields (the bands) computed
        new_lines.modified(list(columns), create=True)
        for field in Line._fields.values():
            if field.store and field.compute and field.name not in columns:
                self.env.add_to_compute(field, new_lines)
        return lines_by_key

    @api.model
    def _get_proration_days(self, employees, date_from, date_to):
        """``{employee_id: (working days, unavailable days)}`` for the period, employed
        the whole period: working days of the schedule and the public holidays and
        prorating leave on them (replays of past periods: calibration)."""
        shares = self.env["resource.calendar"]._kpi_get_day_shares(employees, date_from, date_to)
        whole = [(date_from, date_to)]
        result = {}
        for employee in employees:
            work, holidays, leaves = shares.get(employee.id, ({}, {}, {}))
            figures = engine_days.days_figures(work, holidays, leaves, whole)
            result[employee.id] = (
                figures["working_days"],
                figures["working_days"] - figures["available_days"],
            )
        return result

    def _get_bonus_base(self, base):
        """The share of ``base`` the days in the plan earn: base × (S - absent days) ÷ S
        (leave does not cut it unless the plan says so). A scorecard never computed
        keeps the whole base."""
        self.ensure_one()
        if not self.computed_on:
            return base
        return engine_days.base_share(
            base,
            self.working_days,
            self.absent_days,
            self.leave_days,
            leave_cuts_base=self.plan_id.leave_reduces_base,
        )

    # ------------------------------------------------------------------
    # Business: what-if
    # ------------------------------------------------------------------
    def what_if(self, actuals):
        """Achievement, payout and bonus of this scorecard if its KPIs had the actuals
        ``actuals`` (``{kpi_code: actual}``; KPIs not given keep their actual). Nothing is
        written: the one calculator (``engine/scorecard.compute``) runs on the same input
        as ``_refresh_figures`` (each line's ``_get_calculator_line`` with the latest
        audited adjustments, the scorecard's proration factor, its share of the bonus
        base, nothing when it is not assessed), the hypothetical actuals put in.

        A team line takes the team as given: its actual is the stored team actual, moved
        by the change of the employee's own actual for counts and sums (for averages and
        ratios the team actual stays as computed); the bonus is the employee's stored
        share of the pool at the team's new payout.

        :return: ``{"score", "bonus", "days_left", "lines": {kpi_code: {"actual",
            "target", "team_actual", "team_target" (``None`` on individual lines),
            "achievement", "score", "payout", "bonus", "still_needed"}}}``;
            ``days_left`` (available working days from today to the end of a running
            period, else ``None``) and ``still_needed`` (how much more of a count or sum
            KPI, higher is better, reaches 100 % of its target, from the real actual) help
            the agent plan the rest of the month.
        """
        self.ensure_one()
        self.check_access("read")
        parsed = self._parse_what_if_actuals(actuals or {})
        # read access was checked above; adjustments and the bonus base are read as
        # superuser, like the computation
        card_sudo = self.sudo()
        lines_sudo = card_sudo.line_ids
        adjusted = card_sudo._get_adjusted_values()
        inputs, own_actuals = [], []
        for line_sudo in lines_sudo:
            line_input = dict(line_sudo._get_calculator_line(), **adjusted.get(line_sudo.id, {}))
            if line_sudo.code in parsed:
                line_input["actual"] = parsed[line_sudo.code]
            own_actuals.append(line_input["actual"])
            if line_sudo.scope == "team" and card_sudo.prorate_factor > engine_pool.EPSILON:
                line_input = dict(line_input, **line_sudo._get_what_if_team_input(line_input["actual"]))
            inputs.append(line_input)
        bases = card_sudo._get_bonus_bases()
        base = card_sudo._get_bonus_base(bases.get(card_sudo.employee_id.id) or card_sudo.plan_id.bonus_base)
        currency = card_sudo.currency_id
        result = engine_scorecard.compute(
            inputs,
            card_sudo.prorate_factor,
            base if card_sudo.is_assessed else 0.0,
            currency.round,
        )
        lines = {}
        for line_sudo, line_input, own_actual, figures in zip(
            lines_sudo, inputs, own_actuals, result["lines"], strict=True
        ):
            team = line_sudo.scope == "team"
            if team:
                # the member's share of the pool at the team's new payout (the pool at
                # 100 % × payout); nothing when their own bonus on the line is closed
                figures["bonus"] = currency.round(
                    line_sudo.pool_base * figures["payout"] / 100.0 * line_sudo.pool_share / 100.0
                ) if figures["bonus"] else 0.0
            lines[line_sudo.code] = {
                "actual": own_actual,
                "target": line_sudo.target if team else figures["target"],
                "team_actual": line_input["actual"] if team else None,
                "team_target": figures["target"] if team else None,
                "achievement": figures["achievement"],
                "score": figures["score"],
                "payout": figures["payout"],
                "bonus": figures["bonus"],
                "still_needed": line_sudo._get_still_needed(),
            }
        return {
            "score": result["score"],
            "bonus": currency.round(math.fsum(line["bonus"] for line in lines.values())),
            "days_left": card_sudo._get_days_left() if self.is_provisional else None,
            "lines": lines,
        }

    # ------------------------------------------------------------------
    # Business: corrections after payment
    # ------------------------------------------------------------------
    def correct(self, changes, reason):
        """Correct this paid scorecard: ``changes`` is ``{kpi_code: {"actual": x}}``
        (and/or ``"target"``), ``reason`` is mandatory. The scorecard keeps its paid
        figures; the one calculator (``engine/scorecard.compute``) runs on its stored
        lines as :meth:`what_if` does, with the earlier corrections and these changes put
        in, and a ``kpi.scorecard.correction`` records the changed lines and ``amount`` =
        recomputed bonus - bonus before (the paid bonus plus the earlier corrections),
        for the next payslips to pay (negative: a clawback). KPI Managers only, never on
        their own scorecard. A confirmed scorecard is not corrected: it is not paid yet,
        an audited adjustment changes it.

        :return: the new ``kpi.scorecard.correction``
        """
        self.ensure_one()
        self._check_correctable()
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError(
                self.env._(
                    "Correction of %(scorecard)s, field Reason: a correction needs a reason.",
                    scorecard=self.display_name,
                )
            )
        parsed = self._parse_correction_changes(changes)
        # access checked above; the stored lines, earlier corrections and adjustments are
        # read as superuser, like the computation
        card_sudo = self.sudo()
        adjusted = card_sudo._get_adjusted_values()
        corrected = card_sudo._get_corrected_values()
        lines_sudo = card_sudo.line_ids
        before_inputs, after_inputs, changed = [], [], []
        for line_sudo in lines_sudo:
            line_input = dict(
                line_sudo._get_calculator_line(),
                **adjusted.get(line_sudo.id, {}),
                **corrected.get(line_sudo.id, {}),
            )
            before_inputs.append(line_input)
            after = dict(line_input)
            for field, value in parsed.get(line_sudo.code, {}).items():
                key = "adjusted_target" if field == "target" else "actual"
                changed.append((line_sudo, field, value))
                after[key] = value
            after_inputs.append(after)
        base = card_sudo.bonus_base if card_sudo.is_assessed else 0.0
        round_amount = card_sudo.currency_id.round
        before = engine_scorecard.compute(before_inputs, card_sudo.prorate_factor, base, round_amount)
        after = engine_scorecard.compute(after_inputs, card_sudo.prorate_factor, base, round_amount)
        earlier = card_sudo.correction_ids
        bonus_before = round_amount(card_sudo.bonus_amount + sum(earlier.mapped("amount")))
        # the recomputed bonus moves from the bonus before by the calculator's difference:
        # the paid figures stay the reference whatever changed since (e.g. the base)
        bonus_after = round_amount(bonus_before + after["bonus"] - before["bonus"])
        figures_before = dict(zip(lines_sudo, before["lines"], strict=True))
        figures_after = dict(zip(lines_sudo, after["lines"], strict=True))
        inputs_by_line = dict(zip(lines_sudo, before_inputs, strict=True))
        line_commands = []
        for line_sudo, field, value in changed:
            line_input = inputs_by_line[line_sudo]
            old_value = (
                figures_before[line_sudo]["target"] if field == "target" else line_input["actual"]
            )
            line_commands.append(
                fields.Command.create(
                    {
                        "scorecard_line_id": line_sudo.id,
                        "field": field,
                        "old_value": old_value,
                        "new_value": value,
                        "bonus_before": figures_before[line_sudo]["bonus"],
                        "bonus_after": figures_after[line_sudo]["bonus"],
                    }
                )
            )
        amount = round_amount(bonus_after - bonus_before)
        correction_sudo = self.env["kpi.scorecard.correction"].sudo().create(
            {
                "scorecard_id": self.id,
                "reason": reason.strip(),
                "user_id": self.env.user.id,
                "line_ids": line_commands,
                "score_before": before["score"],
                "score_after": after["score"],
                "bonus_before": bonus_before,
                "bonus_after": bonus_after,
                "amount": amount,
                # nothing to pay: settled at once
                "state": "paid" if card_sudo.currency_id.is_zero(amount) else "open",
            }
        )
        correction_sudo._log_creation()
        return correction_sudo.with_env(self.env)

    def _check_correctable(self):
        """Only a KPI Manager corrects, only a paid scorecard, never their own."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group("kpi_callcenter.group_kpi_manager"):
            raise AccessError(
                self.env._("Only a KPI Manager can correct a paid scorecard: %(scorecard)s", scorecard=self.display_name)
            )
        self.check_access("read")
        if not self.env.su and self.employee_id & self.env.user.employee_ids:
            raise AccessError(
                self.env._("%(scorecard)s: nobody corrects their own scorecard.", scorecard=self.display_name)
            )
        if self.state == "confirmed":
            raise UserError(
                self.env._(
                    "%(scorecard)s is confirmed, not paid yet: adjust its target or actual "
                    "(Adjust) instead of correcting it; a correction is for a paid scorecard.",
                    scorecard=self.display_name,
                )
            )
        if self.state != "paid":
            raise UserError(
                self.env._(
                    "%(scorecard)s is not paid: only a paid scorecard is corrected.",
                    scorecard=self.display_name,
                )
            )

    def _parse_correction_changes(self, changes):
        """``{kpi_code: {"actual"|"target": float}}`` of ``changes``; an unknown KPI or
        key, a value that is no number of zero or more, or no change at all raises a
        ValidationError naming the scorecard and the KPI."""
        if not isinstance(changes, dict) or not changes:
            raise ValidationError(
                self.env._(
                    "Correction of %(scorecard)s: give the corrected KPIs, e.g. {\"CSAT\": {\"actual\": 4.5}}.",
                    scorecard=self.display_name,
                )
            )
        codes = set(self.line_ids.mapped("code"))
        parsed = {}
        for code, values in changes.items():
            if code not in codes:
                raise ValidationError(
                    self.env._("Scorecard %(scorecard)s has no KPI %(kpi)s.", scorecard=self.display_name, kpi=code)
                )
            if not isinstance(values, dict) or not values or set(values) - {"actual", "target"}:
                raise ValidationError(
                    self.env._(
                        "Correction of %(scorecard)s, KPI %(kpi)s: give its \"actual\" and/or \"target\".",
                        scorecard=self.display_name,
                        kpi=code,
                    )
                )
            for field, value in values.items():
                parsed.setdefault(code, {})[field] = self._parse_kpi_number(code, value)
        return parsed

    def _parse_kpi_number(self, code, value):
        """``value`` (a number or its text) as the actual or target of KPI ``code`` in a
        what-if or a correction: from 0 to ``MAX_KPI_VALUE``, else a ValidationError
        naming the scorecard and the KPI."""
        try:
            number = float(str(value).strip())
        except ValueError:
            number = math.nan
        if value is None or isinstance(value, bool) or not math.isfinite(number) or not 0 <= number <= MAX_KPI_VALUE:
            raise ValidationError(
                self.env._(
                    "Scorecard %(scorecard)s, KPI %(kpi)s: %(value)s is not a number from 0 to 1,000,000,000,000.",
                    scorecard=self.display_name,
                    kpi=code,
                    value=value,
                )
            )
        return number

    def _get_corrected_values(self):
        """``{line id: {"adjusted_target": value, "actual": value}}``: the latest
        correction of each line's target and actual. Read as superuser: the caller
        checked its access to the scorecards."""
        return self._get_latest_values(
            self.env["kpi.scorecard.correction.line"].sudo().search(
                [("correction_id.scorecard_id", "in", self.ids)], order="id"
            )
        )

    def _parse_what_if_actuals(self, actuals):
        """``{kpi_code: float}`` of ``actuals``; a code not on the scorecard or a value
        that is no number (or negative) raises a ValidationError naming the KPI."""
        if not isinstance(actuals, dict):
            raise ValidationError(
                self.env._(
                    "What if for %(scorecard)s: give the actuals by KPI code, e.g. {\"CALLS\": 120}.",
                    scorecard=self.display_name,
                )
            )
        codes = set(self.line_ids.mapped("code"))
        parsed = {}
        for code, value in actuals.items():
            if code not in codes:
                raise ValidationError(
                    self.env._("Scorecard %(scorecard)s has no KPI %(kpi)s.", scorecard=self.display_name, kpi=code)
                )
            if value is None or str(value).strip() == "":
                continue
            parsed[code] = self._parse_kpi_number(code, value)
        return parsed

    def _get_days_left(self):
        """Available working days of the employee from today to the end of the period
        (the schedule, public holidays and prorating time off excluded)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        start = max(today, self.date_from)
        if start > self.date_to:
            return 0.0
        working, leave = self._get_proration_days(self.employee_id, start, self.date_to)[self.employee_id.id]
        return max(working - leave, 0.0)

    def _log_computation(self, old_states=None):
        """One chatter note per scorecard, created in one batch, authored by the user who
        computed; it names the state change when there is one (``old_states``:
        ``{scorecard id: state before}``)."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        old_states = old_states or {}
        bodies = {}
        for card in self:
            rows = Markup("").join(
                Markup("<li>%s: %s → %s %%</li>")
                % (line.definition_id.display_name, round(line.actual, 2), round(line.achievement, 1))
                for line in card.line_ids
            )
            old_state = old_states.get(card.id, card.state)
            status = (
                Markup("<p>%s</p>")
                % self.env._(
                    "Status: %(old)s → %(new)s",
                    old=labels.get(old_state, old_state),
                    new=labels.get(card.state, card.state),
                )
                if old_state != card.state
                else Markup("")
            )
            bodies[card.id] = Markup("%s%s<ul>%s</ul>") % (
                status,
                escape(
                    self.env._(
                        "Computed: score %(score)s, proration factor %(factor)s, bonus %(bonus)s.",
                        score=round(card.score, 2),
                        factor=round(card.prorate_factor, 4),
                        bonus=card.bonus_amount,
                    )
                ),
                rows,
            )
        self._message_log_batch(bodies=bodies, author_id=self.env.user.partner_id.id)

    def _simulation_paid_amount(self):
        """What this scorecard pays, as the pay-impact simulation counts it (a trial
        scorecard pays nothing)."""
        self.ensure_one()
        return 0.0 if self.is_trial else self.bonus_amount

    # ------------------------------------------------------------------
    # Business: confirmation (call data check, period review)
    # ------------------------------------------------------------------
    def _check_contract_gaps(self):
        """Days between two contracts of an active employee are counted as employed (never
        silently zeroed) and warned about before confirmation: they return the dialog
        listing them (with any missing call data), in which a KPI Officer confirms anyway
        (the context key ``kpi_ack_contract_gaps``, set by that dialog after its own group
        check, and checked again here); the acknowledgement is logged on each scorecard.
        ``False`` lets the confirmation go on."""
        gaps = self._get_contract_gaps()
        if not gaps:
            return False
        if not self.env.context.get("kpi_ack_contract_gaps"):
            return self._get_confirm_dialog()
        if not self.env.su and not self.env.user.has_group("kpi_callcenter.group_kpi_officer"):
            raise AccessError(
                self.env._("Only a KPI Officer can confirm scorecards despite days without a contract.")
            )
        self._log_contract_gap_acknowledgement(gaps)
        return False

    def _get_contract_gaps(self):
        """``{scorecard: [(first, last)]}``: the days of each scorecard's period between
        two contracts of its (active) employee, read from the contracts as they are now
        (one search per period)."""
        result = {}
        for (date_from, date_to), cards in self.grouped(lambda card: (card.date_from, card.date_to)).items():
            gaps = self.env["hr.contract"]._kpi_get_gaps(cards.employee_id, date_from, date_to)
            for card in cards:
                if gaps.get(card.employee_id):
                    result[card] = gaps[card.employee_id]
        return result

    def _describe_contract_gaps(self, gaps):
        """One sentence per scorecard with days between two contracts."""
        return [
            self.env._(
                "%(scorecard)s: no contract from %(days)s (counted as employed)",
                scorecard=card.display_name,
                days=", ".join(
                    format_date(self.env, first)
                    if first == last
                    else f"{format_date(self.env, first)} – {format_date(self.env, last)}"
                    for first, last in card_gaps
                ),
            )
            for card, card_gaps in gaps.items()
        ]

    def _format_contract_gaps(self, gaps):
        items = [Markup("<li>%s</li>") % item for item in self._describe_contract_gaps(gaps)]
        return Markup("<ul>%s</ul>") % Markup("").join(items)

    def _log_contract_gap_acknowledgement(self, gaps):
        """One chatter note per scorecard: who confirmed it despite which days without a
        contract."""
        heading = self.env._(
            "%(user)s confirmed this scorecard despite days without a contract:", user=self.env.user.name
        )
        bodies = {
            card.id: Markup("<p>%s</p>%s") % (heading, self._format_contract_gaps({card: card_gaps}))
            for card, card_gaps in gaps.items()
        }
        self.browse(list(bodies))._message_log_batch(bodies=bodies)

    def _get_confirm_dialog(self):
        """The dialog listing what to check before confirming ``self`` (days between two
        contracts, missing call data), with *Confirm anyway* for a KPI Officer."""
        wizard = self.env["kpi.scorecard.confirm"].create({"scorecard_ids": [fields.Command.set(self.ids)]})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Check before confirming") if wizard.contract_gap_count
            else self.env._("Missing call data"),
            "res_model": "kpi.scorecard.confirm",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _check_call_data(self):
        """The call data check run before confirming (companies with the check on, plans
        with a call KPI): every active PBX sent calls on every working day of the period
        (the company's schedule, public holidays excluded, days before today only).

        Missing days return the dialog asking a KPI Officer to confirm anyway (the
        context key ``kpi_ack_call_gaps``, set by that dialog, which is logged on each
        scorecard); ``False`` lets the confirmation go on. Scorecards whose data is
        complete lose an older acknowledgement note.
        """
        gaps = self._get_call_gaps()
        if gaps and not self.env.context.get("kpi_ack_call_gaps"):
            return self._get_confirm_dialog()
        if gaps and not self.env.su and not self.env.user.has_group("kpi_callcenter.group_kpi_officer"):
            raise AccessError(self.env._("Only a KPI Officer can confirm scorecards despite missing call data."))
        # scorecards whose data is complete now (e.g. imported after a reset to draft) lose
        # an older note; the others get the new acknowledgement
        gap_cards = self.browse().union(*(group["cards"] for group in gaps))
        (self - gap_cards).filtered("call_gap_note")._write_workflow({"call_gap_note": False})
        if gaps:
            self._log_call_gap_acknowledgement(gaps)
        return False

    def _get_call_gaps(self):
        """Working days without any call of an active PBX, for the scorecards of ``self``
        whose plan has a call KPI (companies with the check on).

        :return: ``[{"cards", "company", "date_from", "date_to", "working_days",
            "gaps": [(source, day)]}]``, one entry per company and period that has gaps
        """
        cards = self.filtered(
            lambda card: card.company_id.kpi_call_gap_check
            and "call" in card.plan_id.line_ids.definition_id.mapped("source")
        )
        if not cards:
            return []
        yesterday = cards.company_id[:1]._kpi_today() - timedelta(days=1)
        # the caller checked write access on the scorecards; PBX sources are read as sudo
        # (officers need not manage them), only those of the scorecards' companies
        sources_sudo = self.env["kpi.call.source"].sudo()
        sources_by_company = sources_sudo.search([("company_id", "in", cards.company_id.ids)]).grouped("company_id")
        periods = defaultdict(lambda: self.browse())
        for card in cards:
            if card.company_id in sources_by_company and card.date_from <= min(card.date_to, yesterday):
                periods[(card.company_id, card.date_from, card.date_to)] |= card
        if not periods:
            return []
        working_days = {
            key: self._get_call_gap_working_days(key[0], key[1], min(key[2], yesterday))
            for key in periods
        }
        all_days = [day for days in working_days.values() for day in days]
        if not all_days:
            return []
        sources = sources_sudo.union(*(sources_by_company[key[0]] for key in periods))
        seen = set()
        for company in cards.company_id:
            seen |= self._get_call_days(
                sources.filtered(lambda source, company=company: source.company_id == company),
                min(all_days),
                max(all_days),
                company,
            )
        result = []
        for key, period_cards in periods.items():
            company, date_from, date_to = key
            company_sources = sources_by_company[company]
            missing = callgap.missing_days(company_sources.ids, working_days[key], seen)
            if missing:
                result.append(
                    {
                        "cards": period_cards,
                        "company": company,
                        "date_from": date_from,
                        "date_to": date_to,
                        "working_days": working_days[key],
                        "gaps": [(sources_sudo.browse(source_id), day) for source_id, day in missing],
                    }
                )
        return result

    def _get_call_gap_working_days(self, company, date_from, date_to):
        """Days from ``date_from`` to ``date_to`` with working time in the company's
        schedule, public holidays excluded (Monday to Friday without a schedule)."""
        days = [date_from + timedelta(days=n) for n in range((date_to - date_from).days + 1)]
        calendar_sudo = company.resource_calendar_id.sudo()
        if not calendar_sudo:
            return [day for day in days if day.weekday() < 5]
        tz = pytz.timezone(company._kpi_tz())
        start, stop = (
            pytz.utc.localize(bound).astimezone(tz)
            for bound in company._kpi_period_bounds(date_from, date_to)
        )
        intervals = calendar_sudo._work_intervals_batch(start, stop)[False]
        worked = {interval_start.astimezone(tz).date() for interval_start, _stop, _meta in intervals}
        return [day for day in days if day in worked]

    def _get_call_days(self, sources, date_from, date_to, company):
        """``{(source id, business day)}`` with at least one call, in one grouped query:
        the day on the one clock of ``company`` (its schedule's time zone and business-day
        start), whatever the PBX's own time zone."""
        self.env["kpi.call"].flush_model(["source_id", "start"])
        start, stop = company._kpi_period_bounds(date_from, date_to)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT c.source_id,
                       (timezone(%(tz)s, c.start AT TIME ZONE 'UTC') - %(shift)s * interval '1 hour')::date
                  FROM kpi_call c
                 WHERE c.source_id = ANY(%(sources)s)
                   AND c.start >= %(start)s AND c.start < %(stop)s
              GROUP BY 1, 2
                """,
                tz=company._kpi_tz(),
                shift=company.kpi_business_day_start,
                sources=sources.ids,
                start=start,
                stop=stop,
            )
        )
        return {(source_id, day) for source_id, day in rows}

    def _format_call_gaps(self, gap_groups):
        """The gaps as HTML: one item per period and PBX, runs of days shortened."""
        items = [Markup("<li>%s</li>") % item for item in self._describe_call_gaps(gap_groups)]
        return Markup("<ul>%s</ul>") % Markup("").join(items)

    def _describe_call_gaps(self, gap_groups):
        """One sentence per period and PBX, runs of days shortened."""
        items = []
        for group in gap_groups:
            days_by_source = defaultdict(list)
            for source, day in group["gaps"]:
                days_by_source[source].append(day)
            for source, days in days_by_source.items():
                runs = ", ".join(
                    format_date(self.env, first)
                    if first == last
                    else f"{format_date(self.env, first)} – {format_date(self.env, last)}"
                    for first, last in callgap.day_runs(days, group["working_days"])
                )
                items.append(
                    self.env._(
                        "%(company)s, period %(date_from)s – %(date_to)s, PBX %(pbx)s: no call on "
                        "%(count)s working day(s): %(days)s",
                        company=group["company"].name,
                        date_from=format_date(self.env, group["date_from"]),
                        date_to=format_date(self.env, group["date_to"]),
                        pbx=source.name,
                        count=len(days),
                        days=runs,
                    )
                )
        return items

    def _log_call_gap_acknowledgement(self, gap_groups):
        """One chatter note per scorecard: who confirmed it despite which gaps; the same,
        as text, in ``call_gap_note`` (one write per company and period)."""
        bodies = {}
        for group in gap_groups:
            heading = self.env._(
                "%(user)s confirmed this scorecard despite missing call data:",
                user=self.env.user.name,
            )
            body = Markup("<p>%s</p>%s") % (heading, self._format_call_gaps([group]))
            note = "\n".join(
                [
                    self.env._(
                        "%(user)s confirmed this scorecard on %(date)s despite missing call data:",
                        user=self.env.user.name,
                        date=format_date(self.env, fields.Date.context_today(self)),
                    )
                ]
                + [f"- {item}" for item in self._describe_call_gaps([group])]
            )
            group["cards"]._write_workflow({"call_gap_note": note})
            for card in group["cards"]:
                bodies[card.id] = body
        self.browse(list(bodies))._message_log_batch(bodies=bodies)

    def _get_lines_to_review(self):
        """Lines of ``self`` whose achievement is below their threshold."""
        return self.line_ids.filtered(
            lambda line: line.threshold and line.achievement < line.threshold - 1e-9
        )

    def _create_review_lines(self):
        """One review line per KPI line below its threshold (never twice)."""
        lines = self._get_lines_to_review()
        Review = self.env["kpi.review.line"]
        if not lines:
            return Review
        done = Review.search([("scorecard_line_id", "in", lines.ids)]).scorecard_line_id
        return Review.create(
            [
                {
                    "scorecard_line_id": line.id,
                    "definition_id": line.definition_id.id,
                    "manager_id": line.scorecard_id.employee_id.parent_id.id,
                }
                for line in lines - done
            ]
        )

    # ------------------------------------------------------------------
    # Business: portal and statement
    # ------------------------------------------------------------------
    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("KPI statement - %(name)s", name=self.name or "")

    def _kpi_statement_lang(self):
        """Language of the statement: the employee's (user or portal user), else the company's."""
        self.ensure_one()
        employee_sudo = self.sudo().employee_id
        user_sudo = employee_sudo.user_id or employee_sudo.kpi_portal_user_id
        return user_sudo.lang or self.company_id.partner_id.lang or self.env.lang

    def _kpi_gate_lines(self):
        """Lines that are gates (a gate below its threshold cancels the whole bonus)."""
        return self.line_ids.filtered("is_gate")

    def _kpi_portal_history(self, periods=HISTORY_PERIODS):
        """Progress of each KPI of this scorecard over the employee's last ``periods``
        periods (this one included), ready to draw: ``{definition id: chart}``, where a
        chart is :func:`engine.chart.bar_chart`'s dict whose bars also carry ``label``,
        ``actual``, ``target`` and ``current``.

        Two queries whatever the number of KPIs and periods: the period starts, then the
        lines of those periods grouped by KPI and period. Call it on a record the caller
        may read (the portal calls it with ``sudo`` after its access check).
        """
        self.ensure_one()
        definitions = self.line_ids.definition_id
        if not definitions:
            return {}
        Line = self.env["kpi.scorecard.line"]
        starts = [
            date_from
            for (date_from,) in self._read_group(
                [("employee_id", "=", self.employee_id.id), ("date_from", "<=", self.date_from)],
                ["date_from:day"],
                order="date_from:day desc",
                limit=periods,
            )
        ]
        starts.reverse()
        groups = Line._read_group(
            [
                ("employee_id", "=", self.employee_id.id),
                ("definition_id", "in", definitions.ids),
                ("date_from", "in", starts),
            ],
            ["definition_id", "date_from:day"],
            ["achievement:avg", "actual:sum", "target:sum"],
        )
        figures = defaultdict(dict)
        for definition, date_from, achievement, actual, target in groups:
            figures[definition.id][date_from] = (achievement, actual, target)
        history = {}
        for definition in definitions:
            points = [figures[definition.id].get(start) for start in starts]
            chart = engine_chart.bar_chart([point and point[0] for point in points], slots=periods)
            for bar, start, point in zip(chart["bars"], starts[-periods:], points, strict=False):
                label = self._kpi_period_short_label(start)
                bar.update(
                    label=label,
                    actual=point and point[1],
                    target=point and point[2],
                    current=start == self.date_from,
                    achievement_text=None if bar["missing"] else f"{bar['value']:.2f}",
                    title=label if bar["missing"] else self.env._(
                        "%(period)s: %(achievement)s %% (actual %(actual)s, target %(target)s)",
                        period=label,
                        achievement=round(bar["value"], 1),
                        actual=round(point[1], 2),
                        target=round(point[2], 2),
                    ),
                )
            history[definition.id] = chart
        return history

    @api.model
    def _kpi_period_short_label(self, date_from):
        return date_from.strftime("%m/%y") if date_from.day == 1 else date_from.strftime("%d/%m")

    def _kpi_portal_dispute(self, line, message, author):
        """Post an employee's dispute of ``line`` in the chatter, as ``author`` (partner),
        and give the employee's manager a to-do to answer it.

        Called with ``sudo`` by the portal after its access check.
        """
        self.ensure_one()
        if line.scorecard_id != self:
            raise ValidationError(self.env._("This KPI line does not belong to this scorecard."))
        body = Markup("<p><strong>%s</strong></p><p>%s</p>") % (
            self.env._(
                "Dispute of %(kpi)s (target %(target)s, actual %(actual)s, achievement %(achievement)s %%)",
                kpi=line.definition_id.display_name,
                target=round(line.target, 2),
                actual=round(line.actual, 2),
                achievement=round(line.achievement, 2),
            ),
            message,
        )
        posted = self.message_post(
            body=body,
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        manager_user = self.employee_id.parent_id.user_id
        if manager_user and not manager_user.share:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Answer the dispute of %(kpi)s", kpi=line.definition_id.display_name),
                user_id=manager_user.id,
            )
        return posted


class KpiScorecardLine(models.Model):
    _name = "kpi.scorecard.line"
    _description = "KPI Scorecard Line"
    _order = "sequence, id"

    scorecard_id = fields.Many2one("kpi.scorecard", required=True, ondelete="cascade", index=True)
    plan_line_id = fields.Many2one("kpi.plan.line", ondelete="set null", index=True)
    definition_id = fields.Many2one("kpi.definition", string="KPI", required=True, ondelete="restrict")
    sequence = fields.Integer(related="plan_line_id.sequence", store=True)
    employee_id = fields.Many2one(related="scorecard_id.employee_id", store=True, index=True)
    company_id = fields.Many2one(related="scorecard_id.company_id", store=True)
    currency_id = fields.Many2one(related="scorecard_id.currency_id")
    state = fields.Selection(related="scorecard_id.state", store=True)
    date_from = fields.Date(related="scorecard_id.date_from", store=True)
    date_to = fields.Date(related="scorecard_id.date_to", store=True)
    code = fields.Char(related="definition_id.code")
    unit = fields.Char(related="definition_id.unit")
    direction = fields.Selection(related="definition_id.direction")
    explanation = fields.Text(related="definition_id.explanation")
    weight = fields.Float(readonly=True)
    target_full = fields.Float(string="Full-period target", readonly=True)
    target_id = fields.Many2one(
        "kpi.target",
        string="Individual target",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The employee's own target, which replaced the plan's target in this period.",
    )
    is_individual_target = fields.Boolean(
        string="Your target",
        readonly=True,
        help="The full-period target is the employee's own (an individual target), not the "
        "plan's.",
    )
    target_note = fields.Text(related="target_id.note", string="Why this target")
    target = fields.Float(readonly=True, help="Target after proration for leave.")
    prorated = fields.Boolean(readonly=True, help="The target was prorated for leave.")
    threshold = fields.Float(readonly=True)
    cap = fields.Float(readonly=True)
    actual = fields.Float(readonly=True, digits=(16, 2))
    achievement = fields.Float(readonly=True, digits=(16, 2), help="Achievement in %, capped.")
    score = fields.Float(readonly=True, digits=(16, 2), help="Achievement × weight ÷ 100 (points).")
    payout = fields.Float(readonly=True, digits=(16, 2), help="Payout in % of the line's bonus share.")
    bonus_amount = fields.Monetary(readonly=True)
    is_gate = fields.Boolean(
        string="Gate", readonly=True, help="Below its threshold, this KPI zeroes the whole bonus."
    )
    aggregation = fields.Selection(related="definition_id.aggregation")
    achievement_band = fields.Selection(
        # keys are the range's floor, zero-padded: grouped by this field, ranges sort in order
        [("000", "< 50 %"), ("050", "50–79 %"), ("080", "80–99 %"), ("100", "100–119 %"), ("120", "≥ 120 %")],
        compute="_compute_achievement_band",
        store=True,
        help="Achievement range, for the achievement histogram per KPI.",
    )

    # team pools: written by the computation (engine/pool.py)
    scope = fields.Selection(LINE_SCOPES, readonly=True, default="individual")
    team_basis = fields.Selection(TEAM_BASES, readonly=True)
    pool_split = fields.Selection(POOL_SPLITS, string="Pool split", readonly=True)
    team_name = fields.Char(
        string="Team", readonly=True, help="Team KPI: the manager or department whose team it measures."
    )
    team_size = fields.Integer(readonly=True, help="Team KPI: members of the team with a scorecard in the plan.")
    team_actual = fields.Float(
        readonly=True, digits=(16, 2), help="Team KPI: the actual of the whole team (the employee's own is Actual)."
    )
    team_target = fields.Float(
        readonly=True,
        digits=(16, 2),
        help="Team KPI: the sum of the members' prorated targets (counts and sums), so it follows "
        "the team's size and absences; for averages and ratios their mean weighted by available days.",
    )
    individual_achievement = fields.Float(
        string="Own achievement",
        readonly=True,
        digits=(16, 2),
        help="Team KPI: the employee's own actual against their own prorated target (%); the "
        "split by individual score uses it.",
    )
    pool_base = fields.Monetary(
        readonly=True, help="Team KPI: the pool at a payout of 100 % (the members' bonus bases × weight)."
    )
    pool_contribution = fields.Monetary(
        readonly=True, help="Team KPI: what the employee's own bonus on this KPI adds to the pool."
    )
    pool_amount = fields.Monetary(
        string="Pool", readonly=True, help="Team KPI: the members' bonuses on this KPI, added up."
    )
    pool_share = fields.Float(
        string="Share (%)", readonly=True, digits=(16, 2), help="Team KPI: the employee's share of the pool."
    )
    pool_explanation = fields.Text(
        string="How the pool is split", compute="_compute_pool_explanation",
        help="Team KPI: the team's figures, the pool and the employee's share in words.",
    )

    @api.depends(
        "scope", "team_name", "team_size", "team_actual", "team_target", "achievement", "payout",
        "pool_amount", "pool_share", "pool_split", "bonus_amount", "individual_achievement",
    )
    @api.depends_context("lang")
    def _compute_pool_explanation(self):
        for line in self:
            line.pool_explanation = line._get_pool_explanation() if line.scope == "team" else False

    def _get_pool_explanation(self):
        """The team line in words: the team's actual and target, the pool, how it is split
        and the employee's share."""
        self.ensure_one()
        env = self.env
        card = self.scorecard_id

        def number(value):
            return formatLang(env, value, digits=2 if value % 1 else 0)

        def amount(value):
            return formatLang(env, value, currency_obj=self.currency_id)

        team = (
            env._("department %(name)s", name=self.team_name)
            if self.team_basis == "department"
            else env._("the team of %(name)s", name=self.team_name)
        )
        if self.definition_id._get_aggregation() in engine_pool.SUMMED_AGGREGATIONS:
            how = env._("the sum of the members' prorated targets")
        else:
            how = env._("the members' values weighted by their available days")
        parts = [
            env._(
                "Team KPI measured over the %(count)s members of %(team)s: team actual %(actual)s "
                "of a team target of %(target)s (%(how)s) = %(achievement)s %%, payout %(payout)s %%.",
                count=self.team_size,
                team=team,
                actual=number(self.team_actual),
                target=number(self.team_target),
                how=how,
                achievement=number(round(self.achievement, 2)),
                payout=number(round(self.payout, 2)),
            ),
            env._(
                "Each member's bonus on this KPI goes into the pool: %(pool)s.",
                pool=amount(self.pool_amount),
            ),
        ]
        how_split = {
            "equal": env._("The pool is split equally among the members who share it."),
            "by_score": env._(
                "The pool is split by individual score: your own achievement is %(own)s %% "
                "(your actual %(actual)s of your target %(target)s).",
                own=number(round(self.individual_achievement, 2)),
                actual=number(self.actual),
                target=number(round(self.target, 2)),
            ),
            "by_days": env._(
                "The pool is split by available days: you had %(days)s available days.",
                days=number(card.available_days),
            ),
        }
        parts.append(how_split.get(self.pool_split, ""))
        if self.pool_share:
            parts.append(
                env._(
                    "Your share: %(share)s %% = %(amount)s.",
                    share=number(round(self.pool_share, 2)),
                    amount=amount(self.bonus_amount),
                )
            )
        else:
            parts.append(
                env._(
                    "You have no share of the pool: not assessed for this period (no work, no "
                    "bonus) or your bonus is closed by a gate."
                )
            )
        return " ".join(part for part in parts if part)

    @api.depends("achievement")
    def _compute_achievement_band(self):
        for line in self:
            achievement = line.achievement
            line.achievement_band = (
                "120" if achievement >= 120
                else "100" if achievement >= 100
                else "080" if achievement >= 80
                else "050" if achievement >= 50
                else "000"
            )

    below_min_count = fields.Boolean(
        string="Too few ratings",
        readonly=True,
        help="A customer rating KPI with fewer ratings in the period than its minimum: it pays nothing.",
    )
    band = fields.Selection(
        BANDS,
        compute="_compute_band",
        store=True,
        help="Red below the plan line's red limit (default: the threshold), amber below its "
        "green limit (default: the target, 100 %), green from it.",
    )
    band_text = fields.Char(
        string="Band explained", compute="_compute_band_text",
        help="The band in words, for readers who do not tell the colours apart.",
    )

    @api.depends("achievement", "plan_line_id.band_red_below", "plan_line_id.band_green_from")
    def _compute_band(self):
        for line in self:
            line.band = engine_band.band(line.achievement, *line._get_band_limits())

    def _get_band_limits(self):
        """``(red below, green from)``: the plan line's limits, else the threshold and 100 %."""
        self.ensure_one()
        plan_line = self.plan_line_id
        if plan_line:
            return plan_line.band_red_below, plan_line.band_green_from
        return self.threshold, 100.0

    @api.depends("band", "achievement")
    def _compute_band_text(self):
        for line in self:
            red_below, green_from = line._get_band_limits()
            line.band_text = line.band and {
                "red": self.env._(
                    "Red: %(achievement)s %% is below %(limit)s %%.",
                    achievement=round(line.achievement, 2), limit=round(red_below, 2),
                ),
                "amber": self.env._(
                    "Amber: %(achievement)s %% is below the target (%(limit)s %%).",
                    achievement=round(line.achievement, 2), limit=round(green_from, 2),
                ),
                "green": self.env._(
                    "Green: %(achievement)s %% reaches the target (%(limit)s %%).",
                    achievement=round(line.achievement, 2), limit=round(green_from, 2),
                ),
            }[line.band]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        """A client adds a line to a draft or computed scorecard only, with no figure: the
        computation fills them."""
        if self.env.su:
            return super().create(vals_list)
        scorecards = self.env["kpi.scorecard"].browse(
            {vals["scorecard_id"] for vals in vals_list if vals.get("scorecard_id")}
        )
        scorecards._check_unlocked()
        figures = set().union(*vals_list) - LINE_CREATE_FIELDS
        if figures:
            raise AccessError(
                self.env._(
                    "%(scorecards)s: %(fields)s of a KPI line are computed; a new line is given "
                    "its scorecard, plan line and KPI only.",
                    scorecards=", ".join(scorecards.mapped("display_name")),
                    fields=_field_labels(self, figures),
                )
            )
        fnames = set(self._fields) - LINE_CREATE_FIELDS
        return super(KpiScorecardLine, _without_default_context(self, fnames)).create(vals_list)

    def write(self, vals):
        """Lines are written by the computation and the audited adjustments only (through
        :meth:`_write_workflow`, after their own checks); never by a client, whatever the
        context."""
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "%(scorecards)s: %(fields)s of a KPI line change only through the "
                    "computation and the audited adjustments.",
                    scorecards=", ".join(self.scorecard_id.mapped("display_name")),
                    fields=_field_labels(self, set(vals)),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_not_locked(self):
        self.scorecard_id._check_unlocked()

    def _get_calculator_line(self):
        """This line as ``engine/scorecard.py`` takes it, from its stored full-period
        target and actual (the payout scale and gate of its plan line)."""
        self.ensure_one()
        plan_line = self.plan_line_id
        return {
            "definition_id": self.definition_id.id,
            "target": self.target_full,
            "aggregation": self.definition_id._get_aggregation(),
            "actual": self.actual,
            "weight": self.weight,
            "direction": self.direction,
            "cap": self.cap,
            "threshold": self.threshold,
            "scale": (plan_line.payout_scale_id or self.scorecard_id.plan_id.payout_scale_id)._get_scale(),
            "is_gate": plan_line.is_gate if plan_line else self.is_gate,
            "below_min_count": self.below_min_count,
            "target_id": self.target_id.id,
        }

    def _get_what_if_team_input(self, own_actual):
        """The calculator's actual and target of this team line when the employee's own
        actual were ``own_actual`` (the what-if): the team's stored figures, the team
        actual moved by the change of the own actual for counts and sums."""
        self.ensure_one()
        team_actual = self.team_actual
        if self.definition_id._get_aggregation() in engine_pool.SUMMED_AGGREGATIONS:
            team_actual = max(team_actual + float(own_actual or 0.0) - self.actual, 0.0)
        return {"actual": team_actual, "adjusted_target": self.team_target}

    # ------------------------------------------------------------------
    # Drill-down: the records behind the actual
    # ------------------------------------------------------------------
    def action_view_records(self):
        """The records behind this line's actual (orders, tickets, calls, manual values,
        domain records), selected by the provider's own filter."""
        self.ensure_one()
        self.check_access("read")
        model, domain = self._get_records_domain()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "%(kpi)s: records of %(scorecard)s",
                kpi=self.definition_id.display_name,
                scorecard=self.scorecard_id.display_name,
            ),
            "res_model": model,
            "domain": domain,
            "views": [(False, "list"), (False, "form")],
            "view_mode": "list,form",
            "context": {"create": False},
        }

    def _get_records_domain(self):
        """``(model, domain)`` of the records behind the actual: the provider's filter
        for this line's employee and period (read as superuser, like the computation;
        the caller checked its access to the line)."""
        self.ensure_one()
        definition_sudo = self.definition_id.sudo()
        provider_sudo = definition_sudo._get_provider().sudo()
        return provider_sudo._get_records_domain(
            definition_sudo, self.sudo().employee_id, self.date_from, self.date_to
        )

    def _get_portal_records(self, limit=PORTAL_RECORDS_LIMIT):
        """The records behind the actual as the portal shows them: ``{"columns": [label],
        "rows": [[text]], "count": int}``, the agent's own data only (customer numbers
        masked but for their last 3 digits). Called with ``sudo`` after the portal's
        access check."""
        self.ensure_one()
        model, domain = self._get_records_domain()
        records = self.env[model].sudo().search(domain, limit=limit, order=PORTAL_RECORDS_ORDER.get(model))
        count = self.env[model].sudo().search_count(domain) if len(records) >= limit else len(records)
        columns, row = self._portal_record_columns(model)
        return {"columns": columns, "rows": [row(record) for record in records], "count": count}

    def _portal_record_columns(self, model):
        """``(labels, record → [text])`` for the portal drill-down of ``model``."""
        env = self.env
        currency = self.currency_id
        tz = self.company_id.resource_calendar_id.tz or "UTC"

        def when(value):
            return format_datetime(env, value, tz=tz) if value else ""

        def amount(value):
            return formatLang(env, value, currency_obj=currency)

        if model == "sale.order":
            return [env._("Order"), env._("Date"), env._("Amount")], lambda order: [
                order.name, when(order.date_order), amount(order.amount_untaxed)
            ]
        if model == "sale.order.line":
            return [env._("Order"), env._("Date"), env._("Product"), env._("Quantity")], lambda line: [
                line.order_id.name, when(line.order_id.date_order), line.product_id.display_name,
                formatLang(env, line.product_uom_qty),
            ]
        if model == "helpdesk.ticket":
            return [env._("Ticket"), env._("Due"), env._("Closed")], lambda ticket: [
                ticket.display_name, when(ticket.kpi_due_date), when(ticket.closed_date)
            ]
        if model == "kpi.call":
            directions = dict(env["kpi.call"]._fields["direction"]._description_selection(env))
            columns = [env._("Time"), env._("Direction"), env._("Talk time (s)"), env._("Number")]
            if self.definition_id.measure in ("csat_avg", "csat_count"):
                # a post-call survey KPI: the score each call got
                return [*columns, env._("Survey score")], lambda call: [
                    when(call.start), directions.get(call.direction, ""), str(call.talk_seconds or 0),
                    mask_phone(call.phone), formatLang(env, call.csat, digits=1),
                ]
            return columns, lambda call: [
                when(call.start), directions.get(call.direction, ""), str(call.talk_seconds or 0),
                mask_phone(call.phone),
            ]
        if model == "rating.rating":
            return [env._("Ticket"), env._("Rated on"), env._("Rating")], lambda rating: [
                rating.res_name, when(rating.kpi_rated_on), formatLang(env, rating.rating, digits=0)
            ]
        if model == "kpi.manual.value":
            return [env._("Date"), env._("Value"), env._("Note")], lambda value: [
                format_date(env, value.date), formatLang(env, value.value, digits=2), value.note or ""
            ]
        definition = self.definition_id.sudo()
        columns = [env._("Record"), env._("Date")]
        value_field = definition.domain_value_field if definition.domain_aggregate in ("sum", "avg") else None
        if value_field:
            columns.append(env._("Value"))

        def domain_row(record):
            date_value = record[definition.domain_date_field]
            row = [
                record.display_name,
                when(date_value) if isinstance(date_value, datetime) else format_date(env, date_value),
            ]
            if value_field:
                row.append(formatLang(env, record[value_field]))
            return row

        return columns, domain_row

    def _get_still_needed(self):
        """How much more a count or sum KPI (higher is better) needs to reach 100 % of its
        target; ``None`` for averages, rates and lower-is-better KPIs (their target is a
        level to hold, not an amount to add)."""
        self.ensure_one()
        if self.direction != "higher" or self.definition_id._get_aggregation() not in ("count", "sum"):
            return None
        return max(self.target - self.actual, 0.0)
