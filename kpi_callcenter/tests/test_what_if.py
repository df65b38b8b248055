# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What-if: ``kpi.scorecard.what_if()``, the backend dialog and the portal form answer
with the engine's figures and write nothing.

Data: :mod:`.common_portal` — plan Telesales (CALLS 60 % target 100, CSAT 40 % target 90,
no payout scale: payout = achievement, no threshold, cap 150 %), bonus base 1,000,000 VND.
Agent 1 in March 2027: CALLS 90 → 90 %, CSAT 90 → 100 %, bonus
1,000,000 × 60 % × 90 % + 1,000,000 × 40 % × 100 % = 540,000 + 400,000 = 940,000.
"""

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common_portal import KpiPortalCommon


@tagged("post_install", "-at_install", "kpi_portal", "kpi_what_if")
class TestWhatIf(KpiPortalCommon):
    def test_what_if_same_as_engine(self):
        card = self.march["agent1"]
        self.assertEqual(card.bonus_amount, 940000.0)
        # nothing typed: the real figures
        now = card.what_if({})
        self.assertEqual(now["bonus"], card.bonus_amount)
        self.assertAlmostEqual(now["score"], card.score, places=6)
        # CALLS 100 → 100 %: 600,000 + 400,000 = 1,000,000; score 60 + 40 = 100
        result = card.what_if({"CALLS": 100})
        self.assertEqual(result["bonus"], 1000000.0)
        self.assertAlmostEqual(result["score"], 100.0, places=6)
        self.assertAlmostEqual(result["lines"]["CALLS"]["achievement"], 100.0, places=6)
        self.assertAlmostEqual(result["lines"]["CALLS"]["payout"], 100.0, places=6)
        self.assertEqual(result["lines"]["CALLS"]["bonus"], 600000.0)
        self.assertEqual(result["lines"]["CSAT"]["bonus"], 400000.0)
        # CALLS 200 → 200 % capped at 150 %: 900,000; CSAT 45 / 90 → 50 %: 200,000
        result = card.what_if({"CALLS": "200", "CSAT": 45})
        self.assertEqual(result["lines"]["CALLS"]["bonus"], 900000.0)
        self.assertEqual(result["lines"]["CSAT"]["bonus"], 200000.0)
        self.assertEqual(result["bonus"], 1100000.0)
        # nothing was written
        self.assertEqual(card.bonus_amount, 940000.0)
        self.assertEqual(card.line_ids.filtered(lambda line: line.code == "CALLS").actual, 90.0)

    def test_what_if_equals_a_real_computation(self):
        """The what-if of CALLS 100 for agent 1 equals what the computation gives once 10
        more calls are recorded."""
        card = self.march["agent1"]
        expected = card.what_if({"CALLS": 100})
        self._add_manual_values(self.calls, {self.agent1: 10})
        card.action_compute()
        self.assertEqual(card.bonus_amount, expected["bonus"])
        self.assertAlmostEqual(card.score, expected["score"], places=6)

    def test_what_if_bad_input(self):
        card = self.march["agent1"]
        with self.assertRaisesRegex(ValidationError, "no KPI NOPE"):
            card.what_if({"NOPE": 1})
        with self.assertRaisesRegex(ValidationError, "CALLS: abc is not a number"):
            card.what_if({"CALLS": "abc"})
        with self.assertRaisesRegex(ValidationError, "CALLS: -3 is not a number"):
            card.what_if({"CALLS": -3})

    @freeze_time("2027-03-22")
    def test_still_needed_and_days_left(self):
        card = self.march["agent1"]
        result = card.what_if({})
        # 22–26 March (5) + 29–31 March (3) = 8 working days left
        self.assertEqual(result["days_left"], 8.0)
        # CALLS (sum, higher is better): 100 - 90 = 10 more; CSAT is an average: None
        self.assertEqual(result["lines"]["CALLS"]["still_needed"], 10.0)
        self.assertIsNone(result["lines"]["CSAT"]["still_needed"])

    def test_backend_dialog(self):
        card = self.march["agent1"]
        action = card.with_user(self.user_officer).action_open_what_if()
        wizard_form = Form(self.env[action["res_model"]].with_user(self.user_officer).with_context(**action["context"]))
        self.assertEqual(wizard_form.bonus_amount, 940000.0)
        with wizard_form.line_ids.edit(0) as line:
            self.assertEqual(line.code, "CALLS")
            line.actual = 100
            self.assertEqual(line.bonus_amount, 600000.0)
        self.assertEqual(wizard_form.bonus_amount, 1000000.0)
        self.assertEqual(card.bonus_amount, 940000.0)

    def test_portal_what_if(self):
        card = self.march["agent1"]
        self.authenticate("kpi_agent1", "kpi_agent1")
        response = self.url_open(f"/my/kpi/{card.id}?whatif_CALLS=100")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_kpi_what_if_bonus", response.text)
        self.assertIn("1,000,000", response.text.split("o_kpi_what_if_bonus", 1)[1][:200])
        for bad in ("abc", "1e308", "-1"):
            response = self.url_open(f"/my/kpi/{card.id}?whatif_CALLS={bad}")
            self.assertEqual(response.status_code, 200, bad)
            self.assertIn("o_kpi_what_if_error", response.text, bad)
        with self.assertRaisesRegex(ValidationError, "by KPI code"):
            card.what_if([1])
        # a colleague's scorecard: 404, what-if or not
        colleague = self.march["agent2"]
        self.assertEqual(self.url_open(f"/my/kpi/{colleague.id}?whatif_CALLS=100").status_code, 404)

    def test_portal_what_if_tour(self):
        """The agent types CALLS 100 in the portal form and reads the engine's bonus."""
        card = self.march["agent1"]
        expected = card.what_if({"CALLS": 100})
        self.assertEqual(expected["bonus"], 1000000.0)
        self.start_tour(f"/my/kpi/{card.id}", "kpi_what_if_tour", login="kpi_agent1")
