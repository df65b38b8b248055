# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plan health check (``kpi.plan.health.issue``) and the activation gate.

The check guards against the seed's mistakes: too many metrics, weights not summing to
100, non-transparent KPIs (no explanation), KPIs the employee cannot influence, double
standards between employees of the same job or department, unrealistic or too-easy
targets (from calibration) and a new plan that pays less (from the simulation).

Errors block the activation; warnings need a KPI Manager's acknowledgement
(``kpi.plan.acknowledgement``) for the plan's current version before it activates.
"""

from collections import defaultdict

from markupsafe import Markup, escape

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

HEALTH_RULES = [
    ("too_many", "Too many KPIs"),
    ("weights", "Weights"),
    ("explanation", "Explanation missing"),
    ("controllable", "Not controllable"),
    ("coverage", "Coverage"),
    ("calibration", "Target calibration"),
    ("pay_impact", "Pay impact"),
]


class KpiPlan(models.Model):
    _inherit = "kpi.plan"

    version = fields.Integer(
        default=1,
        copy=False,
        readonly=True,
        tracking=True,
        help="Goes up each time the plan returns to draft to be changed. Acknowledgements "
        "and announcements are per version.",
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

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_check_health(self):
        for plan in self:
            plan._refresh_health()
        return True

    def action_activate(self):
        """Run the health check; errors block; unacknowledged warnings open the
        acknowledgement dialog instead of activating."""
        plans = self.filtered(lambda p: p.state == "draft")
        for plan in plans:
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
                if len(plans) > 1:
                    raise UserError(
                        self.env._(
                            "Plan %(plan)s has warnings to acknowledge: activate it on its own.",
                            plan=plan.display_name,
                        )
                    )
                return plan._action_open_acknowledgement()
        plans._activate()
        return True

    def action_set_draft(self):
        for plan in self.filtered(lambda p: p.state != "draft"):
            plan.version += 1
        return super().action_set_draft()

    # ------------------------------------------------------------------
    # Business: activation
    # ------------------------------------------------------------------
    def _activate(self):
        """Make the (checked and acknowledged) plans active. Hook for what follows an
        activation (the announcement)."""
        for plan in self:
            plan._check_weights_sum()
        self.write({"state": "active"})

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
            [("state", "=", "active"), ("company_id", "=", self.company_id.id), ("id", "!=", self.id)]
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
        """Overridden by the simulation: employees who would earn less."""
        return []

    def _health_summary_html(self, issues):
        return Markup("<ul>%s</ul>") % Markup("").join(
            Markup("<li>%s</li>") % escape(issue["message"]) for issue in issues
        )


class KpiPlanHealthIssue(models.Model):
    _name = "kpi.plan.health.issue"
    _description = "KPI Plan Health Issue"
    _order = "plan_id, severity, id"

    plan_id = fields.Many2one("kpi.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    rule = fields.Selection(HEALTH_RULES, required=True)
    severity = fields.Selection(
        [("error", "Error: blocks activation"), ("warning", "Warning: needs acknowledgement")],
        required=True,
    )
    message = fields.Text(required=True)
    key = fields.Char(required=True, help="Identifies the issue for acknowledgements.")
    plan_line_id = fields.Many2one("kpi.plan.line", ondelete="cascade")
