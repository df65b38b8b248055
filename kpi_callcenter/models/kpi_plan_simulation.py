# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pay-impact simulations (the seed: "a new KPI approach leading to lower real pay"):
``kpi.plan.simulate()`` stores here, per employee and month, the bonus the plan would
pay next to what the current plan paid or would pay."""

import base64
import io

import xlsxwriter

from odoo import api, fields, models


class KpiPlanSimulation(models.Model):
    _name = "kpi.plan.simulation"
    _description = "KPI Plan Pay-Impact Simulation"
    _order = "create_date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    plan_id = fields.Many2one("kpi.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    line_ids = fields.One2many("kpi.plan.simulation.line", "simulation_id", string="Lines")
    old_total = fields.Monetary(string="Current pay", compute="_compute_totals", store=True)
    new_total = fields.Monetary(string="Simulated pay", compute="_compute_totals", store=True)
    difference_total = fields.Monetary(string="Difference", compute="_compute_totals", store=True)
    employee_count = fields.Integer(string="Employees", compute="_compute_totals", store=True)
    losing_count = fields.Integer(
        string="Employees earning less", compute="_compute_totals", store=True,
        help="Employees whose simulated bonus over the whole range is lower than today's.",
    )
    file_data = fields.Binary(string="File", readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    @api.depends("plan_id.name", "date_from", "date_to")
    def _compute_name(self):
        for simulation in self:
            simulation.name = f"{simulation.plan_id.name}: {simulation.date_from} → {simulation.date_to}"

    @api.depends("line_ids.old_bonus", "line_ids.new_bonus", "line_ids.employee_id")
    def _compute_totals(self):
        for simulation in self:
            by_employee = simulation._get_employee_totals()
            simulation.old_total = sum(old for old, _new in by_employee.values())
            simulation.new_total = sum(new for _old, new in by_employee.values())
            simulation.difference_total = simulation.new_total - simulation.old_total
            simulation.employee_count = len(by_employee)
            simulation.losing_count = sum(
                1 for old, new in by_employee.values()
                if simulation.currency_id.compare_amounts(new, old) < 0
            )

    def _get_employee_totals(self):
        """``{employee: (current total, simulated total)}``, in the lines' order."""
        self.ensure_one()
        totals = {}
        for line in self.line_ids:
            old, new = totals.get(line.employee_id, (0.0, 0.0))
            totals[line.employee_id] = (old + line.old_bonus, new + line.new_bonus)
        return totals

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kpi_callcenter.kpi_plan_simulation_line_action"
        )
        action["domain"] = [("simulation_id", "=", self.id)]
        return action

    def action_export_xlsx(self):
        self.ensure_one()
        self.write(
            {
                "file_data": base64.b64encode(self._build_xlsx()),
                "file_name": f"kpi_simulation_{self.plan_id.name}_{self.date_from}_{self.date_to}.xlsx",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/?model={self._name}&id={self.id}&field=file_data"
            "&filename_field=file_name&download=true",
            "target": "self",
        }

    def _build_xlsx(self):
        """Sheet "Employees" (current, simulated, difference per employee, totals) and
        sheet "Periods" (the same per employee and month)."""
        self.ensure_one()
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        bold = workbook.add_format({"bold": True})
        header = workbook.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1})
        money = workbook.add_format({"num_format": "#,##0"})
        money_bold = workbook.add_format({"num_format": "#,##0", "bold": True})
        pct = workbook.add_format({"num_format": "0.0"})
        title = self.env._(
            "Pay impact of %(plan)s, %(start)s - %(end)s",
            plan=self.plan_id.name, start=self.date_from, end=self.date_to,
        )
        sheet = workbook.add_worksheet(self.env._("Employees"))
        sheet.write(0, 0, title, bold)
        columns = [
            self.env._("Employee"), self.env._("Current pay"), self.env._("Simulated pay"),
            self.env._("Difference"), self.env._("Difference (%)"),
        ]
        for col, label in enumerate(columns):
            sheet.write(2, col, label, header)
        row = 3
        for employee, (old, new) in self._get_employee_totals().items():
            sheet.write(row, 0, employee.name)
            sheet.write_number(row, 1, old, money)
            sheet.write_number(row, 2, new, money)
            sheet.write_number(row, 3, new - old, money)
            sheet.write_number(row, 4, (new - old) * 100.0 / old if old else 0.0, pct)
            row += 1
        sheet.write(row, 0, self.env._("Total"), bold)
        sheet.write_number(row, 1, self.old_total, money_bold)
        sheet.write_number(row, 2, self.new_total, money_bold)
        sheet.write_number(row, 3, self.difference_total, money_bold)
        sheet.write(row + 1, 0, self.env._("Employees earning less"), bold)
        sheet.write_number(row + 1, 1, self.losing_count)
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 4, 16)
        periods = workbook.add_worksheet(self.env._("Periods"))
        columns = [
            self.env._("Employee"), self.env._("From"), self.env._("To"), self.env._("Current plans"),
            self.env._("Current pay"), self.env._("Simulated pay"), self.env._("Difference"),
        ]
        for col, label in enumerate(columns):
            periods.write(0, col, label, header)
        for row, line in enumerate(self.line_ids, start=1):
            periods.write(row, 0, line.employee_id.name)
            periods.write(row, 1, str(line.date_from))
            periods.write(row, 2, str(line.date_to))
            periods.write(row, 3, line.current_plan_names or "")
            periods.write_number(row, 4, line.old_bonus, money)
            periods.write_number(row, 5, line.new_bonus, money)
            periods.write_number(row, 6, line.difference, money)
        periods.set_column(0, 0, 28)
        periods.set_column(1, 6, 16)
        workbook.close()
        return output.getvalue()


class KpiPlanSimulationLine(models.Model):
    _name = "kpi.plan.simulation.line"
    _description = "KPI Plan Pay-Impact Simulation Line"
    _order = "simulation_id, employee_id, date_from, id"

    simulation_id = fields.Many2one("kpi.plan.simulation", required=True, ondelete="cascade", index=True)
    plan_id = fields.Many2one(related="simulation_id.plan_id", store=True)
    company_id = fields.Many2one(related="simulation_id.company_id", store=True)
    currency_id = fields.Many2one(related="simulation_id.currency_id")
    employee_id = fields.Many2one("hr.employee", required=True, index=True)
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    current_plan_names = fields.Char(string="Current plans")
    old_source = fields.Selection(
        [
            ("scorecard", "Paid scorecard"),
            ("replay", "Replayed"),
            ("mixed", "Mixed"),
            ("none", "No current plan"),
        ],
        string="Current pay from",
    )
    old_bonus = fields.Monetary(string="Current pay")
    new_bonus = fields.Monetary(string="Simulated pay")
    difference = fields.Monetary(compute="_compute_difference", store=True)
    loses_pay = fields.Boolean(compute="_compute_difference", store=True, string="Earns less")

    @api.depends("old_bonus", "new_bonus")
    def _compute_difference(self):
        for line in self:
            line.difference = line.new_bonus - line.old_bonus
            line.loses_pay = line.currency_id.compare_amounts(line.new_bonus, line.old_bonus) < 0
