# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: compute a month's scorecards for a large call center.

Run with ``setup/bench scorecards`` (it builds the database ``kpi_bench`` and feeds this
script to ``odoo shell``). Sizes, by environment variable (defaults: the issue's):

    BENCH_EMPLOYEES=1000 BENCH_ORDERS=200000 BENCH_TICKETS=100000 BENCH_CALLS=1000000

Data is generated in bulk: one record of each kind is created through the ORM, then
cloned in SQL with ``generate_series`` (spread over the employees and the month). The
timed part is ``kpi.plan.generate_scorecards()`` alone; it prints seconds, SQL queries
and peak memory (Python allocations via tracemalloc, and the process's peak RSS). Then it
times the call data gate that confirming those scorecards runs (seconds, queries).
Not part of setup/test's pass/fail.
"""
# ruff: noqa: F821  (env is given by odoo shell)

import os
import resource
import time
import tracemalloc
from datetime import date, datetime

from odoo import Command, sql_db
from odoo.tools import SQL

EMPLOYEES = int(os.environ.get("BENCH_EMPLOYEES", 1000))
ORDERS = int(os.environ.get("BENCH_ORDERS", 200_000))
TICKETS = int(os.environ.get("BENCH_TICKETS", 100_000))
CALLS = int(os.environ.get("BENCH_CALLS", 1_000_000))
DATE_FROM, DATE_TO = date(2027, 3, 1), date(2027, 3, 31)


def clone(env, table, template_id, count, overrides):
    """INSERT ``count`` copies of row ``template_id`` of ``table``; ``overrides`` maps a
    column to an SQL expression over ``g`` (1..count)."""
    columns = [
        name
        for (name,) in env.execute_query(
            SQL(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND column_name != 'id' ORDER BY ordinal_position",
                table,
            )
        )
    ]
    select = [overrides.get(name, SQL.identifier("t", name)) for name in columns]
    env.execute_query(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s t, generate_series(1, %s) g WHERE t.id = %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(name) for name in columns),
            SQL(", ").join(select),
            SQL.identifier(table),
            count,
            template_id,
        )
    )


def setup_data(env):
    company = env["res.company"].create({"name": "Bench Call Center", "currency_id": env.ref("base.VND").id})
    company.resource_calendar_id.tz = "UTC"
    env.user.company_ids |= company
    users = env["res.users"].with_context(no_reset_password=True).create(
        [
            {"name": f"Agent {i}", "login": f"bench_agent_{i}", "company_id": company.id,
             "company_ids": [Command.set(company.ids)]}
            for i in range(EMPLOYEES)
        ]
    )
    employees = env["hr.employee"].create(
        [
            {"name": user.name, "user_id": user.id, "company_id": company.id,
             "resource_calendar_id": company.resource_calendar_id.id, "pbx_extension": str(1000 + i)}
            if "pbx_extension" in env["hr.employee"]._fields
            else {"name": user.name, "user_id": user.id, "company_id": company.id,
                  "resource_calendar_id": company.resource_calendar_id.id}
            for i, user in enumerate(users)
        ]
    )
    user_ids = users.ids
    users_array = SQL("(ARRAY[%s])[1 + mod(g, %s)]", SQL(", ").join(user_ids), len(user_ids))
    month_time = SQL("TIMESTAMP '2027-03-01' + mod(g::bigint * 7919, 2678400) * INTERVAL '1 second'")

    partner = env["res.partner"].create({"name": "Bench customer", "company_id": company.id})
    product = env["product.product"].create({"name": "Bench product", "type": "consu"})
    order = env["sale.order"].create(
        {"partner_id": partner.id, "user_id": users[0].id, "company_id": company.id,
         "order_line": [Command.create({"product_id": product.id, "price_unit": 100000, "tax_id": []})]}
    )
    order.action_confirm()
    env.flush_all()
    clone(env, "sale_order", order.id, ORDERS, {
        "name": SQL("'BENCH' || g"), "user_id": users_array, "date_order": month_time,
        "amount_untaxed": SQL("(mod(g, 50) + 1) * 10000"), "amount_total": SQL("(mod(g, 50) + 1) * 10000"),
    })

    stage = env["helpdesk.ticket.stage"].create({"name": "Bench done", "closed": True})
    ticket = env["helpdesk.ticket"].create(
        {"name": "Bench", "description": "Bench", "user_id": users[0].id, "company_id": company.id,
         "stage_id": stage.id, "kpi_due_date": datetime(2027, 3, 10)}
    )
    env.flush_all()
    clone(env, "helpdesk_ticket", ticket.id, TICKETS, {
        "number": SQL("'BT' || g"), "user_id": users_array, "closed_date": month_time,
        "kpi_due_date": SQL("TIMESTAMP '2027-03-01' + (mod(g, 2678400) + 3600 * (mod(g, 7) - 2)) * INTERVAL '1 second'"),
    })

    definitions = [
        ("B_SO", "sale", "order_count", 150), ("B_REV", "sale", "revenue", 50_000_000),
        ("B_TK", "helpdesk", "closed_count", 90), ("B_ONTIME", "helpdesk", "on_time_rate", 90),
        ("B_CSAT", "manual", "manual", 4),
    ]
    if "kpi.call" in env and CALLS:
        source = env["kpi.call.source"].create({"name": "Bench PBX", "company_id": company.id})
        call = env["kpi.call"].create(
            {"employee_id": employees[0].id, "source_id": source.id, "direction": "outbound", "start": datetime(2027, 3, 2, 9),
             "duration": 120, "disposition": "answered", "phone": "+84912345678", "cost": 1000,
             "external_uid": "bench-template", "company_id": company.id}
        )
        env.flush_all()
        employees_array = SQL("(ARRAY[%s])[1 + mod(g, %s)]", SQL(", ").join(employees.ids), len(employees))
        clone(env, "kpi_call", call.id, CALLS, {
            "external_uid": SQL("'bench-' || g"), "employee_id": employees_array, "start": month_time,
            "direction": SQL("CASE WHEN mod(g, 3) = 0 THEN 'inbound' ELSE 'outbound' END"),
            "duration": SQL("mod(g, 600)"),
        })
        definitions += [("B_OUT", "call", "outbound_count", 600), ("B_TALK", "call", "outbound_duration", 3000),
                        ("B_AHT", "call", "avg_handle_time", 240)]
    kpis = env["kpi.definition"].create(
        [{"name": code, "code": code, "source": source, "measure": measure, "company_id": company.id,
          "explanation": code} for code, source, measure, _target in definitions]
    )
    env["kpi.manual.value"].create(
        [{"employee_id": emp.id, "definition_id": kpis[4].id, "date": date(2027, 3, 15), "value": 4.2}
         for emp in employees]
    )
    weights = [100 // len(definitions)] * len(definitions)
    weights[0] += 100 - sum(weights)
    plan = env["kpi.plan"].create(
        {"name": "Bench plan", "company_id": company.id, "employee_ids": [Command.set(employees.ids)],
         "bonus_base": 2_000_000,
         "line_ids": [Command.create({"definition_id": kpi.id, "weight": weight, "target": target})
                      for kpi, weight, (_c, _s, _m, target) in zip(kpis, weights, definitions)]}
    )
    if isinstance(plan.action_activate(), dict):  # health warnings: acknowledge them
        env["kpi.plan.activate"].create({"plan_id": plan.id}).action_acknowledge_and_activate()
    env.cr.execute("ANALYZE")
    return plan


t0 = time.time()
bench_plan = setup_data(env)
env.cr.commit()
print(f"data: {EMPLOYEES} employees, {ORDERS} orders, {TICKETS} tickets, "
      f"{CALLS if 'kpi.call' in env else 0} calls, {len(bench_plan.line_ids)} KPIs "
      f"(generated in {time.time() - t0:.1f} s)")
env.invalidate_all()
tracemalloc.start()
queries0 = sql_db.sql_counter
profiler = None
if os.environ.get("BENCH_PROFILE"):
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
t1 = time.time()
cards = bench_plan.generate_scorecards(DATE_FROM, DATE_TO)
env.flush_all()
elapsed = time.time() - t1
if profiler:
    import pstats

    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
queries = sql_db.sql_counter - queries0
_current, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"generate_scorecards: {len(cards)} scorecards, {len(cards.line_ids)} lines")
print(f"BENCH scorecards seconds={elapsed:.2f} queries={queries} "
      f"peak_python_mb={peak / 1024 / 1024:.1f} peak_rss_mb={rss_mb:.0f}")

# The call data gate run when confirming these scorecards: one grouped query over the
# month's calls of the company's PBX (on the day after the period, so every day is checked).
if "kpi.call" in env and CALLS:
    from freezegun import freeze_time

    env.invalidate_all()
    queries0 = sql_db.sql_counter
    with freeze_time("2027-04-01 12:00:00", tick=True):
        t2 = time.time()
        gap_groups = cards._get_call_gaps()
        gate_elapsed = time.time() - t2
    gaps = sum(len(group["gaps"]) for group in gap_groups)
    print(f"BENCH call_gate seconds={gate_elapsed:.2f} queries={sql_db.sql_counter - queries0} "
          f"scorecards={len(cards)} gaps={gaps}")
env.cr.rollback()
