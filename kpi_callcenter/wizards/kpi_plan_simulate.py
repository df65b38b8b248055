# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class KpiPlanSimulate(models.TransientModel):
    _name = "kpi.plan.simulate"
    _description = "Simulate the Pay Impact of a KPI Plan"

    plan_id = fields.Many2one("kpi.plan", required=True, ondelete="cascade")
    date_from = fields.Date(required=True, default=lambda self: self._default_date_from())
    date_to = fields.Date(required=True, default=lambda self: self._default_date_to())

    @api.model
    def _default_date_to(self):
        return fields.Date.context_today(self).replace(day=1) - relativedelta(days=1)

    @api.model
    def _default_date_from(self):
        return self._default_date_to().replace(day=1) - relativedelta(months=2)

    def action_simulate(self):
        self.ensure_one()
        simulation = self.plan_id.simulate(self.date_from, self.date_to)
        return {
            "type": "ir.actions.act_window",
            "res_model": "kpi.plan.simulation",
            "res_id": simulation.id,
            "view_mode": "form",
            "target": "current",
        }
