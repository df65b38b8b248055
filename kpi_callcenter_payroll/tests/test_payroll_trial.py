# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A trial plan's scorecards never reach a payslip.

Two plans for agent 1 in March 2027 (confirmed scorecards): "Paid" (bonus 500,000 ₫) and
"Trial" on trial until 31 March (bonus 1,000,000 ₫, computed but not payable).
"""

from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.kpi_callcenter.tests.common import KpiCommon


@tagged("post_install", "-at_install", "kpi_payroll")
class TestKpiPayrollTrial(KpiCommon):
    agent_count = 1

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pieces = cls._create_definition("PIECES", name="Pieces")
        cls.paid_plan = cls._create_plan([(cls.pieces, 100, 100)], bonus_base=500_000, name="Paid")
        cls.trial_plan = cls._create_plan(
            [(cls.pieces, 100, 100)], bonus_base=1_000_000, name="Trial", activate=False,
            trial_end_date=date(2027, 3, 31),
        )
        cls._activate_acknowledged(cls.trial_plan)
        cls._add_manual_values(cls.pieces, {cls.agent1: 100})
        cls.cards = cls._generate(cls.paid_plan | cls.trial_plan)
        cls.cards.action_confirm()
        cls.trial_card = cls.cards.filtered("is_trial")
        kpi_rule = cls.env.ref("kpi_callcenter_payroll.hr_salary_rule_kpi_bonus")
        cls.structure = cls.env["hr.payroll.structure"].create(
            {"name": "Trial test", "code": "TRIALT", "company_id": cls.company.id,
             "parent_id": False, "rule_ids": [Command.set(kpi_rule.ids)]}
        )
        cls.contract = cls.env["hr.contract"].create(
            {"name": "Contract", "employee_id": cls.agent1.id, "company_id": cls.company.id,
             "wage": 10_000_000, "date_start": date(2027, 1, 1), "state": "open",
             "struct_id": cls.structure.id, "resource_calendar_id": cls.calendar.id}
        )

    def _payslip(self):
        return self.env["hr.payslip"].create(
            {"name": "Payslip", "employee_id": self.agent1.id, "contract_id": self.contract.id,
             "struct_id": self.structure.id, "company_id": self.company.id,
             "date_from": self.date_from, "date_to": self.date_to}
        )

    def test_trial_scorecard_never_reaches_a_payslip(self):
        self.assertEqual(len(self.trial_card), 1)
        self.assertEqual(self.trial_card.bonus_amount, 1_000_000)
        self.assertEqual(self.trial_card.state, "confirmed")
        payslip = self._payslip()
        payslip.compute_sheet()
        kpi_line = payslip.line_ids.filtered(lambda line: line.code == "KPI_BONUS")
        self.assertEqual(kpi_line.total, 500_000, "only the paid plan's bonus")
        payslip.action_payslip_done()
        self.assertEqual(payslip.sudo().kpi_scorecard_ids, self.cards - self.trial_card)
        self.assertEqual(self.trial_card.state, "confirmed")
        self.assertFalse(self.trial_card.payslip_id)
        # a second payslip of the period does not pay it either
        second = self._payslip()
        second.compute_sheet()
        self.assertEqual(second.line_ids.filtered(lambda line: line.code == "KPI_BONUS").total, 0)
        # and it cannot be forced
        with self.assertRaisesRegex(UserError, "trial period"):
            self.trial_card.sudo()._mark_paid(second)
