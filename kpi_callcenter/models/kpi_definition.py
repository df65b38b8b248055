# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

# Models a domain KPI never reads, whoever its author: system, security, mail, payroll and
# accounting data. A name equal to an entry, or starting with an entry that ends in ".",
# or starting with an entry followed by "." (``res.users`` also covers ``res.users.log``).
DOMAIN_REFUSED_MODELS = (
    "ir.",
    "base.",
    "bus.",
    "mail.",
    "account.",
    "payment.",
    "auth.",
    "iap.",
    "res.users",
    "res.groups",
    "res.config",
    "res.partner.bank",
    "hr.payslip",
    "hr.contract",
    "hr.salary.rule",
    "hr.payroll.structure",
    "kpi.call.source",
)
# Fields of a KPI that define what a domain KPI reads: changing one makes the user the
# KPI's domain author, whose read rights the KPI then has.
DOMAIN_SETUP_FIELDS = {
    "source",
    "domain_model_id",
    "domain_filter",
    "domain_date_field",
    "domain_employee_field",
    "domain_aggregate",
    "domain_value_field",
}

# Opposing KPIs (plan health check): pushing the first group up (volume) tends to push the
# second the wrong way (speed bought with rushed calls), unless a quality KPI holds the
# balance. Rows: (name, measures that go up, measures that go down).
OPPOSING_KPIS = [
    ("volume_vs_handle_time", {"inbound_count", "outbound_count", "closed_count"}, {"avg_handle_time"}),
    ("calls_vs_cost", {"outbound_count", "outbound_duration"}, {"cost"}),
]
# Measures that count as a quality KPI (customer ratings, post-call surveys; manual values:
# QA, surveys).
QUALITY_MEASURES = {"rating_avg", "csat_avg", "manual"}


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
            ("csat_avg", "Post-call survey score (1–5)"),
            ("csat_count", "Post-call surveys"),
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
    sale_credit_on = fields.Selection(
        [("confirmation", "Order confirmation"), ("delivery", "Delivery"), ("payment", "Payment")],
        string="Credit the sale on",
        required=True,
        default="confirmation",
        tracking=True,
        help="Orders, revenue and average order value: when an order counts. On delivery (when "
        "its deliveries are done; needs the Inventory sales link) or on payment (when its "
        "invoices are paid), net of the returns and credit notes within the company's window.",
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
    domain_model_id = fields.Many2one(
        "ir.model",
        string="Model",
        ondelete="cascade",
        domain="[('id', 'in', domain_allowed_model_ids)]",
    )
    domain_allowed_model_ids = fields.Many2many(
        "ir.model",
        string="Models allowed",
        compute="_compute_domain_allowed_model_ids",
        help="Models the current user may read and a domain KPI may count.",
    )
    domain_user_id = fields.Many2one(
        "res.users",
        string="Domain author",
        readonly=True,
        tracking=True,
        help="Who last set up what this KPI counts: it reads its model with this user's "
        "rights, never more.",
    )
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
        return self.env["kpi.measure"]._get_measure_registry().get(self.measure, (None, "count"))[1] or "count"

    @api.depends_context("uid")
    def _compute_domain_allowed_model_ids(self):
        self.domain_allowed_model_ids = self.env["ir.model"].browse(
            [self.env["ir.model"]._get_id(name) for name in self._get_domain_allowed_models(self.env)]
        )

    @api.model
    def _get_domain_allowed_models(self, env):
        """Names of the models a domain KPI may count for the user of ``env``: stored,
        readable by that user, not system or secret (``DOMAIN_REFUSED_MODELS``)."""
        return sorted(
            name
            for name, model in env.registry.items()
            if not (model._abstract or model._transient)
            and not self._is_domain_refused_model(name)
            and env[name].has_access("read")
        )

    @api.model
    def _is_domain_refused_model(self, name):
        return any(
            name.startswith(entry) if entry.endswith(".") else name == entry or name.startswith(f"{entry}.")
            for entry in DOMAIN_REFUSED_MODELS
        )

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
        registry = self.env["kpi.measure"]._get_measure_registry()
        for definition in self:
            if registry.get(definition.measure, (None,))[0] != definition.source:
                definition.measure = next(
                    (m for m, (src, _agg) in registry.items() if src == definition.source),
                    False,
                )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("source", "measure")
    def _check_measure(self):
        registry = self.env["kpi.measure"]._get_measure_registry()
        for definition in self:
            source = registry.get(definition.measure, (None,))[0]
            if source and source != definition.source:
                raise ValidationError(
                    self.env._(
                        "KPI %(kpi)s: measure %(measure)s does not belong to source %(kpi_source)s.",
                        kpi=definition.display_name,
                        measure=definition.measure,
                        kpi_source=definition.source,
                    )
                )

    @api.constrains("source", "measure", "sale_credit_on")
    def _check_sale_credit_on(self):
        for definition in self.filtered(lambda d: d.sale_credit_on != "confirmation"):
            if definition.source != "sale" or definition.measure == "product_qty":
                raise ValidationError(
                    self.env._(
                        "KPI %(kpi)s, field Credit the sale on: only orders, revenue and average "
                        "order value are credited on delivery or payment.",
                        kpi=definition.display_name,
                    )
                )
            if definition.sale_credit_on == "delivery" and not self._kpi_sale_stock_installed():
                raise ValidationError(
                    self.env._(
                        "KPI %(kpi)s, field Credit the sale on: crediting on delivery needs the "
                        "Inventory sales link (module sale_stock) installed.",
                        kpi=definition.display_name,
                    )
                )

    @api.model
    def _kpi_sale_stock_installed(self):
        """Whether deliveries of sale orders are known (``sale_stock`` installed)."""
        return "stock.picking" in self.env and "sale_id" in self.env["stock.picking"]._fields

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Without the Inventory sales link, "Delivery" is not offered."""
        res = super().fields_get(allfields, attributes)
        field = res.get("sale_credit_on")
        if field and "selection" in field and not self._kpi_sale_stock_installed():
            field["selection"] = [option for option in field["selection"] if option[0] != "delivery"]
        return res

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

    @api.constrains(*DOMAIN_SETUP_FIELDS, "domain_user_id")
    def _check_domain(self):
        for definition in self.filtered(lambda d: d.source == "domain"):
            definition._check_domain_model_allowed()
            definition._validate_domain_setup()
            definition._check_domain_author_access()

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

    def _get_domain_author(self):
        """The user whose rights a domain KPI reads with (KPIs set up before the author
        was recorded: their creator)."""
        self.ensure_one()
        return self.domain_user_id or self.create_uid

    def _get_domain_paths(self):
        """``[(label, model name, field path)]`` of every field the domain KPI reads:
        the domain's leaves (``any`` sub-domains included), the date field, the employee
        path and the value field."""
        self.ensure_one()
        paths = []

        def walk(model_name, domain):
            for leaf in expression.normalize_domain(list(domain)):
                if not expression.is_leaf(leaf) or leaf in (expression.TRUE_LEAF, expression.FALSE_LEAF):
                    continue
                path = str(leaf[0])
                paths.append((self.env._("Domain"), model_name, path))
                if leaf[1] in ("any", "not any") and isinstance(leaf[2], (list, tuple)):
                    field = self._domain_path_field(self.env[model_name], path)
                    if field and field.relational:
                        walk(field.comodel_name, leaf[2])

        model_name = self.domain_model_id.model
        walk(model_name, safe_eval(self.domain_filter or "[]"))
        paths.append((self.env._("Date field"), model_name, self.domain_date_field))
        paths.append((self.env._("Employee path"), model_name, self.domain_employee_field))
        if self.domain_aggregate in ("sum", "avg"):
            paths.append((self.env._("Value field"), model_name, self.domain_value_field))
        return paths

    @api.model
    def _domain_path_field(self, model, path):
        """The last field of ``path`` from ``model``, or None."""
        field = None
        current = model
        for name in path.split("."):
            field = current._fields.get(name)
            if not field:
                return None
            if field.relational:
                current = self.env[field.comodel_name]
        return field

    def _check_domain_model_allowed(self):
        """No domain KPI counts a system or confidential model (``DOMAIN_REFUSED_MODELS``)."""
        self.ensure_one()
        model_name = self.domain_model_id.model
        if model_name and self._is_domain_refused_model(model_name):
            raise ValidationError(
                self.env._(
                    "KPI %(kpi)s, field %(field)s: %(message)s",
                    kpi=self.display_name,
                    field=self.env._("Model"),
                    message=self.env._(
                        "%(model)s is a system or confidential model; no KPI counts it.", model=model_name
                    ),
                )
            )

    def _check_domain_author_access(self):
        """The domain KPI reads nothing its author may not: not a system or secret model
        (``DOMAIN_REFUSED_MODELS``), and the author may read the model, its company, and
        every field (and every model on the way) of the domain, date, employee path and
        value field. Raises a ValidationError naming the KPI and the field."""
        self.ensure_one()
        author = self._get_domain_author()
        model_name = self.domain_model_id.model
        kpi = self.display_name

        def fail(field, message):
            raise ValidationError(
                self.env._("KPI %(kpi)s, field %(field)s: %(message)s", kpi=kpi, field=field, message=message)
            )

        self._check_domain_model_allowed()
        author_env = self.env(user=author.id, su=False)
        if author_env.su:
            return
        if self.company_id not in author_env.user.company_ids:
            fail(
                self.env._("Domain author"),
                self.env._(
                    "%(user)s has no access to company %(company)s.",
                    user=author.name,
                    company=self.company_id.name,
                ),
            )
        if not author_env[model_name].has_access("read"):
            fail(
                self.env._("Model"),
                self.env._("%(user)s may not read %(model)s.", user=author.name, model=model_name),
            )
        for label, start, path in self._get_domain_paths():
            current = author_env[start]
            for name in (path or "").split("."):
                field = current._fields.get(name)
                if not field:
                    break  # an unknown field is reported by _validate_domain_setup
                if not field.is_accessible(author_env):
                    fail(
                        label,
                        self.env._(
                            "%(user)s may not read field %(field)s of %(model)s.",
                            user=author.name,
                            field=name,
                            model=current._name,
                        ),
                    )
                if field.relational:
                    current = author_env[field.comodel_name]
                    if not current.has_access("read"):
                        fail(
                            label,
                            self.env._(
                                "%(user)s may not read %(model)s (field %(field)s).",
                                user=author.name,
                                model=current._name,
                                field=name,
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
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # the author is whoever sets the domain up, never a value given by the client
            vals["domain_user_id"] = self.env.user.id if vals.get("source") == "domain" else False
        return super().create(vals_list)

    def write(self, vals):
        if DOMAIN_SETUP_FIELDS & set(vals):
            vals = dict(vals, domain_user_id=self.env.user.id)
        elif "domain_user_id" in vals and not self.env.su:
            vals = {key: value for key, value in vals.items() if key != "domain_user_id"}
        return super().write(vals)

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

    def _measure(self, employees, date_from, date_to):
        """``{definition id: {employee_id: actual}}`` of these KPIs for ``employees`` in
        the period: per source, one provider call that measures all its KPIs together
        (one grouped query for all employees and, where their filters allow, for all the
        KPIs). Employees without data get 0.0. Runs as superuser: the caller has already
        been checked for access to the scorecards; the KPIs need every matching record,
        not only those the user sees. A domain KPI reads its records with its author's
        rights (``kpi.measure.domain``).
        """
        employees_sudo = employees.sudo()
        result = {}
        for definitions in self.sudo().grouped("source").values():
            provider = definitions[:1]._get_provider().sudo()
            values = provider._get_values_batch(definitions, employees_sudo, date_from, date_to)
            for definition in definitions:
                found = values.get(definition.id) or {}
                result[definition.id] = {
                    employee_id: float(found.get(employee_id) or 0.0) for employee_id in employees.ids
                }
        return result

    def _compute_values(self, employees, date_from, date_to):
        """``{employee_id: actual}`` of this one KPI (see ``_measure``)."""
        self.ensure_one()
        return self._measure(employees, date_from, date_to)[self.id]
