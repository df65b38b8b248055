# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Calibration of a plan's targets from history: one row per plan line, computed by
``kpi.plan._run_calibration()`` (statistics in ``engine/calibration.py``), with one row
per employee (``kpi.plan.calibration.employee``): the target their own history
suggests, a starting point for an individual target (``kpi.target``)."""

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
    employee_line_ids = fields.One2many(
        "kpi.plan.calibration.employee", "calibration_id", string="Per employee"
    )

    def action_apply_suggested_target(self):
        for calibration in self:
            calibration.plan_line_id.target = calibration.suggested_target
        return True


class KpiPlanCalibrationEmployee(models.Model):
    _name = "kpi.plan.calibration.employee"
    _description = "KPI Plan Line Calibration per Employee"
    _order = "calibration_id, employee_id, id"

    calibration_id = fields.Many2one(
        "kpi.plan.calibration", required=True, ondelete="cascade", index=True
    )
    plan_id = fields.Many2one(related="calibration_id.plan_id", store=True, index=True)
    plan_line_id = fields.Many2one(related="calibration_id.plan_line_id", store=True, string="Plan KPI")
    definition_id = fields.Many2one(related="calibration_id.definition_id", string="KPI")
    company_id = fields.Many2one(related="calibration_id.company_id", store=True)
    employee_id = fields.Many2one("hr.employee", required=True, ondelete="cascade", index=True)
    sample_count = fields.Integer(string="Periods", help="Past periods with history of this employee.")
    actual_median = fields.Float(
        string="Own actual median", digits=(16, 2), help="Full-period equivalent of the employee's actuals."
    )
    achievement_median = fields.Float(
        string="Achievement median (%)", digits=(16, 2), help="Against the plan's current target."
    )
    target = fields.Float(related="calibration_id.target", string="Plan's target")
    suggested_target = fields.Float(
        digits=(16, 2),
        help="The company's percentile of the employee's own past full-period actuals.",
    )
    target_id = fields.Many2one(
        "kpi.target",
        string="Individual target",
        ondelete="set null",
        help="The employee's individual target of this KPI that applies today, if any.",
    )
    individual_target = fields.Float(related="target_id.target", string="Individual target value")

    def action_set_individual_target(self):
        """A new individual target of this employee and KPI, from the suggestion."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Individual target of %(employee)s", employee=self.employee_id.name),
            "res_model": "kpi.target",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_employee_id": self.employee_id.id,
                "default_plan_line_id": self.plan_line_id.id,
                "default_target": round(self.suggested_target, 2),
                "default_note": self.env._(
                    "Calibrated on the employee's own history %(start)s → %(end)s "
                    "(median %(median)s over %(count)s periods).",
                    start=self.calibration_id.date_from,
                    end=self.calibration_id.date_to,
                    median=round(self.actual_median, 2),
                    count=self.sample_count,
                ),
            },
        }
