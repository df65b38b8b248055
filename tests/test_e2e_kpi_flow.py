# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""End to end, as HR would do it: objective → KPIs on real records → plan → month's
activity (orders, tickets, CSAT, a sick leave) → scorecards → confirm → locked.

Run by setup/test with pytest-odoo against the throwaway database where both addons
are installed.
"""

from datetime import date, datetime

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged


# Outside odoo.addons, Odoo's test metaclass sets no tags: give them explicitly.
@tagged("post_install", "-at_install", "standard")
class TestKpiFlow(TransactionCase):
    test_module = "kpi_callcenter"
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="UTC"))
        vnd = cls.env.ref("base.VND")
        vnd.active = True
        cls.company = cls.env["res.company"].create({"name": "CSKH E2E", "currency_id": vnd.id})
        cls.company.resource_calendar_id.tz = "UTC"
        cls.env.user.company_ids |= cls.company
        companies = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.hr = new_test_user(
            cls.env, "e2e_hr", groups="base.group_user,hr.group_hr_manager,kpi_callcenter.group_kpi_manager",
            **companies,
        )
        cls.agents = cls.env["hr.employee"]
        for name in ("Lan", "Minh"):
            user = new_test_user(cls.env, f"e2e_{name.lower()}", groups="base.group_user", **companies)
            cls.agents |= cls.env["hr.employee"].create(
                {
                    "name": name,
                    "user_id": user.id,
                    "company_id": cls.company.id,
                    "resource_calendar_id": cls.company.resource_calendar_id.id,
                }
            )
        cls.lan, cls.minh = cls.agents
        cls.customer = cls.env["res.partner"].create({"name": "Khách hàng", "company_id": cls.company.id})
        cls.product = cls.env["product.product"].create({"name": "Ốp lưng", "type": "consu"})

    def _order(self, employee, amount, when):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": employee.user_id.id,
                "company_id": self.company.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "price_unit": amount, "tax_id": [Command.clear()]}
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = when

    def test_month_end_flow(self):
        env = self.env(user=self.hr)
        objective = env["kpi.objective"].create(
            {"name": "Grow telesales revenue", "horizon": "short", "company_id": self.company.id}
        )
        revenue = env["kpi.definition"].create(
            {
                "name": "Revenue",
                "code": "REV",
                "source": "sale",
                "measure": "revenue",
                "objective_id": objective.id,
                "company_id": self.company.id,
                "explanation": "Untaxed total of your confirmed orders in the month.",
            }
        )
        csat = env["kpi.definition"].create(
            {
                "name": "CSAT",
                "code": "CSAT",
                "source": "manual",
                "measure": "manual",
                "company_id": self.company.id,
                "explanation": "Average of the month's customer satisfaction surveys (1-5).",
            }
        )
        plan = env["kpi.plan"].create(
            {
                "name": "Telesales",
                "company_id": self.company.id,
                "employee_ids": [Command.set(self.agents.ids)],
                "line_ids": [
                    Command.create({"definition_id": revenue.id, "weight": 70, "target": 10_000_000}),
                    Command.create({"definition_id": csat.id, "weight": 30, "target": 4.0}),
                ],
            }
        )
        plan.action_activate()
        self.assertEqual(objective.definition_count, 1)

        # April 2027: 22 working days. Minh is sick 2 days (Mon 12 - Tue 13).
        self._order(self.lan, 12_000_000, datetime(2027, 4, 5, 9, 0))
        self._order(self.minh, 6_000_000, datetime(2027, 4, 20, 9, 0))
        env["kpi.manual.value"].create(
            [
                {"employee_id": self.lan.id, "definition_id": csat.id, "date": date(2027, 4, 9), "value": 5.0},
                {"employee_id": self.minh.id, "definition_id": csat.id, "date": date(2027, 4, 9), "value": 3.0},
            ]
        )
        sick = self.env.ref("hr_holidays.holiday_status_sl")
        sick.company_id = False
        self.env["hr.leave"].with_context(leave_skip_state_check=True).create(
            {
                "employee_id": self.minh.id,
                "holiday_status_id": sick.id,
                "request_date_from": date(2027, 4, 12),
                "request_date_to": date(2027, 4, 13),
            }
        ).action_validate()

        cards = plan.generate_scorecards(date(2027, 4, 1), date(2027, 4, 30))
        lan = cards.filtered(lambda c: c.employee_id == self.lan)
        minh = cards.filtered(lambda c: c.employee_id == self.minh)
        # Lan: revenue 120 % × 70 = 84; CSAT 5/4 = 125 % × 30 = 37.5 → 121.5
        assert round(lan.score, 2) == 121.5
        # Minh: 20 of 22 days → revenue target 10M × 20/22 = 9.09M; 6M → 66 % × 70 = 46.2;
        # CSAT 3/4 = 75 % × 30 = 22.5 → 68.7 (without proration it would be 64.5)
        assert minh.working_days == 22 and minh.leave_days == 2
        assert round(minh.prorate_factor, 4) == round(20 / 22, 4)
        assert round(minh.score, 1) == 68.7

        cards.with_user(self.hr).action_confirm()
        assert set(cards.mapped("state")) == {"confirmed"}
        try:
            cards.with_user(self.hr).action_compute()
        except UserError as error:
            assert "locked" in str(error)
        else:
            raise AssertionError("a confirmed scorecard must not be recomputed")
