# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""XLSX exports write every name as text: never a formula, never a link. Any user can
rename themselves ``=HYPERLINK(…)``; HR opening the export must not run it."""

import base64
import io
import zipfile
from datetime import date

import openpyxl

from odoo import Command
from odoo.tests import tagged

from .common import KpiCommon
from .common_portal import KpiPortalCommon

FORMULA_NAME = '=HYPERLINK("http://x","y")'
URL_NAME = "http://x.example/plan"


def _xlsx_cells(test, content, texts):
    """The cells holding one of ``texts``; fail when one is a formula or a link."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode()
                test.assertNotIn("HYPERLINK", xml, f"{name}: a formula <f> built from a name")
                test.assertNotIn("<hyperlink", xml, f"{name}: a link built from a name")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    cells = [
        cell
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.value in texts
    ]
    for cell in cells:
        test.assertEqual(cell.data_type, "s", f"{cell.coordinate}: {cell.value}")
        test.assertIsNone(cell.hyperlink, cell.coordinate)
    return cells


@tagged("post_install", "-at_install", "kpi_portal")
class TestScorecardExportInjection(KpiPortalCommon):
    def test_names_are_written_as_text(self):
        card = self.march["agent1"]
        card.employee_id.name = FORMULA_NAME
        card.plan_id.name = URL_NAME
        wizard = (
            self.env["kpi.scorecard.export"]
            .with_user(self.user_officer)
            .with_context(active_model="kpi.scorecard", active_ids=card.ids)
            .create({})
        )
        wizard.action_export()
        cells = _xlsx_cells(self, base64.b64decode(wizard.file_data), {FORMULA_NAME, URL_NAME})
        # every sheet shows both (the plan also on the other employees' rows), always as text
        self.assertEqual(
            {(cell.parent.title, cell.value) for cell in cells},
            {("KPIs", FORMULA_NAME), ("KPIs", URL_NAME), ("Scorecards", FORMULA_NAME), ("Scorecards", URL_NAME)},
        )
        # the agent's 2 KPI lines and their scorecard
        self.assertEqual(len([cell for cell in cells if cell.value == FORMULA_NAME]), 3)


@tagged("post_install", "-at_install", "kpi_governance")
class TestSimulationExportInjection(KpiCommon):
    def test_names_are_written_as_text(self):
        definition = self._create_definition("CALLS_X", name="Calls", manual_aggregate="sum")
        plan = self._create_plan([(definition, 100, 10)], activate=False, name="Plan")
        agent = self.agents[0]
        agent.name = FORMULA_NAME
        simulation = self.env["kpi.plan.simulation"].create(
            {
                "plan_id": plan.id,
                "date_from": date(2027, 3, 1),
                "date_to": date(2027, 3, 31),
                "line_ids": [
                    Command.create(
                        {
                            "employee_id": agent.id,
                            "date_from": date(2027, 3, 1),
                            "date_to": date(2027, 3, 31),
                            "current_plan_names": URL_NAME,
                            "old_bonus": 100.0,
                            "new_bonus": 90.0,
                        }
                    )
                ],
            }
        )
        cells = _xlsx_cells(self, simulation._build_xlsx(), {FORMULA_NAME, URL_NAME})
        self.assertEqual(
            sorted((cell.parent.title, cell.value) for cell in cells),
            [("Employees", FORMULA_NAME), ("Periods", FORMULA_NAME), ("Periods", URL_NAME)],
        )
