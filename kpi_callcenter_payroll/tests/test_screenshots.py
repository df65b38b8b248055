# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pictures of the documentation, taken in headless Chromium on the demo data.

Not part of the test suite (tag ``-standard``): ``setup/screenshots`` runs it and saves the
pictures into the addons' ``static/description/`` folders. The path walked is the HR one
(objectives, a KPI, a plan, generate, a scorecard, confirmed scorecards, the payslip line),
the charts, and the agent's portal pages.
"""

import base64
import time
from pathlib import Path

from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

WIDTH, HEIGHT = 1280, 900


@tagged("post_install", "-at_install", "-standard", "kpi_screenshots")
class TestScreenshots(HttpCase):
    def _open_browser(self, login):
        browser = ChromeBrowser(self)
        self.http_request_key = self.canonical_tag + "_browser_js"
        self.authenticate(login, login, browser=browser)
        self.cr.flush()
        self.cr.clear()
        browser._websocket_request(
            "Emulation.setDeviceMetricsOverride",
            params={"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
        )
        return browser

    def _close_browser(self, browser):
        browser.stop()
        self._wait_remaining_requests()
        self.http_request_key = self.canonical_tag

    def _shoot(self, browser, name, url, ready, then=None, then_ready=None, module="kpi_callcenter"):
        """Open ``url``, wait until the element ``ready`` (a CSS selector) is there, run the JS
        ``then`` (a click) and wait for the element ``then_ready``, and save the page as
        ``name``.png in the module's static/description/."""
        browser.navigate_to(self.base_url() + url, wait_stop=True)
        self.assertTrue(browser._wait_ready(f"!!document.querySelector({ready!r})", timeout=180), f"{name}: {ready}")
        if then:
            browser._websocket_request("Runtime.evaluate", params={"expression": then, "awaitPromise": True})
            self.assertTrue(
                browser._wait_ready(f"!!document.querySelector({then_ready!r})", timeout=60), f"{name}: {then_ready}"
            )
        time.sleep(2)  # let charts, fonts and images settle
        png = browser._websocket_request("Page.captureScreenshot", params={"format": "png"}, timeout=60)["data"]
        path = Path(get_module_path(module)) / "static" / "description" / f"{name}.png"
        path.write_bytes(base64.b64decode(png))

    def test_screenshots(self):
        ref = self.env.ref
        plan = ref("kpi_callcenter.plan_telesales_demo")
        agent1 = ref("kpi_callcenter.employee_agent1_demo")
        cards = self.env["kpi.scorecard"].search([("employee_id", "=", agent1.id)], order="date_from")
        confirmed = cards.filtered(lambda card: card.state == "confirmed")[-1]
        running = cards.filtered(lambda card: card.state != "confirmed")[:1]
        contract = ref("kpi_callcenter_payroll.contract_agent1_demo")
        payslip = self.env["hr.payslip"].create(
            {
                "name": f"Phiếu lương {agent1.name}",
                "employee_id": agent1.id,
                "contract_id": contract.id,
                "struct_id": contract.struct_id.id,
                "company_id": contract.company_id.id,
                "date_from": confirmed.date_from,
                "date_to": confirmed.date_to,
            }
        )
        payslip.compute_sheet()
        self.assertTrue(payslip.line_ids.filtered(lambda line: line.code == "KPI_BONUS").total)

        form = ".o_form_view .o_form_sheet .o_field_widget"
        rows = ".o_list_view .o_data_row, .o_list_view .o_group_header"
        graph = ".o_graph_renderer canvas"
        action = "/odoo/action-kpi_callcenter."
        browser = self._open_browser("admin")
        try:
            self._shoot(browser, "kpi_dashboard", f"{action}kpi_scorecard_action_dashboard", rows)
            self._shoot(
                browser, "kpi_dashboard_graph", f"{action}kpi_scorecard_action_dashboard?view_type=graph", graph
            )
            self._shoot(browser, "kpi_histogram", f"{action}kpi_scorecard_line_action_histogram", graph)
            self._shoot(browser, "kpi_objectives", f"{action}kpi_objective_action", rows)
            definition = ref("kpi_callcenter.kpi_sales_count_demo")
            self._shoot(browser, "kpi_definition", f"{action}kpi_definition_action/{definition.id}", form)
            self._shoot(browser, "kpi_plan", f"{action}kpi_plan_action/{plan.id}", form)
            self._shoot(
                browser,
                "kpi_generate",
                f"{action}kpi_plan_action/{plan.id}",
                form,
                then=(
                    "odoo.__WOWL_DEBUG__.root.env.services.action.doAction("
                    "'kpi_callcenter.kpi_generate_scorecards_action', {additionalContext: "
                    f"{{active_model: 'kpi.plan', active_id: {plan.id}, active_ids: [{plan.id}]}}}})"
                ),
                then_ready=".modal .o_form_view",
            )
            self._shoot(browser, "kpi_scorecard", f"{action}kpi_scorecard_action/{running.id}", form)
            self._shoot(browser, "kpi_scorecard_confirmed", f"{action}kpi_scorecard_action/{confirmed.id}", form)
            self._shoot(
                browser,
                "kpi_payslip",
                f"/odoo/hr.payslip/{payslip.id}",
                form,
                then="[...document.querySelectorAll('.o_notebook .nav-link')]"
                ".find((tab) => tab.textContent.includes('Salary Computation')).click()",
                then_ready=".o_notebook .o_list_view .o_data_row",
                module="kpi_callcenter_payroll",
            )
        finally:
            self._close_browser(browser)
        browser = self._open_browser("kpi.agent1")
        try:
            self._shoot(browser, "portal_scorecards", "/my/kpi", "a[href^='/my/kpi/']")
            self._shoot(browser, "portal_scorecard", f"/my/kpi/{confirmed.id}", ".o_kpi_actual")
        finally:
            self._close_browser(browser)
