# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Corrections after payment (``kpi.scorecard.correct``): the paid scorecard stays as
paid, the correction records the recomputed bonus and the difference.

March 2027 (VND): one KPI "PIECES" (manual, target 100, weight 100, cap 150 %, no
scale), bonus base 2,000,000 ₫, so 20,000 ₫ per piece. Agent 1 made 40 pieces (bonus
800,000 ₫), agent 2 90 (1,800,000 ₫), agent 3 70 (1,400,000 ₫); all three scorecards are
paid (the payroll bridge's tests pay them through real payslips).
"""

from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import KpiCommon

REPORT = "kpi_callcenter.report_kpi_scorecard_statement"


class KpiCorrectionCommon(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pieces = cls._create_definition("PIECES", name="Pieces", unit="pieces")
        cls.plan = cls._create_plan([(cls.pieces, 100, 100)], bonus_base=2_000_000, name="Tailors")
        cls._add_manual_values(cls.pieces, {cls.agent1: 40, cls.agent2: 90, cls.agents[2]: 70})
        cls.cards = cls._generate(cls.plan)
        cls.cards.action_confirm()
        cls.cards._write_workflow({"state": "paid"})
        cls.card1 = cls.cards.filtered(lambda card: card.employee_id == cls.agent1)
        cls.card2 = cls.cards.filtered(lambda card: card.employee_id == cls.agent2)
        cls.card3 = cls.cards.filtered(lambda card: card.employee_id == cls.agents[2])


@tagged("post_install", "-at_install", "kpi_correction")
class TestCorrection(KpiCorrectionCommon):
    def test_fixture(self):
        # 40 / 100 = 40 % × 2,000,000 = 800,000; 90 % → 1,800,000
        self.assertEqual((self.card1.bonus_amount, self.card2.bonus_amount), (800_000, 1_800_000))
        self.assertEqual(set(self.cards.mapped("state")), {"paid"})

    def test_correct_an_actual_up(self):
        """60 pieces were missing from the import: 100 pieces → 100 % → 2,000,000 ₫, a
        correction of 2,000,000 - 800,000 = +1,200,000 ₫; the paid scorecard is unchanged."""
        correction = self.card1.with_user(self.user_hr_manager).correct(
            {"PIECES": {"actual": 100}}, "60 pieces of 28/03 were missing from the import."
        )
        self.assertEqual(correction._name, "kpi.scorecard.correction")
        self.assertEqual(
            (correction.bonus_before, correction.bonus_after, correction.amount),
            (800_000, 2_000_000, 1_200_000),
        )
        self.assertEqual((correction.score_before, correction.score_after), (40, 100))
        self.assertEqual((correction.state, correction.amount_residual), ("open", 1_200_000))
        self.assertEqual(correction.user_id, self.user_hr_manager)
        self.assertEqual((correction.employee_id, correction.company_id), (self.agent1, self.company))
        line = correction.line_ids
        self.assertEqual(
            (line.code, line.field, line.old_value, line.new_value, line.bonus_before, line.bonus_after),
            ("PIECES", "actual", 40, 100, 800_000, 2_000_000),
        )
        # the paid scorecard keeps every figure
        self.assertEqual(
            (self.card1.state, self.card1.bonus_amount, self.card1.score, self.card1.line_ids.actual),
            ("paid", 800_000, 40, 40),
        )
        self.assertIn("1,200,000", correction.scorecard_id.message_ids[0].body)
        self.assertIn("60 pieces of 28/03", correction.message_ids[0].body)

    def test_clawback_then_a_second_correction(self):
        """Agent 2 had 50 pieces, not 90: 1,000,000 - 1,800,000 = -800,000 ₫. A second
        correction to 60 builds on the first: 1,200,000 - 1,000,000 = +200,000 ₫."""
        as_manager = self.card2.with_user(self.user_hr_manager)
        clawback = as_manager.correct({"PIECES": {"actual": "50"}}, "40 pieces were counted twice.")
        self.assertEqual((clawback.bonus_before, clawback.bonus_after, clawback.amount), (1_800_000, 1_000_000, -800_000))
        second = as_manager.correct({"PIECES": {"actual": 60}}, "10 of those were real.")
        self.assertEqual(second.line_ids.old_value, 50, "the old value is the corrected one")
        self.assertEqual((second.bonus_before, second.bonus_after, second.amount), (1_000_000, 1_200_000, 200_000))
        self.assertEqual(self.card2.correction_ids, second | clawback)
        self.assertEqual(self.card2.bonus_amount, 1_800_000)

    def test_correct_a_target(self):
        """The target should have been 50: 40 / 50 = 80 % → 1,600,000 ₫, +800,000 ₫."""
        correction = self.card1.with_user(self.user_hr_manager).correct(
            {"PIECES": {"target": 50}}, "Half-time agent: target 50."
        )
        line = correction.line_ids
        self.assertEqual((line.field, line.old_value, line.new_value), ("target", 100, 50))
        self.assertEqual((correction.bonus_after, correction.amount), (1_600_000, 800_000))
        self.assertEqual(self.card1.line_ids.target, 100)

    def test_correction_within_the_cap_changes_nothing(self):
        """Agent 3's actual checked and confirmed (70): the bonus does not change (0 ₫),
        the correction is settled at once, nothing for payroll."""
        correction = self.card3.with_user(self.user_hr_manager).correct({"PIECES": {"actual": 70}}, "Checked: right.")
        self.assertEqual((correction.amount, correction.state), (0, "paid"))

    def test_refusals(self):
        officer_card = self.card1.with_user(self.user_officer)
        with self.assertRaisesRegex(AccessError, "Only a KPI Manager"):
            officer_card.correct({"PIECES": {"actual": 100}}, "x")
        as_manager = self.card1.with_user(self.user_hr_manager)
        with self.assertRaisesRegex(ValidationError, "field Reason"):
            as_manager.correct({"PIECES": {"actual": 100}}, "  ")
        with self.assertRaisesRegex(ValidationError, "has no KPI NOPE"):
            as_manager.correct({"NOPE": {"actual": 100}}, "x")
        with self.assertRaisesRegex(ValidationError, "PIECES: -1 is not a number"):
            as_manager.correct({"PIECES": {"actual": -1}}, "x")
        with self.assertRaisesRegex(ValidationError, "PIECES: give its"):
            as_manager.correct({"PIECES": {"score": 1}}, "x")
        with self.assertRaisesRegex(ValidationError, "give the corrected KPIs"):
            as_manager.correct({}, "x")
        # a confirmed scorecard is not paid yet: an adjustment changes it
        self.card3._write_workflow({"state": "confirmed"})
        with self.assertRaisesRegex(UserError, "not paid yet: adjust"):
            self.card3.with_user(self.user_hr_manager).correct({"PIECES": {"actual": 1}}, "x")
        # nobody corrects their own scorecard, a KPI Manager included
        self.agent_users[1].groups_id |= self.env.ref("kpi_callcenter.group_kpi_manager")
        with self.assertRaisesRegex(AccessError, "nobody corrects their own"):
            self.card2.with_user(self.agent_users[1]).correct({"PIECES": {"actual": 100}}, "x")
        self.assertFalse(self.cards.correction_ids)

    def test_corrected_scorecard_keeps_its_figures(self):
        """Its payslip cancelled, a corrected scorecard is confirmed again: it is neither
        reset to draft nor adjusted (the corrections start from its figures)."""
        self.card1.with_user(self.user_hr_manager).correct({"PIECES": {"actual": 100}}, "Import fixed")
        self.card1._write_workflow({"state": "confirmed"})
        with self.assertRaisesRegex(UserError, "corrected after payment"):
            self.card1.with_user(self.user_hr_manager).action_reset_to_draft()
        with self.assertRaisesRegex(UserError, "corrected after payment"):
            self.env["kpi.scorecard.adjustment"].with_user(self.user_hr_manager).create(
                {"scorecard_line_id": self.card1.line_ids.id, "field": "actual", "new_value": 1, "reason": "x"}
            )
        self.assertEqual((self.card1.bonus_amount, self.card1.line_ids.actual), (800_000, 40))

    def test_client_create_and_write(self):
        """A client's create goes through ``correct`` (figures computed, its own amount
        refused); a correction is never edited nor deleted."""
        Correction = self.env["kpi.scorecard.correction"]
        line = self.card1.line_ids
        vals = {
            "scorecard_id": self.card1.id,
            "reason": "Import fixed",
            "line_ids": [Command.create({"scorecard_line_id": line.id, "field": "actual", "new_value": 100})],
        }
        with self.assertRaisesRegex(AccessError, "Only a KPI Manager"):
            Correction.with_user(self.user_officer).create(vals)
        with self.assertRaisesRegex(AccessError, "amount are computed"):
            Correction.with_user(self.user_hr_manager).create(dict(vals, amount=5_000_000))
        correction = Correction.with_user(self.user_hr_manager).create(vals)
        self.assertEqual(correction.amount, 1_200_000)
        for forbidden in ({"amount": 1}, {"state": "paid"}, {"amount_paid": 1_200_000}, {"acknowledged_by_id": 1}):
            with self.assertRaisesRegex(AccessError, "never edited"):
                correction.with_user(self.user_hr_manager).write(forbidden)
        with self.assertRaises(AccessError):
            correction.line_ids.with_user(self.user_hr_manager).write({"new_value": 1})
        with self.assertRaises(AccessError):
            correction.with_user(self.user_hr_manager).unlink()
        self.assertEqual((correction.amount, correction.state), (1_200_000, "open"))

    def test_employees_read_their_own(self):
        correction1 = self.card1.with_user(self.user_hr_manager).correct({"PIECES": {"actual": 100}}, "x")
        correction2 = self.card2.with_user(self.user_hr_manager).correct({"PIECES": {"actual": 50}}, "y")
        Correction = self.env["kpi.scorecard.correction"]
        self.assertEqual(Correction.with_user(self.agent_users[0]).search([]), correction1)
        self.assertEqual(Correction.with_user(self.agent_users[0]).search([]).line_ids.new_value, 100)
        with self.assertRaises(AccessError):
            correction2.with_user(self.agent_users[0]).read(["amount"])
        self.assertEqual(Correction.with_user(self.user_officer).search([]), correction1 | correction2)
        # another company's KPI Manager sees none of them
        other = self.env["res.company"].create({"name": "Other Co"})
        self.user_hr_manager.write({"company_ids": [Command.link(other.id)]})
        self.assertFalse(Correction.with_user(self.user_hr_manager).with_company(other).search([]))

    def test_acknowledgement_by_the_agent_only(self):
        clawback = self.card2.with_user(self.user_hr_manager).correct({"PIECES": {"actual": 50}}, "Counted twice")
        with self.assertRaisesRegex(AccessError, "only Agent 2 acknowledges"):
            clawback.with_user(self.user_hr_manager).action_acknowledge()
        with self.assertRaises(AccessError):
            clawback.with_user(self.agent_users[0]).action_acknowledge()
        self.assertFalse(clawback.acknowledged_by_id)
        with freeze_time("2027-04-03 09:00:00"):
            clawback.with_user(self.agent_users[1]).action_acknowledge()
        self.assertEqual(clawback.acknowledged_by_id, self.agent_users[1])
        self.assertEqual(clawback.acknowledged_on, datetime(2027, 4, 3, 9, 0))
        self.assertIn("acknowledged this clawback", clawback.message_ids[0].body)
        self.assertEqual(clawback.message_ids[0].author_id, self.agent_users[1].partner_id)
        # a correction in the agent's favour is not acknowledged
        raise_ = self.card1.with_user(self.user_hr_manager).correct({"PIECES": {"actual": 100}}, "x")
        with self.assertRaisesRegex(UserError, "Only a clawback"):
            raise_.with_user(self.agent_users[0]).action_acknowledge()

    def test_write_off(self):
        clawback = self.card2.with_user(self.user_hr_manager).correct({"PIECES": {"actual": 50}}, "Counted twice")
        as_manager = clawback.with_user(self.user_hr_manager)
        with self.assertRaisesRegex(ValidationError, "field Write-off reason"):
            as_manager.action_write_off()
        with self.assertRaisesRegex(AccessError, "Only a KPI Manager"):
            clawback.with_user(self.user_officer).action_write_off()
        as_manager.write_off_reason = "Left the company; the amount is not worth collecting."
        # a KPI Manager who is the agent never writes off their own clawback
        self.agent2.user_id = self.user_hr_manager
        self.env.invalidate_all()
        with self.assertRaisesRegex(AccessError, "own clawback"):
            as_manager.action_write_off()
        self.assertEqual(clawback.state, "open")
        self.agent2.user_id = self.agent_users[1]
        self.env.invalidate_all()
        as_manager.action_write_off()
        self.assertEqual(
            (clawback.state, clawback.amount_written_off, clawback.amount_residual, clawback.written_off_by_id),
            ("written_off", -800_000, 0, self.user_hr_manager),
        )
        self.assertIn("wrote off", clawback.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "no longer open"):
            as_manager.write({"write_off_reason": "again"})
        favour = self.card1.with_user(self.user_hr_manager).correct({"PIECES": {"actual": 100}}, "x")
        favour.with_user(self.user_hr_manager).write_off_reason = "no"
        with self.assertRaisesRegex(UserError, "a correction in their favour is paid"):
            favour.with_user(self.user_hr_manager).action_write_off()

    def test_bad_input_is_refused_clearly(self):
        as_manager = self.card2.with_user(self.user_hr_manager)
        with self.assertRaisesRegex(ValidationError, "field Reason"):
            as_manager.correct({"PIECES": {"actual": 50}}, 123)
        for value in ("1e308", float("inf"), -1, True, "abc"):
            with self.assertRaisesRegex(ValidationError, "not a number from 0", msg=value):
                as_manager.correct({"PIECES": {"actual": value}}, "x")
        Correction = self.env["kpi.scorecard.correction"].with_user(self.user_hr_manager)
        for vals in (
            {"scorecard_id": self.card2.id, "reason": "x", "line_ids": [5]},
            {"scorecard_id": self.card2.id, "reason": "x", "line_ids": [[0, 0, None]]},
            {"scorecard_id": "abc", "reason": "x"},
            {"scorecard_id": self.card2.id, "reason": "x",
             "line_ids": [[0, 0, {"scorecard_line_id": "abc", "field": "actual", "new_value": 5}]]},
        ):
            with self.assertRaisesRegex(ValidationError, "give the scorecard's id", msg=str(vals)):
                Correction.create(vals)
        self.assertFalse(self.card2.correction_ids)

    def test_statement_shows_the_correction(self):
        self.card2.with_user(self.user_hr_manager).correct({"PIECES": {"actual": 50}}, "40 pieces counted twice")
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, self.card2.ids)[0].decode()
        corrections = html.split("o_kpi_corrections_table", 1)[1]
        self.assertIn("40 pieces counted twice", corrections)
        self.assertIn("90.00 → 50.00", corrections)
        amount_cell = corrections.split("o_kpi_correction_amount", 1)[1][:300]
        self.assertIn("800,000", amount_cell)  # 1,000,000 - 1,800,000
        self.assertIn("1,800,000", html.split("o_kpi_corrections", 1)[0], "the paid figures stay above")

    def test_the_dialog(self):
        wizard = (
            self.env["kpi.scorecard.correct"]
            .with_user(self.user_hr_manager)
            .with_context(default_scorecard_id=self.card1.id)
            .create({"reason": "Import fixed"})
        )
        self.assertEqual(wizard.line_ids.current_actual, 40)
        with self.assertRaisesRegex(UserError, "no actual or target was changed"):
            wizard.action_correct()
        wizard.line_ids.new_actual = 100
        action = wizard.action_correct()
        correction = self.env["kpi.scorecard.correction"].browse(action["res_id"])
        self.assertEqual(correction.amount, 1_200_000)
        with self.assertRaisesRegex(AccessError, "Only a KPI Manager"):
            self.card1.with_user(self.user_officer).action_open_correction()


@tagged("post_install", "-at_install", "kpi_correction", "kpi_portal")
class TestCorrectionPortal(HttpCase, KpiCorrectionCommon):
    def test_portal_shows_and_acknowledges(self):
        clawback = self.card2.with_user(self.user_hr_manager).correct({"PIECES": {"actual": 50}}, "Counted twice")
        portal_user = self._create_portal_user("kpi_correction_portal", self.agent2)
        self.authenticate("kpi_correction_portal", "kpi_correction_portal")
        page = self.url_open(f"/my/kpi/{self.card2.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Counted twice", page.text)
        self.assertIn("o_kpi_correction_acknowledge", page.text)
        # someone else's scorecard and correction: 404, nothing recorded
        response = self.url_open(
            f"/my/kpi/{self.card1.id}/correction/{clawback.id}/acknowledge",
            data={"csrf_token": self._csrf()},
        )
        self.assertEqual(response.status_code, 404)
        self.env.invalidate_all()
        self.assertFalse(clawback.acknowledged_by_id)
        response = self.url_open(
            f"/my/kpi/{self.card2.id}/correction/{clawback.id}/acknowledge",
            data={"csrf_token": self._csrf()},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_kpi_acknowledged", response.text)
        self.env.invalidate_all()
        self.assertEqual(clawback.acknowledged_by_id, portal_user)
        self.assertNotIn("o_kpi_correction_acknowledge", self.url_open(f"/my/kpi/{self.card2.id}").text)

    def _csrf(self):
        page = self.url_open(f"/my/kpi/{self.card2.id}").text
        return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
