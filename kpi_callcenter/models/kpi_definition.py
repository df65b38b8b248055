# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.safe_eval import safe_eval

# measure -> (source, aggregation). Aggregation "count"/"sum" targets are prorated for
# leave; "ratio"/"avg" targets are not.
MEASURES = {
    "order_count": ("sale", "count"),
    "revenue": ("sale", "sum"),
    "avg_order_value": ("sale", "avg"),
    "product_qty": ("sale", "sum"),
    "closed_count": ("helpdesk", "count"),
    "overdue_count": ("helpdesk", "count"),
    "on_time_rate": ("helpdesk", "ratio"),
    "rating_avg": ("helpdesk", "avg"),
    "rating_count": ("helpdesk", "count"),
    "inbound_count": ("call", "count"),
    "outbound_count": ("call", "count"),
    "answered_rate": ("call", "ratio"),
    "inbound_duration": ("call", "sum"),
    "outbound_duration": ("call", "sum"),
    "avg_handle_time": ("call", "avg"),
    "cost": ("call", "sum"),
    "manual": ("manual", None),
    "domain": ("domain", None),
}

# Opposing KPIs (plan health check): pushing the first group up (volume) tends to push the
# second the wrong way (speed bought with rushed calls), unless a quality KPI holds the
# balance. Rows: (name, measures that go up, measures that go down).
OPPOSING_KPIS = [
    ("volume_vs_handle_time", {"inbound_count", "outbound_count", "closed_count"}, {"avg_handle_time"}),
    ("calls_vs_cost", {"outbound_count", "outbound_duration"}, {"cost"}),
]
# Measures that count as a quality KPI (customer ratings; manual values: QA, surveys).
QUALITY_MEASURES = {"rating_avg", "manual"}


class KpiDefinition(models.Model):
    _name = "kpi.definition"
    _description = "KPI Definition"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short unique code, used by salary rules and exports (e.g. SALES_COUNT).",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    objective_id = fields.Many2one("kpi.objective", index=True, check_company=True)
    source = fields.Selection(
        [
            ("sale", "Sales"),
            ("helpdesk", "Helpdesk"),
            ("call", "Phone calls"),
            ("manual", "Manual / survey"),
            ("domain", "Any records (domain)"),
        ],
        required=True,
        default="sale",
        tracking=True,
    )
    call_min_duration = fields.Integer(
        string="Minimum call duration (s)",
        help="Calls shorter than this (in seconds) are left out of the KPI: counts, talk time, "
        "rates and handle time alike. 0 keeps all calls.",
    )
    call_dedupe_minutes = fields.Integer(
        string="Count repeated calls once within (min)",
        help="Repeated calls of the same agent to or from the same number, in the same direction, "
        "within this many minutes of the previous one count once. 0 counts every call.",
    )
    measure = fields.Selection(
        [
            ("order_count", "Confirmed orders"),
            ("revenue", "Revenue (untaxed)"),
            ("avg_order_value", "Average order value"),
            ("product_qty", "Quantity sold"),
            ("closed_count", "Tickets closed"),
            ("overdue_count", "Tickets overdue"),
            ("on_time_rate", "Tickets closed on time (%)"),
            ("rating_avg", "Customer rating of tickets (1–5)"),
            ("rating_count", "Customer ratings of tickets"),
            ("inbound_count", "Inbound calls"),
            ("outbound_count", "Outbound calls"),
            ("answered_rate", "Answered calls (%)"),
            ("inbound_duration", "Inbound talk time (min)"),
            ("outbound_duration", "Outbound talk time (min)"),
            ("avg_handle_time", "Average handle time (s)"),
            ("cost", "Call cost"),
            ("manual", "Entered values"),
            ("domain", "Records matching a domain"),
        ],
        required=True,
        default="order_count",
        tracking=True,
    )
    direction = fields.Selection(
        [("higher", "Higher is better"), ("lower", "Lower is better")],
        required=True,
        default="higher",
        tracking=True,
    )
    unit = fields.Char(translate=True, help="Shown next to targets and actuals: orders, VND, min, %…")
    controllable = fields.Boolean(
        default=True,
        help="Can the employee influence this KPI? Uncontrollable KPIs demotivate: the plan "
        "health check warns about them.",
    )
    explanation = fields.Text(
        translate=True,
        help="How this KPI is computed, in words the employee understands. Shown on the "
        "employee portal and the statement.",
    )
    aggregation = fields.Selection(
        [("count", "Count"), ("sum", "Sum"), ("avg", "Average"), ("ratio", "Ratio")],
        compute="_compute_aggregation",
        help="Counts and sums are prorated for leave; averages and ratios are not.",
    )
    # sale
    product_categ_id = fields.Many2one(
        "product.category",
        string="Product category",
        help="Quantity sold: only products of this category (and its children).",
    )
    # helpdesk
    helpdesk_team_ids = fields.Many2many(
        "helpdesk.ticket.team", string="Helpdesk teams", help="Empty: all teams."
    )
    rating_min_count = fields.Integer(
        string="Minimum ratings",
        help="Customer rating KPIs: below this many ratings in the period, the KPI pays nothing "
        "(a few ratings say little). 0: no minimum.",
    )
    # manual
    manual_aggregate = fields.Selection(
        [("avg", "Average"), ("sum", "Sum")],
        default="avg",
        help="How the values of a period combine into its actual.",
    )
    manual_restrict_range = fields.Boolean(
        string="Restrict values",
        help="Refuse entered or imported values outside the range (e.g. CSAT 1 to 5, NPS -100 "
        "to 100), so that a typo cannot inflate a score.",
    )
    manual_min_value = fields.Float(string="Lowest value", digits=(16, 4))
    manual_max_value = fields.Float(string="Highest value", digits=(16, 4))
    # domain
    domain_model_id = fields.Many2one("ir.model", string="Model", ondelete="cascade")
    domain_model = fields.Char(related="domain_model_id.model", string="Model name")
    domain_filter = fields.Char(string="Domain", default="[]")
    domain_date_field = fields.Char(
        string="Date field", help="Date or datetime field that places a record in a period."
    )
    domain_employee_field = fields.Char(
        string="Employee path",
        help="Field path from the record to its employee or user, e.g. user_id or "
        "order_id.user_id.",
    )
    domain_aggregate = fields.Selection(
        [("count", "Count"), ("sum", "Sum"), ("avg", "Average")], default="count"
    )
    domain_value_field = fields.Char(string="Value field", help="Numeric field to sum or average.")
    plan_line_ids = fields.One2many("kpi.plan.line", "definition_id", string="Plan lines")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A KPI code must be unique per company.",
        )
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("measure", "manual_aggregate", "domain_aggregate")
    def _compute_aggregation(self):
        for definition in self:
            definition.aggregation = definition._get_aggregation()

    def _get_aggregation(self):
        self.ensure_one()
        if self.source == "manual":
            return self.manual_aggregate or "avg"
        if self.source == "domain":
            return self.domain_aggregate or "count"
        return MEASURES.get(self.measure, (None, "count"))[1]

    @api.depends("code")
    def _compute_display_name(self):
        for definition in self:
            definition.display_name = (
                f"[{definition.code}] {definition.name}" if definition.code else definition.name
            )

    # ------------------------------------------------------------------
    # Onchanges
    # ------------------------------------------------------------------
    @api.onchange("source")
    def _onchange_source(self):
        for definition in self:
            if MEASURES.get(definition.measure, (None,))[0] != definition.source:
                definition.measure = next(
                    (m for m, (src, _agg) in MEASURES.items() if src == definition.source),
                    False,
                )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("source", "measure")
    def _check_measure(self):
        for definition in self:
            source = MEASURES.get(definition.measure, (None,))[0]
            if source and source != definition.source:
                raise ValidationError(
                    self.env._(
                        "KPI %(kpi)s: measure %(measure)s does not belong to source %(kpi_source)s.",
                        kpi=definition.display_name,
                        measure=definition.measure,
                        kpi_source=definition.source,
                    )
                )

    @api.constrains("manual_restrict_range", "manual_min_value", "manual_max_value")
    def _check_manual_range(self):
        for definition in self.filtered("manual_restrict_range"):
            if definition.manual_min_value > definition.manual_max_value:
                raise ValidationError(
                    self.env._(
                        "KPI %(kpi)s, field Lowest value: %(low)s is above the highest value %(high)s.",
                        kpi=definition.display_name,
                        low=definition.manual_min_value,
                        high=definition.manual_max_value,
                    )
                )
        # values already stored must fit a new range: nothing entered is silently invalid
        self.env["kpi.manual.value"].search(
            [("definition_id", "in", self.filtered("manual_restrict_range").ids)]
        )._check_value_range()

    @api.constrains(
        "source",
        "domain_model_id",
        "domain_filter",
        "domain_date_field",
        "domain_employee_field",
        "domain_aggregate",
        "domain_value_field",
    )
    def _check_domain(self):
        for definition in self.filtered(lambda d: d.source == "domain"):
            definition._validate_domain_setup()

    def _validate_domain_setup(self):
        """Raise a ValidationError naming the KPI and the field when the set-up is invalid."""
        self.ensure_one()
        kpi = self.display_name

        def fail(field, message):
            raise ValidationError(
                self.env._("KPI %(kpi)s, field %(field)s: %(message)s", kpi=kpi, field=field, message=message)
            )

        if not self.domain_model_id:
            fail(self.env._("Model"), self.env._("a domain KPI needs a model."))
        model = self.env[self.domain_model_id.model]
        try:
            domain = safe_eval(self.domain_filter or "[]")
            if not isinstance(domain, (list, tuple)):
                raise ValueError(self.env._("not a list"))
            model.sudo()._where_calc(domain, active_test=False)
        except Exception as error:  # noqa: BLE001 - any parse/field error is a user error
            fail(
                self.env._("Domain"),
                self.env._("invalid domain %(domain)s (%(error)s).", domain=self.domain_filter, error=error),
            )
        date_field = model._fields.get(self.domain_date_field or "")
        if not date_field or date_field.type not in ("date", "datetime") or not date_field.store:
            fail(
                self.env._("Date field"),
                self.env._(
                    "%(field)r is not a stored date or datetime field of %(model)s.",
                    field=self.domain_date_field,
                    model=model._name,
                ),
            )
        target = self._domain_path_target(model, self.domain_employee_field)
        if target not in ("hr.employee", "res.users"):
            fail(
                self.env._("Employee path"),
                self.env._(
                    "%(path)r does not lead from %(model)s to an employee or a user.",
                    path=self.domain_employee_field,
                    model=model._name,
                ),
            )
        if self.domain_aggregate in ("sum", "avg"):
            value_field = model._fields.get(self.domain_value_field or "")
            if not value_field or value_field.type not in ("integer", "float", "monetary") or not value_field.store:
                fail(
                    self.env._("Value field"),
                    self.env._(
                        "%(field)r is not a stored numeric field of %(model)s.",
                        field=self.domain_value_field,
                        model=model._name,
                    ),
                )

    @api.model
    def _domain_path_target(self, model, path):
        """Model name reached by following the many2one ``path`` from ``model``, or None."""
        if not path:
            return None
        current = model
        for name in path.split("."):
            field = current._fields.get(name)
            if not field or field.type != "many2one":
                return None
            current = self.env[field.comodel_name]
        return current._name

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------
    def _get_provider(self):
        self.ensure_one()
        provider_name = f"kpi.measure.{self.source}"
        if provider_name not in self.env:
            raise UserError(
                self.env._(
                    "KPI %(kpi)s: no measure provider for source %(kpi_source)s.",
                    kpi=self.display_name,
                    kpi_source=self.source,
                )
            )
        return self.env[provider_name]

    def _get_unpayable_employees(self, employees, date_from, date_to):
        """Ids of ``employees`` whose line of this KPI pays nothing in the period: a
        customer rating KPI with fewer ratings than its minimum. No query for other KPIs."""
        self.ensure_one()
        if self.source != "helpdesk" or not self.rating_min_count or not self.measure.startswith("rating_"):
            return set()
        provider_sudo = self._get_provider().sudo()
        counts = provider_sudo._get_rating_figures(self.sudo(), employees.sudo(), date_from, date_to)
        return {
            employee_id for employee_id in employees.ids
            if counts.get(employee_id, (0, 0.0))[0] < self.rating_min_count
        }

    def _compute_values(self, employees, date_from, date_to):
        """``{employee_id: actual}`` of this KPI for ``employees`` in the period.

        One provider call (one grouped query) for all employees. Employees without data
        get 0.0. Runs as superuser: the caller has already been checked for access to the
        scorecards; the KPI needs every matching record, not only those the user sees.
        """
        self.ensure_one()
        provider = self._get_provider().sudo()
        values = provider._get_values(self.sudo(), employees.sudo(), date_from, date_to)
        return {emp_id: float(values.get(emp_id) or 0.0) for emp_id in employees.ids}
