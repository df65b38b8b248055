# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""KPI plans (``kpi.plan``) and their KPI lines (``kpi.plan.line``).

The plan's life, as explicit steps in this file:

- activation (``action_activate``): health check (errors block, unacknowledged warnings
  open the acknowledgement dialog) → active → announcement to each assigned employee;
- versions (``action_new_version``): an active plan is never edited in place; its terms
  (``VERSION_LOCKED_FIELDS`` and every field of its lines) refuse writes. *New version*
  copies it to a draft (``version`` + 1, ``previous_version_id``) that is checked,
  approved by a second KPI Manager when the company requires it (OCA
  ``base_tier_validation``: ``approver_ids``, the KPI Managers other than its author),
  announced, and applies from its first period (``date_start``, the notice rule of
  ``_check_version_start``); the previous version then ends the day before
  (``date_end``) and keeps its scorecards;
- scorecards (``generate_scorecards``): create the missing ones, compute, announce to
  employees assigned since the activation;
- history: calibration of the targets and the pay-impact simulation replay past periods
  (:class:`KpiReplay`) through the plan.

The health check guards against the seed's mistakes: too many metrics, weights not
summing to 100, non-transparent KPIs (no explanation), KPIs the employee cannot
influence, double standards between employees of the same job or department,
unrealistic or too-easy targets (calibration) and a new plan that pays less (simulation).
A plan may have a trial end date: its scorecards of periods starting on or before it are
computed and shown, marked as trial, and pay nothing.
"""

import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, formatLang

from ..engine import calibration as engine_calibration
from ..engine import period as engine_period
from ..engine import period_bonus as engine_period_bonus
from ..engine import pool as engine_pool
from ..engine import proration as engine_proration
from .kpi_definition import OPPOSING_KPIS, QUALITY_MEASURES
from .kpi_plan_health_issue import HEALTH_RULES

_logger = logging.getLogger(__name__)

LINE_SCOPES = [("individual", "Individual"), ("team", "Team")]
TEAM_BASES = [("manager", "Manager"), ("department", "Department")]
POOL_SPLITS = [("equal", "Equally"), ("by_score", "By individual score"), ("by_days", "By available days")]

# Terms of a plan that an active (or archived) version never changes in place: a change
# is a new version (``action_new_version``). Every field of its lines is locked too.
VERSION_LOCKED_FIELDS = (
    "line_ids",
    "bonus_base",
    "payout_scale_id",
    "period_type",
    "holidays_reduce_targets",
    "leave_reduces_base",
    "probation_policy",
    "probation_ramp_pct",
    "date_start",
    "company_id",
)
# Fields of a plan line whose changes are logged, with old and new value, on the chatter of
# its plan (the other pay terms of the plan are tracked fields of the plan itself).
LINE_TRACKED_FIELDS = ("definition_id", "weight", "target", "threshold", "cap", "payout_scale_id", "is_gate")
# Fields a plan under approval still writes (the health check's result, the activation).
UNDER_APPROVAL_WRITABLE_FIELDS = ("health_state", "health_checked_on", "announced_on", "date_end")
# Context keys of base_tier_validation that would skip its checks: neutralised on writes.
TIER_VALIDATION_BYPASS_KEYS = {"skip_validation_check": False, "skip_check_state_condition": False}


def log_child_changes(parent, body, child, old_values, new_values):
    """Log on ``parent``'s chatter a message ``body`` with one tracking value (old → new)
    per changed field of ``child`` (a record of a model without chatter, e.g. a plan
    line). ``old_values`` / ``new_values``: ``{field name: value as read}``."""
    Tracking = parent.env["mail.tracking.value"]
    infos = child.fields_get(list(new_values), attributes=("string", "type", "selection", "currency_field"))
    tracking_vals = []
    for fname, new in new_values.items():
        old = old_values.get(fname)
        if old == new:
            continue
        tracking_vals.append(Tracking._create_tracking_values(old, new, fname, infos[fname], child))
    if tracking_vals:
        parent._message_log(
            body=body, tracking_value_ids=[Command.create(vals) for vals in tracking_vals]
        )


class KpiReplay:
    """Actuals and proration factors of ``employees`` for past periods, each read once.

    ``period`` is a ``(date_from, date_to)`` pair. Reading is done as superuser by the
    providers: callers check their access to the plan first.
    """

    def __init__(self, env, employees):
        self.env = env
        self.employees = employees
        self._factors = {}
        self._values = {}
        self._unpayable = {}

    def factors(self, period):
        """``{employee id: proration factor}`` of the period."""
        if period not in self._factors:
            days = (
                self.env["kpi.scorecard"]._get_proration_days(self.employees, *period)
                if self.employees
                else {}
            )
            self._factors[period] = {
                employee_id: engine_proration.prorate_factor(working, leave)
                for employee_id, (working, leave) in days.items()
            }
        return self._factors[period]

    def measure(self, definitions, period):
        """Read the actuals of ``definitions`` in the period not read yet, together (one
        provider call per source)."""
        missing = definitions.filtered(lambda definition: (definition.id, period) not in self._values)
        if not missing:
            return
        measured = missing._measure(self.employees, *period) if self.employees else {}
        for definition in missing:
            self._values[(definition.id, period)] = measured.get(definition.id, {})

    def values(self, definition, period):
        """``{employee id: actual}`` of ``definition`` in the period."""
        self.measure(definition, period)
        return self._values[(definition.id, period)]

    def unpayable(self, definition, period):
        """Ids of the employees whose line of ``definition`` pays nothing in the period
        (a customer rating KPI below its minimum number of ratings), as a scorecard
        would decide (``kpi.definition._get_unpayable_employees``)."""
        key = (definition.id, period)
        if key not in self._unpayable:
            self._unpayable[key] = (
                definition._get_unpayable_employees(self.employees, *period) if self.employees else set()
            )
        return self._unpayable[key]


class KpiPlan(models.Model):
    _name = "kpi.plan"
    _description = "KPI Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "tier.validation"]
    _order = "state, name, id"
    # Approval of a version (OCA base_tier_validation): draft → active needs the validation
    # of the tier definition ``kpi_plan_tier_definition`` when the company requires it.
    _state_from = ["draft"]
    _state_to = ["active"]
    _tier_validation_manual_config = False

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("archived", "Archived")],
        required=True,
        default="draft",
        tracking=True,
        copy=False,
    )
    employee_ids = fields.Many2many("hr.employee", string="Employees", check_company=True)
    department_ids = fields.Many2many(
        "hr.department", string="Departments", check_company=True,
        help="Every employee of these departments (and their sub-departments).",
    )
    job_ids = fields.Many2many(
        "hr.job", string="Job positions", check_company=True,
        help="Every employee holding one of these positions.",
    )
    line_ids = fields.One2many("kpi.plan.line", "plan_id", string="KPIs", copy=True)
    bonus_base = fields.Monetary(
        tracking=True,
        help="Variable pay per period at 100 % payout. An employee's own KPI bonus base, "
        "when set, overrides it.",
    )
    payout_scale_id = fields.Many2one(
        "kpi.payout.scale",
        string="Payout scale",
        check_company=True,
        tracking=True,
        help="Default scale turning each KPI's achievement into its payout; a KPI line may "
        "use its own. No scale: the payout is the achievement.",
    )
    total_weight = fields.Float(compute="_compute_total_weight")
    scorecard_ids = fields.One2many("kpi.scorecard", "plan_id")
    scorecard_count = fields.Integer(compute="_compute_scorecard_count")
    target_count = fields.Integer(compute="_compute_target_count", string="Individual targets")
    employee_count = fields.Integer(compute="_compute_employee_count", string="Assigned employees")
    note = fields.Html(translate=True)
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
    version = fields.Integer(
        default=1,
        copy=False,
        readonly=True,
        tracking=True,
        help="Number of this version of the plan: New version copies an active plan to a "
        "draft with the next number. Acknowledgements and announcements are per version.",
    )
    previous_version_id = fields.Many2one(
        "kpi.plan",
        string="Previous version",
        readonly=True,
        copy=False,
        index=True,
        ondelete="restrict",
        help="The version this one replaces from its first period.",
    )
    next_version_ids = fields.One2many("kpi.plan", "previous_version_id", string="Next versions")
    date_start = fields.Date(
        string="First period",
        tracking=True,
        copy=False,
        help="First day of the first period this version applies to (required for a new "
        "version). It starts after the announcement plus the company's notice period, "
        "unless nobody's pay can go down.",
    )
    date_end = fields.Date(
        string="Last day",
        readonly=True,
        copy=False,
        tracking=True,
        help="Set when the next version is activated: the day before its first period.",
    )
    discussed_on = fields.Date(
        string="Discussed with representatives on",
        tracking=True,
        copy=False,
        help="Date the version was discussed with the employees' representatives (trade union).",
    )
    announced_on = fields.Date(
        readonly=True,
        copy=False,
        tracking=True,
        help="Date the version was activated and announced to its employees.",
    )
    approver_ids = fields.Many2many(
        "res.users",
        compute="_compute_approver_ids",
        string="Possible approvers",
        help="KPI Managers of the plan's company other than the author of this version.",
    )
    health_issue_ids = fields.One2many("kpi.plan.health.issue", "plan_id", string="Health issues")
    health_state = fields.Selection(
        [("unchecked", "Not checked"), ("ok", "Healthy"), ("warning", "Warnings"), ("error", "Errors")],
        default="unchecked",
        copy=False,
        readonly=True,
    )
    health_checked_on = fields.Datetime(copy=False, readonly=True)
    acknowledgement_ids = fields.One2many(
        "kpi.plan.acknowledgement", "plan_id", string="Acknowledgements"
    )
    calibration_ids = fields.One2many("kpi.plan.calibration", "plan_id", string="Calibration")
    calibration_employee_ids = fields.One2many(
        "kpi.plan.calibration.employee", "plan_id", string="Calibration per employee"
    )
    simulation_ids = fields.One2many("kpi.plan.simulation", "plan_id", string="Simulations")
    # Real HR life: periods, public holidays, leave and probation
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        required=True,
        default="month",
        tracking=True,
        help="Length of the periods the daily cron creates scorecards for.",
    )
    holidays_reduce_targets = fields.Boolean(
        string="Public holidays reduce targets",
        default=True,
        help="Untick for a 24/7 hotline: agents who work on public holidays keep the full target.",
    )
    leave_reduces_base = fields.Boolean(
        string="Leave reduces the bonus base",
        help="The bonus base follows the days in the plan (hires, leavers, transfers). Tick to "
        "also cut it by prorating leave.",
    )
    probation_policy = fields.Selection(
        [("assess", "Assessed as usual"), ("skip", "Not assessed"), ("ramp", "Targets ramped")],
        string="Probation",
        required=True,
        default="assess",
        help="Days before the end of the trial period of the employee's contract.",
    )
    probation_ramp_pct = fields.Float(
        string="Ramp per month of tenure (%)",
        default=50.0,
        help="Ramped targets: this share of the target per started month of tenure, at most 100 %.",
    )
    # Quarterly and yearly bonuses
    advance_percent = fields.Float(
        string="Monthly advance (%)",
        tracking=True,
        help="Quarterly and yearly plans: each month of the period but the last, an advance of "
        "this share of the month's provisional bonus is paid; the period's end pays the bonus "
        "minus the advances paid. 0: no advance.",
    )
    year_bonus_method = fields.Selection(
        [("kpis", "From the KPIs of the year"), ("coefficient", "Base × coefficient × months worked")],
        string="Yearly bonus",
        required=True,
        default="kpis",
        tracking=True,
        help="Yearly plans (Tết / 13th-month bonus): the bonus base × the coefficient of the "
        "average of the monthly scores × months worked ÷ 12.",
    )
    year_coefficient_scale_id = fields.Many2one(
        "kpi.payout.scale",
        string="Coefficient table",
        check_company=True,
        tracking=True,
        help="Average monthly score (read as the achievement) → coefficient (the payout, in %: "
        "120 % is a coefficient of 1.2). A step scale reads as a grade table (A/B/C/D).",
    )
    year_bonus_date = fields.Date(
        string="Yearly bonus paid on",
        tracking=True,
        help="Off-cycle payment date of the yearly bonus: payroll pays it in the payslip whose "
        "period contains this date (or an off-cycle payslip of that day).",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("line_ids.weight")
    def _compute_total_weight(self):
        for plan in self:
            plan.total_weight = sum(plan.line_ids.mapped("weight"))

    def _compute_scorecard_count(self):
        counts = dict(
            self.env["kpi.scorecard"]._read_group([("plan_id", "in", self.ids)], ["plan_id"], ["__count"])
        )
        for plan in self:
            plan.scorecard_count = counts.get(plan, 0)

    def _compute_target_count(self):
        counts = dict(self.env["kpi.target"]._read_group([("plan_id", "in", self.ids)], ["plan_id"], ["__count"]))
        for plan in self:
            plan.target_count = counts.get(plan, 0)

    @api.depends("employee_ids", "department_ids", "job_ids")
    def _compute_employee_count(self):
        for plan in self:
            plan.employee_count = len(plan._get_assigned_employees())

    @api.depends("trial_end_date", "date_start")
    @api.depends_context("tz")
    def _compute_first_paid_date(self):
        today = fields.Date.context_today(self)
        for plan in self:
            if plan.trial_end_date:
                first_paid = plan.trial_end_date.replace(day=1) + relativedelta(months=1)
            else:
                first_paid = today.replace(day=1)
            if plan.date_start and plan.date_start > first_paid:
                first_paid = plan.date_start
            plan.first_paid_date = first_paid

    @api.depends("create_uid", "company_id")
    def _compute_approver_ids(self):
        managers = self.env.ref("kpi_callcenter.group_kpi_manager").users
        for plan in self:
            authors = plan._get_version_authors()
            plan.approver_ids = managers.filtered(
                lambda user, plan=plan, authors=authors: plan.company_id in user.company_ids
                and user not in authors
                and not user._is_superuser()
            )

    def _get_version_authors(self):
        """Who made this version what it is, and so never approves it: its creator, who
        asked for its approval, and the authors of its tracked changes (terms, and the
        lines' changes logged on its chatter). Read as superuser: reviews and chatter of
        a plan the caller may read."""
        self.ensure_one()
        self_sudo = self.sudo()
        partners = self.env["mail.message"].sudo().search(
            [("model", "=", self._name), ("res_id", "=", self.id), ("tracking_value_ids", "!=", False)]
        ).author_id
        return self_sudo.create_uid | self_sudo.review_ids.requested_by | partners.user_ids

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("state", "line_ids")
    def _check_weights(self):
        for plan in self.filtered(lambda p: p.state == "active"):
            plan._check_weights_sum()

    def _check_weights_sum(self):
        self.ensure_one()
        if not self.line_ids:
            raise ValidationError(self.env._("Plan %(plan)s has no KPI.", plan=self.display_name))
        if float_compare(self.total_weight, 100.0, precision_digits=2) != 0:
            raise ValidationError(
                self.env._(
                    "Plan %(plan)s: the weights of its KPIs sum to %(total)s %%, not 100 %%.",
                    plan=self.display_name,
                    total=round(self.total_weight, 2),
                )
            )

    @api.constrains("payout_scale_id", "company_id")
    def _check_payout_scale_company(self):
        self._check_company(["payout_scale_id"])

    @api.constrains("bonus_base")
    def _check_bonus_base(self):
        for plan in self:
            if plan.bonus_base < 0:
                raise ValidationError(
                    self.env._("Plan %(plan)s: the bonus base cannot be negative.", plan=plan.display_name)
                )

    @api.constrains("advance_percent", "period_type", "year_bonus_method", "year_coefficient_scale_id")
    def _check_period_bonus(self):
        for plan in self:
            if not 0 <= plan.advance_percent <= 100:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s, field Monthly advance: %(value)s %% is not between 0 and 100 %%.",
                        plan=plan.display_name,
                        value=plan.advance_percent,
                    )
                )
            if plan.advance_percent and plan.period_type == "month":
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s, field Monthly advance: only quarterly and yearly plans pay "
                        "monthly advances.",
                        plan=plan.display_name,
                    )
                )
            if plan.year_bonus_method == "coefficient":
                if plan.period_type != "year":
                    raise ValidationError(
                        self.env._(
                            "Plan %(plan)s, field Yearly bonus: a bonus by coefficient needs a "
                            "yearly plan.",
                            plan=plan.display_name,
                        )
                    )
                if not plan.year_coefficient_scale_id:
                    raise ValidationError(
                        self.env._(
                            "Plan %(plan)s, field Coefficient table: a yearly bonus by coefficient "
                            "needs its table.",
                            plan=plan.display_name,
                        )
                    )
        self._check_company(["year_coefficient_scale_id"])

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
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        """A plan starts as a draft: it becomes active through *Activate* (health check,
        approval, announcement), never by being created active."""
        if not self.env.su:
            for vals in vals_list:
                if vals.get("state", "draft") != "draft":
                    raise AccessError(
                        self.env._(
                            "New plan %(plan)s, field Status: a plan is created as a draft and "
                            "activated with its Activate button.",
                            plan=vals.get("name") or "",
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        # The caller's right to write comes first: a refused user gets the access error.
        self.check_access("write")
        if "state" in vals and not self.env.su:
            raise AccessError(
                self.env._(
                    "Plan %(plan)s, field Status: a plan changes state through its buttons "
                    "(Activate, Archive, Back to draft, New version), never by a direct write.",
                    plan=", ".join(self.mapped("display_name")),
                )
            )
        self._check_version_locked(vals)
        # No context key is a permission: the approval's write checks (tier validation)
        # run whatever context the caller sends.
        return super(KpiPlan, self.with_context(**TIER_VALIDATION_BYPASS_KEYS)).write(vals)

    def unlink(self):
        self.check_access("unlink")
        # their approvals go with them (reviews are written only by the plan's methods)
        self.review_ids.sudo().unlink()
        return super().unlink()

    def _check_version_locked(self, vals):
        """An active or archived version never changes its terms in place, whoever asks."""
        locked = [fname for fname in VERSION_LOCKED_FIELDS if fname in vals]
        if not locked:
            return
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._(
                        "Plan %(plan)s (version %(version)s) is %(state)s: its %(fields)s cannot "
                        "be changed in place. Click New version to prepare a changed version, "
                        "which is checked, approved and announced before it applies.",
                        plan=plan.display_name,
                        version=plan.version,
                        state=dict(plan._fields["state"]._description_selection(self.env))[plan.state],
                        fields=", ".join(
                            plan._fields[fname]._description_string(self.env) for fname in locked
                        ),
                    )
                )

    def _check_lines_editable(self):
        """The KPI lines of an active or archived version, or of a version under approval,
        refuse any change (whoever asks, whatever the context)."""
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._(
                        "Plan %(plan)s (version %(version)s) is not a draft: its KPIs (weights, "
                        "targets, thresholds, caps, scales) cannot be changed in place. Click New "
                        "version to prepare a changed version.",
                        plan=plan.display_name,
                        version=plan.version,
                    )
                )
            if plan.review_ids:
                raise UserError(
                    self.env._(
                        "Plan %(plan)s (version %(version)s) is under approval: restart the "
                        "validation before changing its KPIs.",
                        plan=plan.display_name,
                        version=plan.version,
                    )
                )

    # ------------------------------------------------------------------
    # Tier validation (approval of a version)
    # ------------------------------------------------------------------
    @api.model
    def _get_under_validation_exceptions(self):
        return super()._get_under_validation_exceptions() + list(UNDER_APPROVAL_WRITABLE_FIELDS)

    def _tier_validation_check_write_remove_reviews(self, vals):
        # Reviews of plans are written only by the plan's methods (see security.xml): the
        # caller's write access is checked by the write itself.
        return super(KpiPlan, self.sudo())._tier_validation_check_write_remove_reviews(vals)

    def _check_reviewer(self):
        """The current user may approve or refuse this version: a KPI Manager of its
        company, not its author."""
        self.ensure_one()
        self.check_access("write")
        user = self.env.user
        if user in self._get_version_authors():
            raise UserError(
                self.env._(
                    "Plan %(plan)s (version %(version)s): you prepared this version; another "
                    "KPI Manager must approve it.",
                    plan=self.display_name,
                    version=self.version,
                )
            )
        if user not in self.approver_ids:
            raise UserError(
                self.env._(
                    "Plan %(plan)s (version %(version)s): only a KPI Manager of %(company)s "
                    "other than the author may approve or refuse it.",
                    plan=self.display_name,
                    version=self.version,
                    company=self.company_id.name,
                )
            )

    def request_validation(self):
        self.check_access("write")
        return super(KpiPlan, self.sudo()).request_validation().sudo(False)

    def restart_validation(self):
        self.check_access("write")
        return super(KpiPlan, self.sudo()).restart_validation()

    def validate_tier(self):
        self._check_reviewer()
        return super(KpiPlan, self.sudo()).validate_tier()

    def reject_tier(self):
        self._check_reviewer()
        return super(KpiPlan, self.sudo()).reject_tier()

    def _check_approval(self):
        """Plans whose company requires an approval: request it the first time (returns a
        notification, the plan stays draft); refuse while it is pending or refused.
        ``False``: every plan is approved or needs no approval."""
        to_request = self.filtered("need_validation")
        if to_request:
            to_request.request_validation()
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "sticky": True,
                    "message": self.env._(
                        "Approval requested for %(plans)s: another KPI Manager must validate the "
                        "version; then activate it.",
                        plans=", ".join(to_request.mapped("display_name")),
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        for plan in self.filtered(lambda p: p.review_ids and p.validation_status != "validated"):
            raise UserError(
                self.env._(
                    "Plan %(plan)s (version %(version)s) waits for the approval of a KPI Manager "
                    "other than its author (%(status)s).",
                    plan=plan.display_name,
                    version=plan.version,
                    status=dict(plan._fields["validation_status"]._description_selection(self.env))[
                        plan.validation_status
                    ],
                )
            )
        return False

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_activate(self):
        """Activate the draft plans as explicit steps: the first period (notice rule),
        the health check (errors block; unacknowledged warnings open the acknowledgement
        dialog instead), the approval by a second KPI Manager when the company requires
        it, then the state, the end of the previous versions and the announcement to the
        assigned employees."""
        plans = self.filtered(lambda p: p.state == "draft")
        for plan in plans:
            plan._check_version_start()
        action = plans._check_health()
        if action:
            return action
        for plan in plans:
            plan._check_weights_sum()
        action = plans._check_approval()
        if action:
            return action
        for plan in plans:
            # the transition's checks ran above: the state itself is written as superuser
            plan.sudo().write({"state": "active", "announced_on": plan.company_id._kpi_today()})
        plans._end_previous_versions()
        plans._announce()
        return True

    def action_archive_plan(self):
        self.check_access("write")
        self.sudo().write({"state": "archived"})

    def action_set_draft(self):
        """Back to draft, for a plan that is not active: an active one changes through a
        new version (``action_new_version``)."""
        active = self.filtered(lambda p: p.state == "active")
        if active:
            raise UserError(
                self.env._(
                    "Plan %(plan)s is active: it cannot go back to draft. Click New version "
                    "to prepare a changed version.",
                    plan=active[0].display_name,
                )
            )
        self.check_access("write")
        self.sudo().write({"state": "draft"})

    def action_new_version(self):
        """Copy the active plan to a draft version (next number, same terms) to be
        changed, checked, approved and announced. Returns its form."""
        self.ensure_one()
        self.check_access("write")
        if self.state != "active":
            raise UserError(
                self.env._(
                    "Plan %(plan)s: only an active plan gets a new version; change a draft directly.",
                    plan=self.display_name,
                )
            )
        pending = self.next_version_ids.filtered(lambda p: p.state == "draft")
        if pending:
            raise UserError(
                self.env._(
                    "Plan %(plan)s already has a draft version %(version)s: change that one.",
                    plan=self.display_name,
                    version=pending[0].version,
                )
            )
        new_version = self.copy(self._prepare_new_version_vals())
        new_version.message_post(
            body=self.env._(
                "Version %(version)s, copied from version %(previous)s.",
                version=new_version.version,
                previous=self.version,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "kpi.plan",
            "res_id": new_version.id,
            "view_mode": "form",
            "target": "current",
        }

    def _prepare_new_version_vals(self):
        self.ensure_one()
        return {
            "name": self.name,
            "version": self.version + 1,
            "previous_version_id": self.id,
            "state": "draft",
        }

    def action_view_versions(self):
        self.ensure_one()
        versions = self._get_version_chain()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Versions of %(plan)s", plan=self.name),
            "res_model": "kpi.plan",
            "view_mode": "list,form",
            "domain": [("id", "in", versions.ids)],
            "context": {"active_test": False},
        }

    def action_print_rules(self):
        self.ensure_one()
        return self.env.ref("kpi_callcenter.kpi_plan_rules_report").report_action(self)

    def action_check_health(self):
        for plan in self:
            plan._refresh_health()
        return True

    def action_calibrate(self):
        self.ensure_one()
        self._run_calibration()
        return True

    def action_open_simulate(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Simulate the pay impact"),
            "res_model": "kpi.plan.simulate",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": self.id},
        }

    def action_view_scorecards(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kpi_callcenter.kpi_scorecard_action")
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action

    def action_view_targets(self):
        """The plan's individual targets (a new one starts on the plan's first KPI)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kpi_callcenter.kpi_target_action")
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_line_id": self.line_ids[:1].id, "search_default_current": 1}
        return action

    # ------------------------------------------------------------------
    # Business: versions
    # ------------------------------------------------------------------
    def _get_version_chain(self):
        """Every version of this plan, older and newer ones."""
        self.ensure_one()
        first = self
        while first.previous_version_id:
            first = first.previous_version_id
        versions = first
        newer = first.next_version_ids
        while newer:
            versions |= newer
            newer = newer.next_version_ids
        return versions

    def _check_version_start(self):
        """The first period of a version (``date_start``): required for a new version; the
        start of a period of the plan, after the previous version's; no locked scorecard
        of the previous version from it on. It starts after today (the announcement) plus
        the company's notice period; earlier (but never before the running period) only
        when nobody's pay can go down: the pay-impact simulation of the last months shows
        no employee and month paid less than under their current plans."""
        self.ensure_one()
        previous = self.previous_version_id
        if not self.date_start:
            if previous:
                raise UserError(
                    self.env._(
                        "Plan %(plan)s (version %(version)s), field First period: set the first "
                        "period this version applies to.",
                        plan=self.display_name,
                        version=self.version,
                    )
                )
            return
        company = self.company_id
        today = company._kpi_today()
        period_start = engine_period.period_of(self.date_start, self.period_type)[0]
        if period_start != self.date_start:
            raise UserError(
                self.env._(
                    "Plan %(plan)s, field First period: %(date)s is not the first day of a period "
                    "(e.g. %(start)s).",
                    plan=self.display_name,
                    date=self.date_start,
                    start=period_start,
                )
            )
        if previous.date_start and self.date_start <= previous.date_start:
            raise UserError(
                self.env._(
                    "Plan %(plan)s, field First period: %(date)s must come after the first period "
                    "of version %(previous)s (%(previous_start)s).",
                    plan=self.display_name,
                    date=self.date_start,
                    previous=previous.version,
                    previous_start=previous.date_start,
                )
            )
        if previous:
            locked = self.env["kpi.scorecard"].search_count(
                [
                    ("plan_id", "=", previous.id),
                    ("date_to", ">=", self.date_start),
                    ("state", "in", ("confirmed", "paid")),
                ]
            )
            if locked:
                raise UserError(
                    self.env._(
                        "Plan %(plan)s, field First period: %(count)s scorecards of version "
                        "%(previous)s from %(date)s on are already confirmed or paid.",
                        plan=self.display_name,
                        count=locked,
                        previous=previous.version,
                        date=self.date_start,
                    )
                )
        earliest = today + relativedelta(days=company.kpi_version_notice_days)
        if self.date_start >= earliest:
            return
        running_start = engine_period.period_of(today, self.period_type)[0]
        if self.date_start < running_start:
            raise UserError(
                self.env._(
                    "Plan %(plan)s, field First period: %(date)s is before the running period "
                    "(%(start)s): a version never applies to past periods.",
                    plan=self.display_name,
                    date=self.date_start,
                    start=running_start,
                )
            )
        losers = self._get_version_losers()
        if losers is None or losers:
            if losers is None:
                reason = self.env._("no past month can be simulated")
            else:
                reason = self.env._(
                    "the simulation shows lower pay for %(names)s", names=", ".join(losers.mapped("name"))
                )
            raise UserError(
                self.env._(
                    "Plan %(plan)s, field First period: %(date)s is less than %(days)s days "
                    "(the notice period) after today's announcement; the earliest first period "
                    "is the one starting on or after %(earliest)s. An earlier start is allowed "
                    "only when nobody's pay can go down, and %(reason)s.",
                    plan=self.display_name,
                    date=self.date_start,
                    days=company.kpi_version_notice_days,
                    earliest=earliest,
                    reason=reason,
                )
            )

    def _get_version_losers(self):
        """Employees the pay-impact simulation of the company's last calibration months
        shows paid less, in at least one month, than under their current plans; ``None``
        when there is no month to simulate."""
        self.ensure_one()
        periods = self._kpi_last_periods(self.company_id.kpi_calibration_periods)
        if not periods:
            return None
        currency = self.company_id.currency_id
        rows = self._simulate_rows(periods)
        loser_ids = {
            row["employee_id"]
            for row in rows
            if currency.compare_amounts(row["new_bonus"], row["old_bonus"]) < 0
        }
        return self.env["hr.employee"].browse(sorted(loser_ids))

    def _end_previous_versions(self):
        """The previous version of each activated plan ends the day before its first
        period; its provisional scorecards from then on are replaced by the new version's
        (its confirmed and paid ones were refused by ``_check_version_start``)."""
        for plan in self.filtered(lambda p: p.previous_version_id.state == "active" and p.date_start):
            previous = plan.previous_version_id
            previous.date_end = plan.date_start - relativedelta(days=1)
            self.env["kpi.scorecard"].search(
                [
                    ("plan_id", "=", previous.id),
                    ("date_from", ">=", plan.date_start),
                    ("state", "in", ("draft", "computed")),
                ]
            ).unlink()
            previous.message_post(
                body=self.env._(
                    "Replaced by version %(version)s from %(date)s.",
                    version=plan.version,
                    date=plan.date_start,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _covers_period(self, date_from, date_to):
        """This version applies to the period: it starts after ``date_start`` and ends
        before ``date_end`` (when set)."""
        self.ensure_one()
        return (not self.date_start or date_from >= self.date_start) and (
            not self.date_end or date_to <= self.date_end
        )

    @api.model
    def _current_domain(self):
        """Active plans not replaced by an active newer version."""
        return [("state", "=", "active"), ("next_version_ids", "not any", [("state", "=", "active")])]

    # ------------------------------------------------------------------
    # Business: assignment and scorecards
    # ------------------------------------------------------------------
    def _get_assigned_employees(self):
        """Active employees of the plan's company assigned by name, department or job."""
        self.ensure_one()
        domain = [("id", "in", self.employee_ids.ids)]
        if self.department_ids:
            domain = ["|", ("department_id", "child_of", self.department_ids.ids)] + domain
        if self.job_ids:
            domain = ["|", ("job_id", "in", self.job_ids.ids)] + domain
        return self.env["hr.employee"].search(domain + [("company_id", "=", self.company_id.id)])

    def generate_scorecards(self, date_from, date_to):
        """Create or refresh the scorecards of every assigned employee for the period,
        then compute them. Locked (confirmed / paid) scorecards are left as they are.

        :return: the scorecards of the plans for that period (``kpi.scorecard``)
        """
        date_from = fields.Date.to_date(date_from)
        date_to = fields.Date.to_date(date_to)
        self.env["kpi.scorecard"]._check_period(
            date_from, date_to, ", ".join(self.mapped("display_name"))
        )
        Scorecard = self.env["kpi.scorecard"]
        # no creation message, tracking nor auto-subscription (a few queries per record):
        # one note on the plan tells the generation; the user who generates follows the
        # new scorecards as after any creation (one INSERT below)
        Creator = Scorecard.with_context(tracking_disable=True)
        all_scorecards = created_cards = Scorecard
        for plan in self:
            if not plan.line_ids:
                raise UserError(self.env._("Plan %(plan)s has no KPI.", plan=plan.display_name))
            if not plan._covers_period(date_from, date_to):
                # formatted outside the _() call (string literals among its arguments hide
                # the message from the term export)
                start, end = plan.date_start or "…", plan.date_end or "…"
                raise UserError(
                    self.env._(
                        "Plan %(plan)s (version %(version)s) applies from %(start)s to %(end)s, not "
                        "to the period %(date_from)s - %(date_to)s: use the version of that period.",
                        plan=plan.display_name,
                        version=plan.version,
                        start=start,
                        end=end,
                        date_from=date_from,
                        date_to=date_to,
                    )
                )
            plan._check_whole_period(date_from, date_to)
            members = self.env["kpi.employment"]._get_members(plan, date_from, date_to)
            employees = self.env["hr.employee"].browse([employee.id for employee in members])
            existing = Scorecard.search(
                [("plan_id", "=", plan.id), ("date_from", "=", date_from), ("date_to", "=", date_to)]
            )
            missing = employees - existing.employee_id
            created = Creator.create(
                [plan._prepare_scorecard_vals(employee, date_from, date_to) for employee in missing]
            )
            all_scorecards |= existing | created
            created_cards |= created
        if created_cards and self.env.user.active:
            self.env["mail.followers"]._insert_followers(
                Scorecard._name, created_cards.ids, self.env.user.partner_id.ids, check_existing=False
            )
        to_compute = all_scorecards.filtered(lambda s: s.state in ("draft", "computed"))
        to_compute.check_access("write")
        old_states = to_compute._recompute()
        # a scorecard created here says its creation and computed_on: the state changes of
        # the others are logged on each (as tracking would), the generation once per plan
        (to_compute - created_cards)._log_state_changes(old_states)
        self._log_generation(date_from, date_to, created_cards, to_compute, old_states)
        # employees assigned after the activation get the announcement too
        self.filtered(lambda plan: plan.state == "active")._announce()
        return all_scorecards

    def _log_generation(self, date_from, date_to, created, computed, old_states):
        """One chatter note per plan whose generation created scorecards or moved some
        to another state (a bare refresh is told by the scorecards' ``computed_on``):
        how many were created and computed, authored by the user who generated them."""
        created_by_plan = created.grouped("plan_id")
        computed_by_plan = computed.grouped("plan_id")
        for plan in self:
            plan_computed = computed_by_plan.get(plan, computed.browse())
            moved = plan_computed.filtered(lambda card: old_states.get(card.id) != card.state)
            plan_created = created_by_plan.get(plan, created.browse())
            if not plan_created and not moved:
                continue
            plan._message_log(
                body=self.env._(
                    "Scorecards of %(start)s → %(end)s generated: %(created)s created, "
                    "%(computed)s computed.",
                    start=date_from,
                    end=date_to,
                    created=len(plan_created),
                    computed=len(plan_computed),
                ),
                author_id=self.env.user.partner_id.id,
            )

    @api.model
    def _cron_generate_scorecards(self):
        """Create the running period's scorecards of every active plan (new hires and
        transfers included) and refresh the provisional ones. A failing plan is logged on
        the plan (a note and an activity for its KPI Managers); the others go on."""
        for plan in self.search([("state", "=", "active")]):
            date_from, date_to = engine_period.period_of(plan.company_id._kpi_today(), plan.period_type)
            if plan.date_end and plan.date_end < date_from:
                # replaced by its next version: kept readable with its scorecards
                plan.sudo().state = "archived"
                continue
            if not plan._covers_period(date_from, date_to):
                continue
            try:
                with self.env.cr.savepoint():
                    plan.generate_scorecards(date_from, date_to)
                    plan._generate_due_advances()
            except (UserError, ValidationError) as error:
                plan._log_generation_failure(date_from, date_to, error)
            except Exception as error:  # pylint: disable=broad-except
                # an unexpected error in one plan must not stop the others: logged with
                # its traceback for the administrator, shown on the plan for HR
                _logger.exception("KPI plan %s: scorecard generation failed", plan.id)
                plan._log_generation_failure(date_from, date_to, error)

    def _log_generation_failure(self, date_from, date_to, error):
        """A note on the plan and an activity for each of its company's KPI Managers."""
        self.ensure_one()
        summary = self.env._(
            "Scorecards of %(start)s → %(end)s could not be generated: %(error)s",
            start=date_from,
            end=date_to,
            error=str(error),
        )
        self.message_post(body=summary, subtype_xmlid="mail.mt_note")
        managers = self.env.ref("kpi_callcenter.group_kpi_manager").users.filtered(
            lambda user: self.company_id in user.company_ids
        )
        for manager in managers:
            self.activity_schedule(
                "mail.mail_activity_data_warning",
                summary=self.env._("KPI scorecards not generated"),
                note=summary,
                user_id=manager.id,
            )

    def _check_whole_period(self, date_from, date_to):
        """A quarterly or yearly plan's targets and bonus base are the whole period's: its
        scorecards cover exactly one quarter or year."""
        self.ensure_one()
        if self.period_type == "month":
            return
        period = engine_period.period_of(date_from, self.period_type)
        if (date_from, date_to) != period:
            raise UserError(
                self.env._(
                    "Plan %(plan)s, field Period Type: its targets are per %(period_type)s, so its "
                    "scorecards cover %(start)s → %(end)s, not %(date_from)s → %(date_to)s.",
                    plan=self.display_name,
                    period_type=dict(self._fields["period_type"]._description_selection(self.env))[
                        self.period_type
                    ].lower(),
                    start=period[0],
                    end=period[1],
                    date_from=date_from,
                    date_to=date_to,
                )
            )

    def _generate_due_advances(self):
        """The cron's part: the advances of the month that just ended, when the plan pays
        advances and that month is not the last of its period (settled by the scorecard)."""
        self.ensure_one()
        if self.period_type == "month" or not self.advance_percent:
            return self.env["kpi.scorecard.advance"]
        last_month_end = self.company_id._kpi_today().replace(day=1) - relativedelta(days=1)
        if engine_period.period_of(last_month_end, self.period_type)[1] == last_month_end:
            return self.env["kpi.scorecard.advance"]
        return self.generate_advances(last_month_end)

    def generate_advances(self, day):
        """Create the monthly advances of the month containing ``day`` for the running
        quarterly or yearly scorecards of the plans (one per scorecard and month; those
        that exist are kept): ``advance_percent`` % of the month's provisional bonus
        (``kpi.scorecard._get_month_figures``). The month must have ended and must not be
        the last of its period. Returns the new advances (``kpi.scorecard.advance``)."""
        given = day
        try:
            day = fields.Date.to_date(day)
        except (TypeError, ValueError):
            day = None
        if not day:
            raise ValidationError(
                self.env._("Monthly advances: %(day)s is not a date (YYYY-MM-DD).", day=repr(given))
            )
        month_from, month_to = engine_period.period_of(day, "month")
        Advance = self.env["kpi.scorecard.advance"]
        created = Advance
        for plan in self:
            plan.check_access("write")
            if plan.period_type == "month" or not plan.advance_percent:
                raise UserError(
                    self.env._(
                        "Plan %(plan)s pays no monthly advance: set a Monthly advance (%%) on a "
                        "quarterly or yearly plan.",
                        plan=plan.display_name,
                    )
                )
            date_from, date_to = engine_period.period_of(day, plan.period_type)
            if month_to == date_to:
                raise UserError(
                    self.env._(
                        "Plan %(plan)s: %(month)s is the last month of its period; the period's "
                        "scorecard settles it, no advance is paid.",
                        plan=plan.display_name,
                        month=month_from.strftime("%m/%Y"),
                    )
                )
            if month_to >= plan.company_id._kpi_today():
                raise UserError(
                    self.env._(
                        "Plan %(plan)s: the advance of %(month)s is paid once the month has ended.",
                        plan=plan.display_name,
                        month=month_from.strftime("%m/%Y"),
                    )
                )
            cards = plan.generate_scorecards(date_from, date_to).filtered(
                lambda card: card.state in ("draft", "computed") and not card.is_trial
            )
            done = Advance.search(
                [("scorecard_id", "in", cards.ids), ("date_from", "=", month_from)]
            ).scorecard_id
            cards -= done
            if not cards:
                continue
            months = len(engine_period_bonus.months_of(date_from, date_to))
            figures = cards._get_month_figures(plan, cards.employee_id, month_from, month_to, months)
            # the plan's KPI Manager (checked above) creates what nobody may edit
            created |= Advance.sudo().create(
                [
                    plan._prepare_advance_vals(card, month_from, month_to, figures[card.employee_id.id])
                    for card in cards
                ]
            )
        return created

    def _prepare_advance_vals(self, card, month_from, month_to, figures):
        self.ensure_one()
        return {
            "scorecard_id": card.id,
            "date_from": month_from,
            "date_to": month_to,
            "provisional_bonus": figures["bonus"],
            "percent": self.advance_percent,
            "amount": engine_period_bonus.advance_amount(
                figures["bonus"], self.advance_percent, self.company_id.currency_id.round
            ),
        }

    def _prepare_scorecard_vals(self, employee, date_from, date_to):
        self.ensure_one()
        return {
            "employee_id": employee.id,
            "plan_id": self.id,
            "date_from": date_from,
            "date_to": date_to,
            "company_id": self.company_id.id,
        }

    # ------------------------------------------------------------------
    # Business: activation (health check gate, acknowledgement, announcement)
    # ------------------------------------------------------------------
    def _check_health(self):
        """Run the health check of each plan: errors raise; the first plan whose warnings
        are not acknowledged for its version returns the acknowledgement dialog (a batch
        of several plans raises instead). ``False``: every plan may be activated."""
        for plan in self:
            issues = plan._refresh_health()
            errors = [issue for issue in issues if issue["severity"] == "error"]
            if errors:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s cannot be activated:\n%(errors)s",
                        plan=plan.display_name,
                        errors="\n".join(f"- {issue['message']}" for issue in errors),
                    )
                )
            warnings = [issue for issue in issues if issue["severity"] == "warning"]
            if not plan._is_acknowledged([issue["key"] for issue in warnings]):
                if len(self) > 1:
                    raise UserError(
                        self.env._(
                            "Plan %(plan)s has warnings to acknowledge: activate it on its own.",
                            plan=plan.display_name,
                        )
                    )
                return plan._action_open_acknowledgement()
        return False

    def _is_acknowledged(self, keys):
        """True when a KPI Manager acknowledged every warning ``keys`` for this version."""
        self.ensure_one()
        if not keys:
            return True
        acknowledged = set()
        for ack in self.acknowledgement_ids.filtered(lambda a: a.version == self.version):
            acknowledged.update((ack.issue_keys or "").split("\n"))
        return set(keys) <= acknowledged

    def _action_open_acknowledgement(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Acknowledge the warnings of %(plan)s", plan=self.display_name),
            "res_model": "kpi.plan.activate",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": self.id},
        }

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
            # employees without an individual target share one message; each one with
            # targets gets their own (nobody sees a colleague's target)
            targets_by_employee = plan._get_announced_targets(employees_sudo)
            groups = defaultdict(list)
            for employee_sudo in employees_sudo:
                groups[targets_by_employee.get(employee_sudo, self.env["kpi.target"])].append(employee_sudo)
            vals_list = []
            for targets_sudo, group in groups.items():
                body = plan._prepare_announcement_body(targets_sudo)
                partners = self.env["res.partner"]
                group_vals = []
                for employee_sudo in group:
                    partner = plan._get_announcement_partner(employee_sudo)
                    partners |= partner
                    group_vals.append(
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
                for vals in group_vals:
                    vals["message_id"] = message.id if message else False
                vals_list.extend(group_vals)
            created |= Announcement.sudo().create(vals_list)
        return created

    def _get_announced_targets(self, employees_sudo):
        """``{employee: kpi.target}``: the individual targets of ``employees_sudo`` in this
        plan that still apply (ending today or later), in one search. Read as superuser
        like the recipients: the caller may activate the plan."""
        self.ensure_one()
        targets_sudo = self.env["kpi.target"].sudo().search(
            [
                ("plan_line_id", "in", self.line_ids.ids),
                ("employee_id", "in", employees_sudo.ids),
                ("date_to", ">=", self.company_id._kpi_today()),
            ],
            order="employee_id, date_from, id",
        )
        return targets_sudo.grouped("employee_id")

    @api.model
    def _get_announcement_partner(self, employee_sudo):
        """Who receives an employee's announcement: their user, else their KPI portal
        user, else their work contact."""
        return (
            employee_sudo.user_id.partner_id
            or employee_sudo.kpi_portal_user_id.partner_id
            or employee_sudo.work_contact_id
        )

    def _prepare_announcement_body(self, targets=None):
        """The plan as employees see it: KPIs with weight, target, threshold and
        explanation, bonus base, payout scale, trial and first paid period; then the
        employee's own individual targets ``targets`` (``kpi.target``), if any."""
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
        if self.previous_version_id:
            parts.append(
                Markup('<p class="o_kpi_announcement_version">%s</p>') % self.env._(
                    "Version %(version)s replaces version %(previous)s from the period starting "
                    "%(date)s; earlier periods keep the previous rules.",
                    version=self.version,
                    previous=self.previous_version_id.version,
                    date=self.date_start,
                )
            )
        if targets:
            items = Markup("").join(
                Markup("<li>%s</li>") % self.env._(
                    "%(kpi)s: %(target)s %(unit)s from %(start)s to %(end)s, instead of the plan's "
                    "%(plan_target)s %(unit)s. Reason: %(reason)s",
                    kpi=target.definition_id.name,
                    target=number(target.target),
                    unit=target.definition_id.unit or "",
                    start=target.date_from,
                    end=target.date_to,
                    plan_target=number(target.plan_line_id.target),
                    reason=target.note,
                )
                for target in targets
            )
            parts.append(
                Markup('<div class="o_kpi_announcement_targets"><p>%s</p><ul>%s</ul></div>') % (
                    self.env._(
                        "Your individual targets (they replace the plan's target; leave still "
                        "lowers them):"
                    ),
                    items,
                )
            )
        return Markup("").join(escape(part) for part in parts)

    # ------------------------------------------------------------------
    # Business: health check
    # ------------------------------------------------------------------
    def _refresh_health(self):
        """Run the health check, store its issues on the plan and return them."""
        self.ensure_one()
        self.check_access("write")
        issues = self._get_health_issues()
        self.health_issue_ids.unlink()
        self.env["kpi.plan.health.issue"].create(
            [
                {
                    "plan_id": self.id,
                    "rule": issue["rule"],
                    "severity": issue["severity"],
                    "message": issue["message"],
                    "key": issue["key"],
                    "plan_line_id": issue.get("plan_line_id", False),
                }
                for issue in issues
            ]
        )
        severities = {issue["severity"] for issue in issues}
        self.write(
            {
                "health_state": "error" if "error" in severities
                else "warning" if severities else "ok",
                "health_checked_on": fields.Datetime.now(),
            }
        )
        return issues

    def _get_health_issues(self):
        """Issues of the plan: dicts with ``rule``, ``severity`` (``error`` or
        ``warning``), ``message``, ``key`` (stable, for acknowledgements) and an
        optional ``plan_line_id``. Each rule is a ``_health_<rule>`` hook."""
        self.ensure_one()
        issues = []
        for rule, _label in HEALTH_RULES:
            issues.extend(getattr(self, f"_health_{rule}")())
        return issues

    def _health_issue(self, rule, severity, message, key_suffix="", plan_line=None):
        return {
            "rule": rule,
            "severity": severity,
            "message": message,
            "key": f"{rule}:{key_suffix}",
            "plan_line_id": plan_line.id if plan_line else False,
        }

    def _health_too_many(self):
        limit = self.company_id.kpi_max_plan_lines
        count = len(self.line_ids)
        if limit and count > limit:
            return [
                self._health_issue(
                    "too_many",
                    "warning",
                    self.env._(
                        "Plan %(plan)s has %(count)s KPIs, more than %(limit)s: too many metrics "
                        "dilute attention.",
                        plan=self.display_name,
                        count=count,
                        limit=limit,
                    ),
                    count,
                )
            ]
        return []

    def _health_weights(self):
        if not self.line_ids:
            return [
                self._health_issue(
                    "weights", "error",
                    self.env._("Plan %(plan)s has no KPI.", plan=self.display_name),
                )
            ]
        if float_compare(self.total_weight, 100.0, precision_digits=2) != 0:
            return [
                self._health_issue(
                    "weights",
                    "error",
                    self.env._(
                        "Plan %(plan)s: the weights of its KPIs sum to %(total)s %%, not 100 %%.",
                        plan=self.display_name,
                        total=round(self.total_weight, 2),
                    ),
                )
            ]
        return []

    def _health_explanation(self):
        return [
            self._health_issue(
                "explanation",
                "error",
                self.env._(
                    "Plan %(plan)s, KPI %(kpi)s: field Explanation is empty; employees must be "
                    "told how it is computed.",
                    plan=self.display_name,
                    kpi=line.definition_id.display_name,
                ),
                line.definition_id.id,
                line,
            )
            for line in self.line_ids
            if not (line.definition_id.explanation or "").strip()
        ]

    def _health_controllable(self):
        return [
            self._health_issue(
                "controllable",
                "warning",
                self.env._(
                    "Plan %(plan)s, KPI %(kpi)s: marked as not controllable by the employee; "
                    "paying for it demotivates.",
                    plan=self.display_name,
                    kpi=line.definition_id.display_name,
                ),
                line.definition_id.id,
                line,
            )
            for line in self.line_ids
            if not line.definition_id.controllable
        ]

    def _health_opposing(self):
        """Opposing KPIs on one plan (``OPPOSING_KPIS``: e.g. calls counted up and the
        average handle time down) without a quality KPI to balance them."""
        definitions = self.line_ids.definition_id
        up = {definition.measure for definition in definitions if definition.direction == "higher"}
        down = {definition.measure for definition in definitions if definition.direction == "lower"}
        if up & QUALITY_MEASURES:
            return []
        issues = []
        for name, rising, falling in OPPOSING_KPIS:
            if up & rising and down & falling:
                kpis = definitions.filtered(
                    lambda d, rising=rising, falling=falling: (d.direction == "higher" and d.measure in rising)
                    or (d.direction == "lower" and d.measure in falling)
                )
                issues.append(
                    self._health_issue(
                        "opposing",
                        "warning",
                        self.env._(
                            "Plan %(plan)s: %(kpis)s pull against each other (more volume, less time "
                            "or cost per call) and no quality KPI (customer rating, QA or survey "
                            "values) balances them: agents may rush customers.",
                            plan=self.display_name,
                            kpis=", ".join(kpis.mapped("display_name")),
                        ),
                        name,
                    )
                )
        return issues

    def _health_coverage(self):
        """Double standards: peers of the plan's employees (same job; same department
        for those without a job) left without any active plan, and active plans with
        other KPIs for the same job."""
        employees = self._get_assigned_employees()
        if not employees:
            return []
        jobs = employees.job_id
        departments = employees.filtered(lambda e: not e.job_id).department_id
        if not jobs and not departments:
            return []
        peer_domain = [("company_id", "=", self.company_id.id), ("id", "not in", employees.ids)]
        if jobs and departments:
            peer_domain += [
                "|", ("job_id", "in", jobs.ids),
                "&", ("job_id", "=", False), ("department_id", "in", departments.ids),
            ]
        elif jobs:
            peer_domain += [("job_id", "in", jobs.ids)]
        else:
            peer_domain += [("job_id", "=", False), ("department_id", "in", departments.ids)]
        peers = self.env["hr.employee"].search(peer_domain)
        other_plans = self.search(
            self._current_domain() + [("company_id", "=", self.company_id.id), ("id", "!=", self.id)]
        )
        plans_by_employee = defaultdict(lambda: self.browse())
        for plan in other_plans:
            for employee in plan._get_assigned_employees():
                plans_by_employee[employee.id] |= plan
        issues = []
        uncovered = peers.filtered(lambda e: not plans_by_employee[e.id])
        if uncovered:
            issues.append(
                self._health_issue(
                    "coverage",
                    "warning",
                    self.env._(
                        "Plan %(plan)s: %(count)s employees of the same job or department have "
                        "no active plan: %(names)s.",
                        plan=self.display_name,
                        count=len(uncovered),
                        names=", ".join(
                            f"{e.name} ({e.job_id.name or e.department_id.name})" for e in uncovered
                        ),
                    ),
                    "uncovered:" + ",".join(str(i) for i in sorted(uncovered.ids)),
                )
            )
        my_definitions = set(self.line_ids.definition_id.ids)
        for plan in other_plans:
            plan_employees = employees.browse(
                [eid for eid, plans in plans_by_employee.items() if plan in plans]
            )
            shared_jobs = plan_employees.job_id & jobs
            if shared_jobs and set(plan.line_ids.definition_id.ids) != my_definitions:
                issues.append(
                    self._health_issue(
                        "coverage",
                        "warning",
                        self.env._(
                            "Plan %(plan)s: job %(jobs)s is also under plan %(other)s with "
                            "other KPIs (double standards).",
                            plan=self.display_name,
                            jobs=", ".join(shared_jobs.mapped("name")),
                            other=plan.display_name,
                        ),
                        f"plan:{plan.id}",
                    )
                )
        return issues

    def _health_calibration(self):
        issues = []
        for calibration in self._run_calibration():
            line = calibration.plan_line_id
            kpi = line.definition_id.display_name
            if calibration.unrealistic:
                issues.append(
                    self._health_issue(
                        "calibration",
                        "warning",
                        self.env._(
                            "Plan %(plan)s, KPI %(kpi)s: target %(target)s looks unrealistic: "
                            "only %(share)s %% of past results reach the threshold "
                            "(suggested target: %(suggested)s).",
                            plan=self.display_name,
                            kpi=kpi,
                            target=line.target,
                            share=round(calibration.share_threshold, 1),
                            suggested=round(calibration.suggested_target, 2),
                        ),
                        f"unrealistic:{line.id}:{line.target}",
                        line,
                    )
                )
            if calibration.too_easy:
                issues.append(
                    self._health_issue(
                        "calibration",
                        "warning",
                        self.env._(
                            "Plan %(plan)s, KPI %(kpi)s: target %(target)s looks too easy: "
                            "%(share)s %% of past results pass %(limit)s %% "
                            "(suggested target: %(suggested)s).",
                            plan=self.display_name,
                            kpi=kpi,
                            target=line.target,
                            share=round(calibration.share_easy, 1),
                            limit=self.company_id.kpi_easy_achievement,
                            suggested=round(calibration.suggested_target, 2),
                        ),
                        f"too_easy:{line.id}:{line.target}",
                        line,
                    )
                )
        return issues

    def _health_pay_impact(self):
        """Warn when, over the last calibration months, an employee would have earned
        more than the company's percentage less under this plan than under their
        current one."""
        issues = []
        company = self.company_id
        periods = self._kpi_last_periods(company.kpi_calibration_periods)
        employees = self._get_assigned_employees()
        if not periods or not employees or not self._get_current_plans(employees):
            return issues
        totals = defaultdict(lambda: [0.0, 0.0])
        for row in self._simulate_rows(periods):
            totals[row["employee_id"]][0] += row["old_bonus"]
            totals[row["employee_id"]][1] += row["new_bonus"]
        losers = []
        for employee in employees:
            old, new = totals[employee.id]
            drop = engine_calibration.pay_drop_pct(old, new)
            if drop > company.kpi_pay_drop_pct:
                losers.append((employee, old, new, drop))
        if losers:
            issues.append(
                self._health_issue(
                    "pay_impact",
                    "warning",
                    self.env._(
                        "Plan %(plan)s would pay %(count)s employees more than %(limit)s %% less "
                        "than their current plan over %(start)s - %(end)s: %(details)s.",
                        plan=self.display_name,
                        count=len(losers),
                        limit=company.kpi_pay_drop_pct,
                        start=periods[0][0],
                        end=periods[-1][1],
                        details="; ".join(
                            f"{employee.name} {old:,.0f} → {new:,.0f} (-{drop:.1f} %)"
                            for employee, old, new, drop in losers
                        ),
                    ),
                    ",".join(f"{employee.id}:{round(new - old, 2)}" for employee, old, new, _d in losers),
                )
            )
        return issues

    def _health_team_pool(self):
        """Team KPIs whose assigned employees have no team-mate in the plan (no shared
        manager or department): they would be measured, and paid, alone."""
        team_lines = self.line_ids.filtered(lambda line: line.scope == "team")
        employees = self._get_assigned_employees() if team_lines else self.env["hr.employee"]
        leaders = set(employees.parent_id.ids)
        issues = []
        for line in team_lines:
            teams = defaultdict(lambda: self.env["hr.employee"])
            for employee in employees:
                teams[line._get_team_key(employee, leaders)] |= employee
            alone = self.env["hr.employee"].union(*(team for team in teams.values() if len(team) == 1))
            if alone:
                issues.append(
                    self._health_issue(
                        "team_pool",
                        "warning",
                        self.env._(
                            "Plan %(plan)s, team KPI %(kpi)s: %(count)s employees have no team-mate "
                            "in the plan (same %(basis)s) and are measured alone: %(names)s.",
                            plan=self.display_name,
                            kpi=line.definition_id.display_name,
                            count=len(alone),
                            basis=dict(line._fields["team_basis"]._description_selection(self.env)).get(
                                line.team_basis, ""
                            ).lower(),
                            names=", ".join(alone.mapped("name")),
                        ),
                        f"{line.id}:" + ",".join(str(i) for i in sorted(alone.ids)),
                        line,
                    )
                )
        return issues

    def _health_individual_target(self):
        """Double standards: individual targets further from their plan line's target
        than the company's limit (in % of the plan's target), one warning each."""
        limit = self.company_id.kpi_target_deviation_pct
        # The caller checked its write access to the plan; the targets are read with it
        # (KPI Officers and Managers read every target of their companies).
        targets = self.env["kpi.target"].search([("plan_line_id", "in", self.line_ids.ids)])
        issues = []
        for target in targets:
            deviation = target._get_deviation_pct()
            if deviation > limit + 1e-9:
                issues.append(
                    self._health_issue(
                        "individual_target",
                        "warning",
                        self.env._(
                            "Plan %(plan)s, KPI %(kpi)s: the individual target of %(employee)s "
                            "(%(start)s → %(end)s) is %(target)s, %(deviation)s %% away from the "
                            "plan's target %(plan_target)s (limit %(limit)s %%). Reason given: "
                            "%(reason)s",
                            plan=self.display_name,
                            kpi=target.definition_id.display_name,
                            employee=target.employee_id.name,
                            start=target.date_from,
                            end=target.date_to,
                            target=target.target,
                            deviation=round(deviation, 1),
                            plan_target=target.plan_line_id.target,
                            limit=limit,
                            reason=target.note,
                        ),
                        f"{target.id}:{target.target}:{target.plan_line_id.target}",
                        target.plan_line_id,
                    )
                )
        return issues

    def _health_summary_html(self, issues):
        return Markup("<ul>%s</ul>") % Markup("").join(
            Markup("<li>%s</li>") % escape(issue["message"]) for issue in issues
        )

    # ------------------------------------------------------------------
    # Business: periods, calibration, simulation
    # ------------------------------------------------------------------
    @api.model
    def _kpi_month_periods(self, date_from, date_to):
        """The calendar months from the one of ``date_from`` to the one of ``date_to``."""
        date_from = fields.Date.to_date(date_from)
        date_to = fields.Date.to_date(date_to)
        self.env["kpi.scorecard"]._check_period(date_from, date_to, self.env._("Periods"))
        periods = []
        start = date_from.replace(day=1)
        while start <= date_to:
            periods.append((start, start + relativedelta(months=1, days=-1)))
            start += relativedelta(months=1)
        return periods

    @api.model
    def _kpi_last_periods(self, count):
        """The ``count`` complete months before today (oldest first)."""
        if count <= 0:
            return []
        end = fields.Date.context_today(self).replace(day=1) - relativedelta(days=1)
        return self._kpi_month_periods(end - relativedelta(months=count - 1), end)

    def _run_calibration(self, periods=None, employees=None):
        """Replace the plan's calibration rows by fresh ones computed over ``periods``
        (default: the company's number of past months) for ``employees`` (default: the
        plan's). Returns them."""
        self.ensure_one()
        self.check_access("write")
        company = self.company_id
        periods = periods or self._kpi_last_periods(company.kpi_calibration_periods)
        employees = employees if employees is not None else self._get_assigned_employees()
        replay = KpiReplay(self.env, employees)
        for period in periods:
            replay.measure(self.line_ids.definition_id, period)
        individual = self._get_calibration_targets(employees)
        vals_list = []
        for plan_line in self.line_ids:
            samples = self._calibration_samples(plan_line, periods, replay)
            stats = engine_calibration.calibrate(
                samples,
                plan_line.target,
                direction=plan_line.definition_id.direction,
                aggregation=plan_line.definition_id._get_aggregation(),
                threshold=plan_line.threshold,
                pct=company.kpi_calibration_percentile,
                unrealistic_share=company.kpi_unrealistic_share,
                easy_achievement=company.kpi_easy_achievement,
                easy_share=company.kpi_easy_share,
                min_samples=company.kpi_calibration_min_samples,
            )
            vals = self._prepare_calibration_vals(plan_line, periods, employees, stats)
            vals["employee_line_ids"] = [
                Command.create(
                    self._prepare_calibration_employee_vals(
                        plan_line, employee, employee_samples, individual.get((plan_line.id, employee.id))
                    )
                )
                for employee, employee_samples in self._calibration_samples_by_employee(
                    plan_line, periods, replay
                ).items()
            ]
            vals_list.append(vals)
        Calibration = self.env["kpi.plan.calibration"]
        self.calibration_ids.unlink()
        return Calibration.create(vals_list)

    def _calibration_samples(self, plan_line, periods, replay):
        """``[(actual, factor)]``: one per employee and period, leaving out the periods
        in which nobody has any value for the KPI (no history yet) and, for a customer
        rating KPI, the employees with fewer ratings than its minimum (their line would
        pay nothing: a single rating says little about what can be achieved)."""
        samples = []
        for period in periods:
            values = replay.values(plan_line.definition_id, period)
            if not any(values.values()):
                continue
            factors = replay.factors(period)
            unpayable = replay.unpayable(plan_line.definition_id, period)
            samples.extend(
                (values.get(employee.id, 0.0), factors.get(employee.id, 1.0))
                for employee in replay.employees
                if employee.id not in unpayable
            )
        return samples

    def _calibration_samples_by_employee(self, plan_line, periods, replay):
        """``{employee: [(actual, factor)]}``: each employee's own samples, the periods
        in which nobody has any value left out (as in ``_calibration_samples``)."""
        samples = {employee: [] for employee in replay.employees}
        for period in periods:
            values = replay.values(plan_line.definition_id, period)
            if not any(values.values()):
                continue
            factors = replay.factors(period)
            for employee in replay.employees:
                samples[employee].append((values.get(employee.id, 0.0), factors.get(employee.id, 1.0)))
        return samples

    def _get_calibration_targets(self, employees):
        """``{(plan line id, employee id): kpi.target}``: the individual targets applying
        today, in one search (the caller checked its write access to the plan)."""
        self.ensure_one()
        today = self.company_id._kpi_today()
        targets = self.env["kpi.target"].search(
            [
                ("plan_line_id", "in", self.line_ids.ids),
                ("employee_id", "in", employees.ids),
                ("date_from", "<=", today),
                ("date_to", ">=", today),
            ]
        )
        return {(target.plan_line_id.id, target.employee_id.id): target for target in targets}

    def _prepare_calibration_employee_vals(self, plan_line, employee, samples, target):
        """One employee's row: the statistics of their own samples; the suggested target
        at the company's percentile of their own full-period actuals."""
        company = self.company_id
        stats = engine_calibration.calibrate(
            samples,
            plan_line.target,
            direction=plan_line.definition_id.direction,
            aggregation=plan_line.definition_id._get_aggregation(),
            threshold=plan_line.threshold,
            pct=company.kpi_calibration_percentile,
            min_samples=1,
        )
        return {
            "employee_id": employee.id,
            "sample_count": stats["count"],
            "actual_median": stats["actual_median"] or 0.0,
            "achievement_median": stats["achievement_median"] or 0.0,
            "suggested_target": stats["suggested_target"] or 0.0,
            "target_id": target.id if target else False,
        }

    def _prepare_calibration_vals(self, plan_line, periods, employees, stats):
        return {
            "plan_id": self.id,
            "plan_line_id": plan_line.id,
            "date_from": periods[0][0] if periods else False,
            "date_to": periods[-1][1] if periods else False,
            "employee_count": len(employees),
            "sample_count": stats["count"],
            "actual_q1": stats["actual_q1"] or 0.0,
            "actual_median": stats["actual_median"] or 0.0,
            "actual_q3": stats["actual_q3"] or 0.0,
            "achievement_q1": stats["achievement_q1"] or 0.0,
            "achievement_median": stats["achievement_median"] or 0.0,
            "achievement_q3": stats["achievement_q3"] or 0.0,
            "share_target": stats["share_target"],
            "share_threshold": stats["share_threshold"],
            "share_easy": stats["share_easy"],
            "suggested_target": stats["suggested_target"] or 0.0,
            "unrealistic": stats["unrealistic"],
            "too_easy": stats["too_easy"],
        }

    def simulate(self, date_from, date_to):
        """Replay the months from ``date_from`` to ``date_to`` through this plan and
        compare with the employees' current plans.

        :return: the ``kpi.plan.simulation`` holding one line per employee and month
        """
        self.ensure_one()
        self.check_access("write")
        periods = self._kpi_month_periods(date_from, date_to)
        rows = self._simulate_rows(periods)
        return self.env["kpi.plan.simulation"].create(
            {
                "plan_id": self.id,
                "date_from": periods[0][0],
                "date_to": periods[-1][1],
                "line_ids": [Command.create(row) for row in rows],
            }
        )

    def _get_current_plans(self, employees):
        """``{employee id: active plans (other than this one) assigning them}``."""
        self.ensure_one()
        result = defaultdict(lambda: self.browse())
        plans = self.search(
            self._current_domain() + [("company_id", "=", self.company_id.id), ("id", "!=", self.id)]
        )
        for plan in plans:
            for employee in plan._get_assigned_employees() & employees:
                result[employee.id] |= plan
        return result

    def _simulate_rows(self, periods):
        """Values of the simulation lines: one per employee of the plan and period."""
        self.ensure_one()
        employees = self._get_assigned_employees()
        replay = KpiReplay(self.env, employees)
        current = self._get_current_plans(employees)
        current_plans = self.browse().union(*current.values())
        cards = self.env["kpi.scorecard"].search(
            [
                ("employee_id", "in", employees.ids),
                ("plan_id", "in", current_plans.ids),
                ("date_from", "in", [period[0] for period in periods]),
            ]
        )
        paid = {
            (card.employee_id.id, card.plan_id.id, card.date_from, card.date_to): card
            for card in cards
        }
        rows = []
        for period in periods:
            new = self._replay_bonus(employees, period, replay)
            old_by_plan = {}
            for employee in employees:
                old, sources = 0.0, set()
                for plan in current[employee.id]:
                    card = paid.get((employee.id, plan.id, *period))
                    if card:
                        old += card._simulation_paid_amount()
                        sources.add("scorecard")
                        continue
                    if plan not in old_by_plan:
                        plan_employees = employees.browse(
                            [eid for eid, plans in current.items() if plan in plans]
                        )
                        old_by_plan[plan] = plan._replay_bonus(plan_employees, period, replay)
                    old += old_by_plan[plan][employee.id]
                    sources.add("replay")
                rows.append(
                    {
                        "employee_id": employee.id,
                        "date_from": period[0],
                        "date_to": period[1],
                        "current_plan_names": ", ".join(current[employee.id].mapped("name")),
                        "old_source": "none" if not sources
                        else "mixed" if len(sources) > 1 else sources.pop(),
                        "old_bonus": old,
                        "new_bonus": new[employee.id],
                    }
                )
        return rows

    def _replay_bonus(self, employees, period, replay):
        """``{employee id: bonus}`` this plan would pay ``employees`` for ``period``,
        computed by the scorecard calculator (``engine/scorecard.py``, team lines pooled
        by ``engine/pool.py`` over ``employees``) as a scorecard would be, without
        creating any scorecard."""
        self.ensure_one()
        factors = replay.factors(period)
        replay.measure(self.line_ids.definition_id, period)
        values = {line: replay.values(line.definition_id, period) for line in self.line_ids}
        unpayable = {line: replay.unpayable(line.definition_id, period) for line in self.line_ids}
        templates = {line: line._get_calculator_line() for line in self.line_ids}
        # The caller checked its access to the plan; bonus bases are HR data.
        bases = {employee.id: employee.kpi_bonus_base for employee in employees.sudo()}
        currency = self.company_id.currency_id
        # team lines pooled as the scorecards pool them (engine/pool.py); the proration
        # factor stands for the available days of the split by days
        cards = {
            employee.id: {
                "lines": {
                    plan_line.id: dict(
                        templates[plan_line],
                        actual=line_values.get(employee.id, 0.0),
                        below_min_count=employee.id in unpayable[plan_line],
                    )
                    for plan_line, line_values in values.items()
                },
                "factor": factors.get(employee.id, 1.0),
                "base": bases.get(employee.id) or self.bonus_base,
                "days": factors.get(employee.id, 1.0),
            }
            for employee in employees
        }
        leaders = set(employees.parent_id.ids)
        teams = {
            plan_line.id: {
                "split": plan_line.pool_split,
                "members": {employee.id: plan_line._get_team_key(employee, leaders) for employee in employees},
            }
            for plan_line in self.line_ids
            if plan_line.scope == "team"
        }
        results = engine_pool.compute(cards, teams, currency.round)
        return {employee_id: figures["bonus"] for employee_id, figures in results.items()}


class KpiPlanLine(models.Model):
    _name = "kpi.plan.line"
    _description = "KPI Plan Line"
    _order = "sequence, id"

    plan_id = fields.Many2one("kpi.plan", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    definition_id = fields.Many2one(
        "kpi.definition", string="KPI", required=True, ondelete="restrict", check_company=True
    )
    direction = fields.Selection(related="definition_id.direction")
    unit = fields.Char(related="definition_id.unit")
    weight = fields.Float(help="Share of the score and of the bonus, in %.", default=0.0)
    target = fields.Float(help="Target for a full period, before proration.")
    threshold = fields.Float(
        help="Achievement (%) below which this KPI pays no bonus.", default=0.0
    )
    cap = fields.Float(help="Maximum achievement (%) counted.", default=150.0)
    payout_scale_id = fields.Many2one(
        "kpi.payout.scale",
        string="Payout scale",
        check_company=True,
        help="Overrides the plan's payout scale for this KPI.",
    )
    is_gate = fields.Boolean(
        string="Gate",
        help="Below its threshold, this KPI closes the gate: the whole scorecard pays no bonus.",
    )
    band_red_below = fields.Float(
        string="Red below (%)",
        compute="_compute_band_red_below",
        store=True,
        readonly=False,
        help="Achievement (%) below which the KPI shows red. Default: the threshold.",
    )
    band_green_from = fields.Float(
        string="Green from (%)",
        default=100.0,
        help="Achievement (%) from which the KPI shows green; between the two limits it shows "
        "amber. Default: 100 % (the target).",
    )

    scope = fields.Selection(
        LINE_SCOPES,
        required=True,
        default="individual",
        help="Individual: measured on each employee. Team: measured over all the members of "
        "the employee's team; the bonus of this KPI over all members forms a pool split "
        "among them.",
    )
    team_basis = fields.Selection(
        TEAM_BASES,
        help="Team KPIs: who makes a team. Manager: the employees under one manager (the "
        "manager too when assigned to the plan). Department: the employees of one department.",
    )
    pool_split = fields.Selection(
        POOL_SPLITS,
        string="Pool split",
        help="Team KPIs: how the pool is split among the members: equally, in proportion to "
        "each member's own score on this KPI, or to their available days. Members not "
        "assessed (no work, no bonus) get no share.",
    )

    _sql_constraints = [
        ("definition_uniq", "unique(plan_id, definition_id)", "A KPI appears once per plan."),
    ]

    # ------------------------------------------------------------------
    # CRUD: the lines of an active version are locked; changes of a draft are logged
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        plans = self.env["kpi.plan"].browse({vals["plan_id"] for vals in vals_list if vals.get("plan_id")})
        plans._check_lines_editable()
        lines = super().create(vals_list)
        for plan in lines.plan_id:
            plan_lines = lines.filtered(lambda line, plan=plan: line.plan_id == plan)
            plan._message_log(
                body=self.env._(
                    "KPIs added: %(kpis)s.",
                    kpis="; ".join(line._get_audit_summary() for line in plan_lines),
                )
            )
        return lines

    def write(self, vals):
        self.check_access("write")
        self.plan_id._check_lines_editable()
        if "plan_id" in vals:
            self.env["kpi.plan"].browse(vals["plan_id"])._check_lines_editable()
        tracked = [fname for fname in LINE_TRACKED_FIELDS if fname in vals]
        old = {line: {fname: line[fname] for fname in tracked} for line in self}
        result = super().write(vals)
        for line in self:
            log_child_changes(
                line.plan_id,
                self.env._("KPI %(kpi)s changed.", kpi=line.definition_id.display_name),
                line,
                old[line],
                {fname: line[fname] for fname in tracked},
            )
        return result

    def unlink(self):
        self.check_access("unlink")
        self.plan_id._check_lines_editable()
        summaries = [(line.plan_id, line._get_audit_summary()) for line in self]
        result = super().unlink()
        for plan, summary in summaries:
            if plan.exists():
                plan._message_log(body=self.env._("KPI removed: %(kpi)s.", kpi=summary))
        return result

    def _get_audit_summary(self):
        self.ensure_one()
        return self.env._(
            "%(kpi)s (weight %(weight)s %%, target %(target)s, threshold %(threshold)s %%, "
            "cap %(cap)s %%)",
            kpi=self.definition_id.display_name,
            weight=self.weight,
            target=self.target,
            threshold=self.threshold,
            cap=self.cap,
        )

    target_ids = fields.One2many("kpi.target", "plan_line_id", string="Individual targets")

    @api.depends("plan_id.name", "definition_id.code")
    def _compute_display_name(self):
        for line in self:
            line.display_name = " / ".join(filter(None, [line.plan_id.name, line.definition_id.code]))

    def _search_display_name(self, operator, value):
        """``Plan / KPI code`` (the display name, as an import file names a plan line), or
        a part of the plan's name, the KPI's code or name."""
        if isinstance(value, str) and " / " in value and operator in ("=", "ilike", "=ilike"):
            plan_name, code = value.rsplit(" / ", 1)
            code_operator = "=ilike" if operator == "ilike" else operator
            return [("plan_id.name", operator, plan_name.strip()), ("definition_id.code", code_operator, code.strip())]
        if operator in ("=", "ilike", "=ilike", "like", "=like"):
            return [
                "|", "|",
                ("plan_id.name", operator, value),
                ("definition_id.code", operator, value),
                ("definition_id.name", operator, value),
            ]
        return super()._search_display_name(operator, value)

    @api.depends("threshold")
    def _compute_band_red_below(self):
        for line in self:
            line.band_red_below = line.threshold

    @api.constrains("band_red_below", "band_green_from")
    def _check_bands(self):
        for line in self:
            if line.band_red_below > line.band_green_from:
                raise ValidationError(
                    self.env._(
                        "%(line)s, field Red below: %(red)s %% is above Green from (%(green)s %%).",
                        line=" / ".join((line.plan_id.display_name, line.definition_id.display_name)),
                        red=line.band_red_below,
                        green=line.band_green_from,
                    )
                )

    @api.constrains("payout_scale_id", "plan_id")
    def _check_payout_scale_company(self):
        self._check_company(["payout_scale_id"])

    @api.constrains("weight", "target", "threshold", "cap")
    def _check_values(self):
        for line in self:
            label = f"{line.plan_id.display_name} / {line.definition_id.display_name}"
            for fname in ("weight", "target", "threshold", "cap"):
                if line[fname] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(line)s: %(field)s cannot be negative (%(value)s).",
                            line=label,
                            field=line._fields[fname]._description_string(self.env),
                            value=line[fname],
                        )
                    )
            if line.weight > 100:
                raise ValidationError(
                    self.env._("%(line)s: a weight cannot exceed 100 %%.", line=label)
                )

    @api.constrains("scope", "team_basis", "pool_split")
    def _check_team_pool(self):
        for line in self.filtered(lambda plan_line: plan_line.scope == "team"):
            missing = [fname for fname in ("team_basis", "pool_split") if not line[fname]]
            if missing:
                raise ValidationError(
                    self.env._(
                        "%(line)s: a team KPI needs %(fields)s.",
                        line=line.display_name,
                        fields=", ".join(line._fields[fname]._description_string(self.env) for fname in missing),
                    )
                )

    def _get_team_key(self, employee, team_leaders):
        """The team of ``employee`` for this team KPI: ``("manager", id)`` of the manager
        whose team they are in (their own when they lead employees of the plan:
        ``team_leaders`` are the ids of the managers of the plan's employees in the
        period), ``("department", id)``, or ``("employee", id)`` alone when they have
        neither manager nor department."""
        self.ensure_one()
        if self.team_basis == "department":
            if employee.department_id:
                return ("department", employee.department_id.id)
        elif employee.id in team_leaders:
            return ("manager", employee.id)
        elif employee.parent_id:
            return ("manager", employee.parent_id.id)
        return ("employee", employee.id)

    def _get_calculator_line(self):
        """This KPI as ``engine/scorecard.py`` takes it, without the actual: full-period
        target, aggregation, weight, direction, cap, threshold, payout scale (its own,
        else the plan's) and gate."""
        self.ensure_one()
        definition = self.definition_id
        return {
            "definition_id": definition.id,
            "target": self.target,
            "aggregation": definition._get_aggregation(),
            "weight": self.weight,
            "direction": definition.direction,
            "cap": self.cap,
            "threshold": self.threshold,
            "scale": (self.payout_scale_id or self.plan_id.payout_scale_id)._get_scale(),
            "is_gate": self.is_gate,
        }
