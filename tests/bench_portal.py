# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: 20 logged-in agents on the portal at once, the scorecard page against /my/home.

Run it with ``setup/bench portal`` (a fresh ``kpi_bench`` database *with* the demo data),
or in an Odoo shell of a demo database::

    setup/odoo shell -d kpi_demo --no-http < tests/bench_portal.py
    BENCH_PORTAL_AGENTS=5 BENCH_PORTAL_SECONDS=10 setup/bench portal

It adds ``BENCH_PORTAL_AGENTS`` (default 20) telesales agents to the demo company (user,
employee, contract in the demo telesales department, so the demo plan covers them),
generates their scorecards of the demo months, commits, serves Odoo's WSGI application
on a free port of 127.0.0.1 in a thread, logs every agent in, then lets them all open
their new scorecard at the same moment (the first-time opening that used to write the
portal token) and, for ``BENCH_PORTAL_SECONDS`` (default 30), go round ``/my/kpi``,
``/my/kpi/<their scorecard>`` and Odoo's own ``/my/home``. PostgreSQL serialization
failures are counted from Odoo's retry log. It prints::

    BENCH portal p95_card=… p95_home=… ratio=… serialization_failures=… p95_list=… requests=…

``ratio`` is p95 of the scorecard page over p95 of ``/my/home`` (same agents, same run).
Then it deletes what it created. Not part of setup/test's pass/fail.
"""
# ruff: noqa: F821  (env is given by odoo shell)

import logging
import os
import re
import statistics
import threading
import time

import requests
from dateutil.relativedelta import relativedelta
from werkzeug.serving import make_server

import odoo
from odoo import Command, fields

AGENTS = int(os.environ.get("BENCH_PORTAL_AGENTS", "20"))
SECONDS = float(os.environ.get("BENCH_PORTAL_SECONDS", "30"))


class RetryCounter(logging.Handler):
    """Counts Odoo's "SerializationFailure, … tries left" retries (odoo.service.model)."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record):
        if "serialization" in record.getMessage().lower():
            self.count += 1


def setup_agents():
    ref = env.ref
    company = ref("kpi_callcenter.company_demo")
    plan = ref("kpi_callcenter.plan_telesales_demo")
    department = ref("kpi_callcenter.department_telesales_demo")
    users = env["res.users"].with_context(no_reset_password=True).create([
        {"name": f"Portal bench agent {i}", "login": f"bench_portal_{i}", "password": f"bench_portal_{i}",
         "company_id": company.id, "company_ids": [Command.set(company.ids)], "tz": "Asia/Ho_Chi_Minh",
         "groups_id": [Command.set([ref("base.group_user").id])]}
        for i in range(AGENTS)
    ])
    employees = env["hr.employee"].create([
        {"name": user.name, "user_id": user.id, "company_id": company.id, "department_id": department.id,
         "parent_id": ref("kpi_callcenter.employee_manager_demo").id,
         "resource_calendar_id": company.resource_calendar_id.id}
        for user in users
    ])
    first_of_month = fields.Date.context_today(env.user).replace(day=1)
    env["hr.contract"].create([
        {"name": f"{employee.name} bench", "employee_id": employee.id, "company_id": company.id,
         "date_start": first_of_month - relativedelta(months=6), "wage": 10_000_000, "state": "open",
         "department_id": department.id, "resource_calendar_id": company.resource_calendar_id.id}
        for employee in employees
    ])
    current = env["kpi.scorecard"]
    for months_before in (3, 2, 1, 0):
        start = first_of_month - relativedelta(months=months_before)
        cards = plan.generate_scorecards(start, start + relativedelta(months=1, days=-1))
        current = cards.filtered(lambda card: card.employee_id in employees)
    env.cr.commit()
    return users, employees, {card.employee_id.user_id.login: card.id for card in current}


def cleanup(users, employees):
    env["kpi.scorecard"].search([("employee_id", "in", employees.ids)]).unlink()
    env["hr.contract"].search([("employee_id", "in", employees.ids)]).unlink()
    employees.unlink()
    # their logins left traces (sessions, messages): the users are archived
    users.active = False
    env.cr.commit()


def login(base, user_login):
    session = requests.Session()
    page = session.get(f"{base}/web/login", timeout=60)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/web/login",
        data={"login": user_login, "password": user_login, "csrf_token": csrf, "redirect": "/my/home"},
        timeout=60,
    )
    if response.status_code != 200 or "/web/login" in response.url:
        raise SystemExit(f"{user_login} could not log in ({response.status_code} {response.url})")
    return session


def percentile(values, share):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def main():
    users, employees, card_of = setup_agents()
    if len(card_of) != AGENTS:
        raise SystemExit(f"expected {AGENTS} scorecards of the running month, got {len(card_of)}")
    counter = RetryCounter()
    logging.getLogger("odoo.service.model").addHandler(counter)
    logging.getLogger("odoo.service.model").setLevel(logging.INFO)
    server = make_server("127.0.0.1", 0, odoo.http.root, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    timings = {"card": [], "list": [], "home": []}
    errors = []
    lock = threading.Lock()
    start_together = threading.Barrier(AGENTS)

    def agent(user_login):
        session = login(base, user_login)
        urls = [("card", f"/my/kpi/{card_of[user_login]}"), ("list", "/my/kpi"), ("home", "/my/home")]
        start_together.wait()
        deadline = time.perf_counter() + SECONDS
        step = 0
        while time.perf_counter() < deadline:
            kind, url = urls[step % len(urls)]
            step += 1
            began = time.perf_counter()
            response = session.get(base + url, timeout=120, allow_redirects=False)
            elapsed = time.perf_counter() - began
            with lock:
                if response.status_code != 200:
                    errors.append(f"{user_login} {url}: {response.status_code}")
                else:
                    timings[kind].append(elapsed)

    try:
        threads = [threading.Thread(target=agent, args=(user.login,)) for user in users]
        for agent_thread in threads:
            agent_thread.start()
        for agent_thread in threads:
            agent_thread.join()
    finally:
        server.shutdown()
        logging.getLogger("odoo.service.model").removeHandler(counter)
    for error in errors[:10]:
        print("error:", error)
    p95 = {kind: percentile(values, 0.95) for kind, values in timings.items()}
    medians = {kind: statistics.median(values) if values else float("nan") for kind, values in timings.items()}
    print(f"medians: card={medians['card']:.3f} list={medians['list']:.3f} home={medians['home']:.3f}")
    print(
        f"BENCH portal p95_card={p95['card']:.2f} p95_home={p95['home']:.2f} "
        f"ratio={p95['card'] / p95['home']:.2f} serialization_failures={counter.count} "
        f"p95_list={p95['list']:.2f} requests={sum(len(v) for v in timings.values())} "
        f"errors={len(errors)} agents={AGENTS} seconds={SECONDS:.0f}"
    )
    cleanup(users, employees)


main()
