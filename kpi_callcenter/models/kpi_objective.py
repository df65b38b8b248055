# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Business objectives (a tree) and their roll-up ("see how each indicator affects
profit"): for each objective and its sub-objectives, the average achievement of their
KPIs across employees, the bonus cost they drive (trial scorecards pay nothing, so cost
nothing) and the revenue of the linked sales KPIs. Over every scorecard, or the period
given in the context (``kpi_date_from`` / ``kpi_date_to``, on the scorecards' start date).
Two grouped queries for the whole tree, whatever the number of objectives and lines.
"""

from collections import defaultdict

from odoo import api, fields, models


class KpiObjective(models.Model):
    _name = "kpi.objective"
    _description = "Business Objective"
    _inherit = ["mail.thread"]
    _parent_store = True
    _order = "horizon desc, sequence, id"
    _rec_names_search = ["name", "complete_name"]

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(required=True, translate=True, tracking=True)
    complete_name = fields.Char(compute="_compute_complete_name", store=True, recursive=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10, help="Priority: lower comes first.")
    horizon = fields.Selection(
        [("short", "Short term"), ("long", "Long term")],
        required=True,
        default="short",
        tracking=True,
    )
    parent_id = fields.Many2one(
        "kpi.objective", index=True, ondelete="cascade", check_company=True
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("kpi.objective", "parent_id")
    definition_ids = fields.One2many("kpi.definition", "objective_id", string="KPIs")
    definition_count = fields.Integer(compute="_compute_definition_count")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True)
    rollup_achievement = fields.Float(
        string="Achievement (%)", compute="_compute_rollup", digits=(16, 2),
        help="Average achievement of the KPI results of this objective and its sub-objectives.",
    )
    rollup_result_count = fields.Integer(string="KPI results", compute="_compute_rollup")
    rollup_bonus_cost = fields.Monetary(
        string="Bonus cost", compute="_compute_rollup", currency_field="rollup_currency_id",
        help="Bonus paid (or payable) on the KPIs of this objective and its sub-objectives.",
    )
    rollup_revenue = fields.Monetary(
        string="Revenue", compute="_compute_rollup", currency_field="rollup_currency_id",
        help="Actual revenue of the linked sales revenue KPIs.",
    )
    rollup_currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for objective in self:
            if objective.parent_id:
                objective.complete_name = f"{objective.parent_id.complete_name} / {objective.name}"
            else:
                objective.complete_name = objective.name

    def _compute_definition_count(self):
        counts = dict(
            self.env["kpi.definition"]._read_group(
                [("objective_id", "in", self.ids)], ["objective_id"], ["__count"]
            )
        )
        for objective in self:
            objective.definition_count = counts.get(objective, 0)

    def _rollup_domain(self, definitions):
        domain = [("definition_id", "in", definitions.ids)]
        context = self.env.context
        if context.get("kpi_date_from"):
            domain.append(("date_from", ">=", context["kpi_date_from"]))
        if context.get("kpi_date_to"):
            domain.append(("date_from", "<=", context["kpi_date_to"]))
        return domain

    @api.depends_context("kpi_date_from", "kpi_date_to")
    def _compute_rollup(self):
        subtree = self.search([("id", "child_of", self.ids)]) if self.ids else self.browse()
        definitions = subtree.definition_ids
        Line = self.env["kpi.scorecard.line"]
        domain = self._rollup_domain(definitions)
        per_definition = {
            definition: (achievement_sum, count, actual_sum)
            for definition, achievement_sum, count, actual_sum in Line._read_group(
                domain, ["definition_id"], ["achievement:sum", "__count", "actual:sum"]
            )
        }
        bonus = dict(
            Line._read_group(
                domain + [("scorecard_id.is_trial", "=", False)], ["definition_id"], ["bonus_amount:sum"]
            )
        )
        own = defaultdict(lambda: [0.0, 0, 0.0, 0.0])  # achievement sum, count, bonus, revenue
        for definition in definitions:
            achievement_sum, count, actual_sum = per_definition.get(definition, (0.0, 0, 0.0))
            totals = own[definition.objective_id.id]
            totals[0] += achievement_sum
            totals[1] += count
            totals[2] += bonus.get(definition, 0.0)
            if definition.source == "sale" and definition.measure == "revenue":
                totals[3] += actual_sum
        paths = {objective.id: objective.parent_path for objective in subtree}
        for objective in self:
            prefix = objective.parent_path or ""
            totals = [0.0, 0, 0.0, 0.0]
            for objective_id, path in paths.items():
                if prefix and (path or "").startswith(prefix):
                    for index, value in enumerate(own.get(objective_id, ())):
                        totals[index] += value
            objective.rollup_achievement = totals[0] / totals[1] if totals[1] else 0.0
            objective.rollup_result_count = totals[1]
            objective.rollup_bonus_cost = totals[2]
            objective.rollup_revenue = totals[3]

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise models.ValidationError(self.env._("An objective cannot be its own ancestor."))
