# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The KPI bonus paid through real OCA Payroll payslips (fixture: :mod:`.common`, with
20 agents: agent 20 makes 140 pieces, a bonus of 1,400,000 ₫)."""

from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.hr_payslip import HrPayslip
from .common import WAGE, KpiPayrollCommon


@tagged("post_install", "-at_install", "kpi_payroll")
class TestKpiPayroll(KpiPayrollCommon):
    agent_count = 20

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_payslip_pays_the_confirmed_scorecard(self):
        payslip = self._payslip(self.agent1)
        payslip.compute_sheet()
        self.assertEqual(self.card1.bonus_amount, 640_000)
        self.assertEqual(self._total(payslip, "KPI_BONUS"), 640_000)
        self.assertEqual(self._total(payslip, "GROSS"), WAGE + 640_000, "the bonus is part of gross")
        kpi_input = payslip.input_line_ids.filtered(lambda line: line.code == "KPI_BONUS")
        self.assertEqual(kpi_input.amount, 640_000)
        self._assert_unpaid(self.card1)  # computed, not paid yet

        payslip.action_payslip_done()
        self.assertEqual(payslip.state, "done")
        self.assertEqual(self.card1.state, "paid")
        self.assertEqual(self.card1.payslip_id, payslip)
        self.assertEqual(payslip.sudo().kpi_scorecard_ids, self.card1)
        with self.assertRaisesRegex(AccessError, "Agent 1"):
            self.card1.with_user(self.user_hr_manager).write({"score": 1.0})
        with self.assertRaises(UserError):
            self.card1.with_user(self.user_hr_manager).action_reset_to_draft()
        # the other agents' scorecards are untouched
        self.assertEqual(set((self.scorecards - self.card1).mapped("state")), {"confirmed"})

    def test_statement_names_the_payslip(self):
        """The statement of a paid scorecard names its payslip (number, period) and the
        KPI_BONUS line, whose amount equals the scorecard's bonus to the đồng."""
        self.assertIsNone(self.card1._get_statement_payslip())
        payslip = self._payslip(self.agent1)
        payslip.compute_sheet()
        payslip.action_payslip_done()
        # the payslip's number, or its name when the payroll numbers no payslip
        reference = payslip.number or payslip.name
        paid_by = self.card1.with_user(self.user_officer)._get_statement_payslip()
        # 64 pieces / 100 → 64 % × 1,000,000 = 640,000 VND, the KPI_BONUS line
        self.assertEqual(paid_by["number"], reference)
        self.assertEqual((paid_by["date_from"], paid_by["date_to"]), (self.date_from, self.date_to))
        self.assertEqual(paid_by["line_code"], "KPI_BONUS")
        self.assertEqual(self.vnd.compare_amounts(paid_by["line_amount"], self.card1.bonus_amount), 0)
        self.assertEqual(paid_by["line_amount"], 640_000)
        self.assertEqual(paid_by["scorecard_count"], 1)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "kpi_callcenter.kpi_scorecard_report_statement", self.card1.ids
        )[0].decode()
        self.assertIn("o_kpi_statement_payslip", html)
        self.assertIn(reference, html)
        self.assertIn("640,000", html.split("o_kpi_payslip_amount", 1)[1][:200])
        # the payslip lists the scorecard it paid
        self.assertEqual(payslip.sudo().kpi_scorecard_ids, self.card1)

    def test_refetch_payslip_data_fills_the_input(self):
        """As with the form's "Refetch Payslip Data" button: the inputs are filled from the
        structure, the KPI bonus already in."""
        payslip = self._payslip(self.agent2)
        payslip.onchange_employee()
        kpi_input = payslip.input_line_ids.filtered(lambda line: line.code == "KPI_BONUS")
        self.assertEqual(len(kpi_input), 1)
        self.assertEqual(kpi_input.amount, 680_000)
        payslip.compute_sheet()
        self.assertEqual(payslip.input_line_ids.filtered(lambda line: line.code == "KPI_BONUS"), kpi_input)
        self.assertEqual(self._total(payslip, "KPI_BONUS"), 680_000)

    def test_second_payslip_of_the_period_gets_nothing(self):
        first = self._payslip(self.agent1)
        first.action_payslip_done()
        self.assertEqual(self._total(first, "KPI_BONUS"), 640_000)
        second = self._payslip(self.agent1)
        second.compute_sheet()
        self.assertEqual(self._total(second, "KPI_BONUS"), 0)
        second.action_payslip_done()
        self.assertEqual(self.card1.payslip_id, first, "never paid twice")

    def test_stale_payslip_cannot_pay_again(self):
        """Two payslips computed before either is confirmed, without recomputing on
        confirmation: the second one is refused, not paid twice."""
        self.env["ir.config_parameter"].sudo().set_param("payroll.prevent_compute_on_confirm", True)
        first, second = self._payslip(self.agent1), self._payslip(self.agent1)
        (first | second).compute_sheet()
        self.assertEqual(self._total(second, "KPI_BONUS"), 640_000)
        first.action_payslip_done()
        with self.assertRaisesRegex(UserError, r"Payslip .*Agent 1.*KPI_BONUS input \(640000.0\)"):
            second.action_payslip_done()
        self.assertEqual(self.card1.payslip_id, first)

    def test_cancel_restores(self):
        self.env["ir.config_parameter"].sudo().set_param("payroll.allow_cancel_payslips", True)
        payslip = self._payslip(self.agent1)
        payslip.action_payslip_done()
        self.assertEqual(self.card1.state, "paid")
        payslip.action_payslip_cancel()
        self.assertEqual(payslip.state, "cancel")
        self._assert_unpaid(self.card1)
        again = self._payslip(self.agent1)
        again.action_payslip_done()
        self.assertEqual(self._total(again, "KPI_BONUS"), 640_000)
        self.assertEqual(self.card1.payslip_id, again)

    def test_refund_leaves_the_scorecard_paid(self):
        payslip = self._payslip(self.agent1)
        payslip.action_payslip_done()
        payslip.refund_sheet()
        refund = payslip.refunded_id
        self.assertTrue(refund.credit_note)
        self.assertEqual(refund.state, "done")
        self.assertEqual(self.card1.payslip_id, payslip)

    def test_only_confirmed_scorecards_of_the_period(self):
        agent3_card = self._card(self.agents[2])
        agent3_card.with_user(self.user_hr_manager).action_reset_to_draft()
        # a second, confirmed scorecard of agent 4 in March (another plan) adds up
        csat = self._create_definition("CSAT")
        plan2 = self._create_plan([(csat, 100, 100)], employees=self.agents[3], bonus_base=200_000)
        self._add_manual_values(csat, {self.agents[3]: 50})
        self._generate(plan2).action_confirm()
        # a confirmed February scorecard of agent 5 is not March's
        self._add_manual_values(self.pieces, {self.agents[4]: 100}, day=date(2027, 2, 10))
        self._generate(self.plan, date(2027, 2, 1), date(2027, 2, 28)).action_confirm()

        slips = {index: self._payslip(self.agents[index]) for index in (2, 3, 4)}
        for slip in slips.values():
            slip.compute_sheet()
        self.assertEqual(self._total(slips[2], "KPI_BONUS"), 0)  # agent 3: back to draft
        self.assertEqual(self._total(slips[3], "KPI_BONUS"), 760_000 + 100_000)  # 76 pieces + CSAT 50 %
        self.assertEqual(self._total(slips[4], "KPI_BONUS"), 800_000)  # March only
        # a February payslip pays February's
        february = self._payslip(self.agents[4], date(2027, 2, 1), date(2027, 2, 28))
        february.compute_sheet()
        self.assertEqual(self._total(february, "KPI_BONUS"), 1_000_000)

    def test_employee_without_plan_gets_zero(self):
        payslip = self._payslip(self.manager)
        payslip.action_payslip_done()
        self.assertEqual(payslip.state, "done")
        line = payslip.line_ids.filtered(lambda line: line.code == "KPI_BONUS")
        self.assertEqual(len(line), 1)
        self.assertEqual(line.total, 0)
        self.assertEqual(self._total(payslip, "GROSS"), WAGE)
        self.assertEqual(self._total(payslip, "KPI_SCORE"), 0)

    def test_payroll_dictionary(self):
        payslip = self._payslip(self.agent1)
        payslip.compute_sheet()
        self.assertAlmostEqual(self._total(payslip, "KPI_SCORE"), 64.0)
        self.assertAlmostEqual(self._total(payslip, "KPI_PIECES"), 64.0)
        values = payslip._get_kpi_payroll_dict(self.card1)
        self.assertEqual((values.count, values.bonus, values.score), (1, 640_000, 64))
        self.assertEqual(values.actual.PIECES, 64)
        self.assertEqual(values.payout.PIECES, 64)
        self.assertEqual(values.line_bonus.PIECES, 640_000)
        self.assertEqual(values.achievement.UNKNOWN, 0.0)

    def test_batch_of_twenty(self):
        """A payslip batch pays each agent their own bonus; the scorecards of the whole
        batch are found with one search."""
        run = self.env["hr.payslip.run"].with_user(self.user_payroll).create(
            {
                "name": "March 2027",
                "date_start": self.date_from,
                "date_end": self.date_to,
                "company_id": self.company.id,
                "struct_id": self.structure.id,
            }
        )
        wizard = (
            self.env["hr.payslip.employees"]
            .with_user(self.user_payroll)
            .create({"employee_ids": [Command.set(self.agents.ids)]})
        )
        searches = []
        original = HrPayslip._search_kpi_scorecards_to_pay

        def counting_search(payslip_model, *args, **kwargs):
            searches.append(args)
            return original(payslip_model, *args, **kwargs)

        with patch.object(HrPayslip, "_search_kpi_scorecards_to_pay", counting_search):
            wizard.with_context(active_id=run.id).compute_sheet()
        self.assertEqual(len(searches), 1, "one search for the 20 payslips")
        self.assertEqual(len(run.slip_ids), 20)
        for index, agent in enumerate(self.agents, start=1):
            slip = run.slip_ids.filtered(lambda s, agent=agent: s.employee_id == agent)
            self.assertEqual(self._total(slip, "KPI_BONUS"), (60 + 4 * index) * 10_000, agent.name)

        # Confirm them all as from the payslip list ("Change state" on the selection).
        self.env["hr.payslip.change.state"].with_user(self.user_payroll).with_context(
            active_ids=run.slip_ids.ids
        ).create({"state": "done"}).change_state_confirm()
        self.assertEqual(set(run.slip_ids.mapped("state")), {"done"})
        for agent in self.agents:
            card = self._card(agent)
            self.assertEqual(card.state, "paid", agent.name)
            self.assertEqual(card.payslip_id.employee_id, agent)
            self.assertEqual(card.payslip_id.payslip_run_id, run)
        self.assertEqual(sum(run.slip_ids.mapped(lambda s: self._total(s, "KPI_BONUS"))), 20_400_000)
