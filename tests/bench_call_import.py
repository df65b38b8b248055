# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: import a million Asterisk CDR rows through the call-log import.

Run it in an Odoo shell of a database where ``kpi_callcenter`` is installed::

    setup/odoo shell -d kpi_demo --no-http < tests/bench_call_import.py
    KPI_BENCH_ROWS=100000 setup/odoo shell -d kpi_demo --no-http < tests/bench_call_import.py

It writes ``KPI_BENCH_ROWS`` rows (default 1,000,000) of a realistic ``Master.csv``
(21 columns, queue calls of two legs, caller ids with commas and non-UTF-8 bytes, a
malformed line every 5,000 rows, a repeated call every 2,000 calls) to a temporary file,
line by line, then imports it with ``kpi.call.import._process`` — the code the cron and
``import_cdr`` run — reading the file as a stream. It prints rows per second and the
peak memory: the process's peak RSS, and with ``KPI_BENCH_TRACEMALLOC=1`` the Python
allocations during the import (``tracemalloc``, 4× slower). Its floor, measured in the
same run on the same file, is PostgreSQL's ``COPY`` of the file into a bare table; the
last line is ``BENCH call_import rows=… seconds=… copy_seconds=… ratio=…``
(``setup/bench call_import``; ``BENCH_ROWS=100000`` for a smaller file).
Nothing is kept: the Odoo shell rolls the transaction back and the file is deleted.
"""

import os
import random
import resource
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta

env = globals().get("env")
if env is None:
    raise SystemExit("Run me in an Odoo shell: setup/odoo shell -d DB --no-http < tests/bench_call_import.py")

ROWS = int(os.environ.get("KPI_BENCH_ROWS", "1000000"))
ROWS = int(os.environ.get("BENCH_ROWS", ROWS))
TRACE = os.environ.get("KPI_BENCH_TRACEMALLOC", "0") != "0"
AGENTS = 50
FIRST_EXTENSION = 81000
EPOCH = datetime(2027, 3, 1)


def _row(uid, src, dst, clid, channel, dstchannel, start, answered, duration, billsec, disposition, seq):
    answer = f'"{(start + timedelta(seconds=duration - billsec)):%Y-%m-%d %H:%M:%S}"' if answered else ""
    end = start + timedelta(seconds=duration)
    return (
        f'"","{src}","{dst}","from-trunk","{clid.replace(chr(34), chr(34) * 2)}","{channel}","{dstchannel}","Dial","","{start:%Y-%m-%d %H:%M:%S}",'
        f'{answer},"{end:%Y-%m-%d %H:%M:%S}",{duration},{billsec},"{disposition}","DOCUMENTATION",'
        f'"{uid}","","","{uid}",{seq}\n'
    ).encode()


def generate(path, rows):
    """Write ``rows`` CDR rows to ``path``, one at a time; return the number of calls."""
    rng = random.Random(42)
    written = calls = 0
    kept = None
    with open(path, "wb") as handle:
        while written < rows:
            calls += 1
            start = EPOCH + timedelta(seconds=calls * 2)
            uid = f"{1804000000 + calls * 2}.{calls}"
            ext = FIRST_EXTENSION + rng.randrange(AGENTS)
            customer = f"09{rng.randrange(10**8):08d}"
            talk = rng.randrange(0, 600)
            if written and written % 5000 == 0:
                lines = [b'"","0912345678","400","from-trunk","broken line"\n']
            elif calls % 2000 == 0 and kept:
                lines = [kept]  # the same call again, later: a duplicate
            elif calls % 3 == 0:  # outbound
                lines = [
                    _row(uid, ext, customer, f'"Agent {ext}" <{ext}>', f"SIP/{ext}-{calls:08x}",
                         f"SIP/viettel-{calls:08x}", start, talk > 0, talk + 5, talk,
                         "ANSWERED" if talk else "NO ANSWER", 1)
                ]
            elif calls % 10 == 1:  # a queue call: a leg that rang, a leg that answered
                other = FIRST_EXTENSION + (ext - FIRST_EXTENSION + 1) % AGENTS
                clid = f'"Nguy\xean, C\xf4ng ty ABC" <{customer}>'
                lines = [
                    _row(uid, customer, "400", clid, f"SIP/viettel-{calls:08x}", f"Local/{ext}@from-queue-1;1",
                         start, False, 15, 0, "NO ANSWER", 1),
                    _row(uid, customer, "400", clid, f"SIP/viettel-{calls:08x}", f"Local/{other}@from-queue-2;1",
                         start, True, talk + 20, talk, "ANSWERED", 2),
                ]
                # caller ids written by an old PBX in Windows-1258, not UTF-8
                lines = [line.decode().encode("cp1258", errors="replace") for line in lines]
            else:  # inbound
                lines = [
                    _row(uid, customer, ext, f'"Khach, hang" <{customer}>', f"SIP/viettel-{calls:08x}",
                         f"SIP/{ext}-{calls:08x}", start, talk > 0, talk + 7, talk,
                         "ANSWERED" if talk else "NO ANSWER", 1)
                ]
            if calls % 2000 == 1000:
                kept = lines[0]
            for line in lines[: rows - written]:
                handle.write(line)
                written += 1
    return calls


def copy_floor(path):
    """Seconds to COPY the file, one line per row, into a bare table (then dropped).

    Each line is one text field (a delimiter and a quote that never occur, Latin-1 so that
    any byte is valid): PostgreSQL's own reading speed of the file, the import's floor.
    """
    cr = env.cr
    cr.execute("CREATE UNLOGGED TABLE kpi_bench_copy_floor (line text)")
    began = time.perf_counter()
    with open(path, "rb") as stream:
        cr.copy_expert(
            "COPY kpi_bench_copy_floor (line) FROM STDIN "
            "WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02', ENCODING 'LATIN1')",
            stream,
        )
    elapsed = time.perf_counter() - began
    cr.execute("DROP TABLE kpi_bench_copy_floor")
    return elapsed


def setup_records():
    company = env.company
    job = env["hr.job"].create({"name": "Bench agent", "company_id": company.id, "kpi_call_budget": 500000.0})
    env["hr.employee"].create(
        [
            {"name": f"Bench agent {n}", "pbx_extension": str(FIRST_EXTENSION + n), "company_id": company.id,
             "job_id": job.id}
            for n in range(AGENTS)
        ]
    )
    return env["kpi.call.source"].create(
        {
            "name": "Bench PBX",
            "company_id": company.id,
            "tz": "Asia/Ho_Chi_Minh",
            "country_id": env.ref("base.vn").id,
            "rate_ids": [
                (0, 0, {"prefix": "mobile", "rate": 1200.0, "billing_increment": 6}),
                (0, 0, {"prefix": "landline", "rate": 600.0}),
            ],
        }
    )


def main():
    fd, path = tempfile.mkstemp(prefix="kpi_bench_", suffix=".csv")
    os.close(fd)
    try:
        began = time.perf_counter()
        calls = generate(path, ROWS)
        size = os.path.getsize(path)
        print(f"generated {ROWS:,} rows ({calls:,} calls, {size / 2**20:,.1f} MiB) in "
              f"{time.perf_counter() - began:,.1f} s")
        copy_seconds = copy_floor(path)
        print(f"floor: COPY of the file into a bare table in {copy_seconds:,.2f} s")
        source = setup_records()
        report = env["kpi.call.import"].create(
            {"source_id": source.id, "file_name": os.path.basename(path), "state": "queued"}
        )
        env.flush_all()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if TRACE:
            tracemalloc.start()
        began = time.perf_counter()
        profiler = None
        if os.environ.get("KPI_BENCH_PROFILE") == "1":
            import cProfile  # noqa: PLC0415

            profiler = cProfile.Profile()
            profiler.enable()
        with open(path, "rb") as stream:
            report._process(stream=stream)
        if profiler:
            import pstats  # noqa: PLC0415

            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        env.flush_all()
        elapsed = time.perf_counter() - began
        traced_peak = tracemalloc.get_traced_memory()[1] / 2**20 if TRACE else None
        if TRACE:
            tracemalloc.stop()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"import: state {report.state}, {report.line_count:,} lines, {report.imported_count:,} calls "
              f"imported, {report.duplicate_count:,} duplicates, "
              f"{report.skipped_count:,} internal skipped, {report.rejected_count:,} rejected")
        reasons = env["kpi.call.import.line"]._read_group(
            [("import_id", "=", report.id)], ["reason"], ["__count"], order="__count desc", limit=3
        )
        for reason, count in reasons:
            print(f"  rejected {count:,}×: {reason}")
        print(f"time: {elapsed:,.1f} s — {ROWS / elapsed:,.0f} rows/s, "
              f"{report.imported_count / elapsed:,.0f} calls/s"
              + (" (with tracemalloc on)" if TRACE else ""))
        if TRACE:
            print(f"peak Python memory during the import (tracemalloc): {traced_peak:,.1f} MiB")
        print(f"peak RSS of the process: {rss_before:,.0f} MiB before, {rss_after:,.0f} MiB after "
              f"(file: {size / 2**20:,.1f} MiB)")
        print(f"BENCH call_import rows={ROWS} seconds={elapsed:.2f} copy_seconds={copy_seconds:.2f} "
              f"ratio={elapsed / copy_seconds:.1f} calls={report.imported_count} "
              f"rss_mb_before={rss_before:.0f} rss_mb_after={rss_after:.0f}")
    finally:
        os.unlink(path)
        env.cr.rollback()


main()
