# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Calibration of a plan's targets from history: one row per plan line, computed by
``kpi.plan._run_calibration()`` (statistics in ``engine/calibration.py``)."""

from odoo import fields, models


class KpiPlanCalibration(models.Model):
    _name = "kpi.plan.calibration"
    _description = "KPI Plan Line Calibration"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one("kpi.plan", required=True, ondelete="cascade", index=True)
    plan_line_id = fields.Many2one("kpi.plan.line", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(related="plan_line_id.sequence")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    definition_id = fields.Many2one(related="plan_line_id.definition_id", string="KPI")
    target = fields.Float(related="plan_line_id.target", string="Current target")
    threshold = fields.Float(related="plan_line_id.threshold")
    date_from = fields.Date(string="History from")
    date_to = fields.Date(string="History to")
    employee_count = fields.Integer(string="Employees")
    sample_count = fields.Integer(
        string="Samples", help="Employee-periods with history (periods without any value are left out)."
    )
    actual_q1 = fields.Float(string="Actual Q1", digits=(16, 2), help="Full-period equivalent.")
    actual_median = fields.Float(string="Actual median", digits=(16, 2))
    actual_q3 = fields.Float(string="Actual Q3", digits=(16, 2))
    achievement_q1 = fields.Float(string="Achievement Q1 (%)", digits=(16, 2))
    achievement_median = fields.Float(string="Achievement median (%)", digits=(16, 2))
    achievement_q3 = fields.Float(string="Achievement Q3 (%)", digits=(16, 2))
    share_target = fields.Float(string="At ≥ 100 % (%)", digits=(16, 1))
    share_threshold = fields.Float(string="Reaching the threshold (%)", digits=(16, 1))
    share_easy = fields.Float(string="Above the 'too easy' achievement (%)", digits=(16, 1))
    suggested_target = fields.Float(
        digits=(16, 2), help="The chosen percentile of past full-period actuals."
    )
    unrealistic = fields.Boolean(help="Too few past results reach the threshold.")
    too_easy = fields.Boolean(help="Too many past results pass the 'too easy' achievement.")

    def action_apply_suggested_target(self):
        for calibration in self:
            calibration.plan_line_id.target = calibration.suggested_target
        return True
