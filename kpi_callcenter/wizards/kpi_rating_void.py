# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class KpiRatingVoid(models.TransientModel):
    _name = "kpi.rating.void"
    _description = "Void Customer Ratings for the KPIs"

    rating_ids = fields.Many2many("rating.rating", string="Ratings", required=True)
    reason = fields.Text(required=True)

    def action_void(self):
        self.ensure_one()
        self.rating_ids.action_kpi_void(self.reason)
        return {"type": "ir.actions.act_window_close"}
