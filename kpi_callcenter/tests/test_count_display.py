# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Count KPIs in whole numbers; the achievement histogram's ranges; the app's first screen.

Fixture (March 2027): KPI "SO_COUNT" (sale orders, a count, unit "đơn"), target 20, weight
100. Agent 1 confirms 3 orders: 3 / 20 = 15 % achievement (range "< 50 %"); agent 2 confirms
17 orders: 17 / 20 = 85 % (range "80–99 %").
"""

import base64
import io
from datetime import datetime

import openpyxl
from lxml import html as lxml_html

from odoo.tests import HttpCase, tagged

from .common import KpiCommon


@tagged("post_install", "-at_install", "kpi_count_display")
class TestCountDisplay(HttpCase, KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.orders = cls._create_definition("SO_COUNT", "sale", "order_count", name="Orders", unit="đơn")
        cls.plan = cls._create_plan([(cls.orders, 100, 20)], employees=cls.agent1 | cls.agent2, name="Orders")
        for user, count in ((cls.agent1.user_id, 3), (cls.agent2.user_id, 17)):
            for day in range(count):
                cls._create_sale_order(user, 100_000, datetime(2027, 3, 2 + day, 9, 0))
        cls.cards = cls._generate(cls.plan)
        cls.line1 = cls.cards.filtered(lambda card: card.employee_id == cls.agent1).line_ids
        cls.line2 = cls.cards.filtered(lambda card: card.employee_id == cls.agent2).line_ids

    def test_lines_are_counts_with_a_band(self):
        self.assertEqual((self.line1.aggregation, self.line1.actual, self.line2.actual), ("count", 3, 17))
        self.assertEqual(self.line1.achievement_band, "000")  # 3 / 20 = 15 %
        self.assertEqual(self.line2.achievement_band, "080")  # 17 / 20 = 85 %

    def test_statement_shows_whole_numbers(self):
        card = self.line2.scorecard_id
        html = self.env["ir.actions.report"]._render_qweb_html(
            "kpi_callcenter.report_kpi_scorecard_statement", card.ids
        )[0].decode()
        tree = lxml_html.fromstring(html)
        actual = " ".join(tree.xpath("//td[hasclass('o_kpi_actual')]")[0].text_content().split())
        target = " ".join(tree.xpath("//td[hasclass('o_kpi_target')]/span")[0].text_content().split())
        self.assertEqual(actual, "17 đơn")
        self.assertEqual(target, "20 đơn")
        self.assertIn("85.00", html, "the achievement keeps its decimals")

    def test_xlsx_shows_whole_numbers(self):
        wizard = (
            self.env["kpi.scorecard.export"]
            .with_user(self.user_officer)
            .with_context(active_model="kpi.scorecard", active_ids=self.cards.ids)
            .create({})
        )
        wizard.action_export()
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data)))["KPIs"]
        headers = [cell.value for cell in sheet[4]]
        actual = sheet.cell(row=5, column=headers.index("Actual") + 1)
        target = sheet.cell(row=5, column=headers.index("Target") + 1)
        achievement = sheet.cell(row=5, column=headers.index("Achievement (%)") + 1)
        self.assertEqual((actual.value, actual.number_format), (3, "#,##0"))
        self.assertEqual(target.number_format, "#,##0")
        self.assertEqual(achievement.number_format, "0.00")

    def test_graph_views(self):
        Line = self.env["kpi.scorecard.line"].with_user(self.user_manager)
        groups = Line.read_group(
            [("scorecard_id", "in", self.cards.ids)], ["definition_id"], ["achievement_band", "definition_id"],
            lazy=False,
        )
        self.assertEqual(
            sorted((group["achievement_band"], group["__count"]) for group in groups), [("000", 1), ("080", 1)]
        )
        histogram = self.env.ref("kpi_callcenter.kpi_scorecard_line_action_histogram")
        self.assertEqual(histogram.view_mode.split(",")[0], "graph")
        for action, model in (
            ("kpi_callcenter.kpi_scorecard_action_dashboard", "kpi.scorecard"),
            ("kpi_callcenter.kpi_plan_simulation_line_action", "kpi.plan.simulation.line"),
        ):
            action = self.env.ref(action)
            self.assertIn("graph", action.view_mode, action.name)
            self.env[model].get_views([(False, "graph")])  # the arch validates

    def test_kpi_app_opens_on_the_team_dashboard(self):
        menus = self.env["ir.ui.menu"].with_user(self.user_manager).load_web_menus(False)
        root = self.env.ref("kpi_callcenter.kpi_root_menu")
        self.assertFalse(root.parent_id, "KPI is an app of its own")
        dashboard = self.env.ref("kpi_callcenter.kpi_scorecard_action_dashboard")
        self.assertEqual(menus[root.id]["actionID"], dashboard.id)

    def test_demo_admin_starts_in_the_demo_company(self):
        demo_company = self.env.ref("kpi_callcenter.company_demo", raise_if_not_found=False)
        if not demo_company:
            self.skipTest("no demo data")
        self.assertEqual(self.env.ref("base.user_admin").company_id, demo_company)
        self.assertTrue(
            self.env["kpi.scorecard"].search_count([("company_id", "=", demo_company.id)]),
            "the dashboard has data",
        )
