# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..engine import achievement as engine_achievement
from ..engine import payout as engine_payout
from ..engine import proration as engine_proration

LOCKED_STATES = ("confirmed", "paid")
# Scorecard fields that may change while it is locked (workflow, links, chatter).
SCORECARD_UNLOCKED_FIELDS = {
    "state",
    "message_main_attachment_id",
    "activity_ids",
    "message_follower_ids",
}


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
        self.check_access("write")
        not_computed = self.filtered(lambda c: c.state != "computed")
        if not_computed:
            raise UserError(
                self.env._(
                    "Only computed scorecards can be confirmed: %(names)s",
                    names=", ".join(not_computed.mapped("display_name")),
                )
            )
        gate = self._get_confirm_gate_action()
        if gate:
            return gate
        self._action_confirm()
        return True

    def _get_confirm_gate_action(self):
        """Hook run before confirming: an action (a dialog asking the user to acknowledge
        something) stops the confirmation and is returned instead; ``False`` lets it go on."""
        return False

    def _action_confirm(self):
        """Lock the scorecards (their checks passed)."""
        self.write({"state": "confirmed"})

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

    # ------------------------------------------------------------------
    # Business: computation
    # ------------------------------------------------------------------
    def _compute_period(self, plan, date_from, date_to):
        """Compute the scorecards ``self`` of one plan and period.

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
        card_vals = {}
        for card in self:
            working, leave = days.get(card.employee_id.id, (0.0, 0.0))
            factor = engine_proration.prorate_factor(working, leave)
            total = 0.0
            for plan_line, values in values_by_line.items():
                line = lines_by_key[(card.id, plan_line.id)]
                line_vals = line._prepare_values(plan_line, values.get(card.employee_id.id, 0.0), factor)
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
            _total, bonuses = engine_payout.scorecard_bonus(payout_inputs, base)
            total = 0.0
            for line_sudo, payout_input, bonus in zip(
                lines_sudo, payout_inputs, bonuses, strict=True
            ):
                amount = card_sudo.currency_id.round(bonus)
                line_sudo.write(
                    {
                        "payout": payout_input["payout"],
                        "bonus_amount": amount,
                        "is_gate": payout_input["is_gate"],
                    }
                )
                total += amount
            card_sudo.write({"bonus_amount": card_sudo.currency_id.round(total)})
        return True

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
    aggregation = fields.Selection(related="definition_id.aggregation")
    achievement_band = fields.Selection(
        # keys are the range's floor, zero-padded: grouped by this field, ranges sort in order
        [("000", "< 50 %"), ("050", "50–79 %"), ("080", "80–99 %"), ("100", "100–119 %"), ("120", "≥ 120 %")],
        compute="_compute_achievement_band",
        store=True,
        help="Achievement range, for the achievement histogram per KPI.",
    )

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

    def _prepare_payout_input(self):
        """What the payout engine needs of this line: its payout % on the plan line's scale
        (else the plan's), weight, achievement, threshold and gate."""
        self.ensure_one()
        plan_line = self.plan_line_id
        scale = plan_line.payout_scale_id or self.scorecard_id.plan_id.payout_scale_id
        return {
            "weight": self.weight,
            "achievement": self.achievement,
            "threshold": self.threshold,
            "is_gate": plan_line.is_gate,
            "payout": scale._get_payout(self.achievement),
        }
