# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Browser tour of the employee portal in headless Chromium (static/tests/tours)."""

from odoo.tests import tagged

from .common_portal import KpiPortalCommon


@tagged("post_install", "-at_install", "kpi_portal")
class TestPortalTour(KpiPortalCommon):
    def test_kpi_portal_tour(self):
        """Agent 1 opens /my, her KPI list and her March scorecard, checks the figures and
        the chart, and disputes her calls from the page."""
        self.start_tour("/my", "kpi_portal_tour", login="kpi_agent1")
        march = self.march["agent1"]
        dispute = march.message_ids.filtered(lambda m: "The calls of 12 March are missing." in (m.body or ""))
        self.assertEqual(dispute.author_id, self.agent1.user_id.partner_id)
