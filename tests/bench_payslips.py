# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: what the KPI bonus adds to a payslip batch.

Run with ``setup/bench payslips`` (it builds the database ``kpi_bench`` and feeds this
script to ``odoo shell``). Size by environment variable (default: the issue's)::

    BENCH_EMPLOYEES=1000 setup/bench payslips

``BENCH_EMPLOYEES`` employees with a contract, a confirmed KPI scorecard of March 2027
each (one manual KPI), and two salary structures with the same rules (basic, gross, net)
but for the bridge's KPI_BONUS rule (and its input) in the second. The timed part is
OCA payroll's batch wizard (``hr.payslip.employees.compute_sheet``: one payslip per
employee, computed), run once per structure on a payslip batch of March, each in a
savepoint rolled back afterwards, after a small warm-up batch. It prints::

    BENCH payslips overhead=…% without_seconds=… with_seconds=… employees=… bonus_total=…

``overhead`` is (with − without) ÷ without. Not part of setup/test's pass/fail.
"""
# ruff: noqa: F821  (env is given by odoo shell)

import os
import time
from datetime import date

from odoo import Command

EMPLOYEES = int(os.environ.get("BENCH_EMPLOYEES", 1000))
DATE_FROM, DATE_TO = date(2027, 3, 1), date(2027, 3, 31)


def setup_data():
    company = env["res.company"].create({"name": "Bench payroll", "currency_id": env.ref("base.VND").id})
    company.resource_calendar_id.tz = "UTC"
    env.user.company_ids |= company
    env.user.company_id = company
    employees = env["hr.employee"].create([
        {"name": f"Payroll agent {i}", "company_id": company.id,
         "resource_calendar_id": company.resource_calendar_id.id}
        for i in range(EMPLOYEES)
    ])
    category = env["hr.salary.rule.category"]
    basic_cat = category.create({"name": "Bench basic", "code": "BBASIC"})
    gross_cat = category.create({"name": "Bench gross", "code": "BGROSS"})
    net_cat = category.create({"name": "Bench net", "code": "BNET"})
    rules = env["hr.salary.rule"].create([
        {"name": "Basic", "code": "BBASIC", "sequence": 1, "category_id": basic_cat.id,
         "condition_select": "none", "amount_select": "code", "amount_python_compute": "result = contract.wage"},
        {"name": "Gross", "code": "BGROSS", "sequence": 100, "category_id": gross_cat.id,
         "condition_select": "none", "amount_select": "code",
         "amount_python_compute": "result = categories.BBASIC + (categories.KPI or 0.0)"},
        {"name": "Net", "code": "BNET", "sequence": 200, "category_id": net_cat.id,
         "condition_select": "none", "amount_select": "code", "amount_python_compute": "result = categories.BGROSS"},
    ])
    kpi_rule = env.ref("kpi_callcenter_payroll.hr_salary_rule_kpi_bonus")
    structures = env["hr.payroll.structure"].create([
        {"name": "Without KPI bonus", "code": "BENCH0", "company_id": company.id, "rule_ids": [Command.set(rules.ids)]},
        {"name": "With KPI bonus", "code": "BENCH1", "company_id": company.id,
         "rule_ids": [Command.set((rules | kpi_rule).ids)]},
    ])
    env["hr.contract"].create([
        {"name": f"{employee.name} contract", "employee_id": employee.id, "company_id": company.id,
         "date_start": date(2026, 1, 1), "wage": 10_000_000, "state": "open", "struct_id": structures[1].id,
         "resource_calendar_id": company.resource_calendar_id.id}
        for employee in employees
    ])
    kpi = env["kpi.definition"].create({"name": "Bench CSAT", "code": "B_CSAT", "source": "manual",
                                        "measure": "manual", "company_id": company.id, "explanation": "CSAT"})
    env["kpi.manual.value"].create([
        {"employee_id": employee.id, "definition_id": kpi.id, "date": date(2027, 3, 15), "value": 3 + i % 3}
        for i, employee in enumerate(employees)
    ])
    plan = env["kpi.plan"].create({
        "name": "Bench payroll plan", "company_id": company.id, "bonus_base": 2_000_000,
        "employee_ids": [Command.set(employees.ids)],
        "line_ids": [Command.create({"definition_id": kpi.id, "weight": 100, "target": 4})],
    })
    if isinstance(plan.action_activate(), dict):  # health warnings: acknowledge them
        env["kpi.plan.activate"].create({"plan_id": plan.id}).action_acknowledge_and_activate()
    cards = plan.generate_scorecards(DATE_FROM, DATE_TO)
    action = cards.action_confirm()
    if isinstance(action, dict) and action.get("res_model"):  # missing call data: confirm anyway
        env[action["res_model"]].browse(action["res_id"]).action_confirm_anyway()
    env.flush_all()
    env.cr.execute("ANALYZE")
    return company, employees, structures, cards


def run_batch(employees, structure):
    """The batch wizard over ``employees`` with ``structure``; returns (payslips, seconds)."""
    env.invalidate_all()
    run = env["hr.payslip.run"].create({"name": f"March {structure.code}", "date_start": DATE_FROM,
                                        "date_end": DATE_TO, "struct_id": structure.id})
    wizard = env["hr.payslip.employees"].create({"employee_ids": [Command.set(employees.ids)]})
    started = time.time()
    wizard.with_context(active_id=run.id).compute_sheet()
    env.flush_all()
    return run.slip_ids, time.time() - started


def timed_batch(employees, structure):
    savepoint = env.cr.savepoint()
    payslips, seconds = run_batch(employees, structure)
    bonus = sum(payslips.line_ids.filtered(lambda line: line.code == "KPI_BONUS").mapped("total"))
    count = len(payslips)
    savepoint.close(rollback=True)
    env.invalidate_all()
    return seconds, bonus, count


t0 = time.time()
bench_company, bench_employees, (without_kpi, with_kpi), bench_cards = setup_data()
print(f"data: {len(bench_employees)} employees, {len(bench_cards)} confirmed scorecards "
      f"(bonus {sum(bench_cards.mapped('bonus_amount')):.0f}; generated in {time.time() - t0:.1f} s)")
# warm-up: the first payslips fill Odoo's caches (rules, structures, ORM registries)
timed_batch(bench_employees[:20], without_kpi)
timed_batch(bench_employees[:20], with_kpi)
without_seconds, _bonus, without_count = timed_batch(bench_employees, without_kpi)
with_seconds, bonus_total, with_count = timed_batch(bench_employees, with_kpi)
print(f"BENCH payslips overhead={100 * (with_seconds - without_seconds) / without_seconds:.1f}% "
      f"without_seconds={without_seconds:.2f} with_seconds={with_seconds:.2f} "
      f"employees={with_count}/{without_count} bonus_total={bonus_total:.0f}")
env.cr.rollback()
