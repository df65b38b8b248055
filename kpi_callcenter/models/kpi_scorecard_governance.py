# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Governance additions to ``kpi.scorecard`` (issue 7)."""

from odoo import api, fields, models


class KpiScorecard(models.Model):
    _inherit = "kpi.scorecard"

    def _simulation_paid_amount(self):
        """What this scorecard pays, as the pay-impact simulation counts it."""
        self.ensure_one()
        return self.bonus_amount


class KpiScorecardTrial(models.Model):
    _inherit = "kpi.scorecard"

    is_trial = fields.Boolean(
        string="Trial",
        compute="_compute_is_trial",
        store=True,
        index=True,
        help="The plan was on trial in this period: the scorecard is shown but pays nothing.",
    )

    @api.depends("plan_id.trial_end_date", "date_from")
    def _compute_is_trial(self):
        for card in self:
            trial_end = card.plan_id.trial_end_date
            card.is_trial = bool(trial_end and card.date_from and card.date_from <= trial_end)

    def _simulation_paid_amount(self):
        return 0.0 if self.is_trial else super()._simulation_paid_amount()


class KpiScorecardDashboard(models.Model):
    _inherit = "kpi.scorecard"

    team_manager_id = fields.Many2one(
        related="employee_id.parent_id", store=True, index=True, string="Team"
    )
    performance_band = fields.Selection(
        [("under", "Underperformer"), ("on_track", "On track"), ("top", "Top performer")],
        compute="_compute_performance_band",
        store=True,
        index=True,
        help="From the score and the company's under- and top-performer scores.",
    )

    @api.depends("score", "company_id.kpi_underperformer_score", "company_id.kpi_top_performer_score")
    def _compute_performance_band(self):
        for card in self:
            company = card.company_id
            if card.score < company.kpi_underperformer_score:
                card.performance_band = "under"
            elif card.score >= company.kpi_top_performer_score:
                card.performance_band = "top"
            else:
                card.performance_band = "on_track"
