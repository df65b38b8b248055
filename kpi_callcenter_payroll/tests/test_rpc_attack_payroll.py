# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payslip side of the RPC attack suite (``kpi_callcenter/tests/test_rpc_attack.py``
has the scorecard side): over JSON-RPC, nobody makes a paid scorecard payable again
without cancelling its payslip.

Fixture: :mod:`.common` with 2 agents; agent 1's March scorecard (bonus 640,000 ₫ =
64 pieces × 10,000 ₫) is paid by a done payslip. ``kpi_officer`` has no payroll rights;
``kpi_payroll_manager`` is a Payroll Manager; ``kpi_payroll_officer`` both.
"""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.kpi_callcenter.tests.common_rpc import RpcMixin

from .common import KpiPayrollCommon


@tagged("post_install", "-at_install", "access_rights", "kpi_rpc_attack")
class TestRpcAttackPayroll(RpcMixin, HttpCase, KpiPayrollCommon):
    agent_count = 2

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env,
            "kpi_payroll_officer",
            groups="base.group_user,payroll.group_payroll_manager,kpi_callcenter.group_kpi_officer",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.payslip = cls.env["hr.payslip"].create(
            {
                "name": "March",
                "employee_id": cls.agent1.id,
                "contract_id": cls.contracts.filtered(lambda c: c.employee_id == cls.agent1).id,
                "struct_id": cls.structure.id,
                "company_id": cls.company.id,
                "date_from": cls.date_from,
                "date_to": cls.date_to,
            }
        )
        cls.payslip.action_payslip_done()

    def _assert_still_paid(self):
        self.env.invalidate_all()
        self.assertEqual(self.payslip.state, "done")
        self.assertEqual((self.card1.state, self.card1.payslip_id), ("paid", self.payslip))
        self.assertEqual(self.card1.bonus_amount, 640_000)

    def test_setup(self):
        self._assert_still_paid()

    def test_officer_cannot_unpay(self):
        self._rpc_login("kpi_officer")
        for vals in ({"state": "confirmed"}, {"payslip_id": False}, {"state": "confirmed", "payslip_id": False}):
            with self.assertRpcRefused("Agent 1"):
                self._call_kw(
                    "kpi.scorecard", "write", self.card1.ids, vals, context={"kpi_scorecard_unlock": True}
                )
        self._assert_still_paid()

    def test_payslip_back_to_draft_is_refused(self):
        self._rpc_login("kpi_payroll_manager")
        with self.assertRpcRefused(r"Payslip .*Agent 1.*cannot go back"):
            self._call_kw("hr.payslip", "action_payslip_draft", self.payslip.ids)
        with self.assertRpcRefused(r"Payslip .*Agent 1.*cannot go back"):
            self._call_kw("hr.payslip", "write", self.payslip.ids, {"state": "draft"})
        with self.assertRpcRefused(r"Payslip .*Agent 1.*cannot go back"):
            self._call_kw("hr.payslip", "compute_sheet", self.payslip.ids)
        self._assert_still_paid()

    def test_bridge_methods_are_private(self):
        self._rpc_login("kpi_payroll_officer")
        with self.assertRpcRefused("Private methods"):
            self._call_kw("kpi.scorecard", "_mark_unpaid", self.card1.ids)
        with self.assertRpcRefused("Private methods"):
            self._call_kw("hr.payslip", "_release_kpi_scorecards", self.payslip.ids)
        self._assert_still_paid()

    def test_scorecards_are_not_unlinked_through_the_payslip(self):
        self._rpc_login("kpi_payroll_officer")
        with self.assertRpcRefused("Agent 1"):
            self._call_kw("hr.payslip", "write", self.payslip.ids, {"kpi_scorecard_ids": [Command.clear()]})
        with self.assertRpcRefused("Agent 2"):
            self._call_kw(
                "hr.payslip", "write", self.payslip.ids,
                {"kpi_scorecard_ids": [Command.link(self._card(self.agent2).id)]},
            )
        self._assert_still_paid()
        self.assertFalse(self._card(self.agent2).payslip_id)

    def test_cancel_is_the_way_back(self):
        self.env["ir.config_parameter"].sudo().set_param("payroll.allow_cancel_payslips", True)
        self._rpc_login("kpi_payroll_manager")
        self._call_kw("hr.payslip", "action_payslip_cancel", self.payslip.ids)
        self.env.invalidate_all()
        self.assertEqual(self.payslip.state, "cancel")
        self.assertEqual((self.card1.state, self.card1.payslip_id.id), ("confirmed", False))
