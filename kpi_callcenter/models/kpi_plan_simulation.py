# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pay-impact simulation (the seed: "a new KPI approach leading to lower real pay").

``kpi.plan.simulate(date_from, date_to)`` replays the real actuals of the past months
through a (draft) plan, for its employees, and compares per employee and month the bonus
it would pay with what their current plan paid (its scorecard's bonus) or would pay
(the same replay through the current plan when there is no scorecard). The activation
gate asks for an acknowledgement when anyone would lose more than the company's
percentage (``res.company.kpi_pay_drop_pct``) over the last calibration months.
"""

import base64
import io
from collections import defaultdict

import xlsxwriter

from odoo import Command, api, fields, models

from ..engine import calibration as engine_calibration
from ..engine import payout as engine_payout
from .kpi_plan_calibration import KpiReplay


class KpiPlan(models.Model):
    _inherit = "kpi.plan"

    simulation_ids = fields.One2many("kpi.plan.simulation", "plan_id", string="Simulations")

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------
    def simulate(self, date_from, date_to):
        """Replay the months from ``date_from`` to ``date_to`` through this plan and
        compare with the employees' current plans.

        :return: the ``kpi.plan.simulation`` holding one line per employee and month
        """
        self.ensure_one()
        self.check_access("write")
        periods = self._kpi_month_periods(date_from, date_to)
        rows = self._simulate_rows(periods)
        return self.env["kpi.plan.simulation"].create(
            {
                "plan_id": self.id,
                "date_from": periods[0][0],
                "date_to": periods[-1][1],
                "line_ids": [Command.create(row) for row in rows],
            }
        )

    def action_open_simulate(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Simulate the pay impact"),
            "res_model": "kpi.plan.simulate",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": self.id},
        }

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------
    def _get_current_plans(self, employees):
        """``{employee id: active plans (other than this one) assigning them}``."""
        self.ensure_one()
        result = defaultdict(lambda: self.browse())
        plans = self.search(
            [("state", "=", "active"), ("company_id", "=", self.company_id.id), ("id", "!=", self.id)]
        )
        for plan in plans:
            for employee in plan._get_assigned_employees() & employees:
                result[employee.id] |= plan
        return result

    def _simulate_rows(self, periods):
        """Values of the simulation lines: one per employee of the plan and period."""
        self.ensure_one()
        employees = self._get_assigned_employees()
        replay = KpiReplay(self.env, employees)
        current = self._get_current_plans(employees)
        current_plans = self.browse().union(*current.values())
        cards = self.env["kpi.scorecard"].search(
            [
                ("employee_id", "in", employees.ids),
                ("plan_id", "in", current_plans.ids),
                ("date_from", "in", [period[0] for period in periods]),
            ]
        )
        paid = {
            (card.employee_id.id, card.plan_id.id, card.date_from, card.date_to): card
            for card in cards
        }
        rows = []
        for period in periods:
            new = self._replay_bonus(employees, period, replay)
            old_by_plan = {}
            for employee in employees:
                old, sources = 0.0, set()
                for plan in current[employee.id]:
                    card = paid.get((employee.id, plan.id, *period))
                    if card:
                        old += card._simulation_paid_amount()
                        sources.add("scorecard")
                        continue
                    if plan not in old_by_plan:
                        plan_employees = employees.browse(
                            [eid for eid, plans in current.items() if plan in plans]
                        )
                        old_by_plan[plan] = plan._replay_bonus(plan_employees, period, replay)
                    old += old_by_plan[plan][employee.id]
                    sources.add("replay")
                rows.append(
                    {
                        "employee_id": employee.id,
                        "date_from": period[0],
                        "date_to": period[1],
                        "current_plan_names": ", ".join(current[employee.id].mapped("name")),
                        "old_source": "none" if not sources
                        else "mixed" if len(sources) > 1 else sources.pop(),
                        "old_bonus": old,
                        "new_bonus": new[employee.id],
                    }
                )
        return rows

    def _replay_bonus(self, employees, period, replay):
        """``{employee id: bonus}`` this plan would pay ``employees`` for ``period``,
        computed as a scorecard would be (proration, achievement, scale, threshold,
        gate, per-line currency rounding), without creating any scorecard."""
        self.ensure_one()
        factors = replay.factors(period)
        values = {line: replay.values(line.definition_id, period) for line in self.line_ids}
        # The caller checked its access to the plan; bonus bases are HR data.
        bases = {employee.id: employee.kpi_bonus_base for employee in employees.sudo()}
        Line = self.env["kpi.scorecard.line"]
        currency = self.company_id.currency_id
        result = {}
        for employee in employees:
            factor = factors.get(employee.id, 1.0)
            inputs = []
            for plan_line, line_values in values.items():
                prepared = Line._prepare_values(plan_line, line_values.get(employee.id, 0.0), factor)
                scale = plan_line.payout_scale_id or self.payout_scale_id
                inputs.append(
                    {
                        "weight": plan_line.weight,
                        "achievement": prepared["achievement"],
                        "threshold": plan_line.threshold,
                        "is_gate": plan_line.is_gate,
                        "payout": scale._get_payout(prepared["achievement"]),
                    }
                )
            _total, bonuses = engine_payout.scorecard_bonus(
                inputs, bases.get(employee.id) or self.bonus_base
            )
            result[employee.id] = sum(currency.round(bonus) for bonus in bonuses)
        return result

    def _health_pay_impact(self):
        """Warn when, over the last calibration months, an employee would have earned
        more than the company's percentage less under this plan than under their
        current one."""
        issues = super()._health_pay_impact()
        company = self.company_id
        periods = self._kpi_last_periods(company.kpi_calibration_periods)
        employees = self._get_assigned_employees()
        if not periods or not employees or not self._get_current_plans(employees):
            return issues
        totals = defaultdict(lambda: [0.0, 0.0])
        for row in self._simulate_rows(periods):
            totals[row["employee_id"]][0] += row["old_bonus"]
            totals[row["employee_id"]][1] += row["new_bonus"]
        losers = []
        for employee in employees:
            old, new = totals[employee.id]
            drop = engine_calibration.pay_drop_pct(old, new)
            if drop > company.kpi_pay_drop_pct:
                losers.append((employee, old, new, drop))
        if losers:
            issues.append(
                self._health_issue(
                    "pay_impact",
                    "warning",
                    self.env._(
                        "Plan %(plan)s would pay %(count)s employees more than %(limit)s %% less "
                        "than their current plan over %(start)s - %(end)s: %(details)s.",
                        plan=self.display_name,
                        count=len(losers),
                        limit=company.kpi_pay_drop_pct,
                        start=periods[0][0],
                        end=periods[-1][1],
                        details="; ".join(
                            f"{employee.name} {old:,.0f} → {new:,.0f} (-{drop:.1f} %)"
                            for employee, old, new, drop in losers
                        ),
                    ),
                    ",".join(f"{employee.id}:{round(new - old, 2)}" for employee, old, new, _d in losers),
                )
            )
        return issues


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
        # Names and labels are text: never a formula or a link (a user named
        # "=HYPERLINK(…)" stays a name).
        workbook = xlsxwriter.Workbook(
            output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
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
