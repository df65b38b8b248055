# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Governance additions to ``kpi.scorecard`` (issue 7)."""

from odoo import models


class KpiScorecard(models.Model):
    _inherit = "kpi.scorecard"

    def _simulation_paid_amount(self):
        """What this scorecard pays, as the pay-impact simulation counts it."""
        self.ensure_one()
        return self.bonus_amount
