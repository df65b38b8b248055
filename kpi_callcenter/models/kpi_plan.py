# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare


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
            employees = plan._get_assigned_employees()
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
