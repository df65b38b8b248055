# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A leaver's final payslip carries the scorecard of the month they left.

Agent 1 left on Thu 10 Sep 2026 (contract ended, employee archived): Sep 1–10 has 8 of
the month's 22 Mon–Fri working days. Plan: PIECES (manual average, not prorated), target
100, weight 100, bonus base 1,100,000 ₫; 100 pieces → 100 %, bonus 1,100,000 × 8/22 =
400,000 ₫.
"""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.kpi_callcenter.tests.common import KpiCommon


@tagged("post_install", "-at_install", "kpi_payroll")
class TestKpiPayrollLeaver(KpiCommon):
    agent_count = 1

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_payroll = new_test_user(
            cls.env,
            "kpi_payroll_leaver",
            groups="base.group_user,payroll.group_payroll_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.pieces = cls._create_definition("PIECES", name="Pieces", unit="pieces")
        cls.plan = cls._create_plan([(cls.pieces, 100, 100)], bonus_base=1_100_000, name="Tailors")
        cls.kpi_rule = cls.env.ref("kpi_callcenter_payroll.hr_salary_rule_kpi_bonus")
        # the shipped rule's category under an allowance category of this company
        cls.kpi_rule.category_id.parent_id = (
            cls.env["hr.salary.rule.category"]
            .with_company(cls.company)
            .create({"name": "Allowance", "code": "ALW"})
        )
        cls.structure = cls.env["hr.payroll.structure"].create(
            {
                "name": "Leaver",
                "code": "LEAVER",
                "company_id": cls.company.id,
                "parent_id": False,
                "rule_ids": [Command.set(cls.kpi_rule.ids)],
            }
        )
        cls.contract = cls.env["hr.contract"].create(
            {
                "name": "Agent 1",
                "employee_id": cls.agent1.id,
                "company_id": cls.company.id,
                "wage": 10_000_000,
                "date_start": date(2025, 1, 1),
                "date_end": date(2026, 9, 10),
                "state": "close",
                "struct_id": cls.structure.id,
                "resource_calendar_id": cls.calendar.id,
            }
        )

    def test_final_payslip_pays_the_leavers_scorecard(self):
        self._add_manual_values(self.pieces, {self.agent1: 100}, day=date(2026, 9, 8))
        self.agent1.active = False
        card = self.plan.generate_scorecards(date(2026, 9, 1), date(2026, 9, 30))
        self.assertEqual(card.effective_date_to, date(2026, 9, 10))
        self.assertEqual(card.bonus_amount, 400_000)
        # the day after they leave, the month still running: the scorecard can be confirmed
        with freeze_time("2026-09-11 03:00:00"):
            card.action_confirm()
        self.assertEqual(card.state, "confirmed")
        payslip = (
            self.env["hr.payslip"]
            .with_user(self.user_payroll)
            .create(
                {
                    "name": "Final payslip",
                    "employee_id": self.agent1.id,
                    "contract_id": self.contract.id,
                    "struct_id": self.structure.id,
                    "company_id": self.company.id,
                    "date_from": date(2026, 9, 1),
                    "date_to": date(2026, 9, 10),
                }
            )
        )
        payslip.compute_sheet()
        bonus = payslip.line_ids.filtered(lambda line: line.code == "KPI_BONUS")
        self.assertEqual(bonus.total, 400_000)
        payslip.action_payslip_done()
        self.assertEqual((card.state, card.payslip_id), ("paid", payslip))
