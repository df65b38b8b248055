# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sequences of done / cancel / reset / recompute / new payslip never pay a scorecard
twice and never leave a paid one unpaid without a cancelled payslip.

Fixture: :mod:`.common` with 3 agents; agent 1's March scorecard pays 640,000 ₫
(64 pieces × 10,000 ₫), agent 2's 680,000 ₫ (68 × 10,000), agent 3's 720,000 ₫.
After every step, :meth:`_assert_consistent` checks the invariant on the payslips of
the employee: what the done (not cancelled, not refund) payslips paid as KPI_BONUS is
exactly the bonus of the paid scorecard, linked to one of them.
"""

from contextlib import contextmanager

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import KpiPayrollCommon

AGENT1_BONUS = 640_000  # (60 + 4 × 1) pieces × 10,000 ₫


@tagged("post_install", "-at_install", "kpi_payroll")
class TestKpiPayrollSequences(KpiPayrollCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("payroll.allow_cancel_payslips", True)
        cls.user_payroll_officer = new_test_user(
            cls.env,
            "kpi_payroll_officer",
            groups="base.group_user,payroll.group_payroll_manager,kpi_callcenter.group_kpi_officer",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _assert_consistent(self, card, paid_by=None):
        """``card`` is paid by ``paid_by`` (a done payslip whose KPI_BONUS is its bonus),
        or, when ``paid_by`` is None, unpaid and no done payslip paid it."""
        self.env.invalidate_all()
        slips = self.env["hr.payslip"].search(
            [("employee_id", "=", card.employee_id.id), ("credit_note", "=", False)]
        )
        done = slips.filtered(lambda slip: slip.state == "done")
        paid_total = sum(self._total(slip, "KPI_BONUS") for slip in done)
        if paid_by:
            self.assertEqual(card.state, "paid")
            self.assertEqual(card.payslip_id, paid_by)
            self.assertEqual(paid_by.state, "done")
            self.assertEqual(paid_total, card.bonus_amount, "paid once, by one done payslip")
        else:
            self.assertEqual(card.state, "confirmed")
            self.assertFalse(card.payslip_id)
            self.assertEqual(paid_total, 0, "no done payslip paid it")

    @contextmanager
    def _refused(self, exception, pattern):
        """``assertRaisesRegex`` inside a savepoint (as ``assertRaises``): a refused
        ``compute_sheet`` leaves nothing half-done behind in the test's transaction."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)

    def _done(self, payslip):
        payslip.action_payslip_done()
        self.assertEqual(payslip.state, "done")
        return payslip

    # ------------------------------------------------------------------
    # A done payslip is final for its scorecards
    # ------------------------------------------------------------------
    def test_done_payslip_cannot_go_back(self):
        first = self._done(self._payslip(self.agent1))
        self.assertEqual(self._total(first, "KPI_BONUS"), AGENT1_BONUS)
        self._assert_consistent(self.card1, first)
        refusal = r"Payslip .*Agent 1.* paid the KPI bonus of .*Agent 1.*"
        with self._refused(UserError, refusal):
            first.action_payslip_draft()
        with self._refused(UserError, refusal):
            first.write({"state": "draft"})
        with self._refused(UserError, refusal):
            first.write({"state": "verify"})
        with self._refused(UserError, refusal):
            first.compute_sheet()  # would set it back to "verify" and recompute
        self._assert_consistent(self.card1, first)

    def test_paid_scorecard_is_not_recomputed_reset_or_confirmed(self):
        first = self._done(self._payslip(self.agent1))
        with self._refused(UserError, "Agent 1"):
            self.card1.with_user(self.user_officer).action_compute()
        with self._refused(UserError, "Agent 1"):
            self.card1.with_user(self.user_hr_manager).action_reset_to_draft()
        with self._refused(UserError, "Agent 1"):
            self.card1.with_user(self.user_officer).action_confirm()
        with self._refused(AccessError, "Agent 1"):
            self.card1.with_user(self.user_hr_manager).write({"state": "confirmed"})
        with self._refused(AccessError, "Agent 1"):
            self.card1.with_user(self.user_officer).write({"payslip_id": False})
        self._assert_consistent(self.card1, first)

    # ------------------------------------------------------------------
    # Cancel releases, and only cancel
    # ------------------------------------------------------------------
    def test_cancel_releases_then_the_same_payslip_pays_again(self):
        payslip = self._done(self._payslip(self.agent1))
        payslip.action_payslip_cancel()
        self.assertEqual(payslip.state, "cancel")
        self._assert_consistent(self.card1)
        note = self.card1.message_ids.filtered(lambda m: "was cancelled by" in (m.body or ""))
        self.assertEqual(len(note), 1, "the release is in the scorecard's chatter")
        self.assertIn(payslip.display_name, note.body)
        self.assertEqual(note.author_id, self.user_payroll.partner_id)

        payslip.action_payslip_draft()  # from cancel: allowed, nothing is paid
        self._assert_consistent(self.card1)
        payslip.compute_sheet()
        self.assertEqual(self._total(payslip, "KPI_BONUS"), AGENT1_BONUS)
        self._done(payslip)
        self._assert_consistent(self.card1, payslip)

    def test_second_payslip_then_cancel_the_first(self):
        first = self._done(self._payslip(self.agent1))
        second = self._payslip(self.agent1)
        second.compute_sheet()
        self.assertEqual(self._total(second, "KPI_BONUS"), 0, "already paid by the first")
        self._done(second)
        self._assert_consistent(self.card1, first)

        first.action_payslip_cancel()
        # the second payslip paid nothing: the scorecard is unpaid, with a cancelled payslip
        self._assert_consistent(self.card1)
        # the second one is done and paid nothing: it can be cancelled freely (nothing moves)
        second.action_payslip_cancel()
        self._assert_consistent(self.card1)

        third = self._done(self._payslip(self.agent1))
        self.assertEqual(self._total(third, "KPI_BONUS"), AGENT1_BONUS)
        self._assert_consistent(self.card1, third)

    def test_refund_then_cancel(self):
        """A refund pays nothing and releases nothing; cancelling the refund keeps the
        scorecard paid; cancelling the original releases it."""
        payslip = self._done(self._payslip(self.agent1))
        payslip.refund_sheet()
        refund = payslip.refunded_id
        self.assertTrue(refund.credit_note)
        self._assert_consistent(self.card1, payslip)
        refund.action_payslip_cancel()
        self._assert_consistent(self.card1, payslip)
        payslip.action_payslip_cancel()
        self._assert_consistent(self.card1)

    def test_batch_cancel_one_payslip(self):
        """Three payslips confirmed with the "Change state" wizard; cancelling agent 2's
        with it releases agent 2's scorecard only; a new payslip pays it (680,000 ₫ =
        68 pieces × 10,000 ₫)."""
        slips = self._payslip(self.agent1) | self._payslip(self.agent2) | self._payslip(self.agents[2])
        ChangeState = self.env["hr.payslip.change.state"].with_user(self.user_payroll)
        ChangeState.with_context(active_ids=slips.ids).create({"state": "done"}).change_state_confirm()
        for slip in slips:
            self._assert_consistent(self._card(slip.employee_id), slip)
        agent2_slip = slips.filtered(lambda slip: slip.employee_id == self.agent2)
        ChangeState.with_context(active_ids=agent2_slip.ids).create({"state": "cancel"}).change_state_confirm()
        self._assert_consistent(self._card(self.agent2))
        for slip in slips - agent2_slip:
            self._assert_consistent(self._card(slip.employee_id), slip)
        again = self._done(self._payslip(self.agent2))
        self.assertEqual(self._total(again, "KPI_BONUS"), 680_000)
        self._assert_consistent(self._card(self.agent2), again)

    def test_scorecards_cannot_be_moved_through_the_payslip(self):
        """The payslip's ``kpi_scorecard_ids`` is no back door: unlinking or adding a
        scorecard through it is a protected write."""
        payslip = self._done(self._payslip(self.agent1)).with_user(self.user_payroll_officer)
        with self._refused(AccessError, "Agent 1"):
            payslip.write({"kpi_scorecard_ids": [Command.clear()]})
        with self._refused(AccessError, "Agent 2"):
            payslip.write({"kpi_scorecard_ids": [Command.link(self._card(self.agent2).id)]})
        self._assert_consistent(self.card1, payslip)
        self._assert_consistent(self._card(self.agent2))

    def test_state_changes_are_in_the_chatter_with_their_author(self):
        """Even with ``tracking_disable`` / ``mail_notrack`` in the context, paid and
        unpaid are logged, by the payroll user who did it."""
        before = self.card1.message_ids
        payslip = self._done(self._payslip(self.agent1).with_context(tracking_disable=True))
        payslip.with_context(mail_notrack=True, tracking_disable=True).action_payslip_cancel()
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.card1.invalidate_recordset()
        changes = (self.card1.message_ids - before).filtered(
            lambda m: m.tracking_value_ids.filtered(lambda t: t.field_id.name == "state")
            or "Status" in (m.body or "")
        )
        self.assertGreaterEqual(len(changes), 2, "confirmed → paid and paid → confirmed are logged")
        self.assertEqual(changes.author_id, self.user_payroll.partner_id)
