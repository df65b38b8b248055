# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: 20,000 seeded fuzz bodies against the PBX push API over real HTTP.

Run it with ``setup/bench api_fuzz`` (a fresh ``kpi_bench`` database), or in an Odoo shell
of a database where ``kpi_callcenter`` is installed::

    setup/odoo shell -d kpi_bench --no-http < tests/bench_api_fuzz.py
    BENCH_FUZZ_BODIES=2000 setup/bench api_fuzz

It creates a company with a PBX (API token) and three agents (extensions 101-103) and
commits them (HTTP requests run in their own transactions), serves Odoo's WSGI
application on a free port of 127.0.0.1 in a thread, posts the bodies of
``kpi_callcenter/tests/fuzz_call_api.py`` (seed ``BENCH_FUZZ_SEED``, default 11) one by
one, checks every answer like the fuzz test does, then deletes what it created (the
company is archived). It prints one line::

    BENCH api_fuzz bodies=20000 answers_5xx=0 status_200=… status_400=… status_413=… problems=0 …
"""

import importlib.util
import os
import threading
import time

import requests
from werkzeug.serving import make_server

import odoo
from odoo.modules.module import get_module_path

env = globals().get("env")
if env is None:
    raise SystemExit("Run me in an Odoo shell: setup/odoo shell -d DB --no-http < tests/bench_api_fuzz.py")

BODIES = int(os.environ.get("BENCH_FUZZ_BODIES", "20000"))
SEED = int(os.environ.get("BENCH_FUZZ_SEED", "11"))
URL = "/kpi_callcenter/api/v1/calls"


def load_fuzz():
    path = os.path.join(get_module_path("kpi_callcenter"), "tests", "fuzz_call_api.py")
    spec = importlib.util.spec_from_file_location("kpi_fuzz_call_api", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def setup_records():
    company = env["res.company"].create({"name": f"API fuzz bench {time.time():.0f}", "country_id": env.ref("base.vn").id})
    employees = env["hr.employee"].create(
        [{"name": f"Fuzz agent {ext}", "pbx_extension": ext, "company_id": company.id} for ext in ("101", "102", "103")]
    )
    source = env["kpi.call.source"].create(
        {
            "name": "Fuzz PBX",
            "company_id": company.id,
            "tz": "Asia/Ho_Chi_Minh",
            "country_id": env.ref("base.vn").id,
            "rate_ids": [(0, 0, {"prefix": "mobile", "rate": 1200.0, "billing_increment": 6})],
        }
    )
    token = source.action_rotate_token()["context"]["default_token"]
    env.cr.commit()
    return company, employees, source, token


def cleanup(company, employees, source):
    env["kpi.call"].search([("source_id", "=", source.id)]).unlink()
    env["kpi.call.budget.warning"].search([("employee_id", "in", employees.ids)]).unlink()
    source.unlink()
    employees.unlink()
    # Odoo made journals and more for the company: it is archived, not deleted.
    company.active = False
    env.cr.commit()


def main():
    fuzz = load_fuzz()
    company, employees, source, token = setup_records()
    server = make_server("127.0.0.1", 0, odoo.http.root, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    statuses, problems, items = {}, [], 0
    began = time.perf_counter()
    try:
        for number, (data, item_count) in enumerate(fuzz.generate_bodies(SEED, BODIES)):
            response = session.post(base + URL, data=data, headers=headers, timeout=60)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            try:
                answer = response.json()
            except ValueError:
                answer = None
            items += item_count or 0
            problem = fuzz.check_answer(response.status_code, answer, item_count)
            if problem:
                problems.append(f"body {number}: {problem}")
        elapsed = time.perf_counter() - began
    finally:
        server.shutdown()
    stored = env["kpi.call"].search_count([("source_id", "=", source.id)])
    for problem in problems[:10]:
        print("problem:", problem)
    fives = sum(count for status, count in statuses.items() if status >= 500)
    counts = " ".join(f"status_{status}={count}" for status, count in sorted(statuses.items()))
    print(
        f"BENCH api_fuzz bodies={BODIES} answers_5xx={fives} {counts} items={items} "
        f"stored={stored} problems={len(problems)} seconds={elapsed:.1f} bodies_per_s={BODIES / elapsed:.0f}"
    )
    cleanup(company, employees, source)


main()
