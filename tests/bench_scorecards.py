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
             "talk_seconds": 120, "disposition": "answered", "phone": "+84912345678", "cost": 1000,
             "external_uid": "bench-template", "company_id": company.id}
        )
        env.flush_all()
        employees_array = SQL("(ARRAY[%s])[1 + mod(g, %s)]", SQL(", ").join(employees.ids), len(employees))
        clone(env, "kpi_call", call.id, CALLS, {
            "external_uid": SQL("'bench-' || g"), "employee_id": employees_array, "start": month_time,
            "direction": SQL("CASE WHEN mod(g, 3) = 0 THEN 'inbound' ELSE 'outbound' END"),
            "talk_seconds": SQL("mod(g, 600)"),
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


def floor(env, plan):
    """The floor: the same KPIs as hand-written aggregate SQL (one query per source, the
    one-month window on the indexed date columns), the figures in a few lines of Python
    and a bulk INSERT of the result rows (one scorecard and one row per KPI and employee)
    into temporary tables. What no ORM pipeline can beat on this machine and data."""
    company = plan.company_id
    employees = plan._get_assigned_employees()
    by_user = {employee.user_id.id: employee.id for employee in employees}
    start, stop = datetime(2027, 3, 1), datetime(2027, 4, 1)
    actuals = {}  # (employee id, code) -> value
    for user_id, count, revenue in env.execute_query(SQL(
        "SELECT user_id, COUNT(*), SUM(amount_untaxed / COALESCE(NULLIF(currency_rate, 0), 1)) FROM sale_order "
        "WHERE state = 'sale' AND company_id = %s AND date_order >= %s AND date_order < %s GROUP BY user_id",
        company.id, start, stop,
    )):
        actuals[(by_user.get(user_id), "B_SO")] = count
        actuals[(by_user.get(user_id), "B_REV")] = revenue
    for user_id, closed, on_time in env.execute_query(SQL(
        "SELECT t.user_id, COUNT(*), COUNT(*) FILTER (WHERE t.kpi_due_date IS NULL OR t.closed_date <= t.kpi_due_date) "
        "FROM helpdesk_ticket t JOIN helpdesk_ticket_stage st ON st.id = t.stage_id "
        "WHERE st.closed AND t.active AND t.company_id = %s AND t.closed_date >= %s AND t.closed_date < %s "
        "GROUP BY t.user_id",
        company.id, start, stop,
    )):
        actuals[(by_user.get(user_id), "B_TK")] = closed
        actuals[(by_user.get(user_id), "B_ONTIME")] = 100.0 * on_time / closed if closed else 0.0
    for employee_id, value in env.execute_query(SQL(
        "SELECT employee_id, AVG(value) FROM kpi_manual_value WHERE date >= %s AND date < %s GROUP BY employee_id",
        start.date(), stop.date(),
    )):
        actuals[(employee_id, "B_CSAT")] = value
    if "kpi.call" in env and CALLS:
        for employee_id, outbound, out_secs, talk, answered in env.execute_query(SQL(
            "SELECT employee_id, COUNT(*) FILTER (WHERE direction = 'outbound'), "
            "SUM(talk_seconds) FILTER (WHERE direction = 'outbound'), "
            "SUM(talk_seconds) FILTER (WHERE disposition = 'answered'), COUNT(*) FILTER (WHERE disposition = 'answered') "
            "FROM kpi_call WHERE company_id = %s AND start >= %s AND start < %s GROUP BY employee_id",
            company.id, start, stop,
        )):
            actuals[(employee_id, "B_OUT")] = outbound
            actuals[(employee_id, "B_TALK")] = (out_secs or 0) / 60.0
            actuals[(employee_id, "B_AHT")] = talk / answered if answered else 0.0
    lines = [(line.definition_id.code, line.weight, line.target) for line in plan.line_ids]
    card_rows, line_rows = [], []
    for employee in employees:
        score = 0.0
        for code, weight, target in lines:
            actual = float(actuals.get((employee.id, code)) or 0.0)
            achievement = min(actual / target * 100.0, 150.0) if target else 0.0
            score += achievement * weight / 100.0
            line_rows.append((employee.id, code, actual, achievement, achievement * weight / 100.0))
        card_rows.append((employee.id, score, round(score * plan.bonus_base / 100.0)))
    env.cr.execute("CREATE TEMP TABLE IF NOT EXISTS floor_card (employee_id int, score float, bonus numeric)")
    env.cr.execute("CREATE TEMP TABLE IF NOT EXISTS floor_line "
                   "(employee_id int, code varchar, actual float, achievement float, score float)")
    env.execute_query(SQL("INSERT INTO floor_card VALUES %s", SQL(", ").join(card_rows)))
    env.execute_query(SQL("INSERT INTO floor_line VALUES %s", SQL(", ").join(line_rows)))
    return len(card_rows) + len(line_rows)


def timed(label, func):
    """Run ``func`` and return ``(result, seconds, queries)``, all pending writes flushed."""
    env.invalidate_all()
    queries0 = sql_db.sql_counter
    profiler = None
    if os.environ.get("BENCH_PROFILE") == label:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.time()
    result = func()
    env.flush_all()
    elapsed = time.time() - started
    if profiler:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    return result, elapsed, sql_db.sql_counter - queries0


t0 = time.time()
bench_plan = setup_data(env)
env.cr.commit()
print(f"data: {EMPLOYEES} employees, {ORDERS} orders, {TICKETS} tickets, "
      f"{CALLS if 'kpi.call' in env else 0} calls, {len(bench_plan.line_ids)} KPIs "
      f"(generated in {time.time() - t0:.1f} s)")

rows, floor_seconds, _floor_queries = timed("floor", lambda: floor(env, bench_plan))
print(f"floor: hand-written aggregate SQL + bulk INSERT of {rows} rows")

tracemalloc.start()
cards, first_seconds, first_queries = timed(
    "first", lambda: bench_plan.generate_scorecards(DATE_FROM, DATE_TO)
)
_current, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"generate_scorecards: {len(cards)} scorecards, {len(cards.line_ids)} lines, "
      f"peak_python_mb={peak / 1024 / 1024:.1f} peak_rss_mb={rss_mb:.0f}")
print(f"BENCH scorecards seconds={first_seconds:.2f} floor_seconds={floor_seconds:.2f} "
      f"ratio={first_seconds / floor_seconds:.1f} queries={first_queries}")
# the hourly provisional refresh of the same scorecards (no chatter message)
_result, refresh_seconds, refresh_queries = timed("refresh", lambda: cards._recompute())
print(f"BENCH scorecards_refresh seconds={refresh_seconds:.2f} floor_seconds={floor_seconds:.2f} "
      f"ratio={refresh_seconds / floor_seconds:.1f} queries={refresh_queries}")
# the same plan for 5 employees: the number of queries must not change
small_plan = bench_plan.copy({"name": "Bench plan (5)", "employee_ids": [Command.set(bench_plan.employee_ids[:5].ids)]})
small_plan.state = "active"
small_plan._announce()  # done at activation: not part of the timed compute
small_cards, _s, small_first = timed("small", lambda: small_plan.generate_scorecards(DATE_FROM, DATE_TO))
_result, _s, small_refresh = timed("small_refresh", lambda: small_cards._recompute())
print(f"BENCH scorecards_queries employees=5 first={small_first} refresh={small_refresh} "
      f"employees={len(cards)} first={first_queries} refresh={refresh_queries}")

# Odoo's gamification on the same orders: 1,000 goals counting each agent's confirmed orders
# of the month, per user (a search per goal) and in batch mode, against a plan with that
# single KPI (first compute and refresh). setup/bench installs gamification for this.
if "gamification.goal" in env:
    sale_model = env["ir.model"]._get("sale.order")
    field = env["ir.model.fields"]._get

    def goals(batch):
        definition = env["gamification.goal.definition"].create({
            "name": f"Confirmed orders ({'batch' if batch else 'per user'})",
            "computation_mode": "count",
            "model_id": sale_model.id,
            "field_date_id": field("sale.order", "date_order").id,
            "domain": "[('state', '=', 'sale')]" if batch else "[('state', '=', 'sale'), ('user_id', '=', user.id)]",
            "batch_mode": batch,
            "batch_distinctive_field": field("sale.order", "user_id").id if batch else False,
            "batch_user_expression": "user.id" if batch else False,
        })
        return env["gamification.goal"].create([
            {"definition_id": definition.id, "user_id": user.id, "start_date": DATE_FROM,
             "end_date": DATE_TO, "target_goal": 150}
            for user in bench_plan.employee_ids.user_id
        ])

    per_user_goals, batch_goals = goals(False), goals(True)
    env.flush_all()
    _result, per_user_seconds, _q = timed("per_user", per_user_goals.update_goal)
    _result, batch_seconds, _q = timed("batch", batch_goals.update_goal)
    orders_kpi = bench_plan.line_ids.definition_id.filtered(lambda kpi: kpi.code == "B_SO")
    single = env["kpi.plan"].create({
        "name": "Bench orders", "company_id": bench_plan.company_id.id, "bonus_base": 2_000_000,
        "employee_ids": [Command.set(bench_plan.employee_ids.ids)],
        "line_ids": [Command.create({"definition_id": orders_kpi.id, "weight": 100, "target": 150})],
    })
    single.state = "active"
    single._announce()
    single_cards, ours_first, _q = timed("ours_first", lambda: single.generate_scorecards(DATE_FROM, DATE_TO))
    _result, ours_refresh, _q = timed("ours_refresh", single_cards._recompute)
    # orders counted: per-user goals / batch goals / our scorecards (they must agree)
    print(f"BENCH gamification per_user={per_user_seconds:.2f} batch={batch_seconds:.2f} "
          f"ours_first={ours_first:.2f} ours_refresh={ours_refresh:.2f} "
          f"orders_counted={sum(per_user_goals.mapped('current')):.0f}/"
          f"{sum(batch_goals.mapped('current')):.0f}/{sum(single_cards.line_ids.mapped('actual')):.0f}")

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
