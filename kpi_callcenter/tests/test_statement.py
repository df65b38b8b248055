# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PDF statement (QWeb report) and XLSX export, read back and checked figure by figure."""

import base64
import io
import shutil
import subprocess

import openpyxl

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
        self.assertNotIn("o_kpi_call_gap_statement", html)

    def test_statement_shows_missing_call_data(self):
        march = self.march["agent2"]
        march._write_workflow(
            {"call_gap_note": "HR confirmed this scorecard despite missing call data:\n- PBX X: 03/10/2027"}
        )
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, march.ids)[0].decode()
        self.assertIn("o_kpi_call_gap_statement", html)
        self.assertIn("- PBX X: 03/10/2027", html)

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


@tagged("post_install", "-at_install", "kpi_portal")
class TestXlsxExport(KpiPortalCommon):
    def _export(self, user, **values):
        wizard = (
            self.env["kpi.scorecard.export"]
            .with_user(user)
            .with_context(active_model="kpi.scorecard", active_ids=self.march["agent1"].ids)
            .create(values)
        )
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"id={wizard.id}", action["url"])
        return wizard, base64.b64decode(wizard.file_data)

    def test_xlsx_period(self):
        wizard, content = self._export(self.user_officer)
        self.assertEqual((wizard.date_from, wizard.date_to), (self.date_from, self.date_to))
        self.assertEqual(wizard.file_name, "kpi_scorecards_2027-03-01_2027-03-31.xlsx")
        workbook = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
        self.assertEqual(workbook.sheetnames, ["KPIs", "Scorecards"])

        sheet = workbook["KPIs"]
        headers = [cell.value for cell in sheet[4]]
        self.assertEqual(
            headers,
            ["Employee", "Department", "Plan", "Period", "Status", "Code", "KPI", "Unit", "Weight (%)",
             "Full target", "Proration factor", "Target", "Actual", "Achievement (%)", "Score",
             "Payout (%)", "Bonus"],
        )
        rows = [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=5, values_only=True)]
        # 5 employees × 2 KPIs, a total per scorecard, a grand total
        self.assertEqual(len(rows), 5 * 3 + 1)
        self.assertEqual(
            [row["Employee"] for row in rows[:3]], ["Agent 1", "Agent 1", "Total Agent 1"]
        )
        calls = rows[0]
        self.assertEqual((calls["Code"], calls["KPI"], calls["Unit"], calls["Period"]),
                         ("CALLS", "Outbound calls", "calls", "03/2027"))
        self.assertEqual(calls["Plan"], "Telesales")
        self.assertEqual(calls["Status"], "Computed")
        for column, expected in (("Weight (%)", 60), ("Full target", 100), ("Proration factor", 1),
                                 ("Target", 100), ("Actual", 90), ("Achievement (%)", 90), ("Score", 54)):
            self.assertAlmostEqual(calls[column], expected, places=4, msg=column)
        self.assertAlmostEqual(rows[1]["Actual"], 90)  # CSAT (95 + 85) / 2
        self.assertAlmostEqual(rows[2]["Score"], 94)
        self.assertEqual(rows[2]["Bonus"], self.march["agent1"].bonus_amount)
        agent2_calls = rows[3]
        self.assertEqual((agent2_calls["Employee"], agent2_calls["Code"]), ("Agent 2", "CALLS"))
        self.assertAlmostEqual(agent2_calls["Proration factor"], 22 / 23, places=4)
        self.assertAlmostEqual(agent2_calls["Target"], 100 * 22 / 23, places=2)
        self.assertAlmostEqual(agent2_calls["Achievement (%)"], 120 * 23 / 22, places=2)
        self.assertAlmostEqual(rows[5]["Score"], 111.27, places=2)
        self.assertEqual(
            [row["Employee"] for row in rows if str(row["Employee"]).startswith("Total ")],
            ["Total Agent 1", "Total Agent 2", "Total Agent 3", "Total Agent 4", "Total Agent P"],
        )
        grand = rows[-1]
        self.assertEqual(grand["Employee"], "Total")
        march = self.scorecards.filtered(lambda c: c.date_from == self.date_from)
        self.assertEqual(grand["Bonus"], sum(march.mapped("bonus_amount")))
        self.assertEqual(sheet.cell(row=5, column=17).number_format, "#,##0", "VND has no decimals")

        summary = workbook["Scorecards"]
        headers = [cell.value for cell in summary[4]]
        rows = [dict(zip(headers, row, strict=True)) for row in summary.iter_rows(min_row=5, values_only=True)]
        self.assertEqual(len(rows), 6)
        self.assertEqual([row["Employee"] for row in rows[:5]], ["Agent 1", "Agent 2", "Agent 3", "Agent 4", "Agent P"])
        self.assertEqual((rows[1]["Working days"], rows[1]["Leave days"]), (23, 1))
        self.assertAlmostEqual(rows[-1]["Score"], (94 + 111.2727 + 104 + 88 + 62) / 5, places=2)
        self.assertEqual(rows[-1]["Bonus"], sum(march.mapped("bonus_amount")))
        formulas = openpyxl.load_workbook(io.BytesIO(content))["Scorecards"]
        self.assertEqual(formulas.cell(row=10, column=9).value, "=AVERAGE(I5:I9)")
        self.assertEqual(formulas.cell(row=10, column=10).value, "=SUM(J5:J9)")

    def test_xlsx_filters_and_access(self):
        other_plan = self._create_plan([(self.calls, 100, 50)], employees=self.agent1, name="Other plan")
        self._generate(other_plan)
        _wizard, content = self._export(self.user_officer, plan_ids=[(6, 0, other_plan.ids)])
        sheet = openpyxl.load_workbook(io.BytesIO(content), data_only=True)["Scorecards"]
        employees = [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)]
        self.assertEqual(employees, ["Agent 1", "Total: 1 scorecard(s), average score, total bonus"])
        # only HR exports
        with self.assertRaises(AccessError):
            self.env["kpi.scorecard.export"].with_user(self.user_manager).create({})
