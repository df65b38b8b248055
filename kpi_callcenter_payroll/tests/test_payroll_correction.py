# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Corrections after payment paid through real payslips (``KPI_BONUS_ADJ``).

VND. One KPI "PIECES" (manual, target 100, weight 100, no scale), bonus base 2,000,000 ₫:
20,000 ₫ a piece. March 2027: agent 1 made 40 pieces (800,000 ₫), agent 2 90
(1,800,000 ₫); both scorecards are paid by the March payslips. April: agent 2 makes 10
pieces (200,000 ₫), agent 1 none (0 ₫).

Salary structure: BASIC (the wage), KPI_BONUS and KPI_BONUS_ADJ (category KPI),
GROSS = BASIC + KPI, INS = -10.5 % of BASIC (the employee's BHXH 8 % + BHYT 1.5 % + BHTN
1 %, on the wage only: the KPI amounts are outside the insurance base), NET = GROSS + INS.
Agent 1 earns 10,000,000 ₫; agent 2 works part-time for 2,000,000 ₫, so 30 % of their
net wage caps a clawback: net before the clawback 2,000,000 - 210,000 = 1,790,000 ₫,
cap 537,000 ₫.

The corrections, made in April by a KPI Manager: agent 1's March was 100 pieces, not 40
(+1,200,000 ₫); agent 2's was 50, not 90 (1,000,000 - 1,800,000 = -800,000 ₫).
"""

from datetime import date

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.kpi_callcenter.tests.common import KpiCommon
from odoo.addons.kpi_callcenter.tests.common_rpc import RpcMixin

APRIL = (date(2027, 4, 1), date(2027, 4, 30))
MAY = (date(2027, 5, 1), date(2027, 5, 31))


class KpiCorrectionPayrollCommon(KpiCommon):
    agent_count = 2

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_payroll = new_test_user(
            cls.env,
            "kpi_payroll_correction",
            groups="base.group_user,payroll.group_payroll_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.pieces = cls._create_definition("PIECES", name="Pieces", unit="pieces")
        cls.plan = cls._create_plan([(cls.pieces, 100, 100)], bonus_base=2_000_000, name="Tailors")
        cls._add_manual_values(cls.pieces, {cls.agent1: 40, cls.agent2: 90})
        cls._add_manual_values(cls.pieces, {cls.agent2: 10}, day=date(2027, 4, 12))
        cls._setup_structure()
        cls.contracts = {
            employee: cls.env["hr.contract"].create(
                {
                    "name": f"Contract {employee.name}",
                    "employee_id": employee.id,
                    "company_id": cls.company.id,
                    "wage": wage,
                    "date_start": date(2027, 1, 1),
                    "state": "open",
                    "struct_id": cls.structure.id,
                    "resource_calendar_id": cls.calendar.id,
                }
            )
            for employee, wage in ((cls.agent1, 10_000_000), (cls.agent2, 2_000_000))
        }
        cards = cls._generate(cls.plan)
        cards.action_confirm()
        cls.card1 = cards.filtered(lambda card: card.employee_id == cls.agent1)
        cls.card2 = cards.filtered(lambda card: card.employee_id == cls.agent2)
        cls.march = cls._payslip(cls.agent1) | cls._payslip(cls.agent2)
        for payslip in cls.march:
            payslip.action_payslip_done()
        april_cards = cls._generate(cls.plan, *APRIL)
        april_cards.action_confirm()

    @classmethod
    def _setup_structure(cls):
        Category = cls.env["hr.salary.rule.category"].with_company(cls.company)
        Rule = cls.env["hr.salary.rule"].with_company(cls.company)
        basic, deduction, gross, net = Category.create(
            [
                {"name": "Basic", "code": "BASIC"},
                {"name": "Deduction", "code": "DED"},
                {"name": "Gross", "code": "GROSS"},
                {"name": "Net", "code": "NET"},
            ]
        )
        code_rule = {"condition_select": "none", "amount_select": "code"}
        rules = Rule.create(
            [
                {"name": "Basic", "code": "BASIC", "sequence": 1, "category_id": basic.id,
                 "amount_python_compute": "result = contract.wage", **code_rule},
                {"name": "Gross", "code": "GROSS", "sequence": 100, "category_id": gross.id,
                 "amount_python_compute": "result = categories.BASIC + categories.KPI", **code_rule},
                {"name": "Insurance", "code": "INS", "sequence": 120, "category_id": deduction.id,
                 "amount_python_compute": "result = -round(categories.BASIC * 0.105)", **code_rule},
                {"name": "Net", "code": "NET", "sequence": 200, "category_id": net.id,
                 "amount_python_compute": "result = categories.GROSS + categories.DED", **code_rule},
            ]
        )
        kpi_rules = cls.env.ref("kpi_callcenter_payroll.hr_salary_rule_kpi_bonus") | cls.env.ref(
            "kpi_callcenter_payroll.hr_salary_rule_kpi_bonus_adj"
        )
        cls.structure = cls.env["hr.payroll.structure"].create(
            {
                "name": "Agent",
                "code": "AGENT_ADJ",
                "company_id": cls.company.id,
                "parent_id": False,
                "rule_ids": [Command.set((rules | kpi_rules).ids)],
            }
        )

    @classmethod
    def _payslip(cls, employee, period=None):
        date_from, date_to = period or (cls.date_from, cls.date_to)
        return (
            cls.env["hr.payslip"]
            .with_user(cls.user_payroll)
            .create(
                {
                    "name": f"Payslip {employee.name} {date_from}",
                    "employee_id": employee.id,
                    "contract_id": cls.contracts[employee].id,
                    "struct_id": cls.structure.id,
                    "company_id": cls.company.id,
                    "date_from": date_from,
                    "date_to": date_to,
                }
            )
        )

    @classmethod
    def _correct(cls):
        as_manager = cls.env["kpi.scorecard"].with_user(cls.user_hr_manager)
        raise_ = as_manager.browse(cls.card1.id).correct({"PIECES": {"actual": 100}}, "60 pieces missing from the import")
        clawback = as_manager.browse(cls.card2.id).correct({"PIECES": {"actual": 50}}, "40 pieces counted twice")
        return raise_, clawback

    @staticmethod
    def _line(payslip, code):
        return payslip.line_ids.filtered(lambda line: line.code == code)

    def _total(self, payslip, code):
        return self._line(payslip, code).total

    def _assert_statements_add_up(self, payslip):
        """Every amount a payslip pays equals the sum of the statements it covers:
        KPI_BONUS + KPI_BONUS_ADJ = its scorecards' bonus + what it pays of corrections."""
        payslip_sudo = payslip.sudo()
        covered = sum(payslip_sudo.kpi_scorecard_ids.mapped("bonus_amount")) + sum(
            payslip_sudo.kpi_correction_payment_ids.mapped("amount")
        )
        self.assertEqual(self._total(payslip, "KPI_BONUS") + self._total(payslip, "KPI_BONUS_ADJ"), covered)


@tagged("post_install", "-at_install", "kpi_payroll", "kpi_correction")
class TestPayrollCorrection(KpiCorrectionPayrollCommon):
    def test_fixture(self):
        self.assertEqual((self.card1.state, self.card1.bonus_amount), ("paid", 800_000))
        self.assertEqual((self.card2.state, self.card2.bonus_amount), ("paid", 1_800_000))
        for payslip in self.march:
            self._assert_statements_add_up(payslip)
            self.assertEqual(self._total(payslip, "KPI_BONUS_ADJ"), 0)

    def test_correction_and_clawback_across_two_payslips(self):
        """+1,200,000 ₫ paid in full in April; -800,000 ₫ (acknowledged): in April 200,000
        offset against the KPI bonus + 537,000 from wages (the cap) = 737,000, and the
        remaining 63,000 in May."""
        raise_, clawback = self._correct()
        self.assertEqual((raise_.amount, clawback.amount), (1_200_000, -800_000))
        clawback.with_user(self.agent_users[1]).action_acknowledge()

        april = self._payslip(self.agent1, APRIL) | self._payslip(self.agent2, APRIL)
        april.compute_sheet()
        april1, april2 = april
        # agent 1: 10,000,000 + 0 + 1,200,000 = 11,200,000 gross; - 1,050,000 = 10,150,000 net
        self.assertEqual(self._total(april1, "KPI_BONUS_ADJ"), 1_200_000)
        self.assertEqual(self._total(april1, "NET"), 10_150_000)
        # agent 2: net before the wage part 2,000,000 + 200,000 - 200,000 - 210,000 =
        # 1,790,000; 30 % = 537,000; ADJ = -(200,000 + 537,000) = -737,000;
        # net 2,000,000 + 200,000 - 737,000 - 210,000 = 1,253,000
        self.assertEqual(self._total(april2, "KPI_BONUS"), 200_000)
        self.assertEqual(self._total(april2, "KPI_BONUS_ADJ"), -737_000)
        self.assertEqual(self._total(april2, "INS"), -210_000, "the correction is outside the insurance base")
        self.assertEqual(self._total(april2, "NET"), 1_253_000)
        self.assertIn("40 pieces counted twice", self._line(april2, "KPI_BONUS_ADJ").name)
        self.assertEqual(clawback.state, "open", "computed, not paid yet")
        # done payslips are computed again: the same figures
        for payslip in april:
            payslip.action_payslip_done()
        self.assertEqual((raise_.state, raise_.amount_paid, raise_.payslip_id), ("paid", 1_200_000, april1))
        self.assertEqual(
            (clawback.state, clawback.amount_paid, clawback.amount_residual), ("open", -737_000, -63_000)
        )
        payment = clawback.payment_ids
        self.assertEqual((payment.from_kpi, payment.from_wage, payment.amount), (200_000, 537_000, -737_000))
        self.assertIn("537,000", "".join(clawback.message_ids.mapped("body")))
        for payslip in april:
            self._assert_statements_add_up(payslip)

        may = self._payslip(self.agent2, MAY)
        may.action_payslip_done()
        # no KPI bonus in May; cap 537,000 again; -63,000 from wages; net 1,790,000 - 63,000
        self.assertEqual(self._total(may, "KPI_BONUS_ADJ"), -63_000)
        self.assertEqual(self._total(may, "NET"), 1_727_000)
        self.assertEqual((clawback.state, clawback.amount_paid, clawback.payslip_id), ("paid", -800_000, may))
        self._assert_statements_add_up(may)
        # the paid scorecards never changed
        self.assertEqual((self.card1.bonus_amount, self.card2.bonus_amount), (800_000, 1_800_000))
        # the statement shows both payslips next to the paid figures
        html = self.env["ir.actions.report"]._render_qweb_html(
            "kpi_callcenter.report_kpi_scorecard_statement", self.card2.ids
        )[0].decode()
        table = html.split("o_kpi_corrections_table", 1)[1]
        self.assertEqual(table.count("o_kpi_correction_payslip"), 2)
        self.assertIn("537,000", table)
        self.assertIn("63,000", table)

    def test_without_acknowledgement_only_the_kpi_amounts_offset(self):
        """Not acknowledged: April offsets 200,000 against the KPI bonus; nothing comes
        from wages; May (no KPI bonus) takes nothing; the leaver's 600,000 is written off."""
        _raise, clawback = self._correct()
        april = self._payslip(self.agent2, APRIL)
        april.action_payslip_done()
        self.assertEqual(self._total(april, "KPI_BONUS_ADJ"), -200_000)
        self.assertEqual(self._total(april, "NET"), 2_000_000 + 200_000 - 200_000 - 210_000)
        self.assertEqual((clawback.amount_residual, clawback.state), (-600_000, "open"))
        may = self._payslip(self.agent2, MAY)
        may.action_payslip_done()
        self.assertEqual(self._total(may, "KPI_BONUS_ADJ"), 0)
        self.assertEqual(clawback.amount_residual, -600_000)
        # the agent leaves: HR writes the remainder off, with the reason
        as_manager = clawback.with_user(self.user_hr_manager)
        as_manager.write_off_reason = "Left on 31/05; not worth collecting."
        as_manager.action_write_off()
        self.assertEqual((clawback.state, clawback.amount_written_off, clawback.amount_residual), ("written_off", -600_000, 0))
        june = self._payslip(self.agent2, (date(2027, 6, 1), date(2027, 6, 30)))
        june.compute_sheet()
        self.assertEqual(self._total(june, "KPI_BONUS_ADJ"), 0)

    def test_done_payslip_stays_final(self):
        self.env["ir.config_parameter"].sudo().set_param("payroll.allow_cancel_payslips", True)
        _raise, clawback = self._correct()
        clawback.with_user(self.agent_users[1]).action_acknowledge()
        april = self._payslip(self.agent2, APRIL)
        april.action_payslip_done()
        with self.assertRaisesRegex(UserError, "paid KPI corrections .*cannot go back"):
            april.action_payslip_draft()
        with self.assertRaisesRegex(UserError, "cannot go back"):
            april.compute_sheet()
        self.assertEqual((april.state, self._total(april, "KPI_BONUS_ADJ")), ("done", -737_000))
        self.assertEqual(clawback.amount_paid, -737_000)
        # cancelling is the way back: the correction owes everything again, logged
        april.action_payslip_cancel()
        self.assertEqual((clawback.state, clawback.amount_paid, clawback.amount_residual), ("open", 0, -800_000))
        self.assertIn("was cancelled", "".join(clawback.message_ids.mapped("body")))
        again = self._payslip(self.agent2, APRIL)
        again.action_payslip_done()
        self.assertEqual(self._total(again, "KPI_BONUS_ADJ"), -737_000)
        self._assert_statements_add_up(again)

    def test_stale_payslip_cannot_pay_a_correction_twice(self):
        self.env["ir.config_parameter"].sudo().set_param("payroll.prevent_compute_on_confirm", True)
        raise_, _clawback = self._correct()
        first, second = self._payslip(self.agent1, APRIL), self._payslip(self.agent1, APRIL)
        (first | second).compute_sheet()
        self.assertEqual(self._total(second, "KPI_BONUS_ADJ"), 1_200_000)
        first.action_payslip_done()
        with self.assertRaisesRegex(UserError, r"KPI_BONUS_ADJ input \(1200000.0\) no longer matches"):
            second.action_payslip_done()
        self.assertEqual((raise_.amount_paid, raise_.payslip_id), (1_200_000, first))

    def test_company_cap_setting(self):
        """At 10 %: cap 179,000 (10 % of 1,790,000); April takes 200,000 + 179,000."""
        self.company.kpi_correction_wage_share = 10
        _raise, clawback = self._correct()
        clawback.with_user(self.agent_users[1]).action_acknowledge()
        april = self._payslip(self.agent2, APRIL)
        april.compute_sheet()
        self.assertEqual(self._total(april, "KPI_BONUS_ADJ"), -379_000)
        with self.assertRaisesRegex(ValidationError, "not a percentage"):
            self.company.kpi_correction_wage_share = 130


@tagged("post_install", "-at_install", "access_rights", "kpi_rpc_attack", "kpi_correction")
class TestRpcAttackCorrection(RpcMixin, HttpCase, KpiCorrectionPayrollCommon):
    """Over JSON-RPC: only a KPI Manager corrects, nobody marks a correction paid, nobody
    acknowledges for someone else, a done payslip that paid corrections stays final."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.raise_, cls.clawback = cls._correct()

    def test_non_manager_cannot_correct(self):
        self._rpc_login("kpi_officer")
        with self.assertRpcRefused("Only a KPI Manager"):
            self._call_kw("kpi.scorecard", "correct", self.card1.ids, {"PIECES": {"actual": 150}}, "more")
        with self.assertRpcRefused():
            self._call_kw(
                "kpi.scorecard.correction",
                "create",
                {"scorecard_id": self.card1.id, "reason": "x", "line_ids": [
                    [0, 0, {"scorecard_line_id": self.card1.line_ids.id, "field": "actual", "new_value": 150}]]},
                context={"kpi_scorecard_unlock": True},
            )
        with self.assertRpcRefused():
            self._call_kw("kpi.scorecard.correction", "write", self.raise_.ids, {"amount": 5_000_000})
        self.assertEqual(self.card1.correction_ids, self.raise_)

    def test_nobody_marks_a_correction_paid(self):
        for login in ("kpi_hr_manager", "kpi_payroll_correction"):
            self._rpc_login(login)
            for vals in ({"state": "paid"}, {"amount_paid": 1_200_000}, {"payslip_id": self.march[:1].id},
                         {"amount": 0}, {"acknowledged_by_id": self.agent_users[1].id}):
                with self.assertRpcRefused():
                    self._call_kw("kpi.scorecard.correction", "write", self.raise_.ids, vals)
            with self.assertRpcRefused("Private methods"):
                self._call_kw("kpi.scorecard.correction", "_apply_paid", self.raise_.ids, {})
            with self.assertRpcRefused("Private methods"):
                self._call_kw("kpi.scorecard.correction", "_write_workflow", self.raise_.ids, {"state": "paid"})
        with self.assertRpcRefused():
            self._call_kw("hr.payslip.kpi.correction", "create",
                          {"payslip_id": self.march[:1].id, "correction_id": self.raise_.id, "amount": 1_200_000})
        self.env.invalidate_all()
        self.assertEqual((self.raise_.state, self.raise_.amount_paid, self.raise_.amount), ("open", 0, 1_200_000))

    def test_nobody_acknowledges_for_someone_else(self):
        for login in ("kpi_hr_manager", "kpi_agent1"):
            self._rpc_login(login)
            with self.assertRpcRefused():
                self._call_kw("kpi.scorecard.correction", "action_acknowledge", self.clawback.ids)
        self.env.invalidate_all()
        self.assertFalse(self.clawback.acknowledged_by_id)
        self._rpc_login("kpi_agent2")
        self._call_kw("kpi.scorecard.correction", "action_acknowledge", self.clawback.ids)
        self.env.invalidate_all()
        self.assertEqual(self.clawback.acknowledged_by_id, self.agent_users[1])

    def test_done_payslip_that_paid_corrections_stays_final(self):
        april = self._payslip(self.agent1, APRIL)
        april.action_payslip_done()
        self._rpc_login("kpi_payroll_correction")
        for method, args in (("action_payslip_draft", ()), ("write", ({"state": "draft"},)), ("compute_sheet", ())):
            with self.assertRpcRefused("cannot go back"):
                self._call_kw("hr.payslip", method, april.ids, *args)
        self.env.invalidate_all()
        self.assertEqual((april.state, self.raise_.state, self.raise_.payslip_id), ("done", "paid", april))
