# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PDF statement (QWeb report), read back and checked figure by figure."""

import shutil
import subprocess

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_portal import KpiPortalCommon

REPORT = "kpi_callcenter.report_kpi_scorecard_statement"


@tagged("post_install", "-at_install", "kpi_portal")
class TestStatement(KpiPortalCommon):
    def test_statement_html(self):
        march = self.march["agent2"]
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, march.ids)[0].decode()
        for expected in (
            "KPI statement",
            "Agent 2",
            "Telesales",
            "Outbound calls you made in the month, from the PBX log.",
            "95.65",  # prorated target
            "0.9565",  # factor
            "125.45 %",
            "111.27",  # total score
            'class="o_kpi_chart"',
        ):
            self.assertIn(expected, html)
        self.assertNotIn("o_kpi_dispute_form", html, "no dispute form on paper")

    def test_statement_pdf(self):
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() in ("install", "broken"):
            self.skipTest("wkhtmltopdf is not installed (setup/ installs it when run as root)")
        march = self.march["agent2"]
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, march.ids)
        )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertGreater(len(pdf), 2000)
        if not shutil.which("pdftotext"):
            self.skipTest("pdftotext (poppler-utils) is not installed: PDF text not checked")
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        for expected in ("KPI statement", "Agent 2", "Telesales", "95.65", "125.45", "111.27", "0.9565"):
            self.assertIn(expected, text)

    def test_backend_print_and_access(self):
        own = self.march["agent1"]
        action = own.with_user(self.agent1.user_id).action_print_statement()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], REPORT)
        Report = self.env["ir.actions.report"].with_user(self.agent1.user_id)
        html = Report._render_qweb_html(REPORT, own.ids)[0].decode()
        self.assertIn("94.00", html)
        self.env.invalidate_all()
        with self.assertRaises(Exception) as caught:
            Report._render_qweb_html(REPORT, self.march["agent2"].ids)
        error = caught.exception
        self.assertIsInstance(error if isinstance(error, AccessError) else error.__cause__, AccessError)

    def test_portal_statement_route(self):
        self.authenticate("kpi_agent1", "kpi_agent1")
        response = self.url_open(f"/my/kpi/{self.march['agent1'].id}/statement")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers.get("Content-Disposition", ""))
        # (in test mode Odoo renders reports as HTML unless forced)
        self.assertIn(b"94.00", response.content)
        response = self.url_open(f"/my/kpi/{self.march['agent1'].id}?report_type=html")
        self.assertEqual(response.status_code, 200)
        self.assertIn("KPI statement", response.text)
