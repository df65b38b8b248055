# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo salary structure pays the KPI bonus the Vietnamese way.

The bonus (category KPI, on its own) is part of the gross and of the taxable income, and
outside the social insurance base: BHXH 8 %, BHYT 1.5 % and BHTN 1 % (employee shares) are
computed on the contract wage only. Agent 1's demo contract pays 8,000,000 ₫.
"""

from odoo.tests import TransactionCase, tagged

WAGE = 8_000_000


@tagged("post_install", "-at_install", "kpi_payroll")
class TestKpiPayrollDemo(TransactionCase):
    def test_bonus_outside_the_insurance_base(self):
        agent = self.env.ref("kpi_callcenter.employee_agent1_demo")
        contract = self.env.ref("kpi_callcenter_payroll.contract_agent1_demo")
        card = self.env["kpi.scorecard"].search(
            [("employee_id", "=", agent.id), ("state", "=", "confirmed"), ("bonus_amount", ">", 0)],
            order="date_from desc",
            limit=1,
        )
        self.assertTrue(card, "the demo confirms two months of scorecards with a bonus")
        payslip = self.env["hr.payslip"].create(
            {
                "name": "Demo payslip",
                "employee_id": agent.id,
                "contract_id": contract.id,
                "struct_id": contract.struct_id.id,
                "company_id": contract.company_id.id,
                "date_from": card.date_from,
                "date_to": card.date_to,
            }
        )
        payslip.compute_sheet()
        totals = {line.code: line.total for line in payslip.line_ids}
        bonus = card.bonus_amount
        self.assertEqual(totals["KPI_BONUS"], bonus)
        self.assertEqual(totals["GROSS"], WAGE + bonus, "the bonus is part of the gross")
        self.assertEqual(totals["TAXABLE"], WAGE + bonus, "and of the taxable income")
        self.assertEqual(totals["INS_BASE"], WAGE, "but not of the insurance base")
        self.assertEqual(totals["BHXH"], -640_000)  # 8 % of 8,000,000
        self.assertEqual(totals["BHYT"], -120_000)  # 1.5 % of 8,000,000
        self.assertEqual(totals["BHTN"], -80_000)  # 1 % of 8,000,000
        # 640,000 + 120,000 + 80,000 = 840,000 withheld, whatever the bonus
        self.assertEqual(totals["NET"], WAGE + bonus - 840_000)
