# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Calibration from history, hand-checked on 10 agents × 3 past months.

Today is 5 April 2027; the company replays the 3 complete months before it (January,
February, March 2027). KPI CALLS (manual, sum): agent i (1…10) made 40 + 10 i calls in
January, 10 more in February and 20 more in March. The 30 samples, sorted:
50, 60 ×2, 70 ×3, 80 ×3, 90 ×3, 100 ×3, 110 ×3, 120 ×3, 130 ×3, 140 ×3, 150 ×2, 160.

- Median: the 15th and 16th values, (100 + 110) / 2 = 105; Q1: rank 29 × 0.25 = 7.25
  between the 8th and 9th values, both 80 → 80; Q3: rank 21.75 between the 22nd and
  23rd, both 130 → 130.
- Target 100, threshold 80 %: 18 of 30 samples reach 100 (60 %), 24 reach 80 (80 %),
  9 pass 120 (30 %). Suggested target (median) 105. No flag.
- Target 500: nobody reaches 400 (80 %): unrealistic. Target 40: every sample passes
  48 (120 %): too easy.
December 2026 has no value at all: replayed, it adds no sample.
"""

from freezegun import freeze_time

from odoo.tests import tagged

from .common import KpiCommon


@tagged("post_install", "-at_install", "kpi_governance")
@freeze_time("2027-04-05")
class TestCalibration(KpiCommon):
    agent_count = 10

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calls = cls._create_definition("CALLS", name="Calls", manual_aggregate="sum")
        cls.csat = cls._create_definition("CSAT", name="CSAT")
        for months_before, extra in ((2, 0), (1, 10), (0, 20)):
            start, _end = cls._month(months_before)
            cls._add_manual_values(
                cls.calls,
                {agent: 40 + 10 * index + extra for index, agent in enumerate(cls.agents, start=1)},
                day=start.replace(day=10),
            )
            cls._add_manual_values(cls.csat, dict.fromkeys(cls.agents, 90), day=start.replace(day=10))

    def _plan(self, target, threshold=80.0):
        return self._create_plan(
            [
                {"definition_id": self.calls.id, "weight": 70, "target": target, "threshold": threshold},
                {"definition_id": self.csat.id, "weight": 30, "target": 90},
            ],
            activate=False,
        )

    def test_statistics(self):
        plan = self._plan(100)
        calibrations = plan.with_user(self.user_hr_manager)._run_calibration()
        calls = calibrations.filtered(lambda c: c.definition_id == self.calls)
        self.assertEqual(calls.date_from.isoformat(), "2027-01-01")
        self.assertEqual(calls.date_to.isoformat(), "2027-03-31")
        self.assertEqual(calls.employee_count, 10)
        self.assertEqual(calls.sample_count, 30)
        self.assertEqual(
            (calls.actual_q1, calls.actual_median, calls.actual_q3), (80.0, 105.0, 130.0)
        )
        self.assertEqual(
            (calls.achievement_q1, calls.achievement_median, calls.achievement_q3), (80.0, 105.0, 130.0)
        )
        self.assertEqual((calls.share_target, calls.share_threshold, calls.share_easy), (60.0, 80.0, 30.0))
        self.assertEqual(calls.suggested_target, 105.0)
        self.assertFalse(calls.unrealistic or calls.too_easy)
        csat = calibrations - calls
        self.assertEqual((csat.actual_median, csat.share_target, csat.suggested_target), (90.0, 100.0, 90.0))
        self.assertEqual(plan.calibration_ids, calibrations)

    def test_percentile_is_configurable(self):
        self.company.kpi_calibration_percentile = 75
        calls = self._plan(100)._run_calibration().filtered(lambda c: c.definition_id == self.calls)
        self.assertEqual(calls.suggested_target, 130.0)
        calls.with_user(self.user_hr_manager).action_apply_suggested_target()
        self.assertEqual(calls.plan_line_id.target, 130.0)

    def test_periods_without_history_add_no_sample(self):
        self.company.kpi_calibration_periods = 4
        calls = self._plan(100)._run_calibration().filtered(lambda c: c.definition_id == self.calls)
        self.assertEqual(calls.date_from.isoformat(), "2026-12-01")
        self.assertEqual(calls.sample_count, 30)
        self.assertEqual(calls.actual_median, 105.0)

    def test_unrealistic_target_flag_and_health_warning(self):
        plan = self._plan(500)
        calls = plan._run_calibration().filtered(lambda c: c.definition_id == self.calls)
        self.assertEqual(calls.share_threshold, 0.0)
        self.assertTrue(calls.unrealistic)
        self.assertFalse(calls.too_easy)
        issues = [i for i in plan._get_health_issues() if i["rule"] == "calibration"]
        self.assertEqual(len(issues), 1)
        self.assertEqual(issues[0]["severity"], "warning")
        self.assertIn("[CALLS] Calls: target 500.0 looks unrealistic: only 0.0 % of past results "
                      "reach the threshold (suggested target: 105.0)", issues[0]["message"])
        # Target 140 with a threshold of 100 %: the three 140s, two 150s and the 160 reach
        # it, 6 of 30 = 20 %: exactly the limit, not "fewer than 20 %", still realistic.
        plan.line_ids.filtered(lambda line: line.definition_id == self.calls).write(
            {"target": 140, "threshold": 100}
        )
        calls = plan._run_calibration().filtered(lambda c: c.definition_id == self.calls)
        self.assertEqual(calls.share_threshold, 20.0)
        self.assertFalse(calls.unrealistic)
        self.company.kpi_unrealistic_share = 30
        calls = plan._run_calibration().filtered(lambda c: c.definition_id == self.calls)
        self.assertTrue(calls.unrealistic)

    def test_too_easy_target_flag(self):
        plan = self._plan(40)
        calls = plan._run_calibration().filtered(lambda c: c.definition_id == self.calls)
        self.assertEqual(calls.share_easy, 100.0)
        self.assertTrue(calls.too_easy)
        issues = [i["message"] for i in plan._get_health_issues() if i["rule"] == "calibration"]
        self.assertEqual(len(issues), 1)
        self.assertIn("target 40.0 looks too easy: 100.0 % of past results pass 120.0 %", issues[0])
        # CSAT: every agent at exactly 100 %, not above 120 %: not too easy
        csat = plan.calibration_ids.filtered(lambda c: c.definition_id == self.csat)
        self.assertFalse(csat.too_easy)
        # a flagged plan needs an acknowledgement to activate
        action = plan.with_user(self.user_hr_manager).action_activate()
        self.assertEqual(action["res_model"], "kpi.plan.activate")

    def test_sick_leave_counts_as_full_period(self):
        """Agent 10 is sick on Wednesday 10 March (22 of 23 working days): his 160 calls
        are worth 160 × 23 / 22 = 167.27 for a full month; the quartiles do not move."""
        self._create_sick_leave(self.agents[-1], self.date_from.replace(day=10))
        calls = self._plan(100)._run_calibration().filtered(lambda c: c.definition_id == self.calls)
        self.assertEqual((calls.actual_q1, calls.actual_median, calls.actual_q3), (80.0, 105.0, 130.0))
        self.assertEqual(calls.sample_count, 30)
