# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the payroll bridge tests: real OCA Payroll payslips paying the KPI bonus.

March 2027 (VND): one KPI "PIECES" (manual, target 100, weight 100, no scale), bonus base
1,000,000 ₫, so an agent's bonus is 10,000 ₫ per piece: agent i makes 60 + 4 i pieces,
hence a bonus of 640,000 ₫ (agent 1), 680,000 ₫ (agent 2) … Every scorecard is confirmed.
The team manager has a contract but no plan and no scorecard. The salary structure: BASIC
(the wage, 10,000,000 ₫), the shipped KPI_BONUS rule (its category a child of ALW),
GROSS = BASIC + ALW, and two custom rules reading ``payroll.kpi`` (score and the PIECES
achievement). ``user_payroll`` is a Payroll Manager.
"""

from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.kpi_callcenter.tests.common import KpiCommon

WAGE = 10_000_000


class KpiPayrollCommon(KpiCommon):
    agent_count = 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_payroll = new_test_user(
            cls.env,
            "kpi_payroll_manager",
            groups="base.group_user,payroll.group_payroll_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.pieces = cls._create_definition("PIECES", name="Pieces", unit="pieces")
        cls.plan = cls._create_plan(
            [(cls.pieces, 100, 100)], bonus_base=1_000_000, name="Tailors"
        )
        cls._add_manual_values(
            cls.pieces, {agent: 60 + 4 * index for index, agent in enumerate(cls.agents, start=1)}
        )
        cls.scorecards = cls._generate(cls.plan)
        cls.scorecards.action_confirm()
        cls.card1 = cls._card(cls.agent1)
        cls._setup_structure()
        cls.contracts = cls.env["hr.contract"].create(
            [
                {
                    "name": f"Contract {employee.name}",
                    "employee_id": employee.id,
                    "company_id": cls.company.id,
                    "wage": WAGE,
                    "date_start": date(2027, 1, 1),
                    "state": "open",
                    "struct_id": cls.structure.id,
                    "resource_calendar_id": cls.calendar.id,
                }
                for employee in cls.agents | cls.manager
            ]
        )

    @classmethod
    def _setup_structure(cls):
        Category = cls.env["hr.salary.rule.category"].with_company(cls.company)
        Rule = cls.env["hr.salary.rule"].with_company(cls.company)
        basic = Category.create({"name": "Basic", "code": "BASIC"})
        allowance = Category.create({"name": "Allowance", "code": "ALW"})
        gross = Category.create({"name": "Gross", "code": "GROSS"})
        cls.kpi_rule = cls.env.ref("kpi_callcenter_payroll.hr_salary_rule_kpi_bonus")
        cls.kpi_rule.category_id.parent_id = allowance
        code_rule = {"condition_select": "none", "amount_select": "code"}
        rules = Rule.create(
            [
                {"name": "Basic", "code": "BASIC", "sequence": 1, "category_id": basic.id,
                 "amount_python_compute": "result = contract.wage", **code_rule},
                {"name": "Gross", "code": "GROSS", "sequence": 100, "category_id": gross.id,
                 "amount_python_compute": "result = categories.BASIC + categories.ALW", **code_rule},
                {"name": "KPI score", "code": "KPI_SCORE", "sequence": 110,
                 "amount_python_compute": "result = payroll.kpi.score", **code_rule},
                {"name": "Pieces achievement", "code": "KPI_PIECES", "sequence": 111,
                 "amount_python_compute": "result = payroll.kpi.achievement.PIECES", **code_rule},
            ]
        )
        cls.structure = cls.env["hr.payroll.structure"].create(
            {
                "name": "Tailor",
                "code": "TAILOR",
                "company_id": cls.company.id,
                "parent_id": False,
                "rule_ids": [Command.set((rules | cls.kpi_rule).ids)],
            }
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @classmethod
    def _card(cls, employee):
        return cls.scorecards.filtered(lambda card: card.employee_id == employee)

    def _payslip(self, employee, date_from=None, date_to=None):
        contract = self.contracts.filtered(lambda c: c.employee_id == employee)
        return (
            self.env["hr.payslip"]
            .with_user(self.user_payroll)
            .create(
                {
                    "name": f"Payslip {employee.name}",
                    "employee_id": employee.id,
                    "contract_id": contract.id,
                    "struct_id": self.structure.id,
                    "company_id": self.company.id,
                    "date_from": date_from or self.date_from,
                    "date_to": date_to or self.date_to,
                }
            )
        )

    @staticmethod
    def _total(payslip, code):
        return payslip.line_ids.filtered(lambda line: line.code == code).total

    def _assert_unpaid(self, card):
        self.assertEqual(card.state, "confirmed")
        self.assertFalse(card.payslip_id)
