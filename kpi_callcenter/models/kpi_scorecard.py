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
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import format_date, format_datetime, formatLang

from ..engine import achievement as engine_achievement
from ..engine import band as engine_band
from ..engine import callgap
from ..engine import chart as engine_chart
from ..engine import payout as engine_payout
from ..engine import proration as engine_proration

_logger = logging.getLogger(__name__)

LOCKED_STATES = ("confirmed", "paid")
# Scorecard fields that may change while it is locked (workflow, links, chatter).
SCORECARD_UNLOCKED_FIELDS = {
    "state",
    "message_main_attachment_id",
    "activity_ids",
    "message_follower_ids",
}
HISTORY_PERIODS = 6
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
    score = fields.Float(digits=(16, 2), tracking=True, readonly=True, help="Sum of the line scores (points).")
    prorate_factor = fields.Float(
        digits=(16, 4),
        default=1.0,
        readonly=True,
        help="Working days available ÷ working days in the period. Targets of counts and "
        "sums are multiplied by it.",
    )
    working_days = fields.Float(digits=(16, 2), readonly=True, help="Working days in the period.")
    leave_days = fields.Float(
        digits=(16, 2), readonly=True, help="Days of validated time off that prorate KPI targets."
    )
    bonus_amount = fields.Monetary(tracking=True, readonly=True)
    computed_on = fields.Datetime(readonly=True, copy=False)
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

    @api.depends("date_to", "state")
    def _compute_is_provisional(self):
        today = fields.Date.context_today(self)
        for card in self:
            card.is_provisional = card.state in ("draft", "computed") and bool(
                card.date_to and card.date_to >= today
            )

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for card in self:
            card.access_url = f"/my/kpi/{card.id}"
        return res

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
    def write(self, vals):
        if not self.env.context.get("kpi_scorecard_unlock") and set(vals) - SCORECARD_UNLOCKED_FIELDS:
            self._check_unlocked()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_not_locked(self):
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

    def _portal_ensure_token(self):
        # The token (portal chatter) may be set on a confirmed or paid scorecard: it is no
        # figure, the lock does not apply to it.
        return super(KpiScorecard, self.with_context(kpi_scorecard_unlock=True))._portal_ensure_token()

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

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_compute(self):
        """Recompute the scorecards from the records (set-based per plan and period)."""
        self.check_access("write")
        self._check_unlocked()
        groups = defaultdict(lambda: self.browse())
        for card in self:
            groups[(card.plan_id, card.date_from, card.date_to)] |= card
        for (plan, date_from, date_to), cards in groups.items():
            cards._compute_period(plan, date_from, date_to)
        return True

    def action_confirm(self):
        """Confirm computed scorecards: the call data check (missing PBX days stop it with
        a dialog, unless acknowledged), then the lock, then the period review."""
        self.check_access("write")
        not_computed = self.filtered(lambda c: c.state != "computed")
        if not_computed:
            raise UserError(
                self.env._(
                    "Only computed scorecards can be confirmed: %(names)s",
                    names=", ".join(not_computed.mapped("display_name")),
                )
            )
        action = self._check_call_data()
        if action:
            return action
        self.write({"state": "confirmed"})
        self._create_review_lines()
        return True

    def action_reset_to_draft(self):
        if not self.env.user.has_group("kpi_callcenter.group_kpi_manager"):
            raise AccessError(self.env._("Only a KPI Manager can reset a scorecard to draft."))
        paid = self.filtered(lambda c: c.state == "paid")
        if paid:
            raise UserError(
                self.env._(
                    "Paid scorecards cannot be reset: %(names)s",
                    names=", ".join(paid.mapped("display_name")),
                )
            )
        self.with_context(kpi_scorecard_unlock=True).write({"state": "draft"})
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
        savepoint: one broken KPI set-up does not stop the others.
        """
        today = fields.Date.context_today(self)
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
                    batch.action_compute()
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
    def _compute_period(self, plan, date_from, date_to):
        """Compute the scorecards ``self`` of one plan and period: proration days, one
        provider query per KPI, the line figures, the bonus, the chatter note, then the
        audited adjustments applied again.

        Query count does not depend on ``len(self)``: one provider query per KPI, one
        batched work-days computation per calendar, batched creates and writes.
        """
        plan._check_weights_sum()
        employees = self.employee_id
        days = self._get_proration_days(employees, date_from, date_to)
        lines_by_key = self._sync_lines(plan)
        values_by_line = {
            plan_line: plan_line.definition_id._compute_values(employees, date_from, date_to)
            for plan_line in plan.line_ids
        }
        # customer rating KPIs below their minimum number of ratings pay nothing
        unpayable_by_line = {
            plan_line: plan_line.definition_id._get_unpayable_employees(employees, date_from, date_to)
            for plan_line in plan.line_ids
        }
        card_vals = {}
        for card in self:
            working, leave = days.get(card.employee_id.id, (0.0, 0.0))
            factor = engine_proration.prorate_factor(working, leave)
            total = 0.0
            for plan_line, values in values_by_line.items():
                line = lines_by_key[(card.id, plan_line.id)]
                line_vals = line._prepare_values(plan_line, values.get(card.employee_id.id, 0.0), factor)
                line_vals["below_min_count"] = card.employee_id.id in unpayable_by_line[plan_line]
                line.write(line_vals)
                total += line_vals["score"]
            card_vals[card] = {
                "working_days": working,
                "leave_days": leave,
                "prorate_factor": factor,
                "score": total,
                "state": "computed",
                "computed_on": fields.Datetime.now(),
            }
        for card, vals in card_vals.items():
            card.with_context(tracking_disable=True).write(vals)
        self._compute_bonus()
        self._log_computation()
        self._reapply_adjustments()

    def _sync_lines(self, plan):
        """Make the lines of ``self`` mirror the plan's lines; return {(card, plan line): line}."""
        Line = self.env["kpi.scorecard.line"]
        existing = self.line_ids
        obsolete = existing.filtered(lambda line: line.plan_line_id not in plan.line_ids)
        obsolete.unlink()
        lines_by_key = {
            (line.scorecard_id.id, line.plan_line_id.id): line for line in existing - obsolete
        }
        to_create = [
            {"scorecard_id": card.id, "plan_line_id": plan_line.id, "definition_id": plan_line.definition_id.id}
            for card in self
            for plan_line in plan.line_ids
            if (card.id, plan_line.id) not in lines_by_key
        ]
        for line in Line.create(to_create):
            lines_by_key[(line.scorecard_id.id, line.plan_line_id.id)] = line
        return lines_by_key

    @api.model
    def _get_proration_days(self, employees, date_from, date_to):
        """``{employee_id: (working days, prorating leave days)}`` for the period.

        Working days come from each employee's working schedule; leave days are the
        working days covered by validated time off whose type prorates KPI targets
        (sick leave by default). Public holidays are not working days in either count.
        """
        tz = pytz.timezone(
            employees[:1].company_id.resource_calendar_id.tz or self.env.user.tz or "UTC"
        )
        start = tz.localize(datetime.combine(date_from, time.min))
        stop = tz.localize(datetime.combine(date_to, time.max))
        # The caller's access to the scorecards was checked: read schedules and time off
        # of every employee, whatever the user's own time-off rights.
        employees_sudo = employees.sudo()
        public_holidays = [("time_type", "=", "leave"), ("resource_id", "=", False)]
        full = employees_sudo._get_work_days_data_batch(start, stop, domain=public_holidays)
        available = employees_sudo._get_work_days_data_batch(
            start,
            stop,
            domain=[
                ("time_type", "=", "leave"),
                "|",
                ("resource_id", "=", False),
                ("holiday_id.holiday_status_id.kpi_prorate", "=", True),
            ],
        )
        result = {}
        for employee in employees:
            working = full.get(employee.id, {}).get("days", 0.0)
            left = available.get(employee.id, {}).get("days", 0.0)
            result[employee.id] = (working, max(working - left, 0.0))
        return result

    def _compute_bonus(self):
        """Fill ``payout`` and ``bonus_amount`` of the lines and ``bonus_amount`` of the
        scorecards ``self`` (the payout rules; the math is in ``engine/payout.py``).

        The base is the employee's KPI bonus base when set, else the plan's. A line's payout
        comes from its plan line's scale, else the plan's (no scale: the achievement); the
        engine zeroes lines under their threshold and everything when a gate is closed.
        Amounts are rounded by the company currency line by line, and a scorecard's bonus
        is the sum of its lines. Set-based: employees, plans, scales and tiers are read for
        the whole batch, and the writes are flushed together (no query per scorecard).
        """
        self.check_access("write")
        self.line_ids.check_access("write")
        # Access checked for the whole batch above; the employee's bonus base is HR data.
        cards_sudo = self.sudo().with_context(tracking_disable=True)
        bases = {employee.id: employee.kpi_bonus_base for employee in cards_sudo.employee_id}
        for card_sudo in cards_sudo:
            lines_sudo = card_sudo.line_ids
            payout_inputs = [line._prepare_payout_input() for line in lines_sudo]
            base = bases.get(card_sudo.employee_id.id) or card_sudo.plan_id.bonus_base
            amounts, total = card_sudo._get_bonus_figures(payout_inputs, base)
            for line_sudo, payout_input, amount in zip(lines_sudo, payout_inputs, amounts, strict=True):
                line_sudo.write(
                    {
                        "payout": payout_input["payout"],
                        "bonus_amount": amount,
                        "is_gate": payout_input["is_gate"],
                    }
                )
            card_sudo.write({"bonus_amount": total})
        return True

    def _get_bonus_figures(self, payout_inputs, base):
        """``(amount of each line, total)`` of this scorecard for ``payout_inputs`` (see
        :meth:`KpiScorecardLine._prepare_payout_input`) and the bonus ``base``: the payout
        engine, each line rounded by the company currency, the total their sum. Shared by
        the computation and :meth:`what_if`."""
        self.ensure_one()
        _total, bonuses = engine_payout.scorecard_bonus(payout_inputs, base)
        amounts = [self.currency_id.round(bonus) for bonus in bonuses]
        return amounts, self.currency_id.round(sum(amounts))

    # ------------------------------------------------------------------
    # Business: what-if
    # ------------------------------------------------------------------
    def what_if(self, actuals):
        """Achievement, payout and bonus of this scorecard if its KPIs had the actuals
        ``actuals`` (``{kpi_code: actual}``; KPIs not given keep their actual). Nothing is
        written: the same engine code as the computation (:meth:`KpiScorecardLine._get_figures`,
        :meth:`_get_bonus_figures`) runs on the scorecard's targets.

        :return: ``{"score", "bonus", "days_left", "lines": {kpi_code: {"actual",
            "target", "achievement", "score", "payout", "bonus", "still_needed"}}}``;
            ``days_left`` (available working days from today to the end of a running
            period, else ``None``) and ``still_needed`` (how much more of a count or sum
            KPI, higher is better, reaches 100 % of its target, from the real actual) help
            the agent plan the rest of the month.
        """
        self.ensure_one()
        self.check_access("read")
        parsed = self._parse_what_if_actuals(actuals or {})
        # read access was checked above; the employee's bonus base is HR data
        card_sudo = self.sudo()
        base = card_sudo.employee_id.kpi_bonus_base or card_sudo.plan_id.bonus_base
        figures, payout_inputs = [], []
        for line_sudo in card_sudo.line_ids:
            line_figures = line_sudo._get_figures(parsed.get(line_sudo.code, line_sudo.actual))
            figures.append(line_figures)
            payout_inputs.append(line_sudo._prepare_payout_input(line_figures["achievement"]))
        amounts, total = card_sudo._get_bonus_figures(payout_inputs, base)
        lines = {}
        for line_sudo, line_figures, payout_input, amount in zip(
            card_sudo.line_ids, figures, payout_inputs, amounts, strict=True
        ):
            lines[line_sudo.code] = dict(
                line_figures, payout=payout_input["payout"], bonus=amount,
                still_needed=line_sudo._get_still_needed(),
            )
        return {
            "score": engine_achievement.total_score([line["score"] for line in lines.values()]),
            "bonus": total,
            "days_left": card_sudo._get_days_left() if self.is_provisional else None,
            "lines": lines,
        }

    def _parse_what_if_actuals(self, actuals):
        """``{kpi_code: float}`` of ``actuals``; a code not on the scorecard or a value
        that is no number (or negative) raises a ValidationError naming the KPI."""
        codes = set(self.line_ids.mapped("code"))
        parsed = {}
        for code, value in actuals.items():
            if code not in codes:
                raise ValidationError(
                    self.env._("Scorecard %(scorecard)s has no KPI %(kpi)s.", scorecard=self.display_name, kpi=code)
                )
            if value is None or str(value).strip() == "":
                continue
            try:
                number = float(str(value).strip())
            except ValueError:
                number = math.nan
            if not math.isfinite(number) or number < 0:
                raise ValidationError(
                    self.env._(
                        "Scorecard %(scorecard)s, KPI %(kpi)s: %(value)s is not a number of zero or more.",
                        scorecard=self.display_name,
                        kpi=code,
                        value=value,
                    )
                )
            parsed[code] = number
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

    def _log_computation(self):
        """One chatter note per scorecard, created in one batch."""
        bodies = {}
        for card in self:
            rows = Markup("").join(
                Markup("<li>%s: %s → %s %%</li>")
                % (line.definition_id.display_name, round(line.actual, 2), round(line.achievement, 1))
                for line in card.line_ids
            )
            bodies[card.id] = Markup("%s<ul>%s</ul>") % (
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
        self._message_log_batch(bodies=bodies)

    def _reapply_adjustments(self):
        """A recomputation keeps the adjusted targets and actuals (the latest per line
        and field)."""
        adjustments = self.env["kpi.scorecard.adjustment"].sudo().search(
            [("scorecard_id", "in", self.ids)], order="id"
        )
        latest = {}
        for adjustment in adjustments:
            latest[(adjustment.scorecard_line_id.id, adjustment.field)] = adjustment
        if latest:
            self.env["kpi.scorecard.adjustment"].sudo().browse(
                [adjustment.id for adjustment in latest.values()]
            )._apply()

    def _simulation_paid_amount(self):
        """What this scorecard pays, as the pay-impact simulation counts it (a trial
        scorecard pays nothing)."""
        self.ensure_one()
        return 0.0 if self.is_trial else self.bonus_amount

    # ------------------------------------------------------------------
    # Business: confirmation (call data check, period review)
    # ------------------------------------------------------------------
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
            wizard = self.env["kpi.scorecard.confirm"].create({"scorecard_ids": [fields.Command.set(self.ids)]})
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Missing call data"),
                "res_model": "kpi.scorecard.confirm",
                "res_id": wizard.id,
                "view_mode": "form",
                "target": "new",
            }
        if gaps and not self.env.su and not self.env.user.has_group("kpi_callcenter.group_kpi_officer"):
            raise AccessError(self.env._("Only a KPI Officer can confirm scorecards despite missing call data."))
        # scorecards whose data is complete now (e.g. imported after a reset to draft) lose
        # an older note; the others get the new acknowledgement
        gap_cards = self.browse().union(*(group["cards"] for group in gaps))
        (self - gap_cards).filtered("call_gap_note").write({"call_gap_note": False})
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
        yesterday = fields.Date.context_today(self) - timedelta(days=1)
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
        seen = self._get_call_days(sources, min(all_days), max(all_days))
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
        tz = pytz.timezone(calendar_sudo.tz or "UTC")
        start = tz.localize(datetime.combine(date_from, time.min))
        stop = tz.localize(datetime.combine(date_to + timedelta(days=1), time.min))
        intervals = calendar_sudo._work_intervals_batch(start, stop)[False]
        worked = {interval_start.astimezone(tz).date() for interval_start, _stop, _meta in intervals}
        return [day for day in days if day in worked]

    def _get_call_days(self, sources, date_from, date_to):
        """``{(source id, local day)}`` with at least one call, in one grouped query (the
        day in each PBX's time zone)."""
        self.env["kpi.call"].flush_model(["source_id", "start"])
        sources.flush_recordset(["tz"])
        # a day of slack on both sides covers every UTC offset
        utc_from = datetime.combine(date_from - timedelta(days=1), time.min)
        utc_to = datetime.combine(date_to + timedelta(days=2), time.min)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT c.source_id, (c.start AT TIME ZONE 'UTC' AT TIME ZONE s.tz)::date
                  FROM kpi_call c
                  JOIN kpi_call_source s ON s.id = c.source_id
                 WHERE c.source_id = ANY(%(sources)s)
                   AND c.start >= %(utc_from)s AND c.start < %(utc_to)s
              GROUP BY 1, 2
                """,
                sources=sources.ids,
                utc_from=utc_from,
                utc_to=utc_to,
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
            group["cards"].write({"call_gap_note": note})
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

    def write(self, vals):
        if not self.env.context.get("kpi_scorecard_unlock"):
            self.scorecard_id._check_unlocked()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_not_locked(self):
        self.scorecard_id._check_unlocked()

    def _prepare_values(self, plan_line, actual, factor):
        """Values of this line for a given actual and proration factor (pure math in engine)."""
        definition = plan_line.definition_id
        aggregation = definition._get_aggregation()
        target = engine_proration.prorate_target(plan_line.target, factor, aggregation)
        achievement = engine_achievement.achievement(
            actual, target, definition.direction, plan_line.cap
        )
        return {
            "definition_id": definition.id,
            "weight": plan_line.weight,
            "target_full": plan_line.target,
            "target": target,
            "prorated": aggregation in ("count", "sum") and factor != 1.0,
            "threshold": plan_line.threshold,
            "cap": plan_line.cap,
            "actual": actual,
            "achievement": achievement,
            "score": engine_achievement.line_score(achievement, plan_line.weight),
        }

    def _prepare_payout_input(self, achievement=None):
        """What the payout engine needs of this line: its payout % on the plan line's scale
        (else the plan's), weight, achievement (the line's, or ``achievement``), threshold
        and gate."""
        self.ensure_one()
        achievement = self.achievement if achievement is None else achievement
        plan_line = self.plan_line_id
        scale = plan_line.payout_scale_id or self.scorecard_id.plan_id.payout_scale_id
        return {
            "weight": self.weight,
            "achievement": achievement,
            "threshold": self.threshold,
            "is_gate": plan_line.is_gate,
            # a rating KPI below its minimum number of ratings pays nothing
            "payout": 0.0 if self.below_min_count else scale._get_payout(achievement),
        }

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
            return [env._("Time"), env._("Direction"), env._("Talk time (s)"), env._("Number")], lambda call: [
                when(call.start), directions.get(call.direction, ""), str(call.duration or 0),
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

    def _get_figures(self, actual, target=None):
        """``{"actual", "target", "achievement", "score"}`` of this line for ``actual``
        against ``target`` (default: the line's target): the achievement engine, shared by
        the adjustments and :meth:`KpiScorecard.what_if`."""
        self.ensure_one()
        target = self.target if target is None else target
        achievement = engine_achievement.achievement(actual, target, self.direction, self.cap)
        return {
            "actual": actual,
            "target": target,
            "achievement": achievement,
            "score": engine_achievement.line_score(achievement, self.weight),
        }

    def _get_still_needed(self):
        """How much more a count or sum KPI (higher is better) needs to reach 100 % of its
        target; ``None`` for averages, rates and lower-is-better KPIs (their target is a
        level to hold, not an amount to add)."""
        self.ensure_one()
        if self.direction != "higher" or self.definition_id._get_aggregation() not in ("count", "sum"):
            return None
        return max(self.target - self.actual, 0.0)
