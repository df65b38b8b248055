# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
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

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise models.ValidationError(self.env._("An objective cannot be its own ancestor."))
