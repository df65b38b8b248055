# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..engine import period as engine_period


class KpiScorecardGenerate(models.TransientModel):
    _name = "kpi.scorecard.generate"
    _description = "Generate KPI Scorecards"

    plan_ids = fields.Many2many("kpi.plan", string="Plans", domain="[('state', '=', 'active')]", required=True)
    date_from = fields.Date(required=True, default=lambda self: self._default_date_from())
    date_to = fields.Date(required=True, default=lambda self: self._default_date_to())

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "kpi.plan" and "plan_ids" in fields_list:
            values["plan_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    @api.model
    def _default_date_from(self):
        return fields.Date.context_today(self).replace(day=1)

    @api.model
    def _default_date_to(self):
        return self._default_date_from() + relativedelta(months=1, days=-1)

    def action_generate(self):
        self.ensure_one()
        # a quarterly or yearly plan: the quarter or year containing the first day
        periods = self.plan_ids.grouped(
            lambda plan: (self.date_from, self.date_to)
            if plan.period_type == "month"
            else engine_period.period_of(self.date_from, plan.period_type)
        )
        scorecards = self.env["kpi.scorecard"]
        for period, plans in periods.items():
            scorecards |= plans.generate_scorecards(*period)
        action = self.env["ir.actions.act_window"]._for_xml_id("kpi_callcenter.kpi_scorecard_action")
        action["domain"] = [("id", "in", scorecards.ids)]
        return action
