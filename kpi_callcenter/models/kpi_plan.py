# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from ..engine import period as engine_period

_logger = logging.getLogger(__name__)


class KpiPlan(models.Model):
    _name = "kpi.plan"
    _description = "KPI Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, name, id"

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
    employee_count = fields.Integer(compute="_compute_employee_count", string="Assigned employees")
    note = fields.Html(translate=True)
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

    @api.depends("employee_ids", "department_ids", "job_ids")
    def _compute_employee_count(self):
        for plan in self:
            plan.employee_count = len(plan._get_assigned_employees())

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

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_activate(self):
        for plan in self:
            plan._check_weights_sum()
        self.write({"state": "active"})

    def action_archive_plan(self):
        self.write({"state": "archived"})

    def action_set_draft(self):
        self.write({"state": "draft"})

    def action_view_scorecards(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kpi_callcenter.kpi_scorecard_action")
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Business
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
        all_scorecards = Scorecard
        for plan in self:
            if not plan.line_ids:
                raise UserError(self.env._("Plan %(plan)s has no KPI.", plan=plan.display_name))
            members = self.env["kpi.employment"]._get_members(plan, date_from, date_to)
            employees = self.env["hr.employee"].browse([employee.id for employee in members])
            existing = Scorecard.search(
                [("plan_id", "=", plan.id), ("date_from", "=", date_from), ("date_to", "=", date_to)]
            )
            missing = employees - existing.employee_id
            created = Scorecard.create(
                [plan._prepare_scorecard_vals(employee, date_from, date_to) for employee in missing]
            )
            all_scorecards |= existing | created
        all_scorecards.filtered(lambda s: s.state in ("draft", "computed")).action_compute()
        return all_scorecards

    @api.model
    def _cron_generate_scorecards(self):
        """Create the running period's scorecards of every active plan (new hires and
        transfers included) and refresh the provisional ones. A failing plan is logged on
        the plan (a note and an activity for its KPI Managers); the others go on."""
        for plan in self.search([("state", "=", "active")]):
            date_from, date_to = engine_period.period_of(plan.company_id._kpi_today(), plan.period_type)
            try:
                with self.env.cr.savepoint():
                    plan.generate_scorecards(date_from, date_to)
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

    def _prepare_scorecard_vals(self, employee, date_from, date_to):
        self.ensure_one()
        return {
            "employee_id": employee.id,
            "plan_id": self.id,
            "date_from": date_from,
            "date_to": date_to,
            "company_id": self.company_id.id,
        }


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

    _sql_constraints = [
        ("definition_uniq", "unique(plan_id, definition_id)", "A KPI appears once per plan."),
    ]

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
