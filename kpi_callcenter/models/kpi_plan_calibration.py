# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Calibration of a plan's targets from history (``kpi.plan.calibration``, one row per
plan line), and the replay of past periods that calibration and the pay-impact
simulation share (:class:`KpiReplay`).

The statistics live in ``engine/calibration.py``; here we only gather, per past month,
the actuals of the plan's employees (one provider query per KPI and month) and their
proration factors (one batched computation per month).
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..engine import calibration as engine_calibration
from ..engine import proration as engine_proration


class KpiReplay:
    """Actuals and proration factors of ``employees`` for past periods, each read once.

    ``period`` is a ``(date_from, date_to)`` pair. Reading is done as superuser by the
    providers: callers check their access to the plan first.
    """

    def __init__(self, env, employees):
        self.env = env
        self.employees = employees
        self._factors = {}
        self._values = {}

    def factors(self, period):
        """``{employee id: proration factor}`` of the period."""
        if period not in self._factors:
            days = (
                self.env["kpi.scorecard"]._get_proration_days(self.employees, *period)
                if self.employees
                else {}
            )
            self._factors[period] = {
                employee_id: engine_proration.prorate_factor(working, leave)
                for employee_id, (working, leave) in days.items()
            }
        return self._factors[period]

    def values(self, definition, period):
        """``{employee id: actual}`` of ``definition`` in the period."""
        key = (definition.id, period)
        if key not in self._values:
            self._values[key] = (
                definition._compute_values(self.employees, *period) if self.employees else {}
            )
        return self._values[key]


class KpiPlan(models.Model):
    _inherit = "kpi.plan"

    calibration_ids = fields.One2many("kpi.plan.calibration", "plan_id", string="Calibration")

    # ------------------------------------------------------------------
    # Periods
    # ------------------------------------------------------------------
    @api.model
    def _kpi_month_periods(self, date_from, date_to):
        """The calendar months from the one of ``date_from`` to the one of ``date_to``."""
        date_from = fields.Date.to_date(date_from)
        date_to = fields.Date.to_date(date_to)
        self.env["kpi.scorecard"]._check_period(date_from, date_to, self.env._("Periods"))
        periods = []
        start = date_from.replace(day=1)
        while start <= date_to:
            periods.append((start, start + relativedelta(months=1, days=-1)))
            start += relativedelta(months=1)
        return periods

    @api.model
    def _kpi_last_periods(self, count):
        """The ``count`` complete months before today (oldest first)."""
        if count <= 0:
            return []
        end = fields.Date.context_today(self).replace(day=1) - relativedelta(days=1)
        return self._kpi_month_periods(end - relativedelta(months=count - 1), end)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_calibrate(self):
        self.ensure_one()
        self._run_calibration()
        return True

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------
    def _run_calibration(self, periods=None, employees=None):
        """Replace the plan's calibration rows by fresh ones computed over ``periods``
        (default: the company's number of past months) for ``employees`` (default: the
        plan's). Returns them."""
        self.ensure_one()
        self.check_access("write")
        company = self.company_id
        periods = periods or self._kpi_last_periods(company.kpi_calibration_periods)
        employees = employees if employees is not None else self._get_assigned_employees()
        replay = KpiReplay(self.env, employees)
        vals_list = []
        for plan_line in self.line_ids:
            samples = self._calibration_samples(plan_line, periods, replay)
            stats = engine_calibration.calibrate(
                samples,
                plan_line.target,
                direction=plan_line.definition_id.direction,
                aggregation=plan_line.definition_id._get_aggregation(),
                threshold=plan_line.threshold,
                pct=company.kpi_calibration_percentile,
                unrealistic_share=company.kpi_unrealistic_share,
                easy_achievement=company.kpi_easy_achievement,
                easy_share=company.kpi_easy_share,
                min_samples=company.kpi_calibration_min_samples,
            )
            vals_list.append(
                self._prepare_calibration_vals(plan_line, periods, employees, stats)
            )
        Calibration = self.env["kpi.plan.calibration"]
        self.calibration_ids.unlink()
        return Calibration.create(vals_list)

    def _calibration_samples(self, plan_line, periods, replay):
        """``[(actual, factor)]``: one per employee and period, leaving out the periods
        in which nobody has any value for the KPI (no history yet)."""
        samples = []
        for period in periods:
            values = replay.values(plan_line.definition_id, period)
            if not any(values.values()):
                continue
            factors = replay.factors(period)
            samples.extend(
                (values.get(employee.id, 0.0), factors.get(employee.id, 1.0))
                for employee in replay.employees
            )
        return samples

    def _prepare_calibration_vals(self, plan_line, periods, employees, stats):
        return {
            "plan_id": self.id,
            "plan_line_id": plan_line.id,
            "date_from": periods[0][0] if periods else False,
            "date_to": periods[-1][1] if periods else False,
            "employee_count": len(employees),
            "sample_count": stats["count"],
            "actual_q1": stats["actual_q1"] or 0.0,
            "actual_median": stats["actual_median"] or 0.0,
            "actual_q3": stats["actual_q3"] or 0.0,
            "achievement_q1": stats["achievement_q1"] or 0.0,
            "achievement_median": stats["achievement_median"] or 0.0,
            "achievement_q3": stats["achievement_q3"] or 0.0,
            "share_target": stats["share_target"],
            "share_threshold": stats["share_threshold"],
            "share_easy": stats["share_easy"],
            "suggested_target": stats["suggested_target"] or 0.0,
            "unrealistic": stats["unrealistic"],
            "too_easy": stats["too_easy"],
        }


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
