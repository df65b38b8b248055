# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared fixtures for the KPI tests (and the payroll bridge's).

A company in VND with a Mon–Fri 8 h schedule in UTC, a team manager with agents under
him (each with a user), an HR officer and an HR manager; helpers to create KPI
definitions, plans, manual values, sale orders and helpdesk tickets. Nothing relies on
demo data or on today's date.
"""

from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class KpiCommon(TransactionCase):
    # A month with 22 working days Mon-Fri: March 2027 (1st is a Monday; 23 weekdays).
    date_from = date(2027, 3, 1)
    date_to = date(2027, 3, 31)
    agent_count = 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="UTC", tracking_disable=False))
        cls.vnd = cls.env.ref("base.VND")
        cls.vnd.active = True
        cls.company = cls.env["res.company"].create({"name": "KPI Test Co", "currency_id": cls.vnd.id})
        cls.calendar = cls.company.resource_calendar_id
        cls.calendar.tz = "UTC"
        cls.env.user.company_ids |= cls.company
        companies = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.user_hr_manager = new_test_user(
            cls.env, "kpi_hr_manager", groups="base.group_user,hr.group_hr_manager,kpi_callcenter.group_kpi_manager",
            **companies,
        )
        cls.user_officer = new_test_user(
            cls.env, "kpi_officer", groups="base.group_user,hr.group_hr_user,kpi_callcenter.group_kpi_officer",
            **companies,
        )
        cls.user_manager = new_test_user(
            cls.env, "kpi_team_manager", groups="base.group_user,kpi_callcenter.group_kpi_team_manager",
            **companies,
        )
        cls.manager = cls._create_employee("Team Manager", cls.user_manager)
        cls.agent_users = cls.env["res.users"]
        cls.agents = cls.env["hr.employee"]
        for index in range(1, cls.agent_count + 1):
            user = new_test_user(cls.env, f"kpi_agent{index}", groups="base.group_user", **companies)
            cls.agent_users |= user
            cls.agents |= cls._create_employee(f"Agent {index}", user, parent=cls.manager)
        cls.agent1, cls.agent2 = cls.agents[:1], cls.agents[1:2]
        cls.partner = cls.env["res.partner"].create({"name": "Customer", "company_id": cls.company.id})
        cls.product = cls.env["product.product"].create(
            {"name": "Phone case", "list_price": 100000.0, "type": "consu"}
        )

    # ------------------------------------------------------------------
    # Factories
    # ------------------------------------------------------------------
    @classmethod
    def _create_employee(cls, name, user=None, parent=None, company=None):
        company = company or cls.company
        return cls.env["hr.employee"].create(
            {
                "name": name,
                "user_id": user.id if user else False,
                "parent_id": parent.id if parent else False,
                "company_id": company.id,
                "resource_calendar_id": company.resource_calendar_id.id,
                "tz": "UTC",
            }
        )

    @classmethod
    def _create_definition(cls, code, source="manual", measure=None, **values):
        measure = measure or {"manual": "manual", "domain": "domain"}.get(source)
        return cls.env["kpi.definition"].create(
            {
                "name": values.pop("name", code),
                "code": code,
                "source": source,
                "measure": measure,
                "company_id": cls.company.id,
                "explanation": values.pop("explanation", f"How {code} is computed."),
                **values,
            }
        )

    @classmethod
    def _create_plan(cls, lines, employees=None, activate=True, **values):
        """lines: iterable of (definition, weight, target) or dicts of plan line values."""
        line_commands = []
        for line in lines:
            if isinstance(line, dict):
                line_commands.append(Command.create(line))
            else:
                definition, weight, target = line
                line_commands.append(
                    Command.create({"definition_id": definition.id, "weight": weight, "target": target})
                )
        plan = cls.env["kpi.plan"].create(
            {
                "name": values.pop("name", "Test plan"),
                "company_id": cls.company.id,
                "employee_ids": [Command.set((employees if employees is not None else cls.agents).ids)],
                "line_ids": line_commands,
                **values,
            }
        )
        if activate:
            plan.action_activate()
        return plan

    @classmethod
    def _add_manual_values(cls, definition, values, day=None):
        """values: {employee: value or [values]} on ``day`` (default: the 10th of the period)."""
        day = day or cls.date_from.replace(day=10)
        vals_list = []
        for employee, employee_values in values.items():
            if not isinstance(employee_values, list | tuple):
                employee_values = [employee_values]
            for value in employee_values:
                vals_list.append(
                    {"employee_id": employee.id, "definition_id": definition.id, "date": day, "value": value}
                )
        return cls.env["kpi.manual.value"].create(vals_list)

    @classmethod
    def _create_sale_order(cls, user, amount, when, qty=1.0, product=None, confirm=True):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.partner.id,
                "user_id": user.id,
                "company_id": cls.company.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": (product or cls.product).id,
                            "product_uom_qty": qty,
                            "price_unit": amount / qty,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if confirm:
            order.action_confirm()
        order.date_order = when
        return order

    @classmethod
    def _create_contract(cls, employee, date_start, date_end=False, department=None, state="open", **values):
        """A contract of ``employee`` on the company schedule (``department``: the
        employee's own by default)."""
        return cls.env["hr.contract"].create(
            {
                "name": f"{employee.name} {date_start}",
                "employee_id": employee.id,
                "company_id": cls.company.id,
                "date_start": date_start,
                "date_end": date_end,
                "wage": 10_000_000,
                "state": state,
                "department_id": (department or employee.department_id).id,
                "resource_calendar_id": cls.calendar.id,
                **values,
            }
        )

    @classmethod
    def _generate(cls, plan, date_from=None, date_to=None):
        return plan.generate_scorecards(date_from or cls.date_from, date_to or cls.date_to)

    @staticmethod
    def _dt(*args):
        return datetime(*args)

    # ------------------------------------------------------------------
    # Helpers added for the portal, statement and export tests
    # ------------------------------------------------------------------
    @classmethod
    def _create_portal_user(cls, login, employee=None, company=None):
        """A portal (share) user, linked to ``employee`` as its KPI portal user if given."""
        company = company or cls.company
        user = new_test_user(
            cls.env, login, groups="base.group_portal",
            company_id=company.id, company_ids=[Command.set(company.ids)],
        )
        if employee:
            employee.kpi_portal_user_id = user
        return user

    @classmethod
    def _month(cls, months_before=0):
        """(first day, last day) of the month ``months_before`` months before ``date_from``."""

        start = cls.date_from - relativedelta(months=months_before)
        return start, start + relativedelta(months=1, days=-1)

    @classmethod
    def _create_sick_leave(cls, employee, day):
        """A validated one-day leave on ``day`` of a type that prorates KPI targets (the
        type is created once; again when a test that created it was rolled back)."""
        leave_type = getattr(cls, "prorating_leave_type", None)
        if not leave_type or not leave_type.exists():
            cls.prorating_leave_type = cls.env["hr.leave.type"].create(
                {
                    "name": "KPI test sick leave",
                    "company_id": cls.company.id,
                    "requires_allocation": "no",
                    "leave_validation_type": "no_validation",
                    "kpi_prorate": True,
                }
            )
        leave = cls.env["hr.leave"].sudo().create(
            {
                "employee_id": employee.id,
                "holiday_status_id": cls.prorating_leave_type.id,
                "request_date_from": day,
                "request_date_to": day,
            }
        )
        if leave.state != "validate":
            leave.action_validate()
        return leave

    @classmethod
    def _create_payout_scale(cls, tiers, mode="step", name=None, company=None):
        """tiers: iterable of (achievement %, payout %)."""
        return cls.env["kpi.payout.scale"].create(
            {
                "name": name or f"{mode} scale",
                "mode": mode,
                "company_id": (company or cls.company).id,
                "tier_ids": [
                    Command.create({"achievement": achievement, "payout": payout})
                    for achievement, payout in tiers
                ],
            }
        )

    # ------------------------------------------------------------------
    # Helpers added for the governance tests (issue 7)
    # ------------------------------------------------------------------
    @classmethod
    def _activate_acknowledged(cls, plan, user=None):
        """Activate ``plan``, acknowledging its warnings as ``user`` (a KPI Manager)."""
        user = user or cls.user_hr_manager
        result = plan.with_user(user).action_activate()
        if isinstance(result, dict) and result.get("res_model") == "kpi.plan.activate":
            wizard = cls.env["kpi.plan.activate"].with_user(user).create({"plan_id": plan.id})
            result = wizard.action_acknowledge_and_activate()
        return result

    @classmethod
    def _new_version(cls, plan, user=None, **values):
        """A draft new version of the active ``plan`` made by ``user`` (a KPI Manager),
        starting by default at the first month that respects the company's notice period."""
        user = user or cls.user_hr_manager
        action = plan.with_user(user).action_new_version()
        version = cls.env["kpi.plan"].browse(action["res_id"])
        if "date_start" not in values:
            earliest = plan.company_id._kpi_today() + relativedelta(days=plan.company_id.kpi_version_notice_days)
            values["date_start"] = earliest.replace(day=1) + relativedelta(months=1 if earliest.day > 1 else 0)
        version.with_user(user).write(values)
        return version

    @classmethod
    def _create_job(cls, name):
        return cls.env["hr.job"].create({"name": name, "company_id": cls.company.id})
