# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Quarterly plans with monthly advances, settled at the quarter's end, through payroll;
the yearly (Tết) bonus paid off-cycle.

The team manager of the fixtures (a contract from 2027-01-01, no monthly plan) is the
only employee of a quarterly plan Q1 2027: one manual KPI "QPIECES" (summed), target 300 pieces for
the quarter, weight 100, no scale, bonus base 3,000,000 ₫ for the quarter, advances of
50 %. No leave and no public holiday: every proration factor is 1. A month is a third of
the quarter: target 100 pieces, base 1,000,000 ₫.
"""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import KpiPayrollCommon


@tagged("post_install", "-at_install")
class TestPayrollPeriods(KpiPayrollCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.structure.rule_ids |= cls.env.ref("kpi_callcenter_payroll.hr_salary_rule_kpi_bonus_advance")
        cls.qpieces = cls._create_definition(
            "QPIECES", name="Quarter pieces", unit="pieces", manual_aggregate="sum"
        )

    def _quarter_plan(self, threshold=0.0):
        plan = self._create_plan(
            [{"definition_id": self.qpieces.id, "weight": 100, "target": 300, "threshold": threshold}],
            employees=self.manager,
            activate=False,
            bonus_base=3_000_000,
            period_type="quarter",
            advance_percent=50,
            name="Quarterly",
        )
        self._activate_acknowledged(plan)
        self.assertEqual(plan.state, "active")
        return plan.with_user(self.user_hr_manager)

    def _pay(self, date_from, date_to):
        """The manager's payslip of the period, computed and done."""
        payslip = self._payslip(self.manager, date_from, date_to)
        payslip.compute_sheet()
        payslip.action_payslip_done()
        return payslip

    def test_quarter_with_monthly_advances_settled_at_quarter_end(self):
        plan = self._quarter_plan()
        self._add_manual_values(self.qpieces, {self.manager: 80}, day=date(2027, 1, 12))
        self._add_manual_values(self.qpieces, {self.manager: 100}, day=date(2027, 2, 10))
        self._add_manual_values(self.qpieces, {self.manager: 110}, day=date(2027, 3, 10))

        with freeze_time("2027-01-20 08:00"):
            with self.assertRaisesRegex(UserError, "once the month has ended"):
                plan.generate_advances(date(2027, 1, 15))
        with freeze_time("2027-02-01 08:00"):
            january = plan.generate_advances(date(2027, 1, 15))
            # run twice: one advance per scorecard and month
            self.assertFalse(plan.generate_advances(date(2027, 1, 15)))
        # January: 80 of 100 pieces = 80 % → 1,000,000 × 80 % = 800,000; advance 50 % = 400,000
        self.assertRecordValues(
            january,
            [{"employee_id": self.manager.id, "date_from": date(2027, 1, 1), "provisional_bonus": 800_000,
              "percent": 50, "amount": 400_000, "state": "open"}],
        )
        card = january.scorecard_id
        self.assertEqual((card.date_from, card.date_to), (date(2027, 1, 1), date(2027, 3, 31)))
        jan_slip = self._pay(date(2027, 1, 1), date(2027, 1, 31))
        self.assertEqual(self._total(jan_slip, "KPI_BONUS_ADVANCE"), 400_000)
        self.assertEqual(self._total(jan_slip, "KPI_BONUS"), 0)
        self.assertRecordValues(january, [{"state": "paid", "payslip_id": jan_slip.id}])

        with freeze_time("2027-03-01 08:00"):
            february = plan._generate_due_advances()
        # February: 100 of 100 = 100 % → 1,000,000; advance 500,000
        self.assertRecordValues(february, [{"provisional_bonus": 1_000_000, "amount": 500_000}])
        feb_slip = self._pay(date(2027, 2, 1), date(2027, 2, 28))
        self.assertEqual(self._total(feb_slip, "KPI_BONUS_ADVANCE"), 500_000)
        self.assertEqual(february.state, "paid")

        with freeze_time("2027-03-20 08:00"):
            with self.assertRaisesRegex(UserError, "last month of its period"):
                plan.generate_advances(date(2027, 3, 20))
            plan.generate_scorecards(date(2027, 1, 1), date(2027, 3, 31))
            with self.assertRaisesRegex(UserError, "still running"):
                card.action_confirm()
            self.assertEqual(card.state, "computed")

        with freeze_time("2027-04-01 08:00"):
            self.assertFalse(plan._generate_due_advances(), "the quarter's last month pays no advance")
            plan.generate_scorecards(date(2027, 1, 1), date(2027, 3, 31))
            card.action_confirm()
        # quarter: 80 + 100 + 110 = 290 of 300 pieces = 96.67 % → 3,000,000 × 290 / 300 = 2,900,000;
        # advances paid 400,000 + 500,000 = 900,000 → March pays 2,900,000 - 900,000 = 2,000,000
        self.assertRecordValues(
            card,
            [{"state": "confirmed", "prorate_factor": 1.0, "bonus_amount": 2_900_000,
              "advance_paid_amount": 900_000, "settlement_amount": 2_000_000, "amount_to_recover": 0,
              "pay_date": date(2027, 3, 31)}],
        )
        self.assertEqual(card.line_ids.target, 300)
        mar_slip = self._pay(date(2027, 3, 1), date(2027, 3, 31))
        self.assertEqual(self._total(mar_slip, "KPI_BONUS"), 2_000_000)
        self.assertEqual(self._total(mar_slip, "KPI_BONUS_ADVANCE"), 0)
        self.assertRecordValues(card, [{"state": "paid", "payslip_id": mar_slip.id}])
        # the quarter paid, in all: 400,000 + 500,000 + 2,000,000 = 2,900,000 = its bonus
        paid = sum(
            self._total(slip, code)
            for slip in (jan_slip, feb_slip, mar_slip)
            for code in ("KPI_BONUS", "KPI_BONUS_ADVANCE")
        )
        self.assertEqual(paid, card.bonus_amount)

    def test_quarter_below_threshold_leaves_advances_to_recover(self):
        plan = self._quarter_plan(threshold=80)
        self._add_manual_values(self.qpieces, {self.manager: 100}, day=date(2027, 1, 12))
        self._add_manual_values(self.qpieces, {self.manager: 100}, day=date(2027, 2, 10))
        with freeze_time("2027-02-01 08:00"):
            plan.generate_advances(date(2027, 1, 15))
        self._pay(date(2027, 1, 1), date(2027, 1, 31))
        with freeze_time("2027-03-01 08:00"):
            plan.generate_advances(date(2027, 2, 15))
        self._pay(date(2027, 2, 1), date(2027, 2, 28))
        with freeze_time("2027-04-02 08:00"):
            card = plan.generate_scorecards(date(2027, 1, 1), date(2027, 3, 31))
            card.action_confirm()
        # months: 100 of 100 = 100 % → 1,000,000 each, advances 500,000 + 500,000 = 1,000,000;
        # quarter: 200 of 300 = 66.67 % < threshold 80 % → bonus 0: 1,000,000 to recover
        self.assertRecordValues(
            card,
            [{"bonus_amount": 0, "advance_paid_amount": 1_000_000, "settlement_amount": 0,
              "amount_to_recover": 1_000_000}],
        )
        mar_slip = self._pay(date(2027, 3, 1), date(2027, 3, 31))
        self.assertEqual(self._total(mar_slip, "KPI_BONUS"), 0)
        self.assertEqual(card.state, "paid")
        # the remainder becomes a correction: a clawback of 1,000,000, open for the next payslips
        settlement = self.env["kpi.scorecard.correction"].search([("scorecard_id", "=", card.id)])
        self.assertRecordValues(
            settlement,
            [{"is_advance_settlement": True, "amount": -1_000_000, "state": "open",
              "bonus_before": 1_000_000, "bonus_after": 0}],
        )
        # one settlement per scorecard, whoever asks again
        self.assertFalse(self.env["kpi.scorecard.correction"]._create_advance_settlements(card))

    def test_cancelled_payslip_reopens_its_advance(self):
        plan = self._quarter_plan()
        self._add_manual_values(self.qpieces, {self.manager: 80}, day=date(2027, 1, 12))
        with freeze_time("2027-02-01 08:00"):
            advance = plan.generate_advances(date(2027, 1, 15))
        payslip = self._pay(date(2027, 1, 1), date(2027, 1, 31))
        self.assertEqual(advance.state, "paid")
        with self.assertRaisesRegex(UserError, "cannot go back"):
            payslip.action_payslip_draft()
        self.env["ir.config_parameter"].sudo().set_param("payroll.allow_cancel_payslips", True)
        payslip.action_payslip_cancel()
        self.assertRecordValues(advance, [{"state": "open", "payslip_id": False}])

    def test_yearly_bonus_paid_off_cycle(self):
        """A Tết bonus dated 2028-01-20 is paid by the January 2028 payslip, not by the
        December one that contains the year's end."""
        scale = self._create_payout_scale([(0, 50), (80, 100), (100, 120)])
        plan = self._create_plan(
            [(self.qpieces, 100, 1200)],
            employees=self.manager,
            activate=False,
            bonus_base=12_000_000,
            period_type="year",
            year_bonus_method="coefficient",
            year_coefficient_scale_id=scale.id,
            year_bonus_date=date(2028, 1, 20),
            name="Tết",
        )
        self._activate_acknowledged(plan)
        for month in range(1, 13):
            self._add_manual_values(self.qpieces, {self.manager: 100}, day=date(2027, month, 10))
        with freeze_time("2028-01-05 08:00"):
            card = plan.generate_scorecards(date(2027, 1, 1), date(2027, 12, 31))
            card.action_confirm()
        # 100 of 100 pieces every month: average score 100 → coefficient 1.2; 12 months:
        # 12,000,000 × 1.2 × 12 / 12 = 14,400,000
        self.assertRecordValues(
            card,
            [{"months_worked": 12, "year_average_score": 100, "year_coefficient": 1.2,
              "bonus_amount": 14_400_000, "pay_date": date(2028, 1, 20)}],
        )
        december = self._pay(date(2027, 12, 1), date(2027, 12, 31))
        self.assertEqual(self._total(december, "KPI_BONUS"), 0)
        january = self._pay(date(2028, 1, 1), date(2028, 1, 31))
        self.assertEqual(self._total(january, "KPI_BONUS"), 14_400_000)
        self.assertEqual(card.payslip_id, january)
