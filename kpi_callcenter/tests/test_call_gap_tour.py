# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The call data gate in the web client (headless Chromium, static/tests/tours).

February 2026 is a past month whatever the day the tests run, so the gate checks all of its
20 working days (no public holiday in the test company's schedule); the PBX sent calls on
Monday 2 February only: 19 days are missing.
"""

from datetime import date, datetime

from odoo.tests import HttpCase, tagged

from .common_call import KpiCallCommon


@tagged("post_install", "-at_install", "kpi_call", "kpi_governance")
class TestCallGapTour(HttpCase, KpiCallCommon):
    def test_call_gap_tour(self):
        self.env["kpi.call"].create(
            {
                "external_uid": "tour-1",
                "source_id": self.source.id,
                "company_id": self.company.id,
                "employee_id": self.agent1.id,
                "direction": "inbound",
                "start": datetime(2026, 2, 2, 2, 0),
                "talk_seconds": 60,
                "disposition": "answered",
                "phone": "+84912345678",
            }
        )
        inbound = self._create_definition("CALL_IN_TOUR", "call", "inbound_count", unit="calls")
        plan = self._create_plan([(inbound, 100, 20)], employees=self.agent1, name="Tour call plan")
        card = self._generate(plan, date(2026, 2, 1), date(2026, 2, 28))
        self.assertEqual(card.state, "computed")
        self.start_tour(
            f"/odoo/action-kpi_callcenter.kpi_scorecard_action/{card.id}", "kpi_call_gap_tour", login="kpi_officer"
        )
        self.assertEqual(card.state, "confirmed")
        note = card.message_ids.filtered(lambda m: "despite missing call data" in (m.body or ""))
        self.assertEqual(note.author_id, self.user_officer.partner_id)
        # the employee sees it on the portal
        self.authenticate("kpi_agent1", "kpi_agent1")
        page = self.url_open(f"/my/kpi/{card.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_kpi_call_gap_alert", page.text)
        self.assertIn("no call on 19 working day(s)", page.text)
