# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Importing call detail records: Asterisk's Master.csv and mapped CSV exports.

``data/Master.csv`` is described line by line in ``test_engine.py``. With the
fixtures of ``common_call.py`` (extensions 101, 102, 103; PBX in Asia/Ho_Chi_Minh,
UTC+7) its 14 lines give 7 calls, 1 duplicate (line 10), 1 internal call skipped
(line 12: not a customer call, not an error) and 4 rejected lines: 8 (extension 199
unknown), 9 (bad date), 13 (bad duration) and 14 (cut line).
"""

import base64
import csv
import doctest
import io
from datetime import datetime
from unittest.mock import patch

import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tests import BaseCase, tagged
from odoo.tools import mute_logger

from ..engine import callrecord
from .common_call import KpiCallCommon

# (uid, agent index, direction, start UTC, talk s, ring s, disposition, phone, cost)
MASTER_CALLS = [
    ("1709514005.1", 0, "inbound", datetime(2024, 3, 4, 1, 0, 5), 180, 7, "answered", "+84912345678", 0.0),
    ("1709514600.3", 1, "outbound", datetime(2024, 3, 4, 1, 10), 120, 20, "answered", "+84987654321", 2400.0),
    ("1709515800.5", 2, "inbound", datetime(2024, 3, 4, 1, 30), 240, 18, "answered", "+842838221234", 0.0),
    ("1709517600.9", 1, "inbound", datetime(2024, 3, 4, 2, 0), 0, 30, "no_answer", "+84909000111", 0.0),
    ("1709517900.11", 0, "outbound", datetime(2024, 3, 4, 2, 5), 0, 5, "busy", "+842439998888", 0.0),
    ("1709518200.13", 1, "inbound", datetime(2024, 3, 4, 2, 10), 300, 6, "answered", "+84977000111", 0.0),
    ("1709521200.19", 2, "outbound", datetime(2024, 3, 4, 3, 0), 0, 2, "failed", "+6591234567", 0.0),
]
MASTER_REJECTED = [
    (8, "extension 199: no employee of KPI Test Co has this PBX extension"),
    (9, "start: invalid date '2024-13-45 99:00'"),
    (13, "duration: not an integer 'x125'"),
    (14, "columns: expected 16 to 21, got 8"),
]

MAPPED_CSV = b"""Call ID;Date;Direction;Ext;Number;Talk;Ring;Status
3cx-1;04/03/2027 09:00:00;Outgoing;101;0283 822 1234;0:01:01;5;Answered
3cx-2;04/03/2027 09:10:00;Outgoing;101;0243 999 8888;61;;Answered
3cx-3;04/03/2027 09:20:00;Outgoing;102;+65 9123 4567;30;;Answered
3cx-4;04/03/2027 09:30:00;Outgoing;102;0987 654 321;7;;Answered
3cx-5;04/03/2027 09:40:00;Outgoing;103;1900 1234;45;;Answered
3cx-6;04/03/2027 09:50:00;Incoming;103;0912 345 678;0:02:00;8;Answered
3cx-7;31/02/2027 10:00:00;Incoming;103;0912345678;10;;Answered
3cx-8;04/03/2027 10:10:00;Incoming;109;0912345678;10;;Answered
3cx-9;04/03/2027 10:20:00;Incoming;101;0912345678;10;;On hold
3cx-1;04/03/2027 09:00:00;Outgoing;101;0283 822 1234;0:01:01;5;Answered
;04/03/2027 10:30:00;Incoming;101;0912345678;10;;Answered
"""


class TestCallRecordDoctests(BaseCase):
    """The doctests of ``engine/callrecord.py``, without a database."""

    def test_doctests(self):
        result = doctest.testmod(callrecord)
        self.assertGreater(result.attempted, 0)
        self.assertEqual(result.failed, 0)


@tagged("post_install", "-at_install", "kpi_call")
class TestCallImport(KpiCallCommon):
    def _assert_master_import(self, report, duplicates=1, imported=7):
        self.assertEqual(report.state, "done")
        self.assertEqual(report.line_count, 14)
        self.assertEqual(report.progress, 100.0)
        self.assertEqual(report.imported_count, imported)
        self.assertEqual(report.duplicate_count, duplicates)
        self.assertEqual(report.rejected_count, 4)
        self.assertEqual(report.skipped_count, 1)
        self.assertEqual([(line.line_no, line.reason) for line in report.line_ids], MASTER_REJECTED)

    def _assert_master_calls(self):
        calls = self._calls(source_id=self.source.id)
        self.assertEqual(len(calls), 7)
        for call, expected in zip(calls, MASTER_CALLS):
            uid, agent, direction, start, talk_seconds, ring, disposition, phone, cost = expected
            self.assertEqual(
                (call.external_uid, call.employee_id, call.direction, call.start, call.talk_seconds,
                 call.ring_duration, call.disposition, call.phone, call.cost, call.company_id),
                (uid, self.agents[agent], direction, start, talk_seconds, ring, disposition, phone, cost,
                 self.company),
                f"call {uid}",
            )
        self.assertEqual(calls[0].partner_id, self.customer_a)
        self.assertEqual(calls[5].partner_id, self.customer_c)
        self.assertFalse(calls[1].partner_id)
        return calls

    # ------------------------------------------------------------------
    # Asterisk Master.csv
    # ------------------------------------------------------------------
    def test_import_asterisk_master_csv(self):
        report = self.source.import_cdr(self._master_csv(), "asterisk_csv")
        self._assert_master_import(report)
        calls = self._assert_master_calls()
        self.assertEqual(report.call_ids, calls)
        # the queue call (lines 3 and 4) is counted once, with the answering agent
        self.assertEqual(len(calls.filtered(lambda call: call.external_uid == "1709515800.5")), 1)
        # rejected lines say what they were
        by_line = {line.line_no: line for line in report.line_ids}
        self.assertEqual(
            by_line[8].content, "call 1709518800.15, extension 199, 0933444555 → 199"
        )
        self.assertNotIn(12, by_line, "an internal call is skipped, not an error")
        self.assertIn('"2024-13-45 99:00"', by_line[9].content)
        self.assertTrue(by_line[14].content.endswith('"Dial"'))

    def test_import_twice_creates_no_duplicate(self):
        self.source.import_cdr(self._master_csv(), "asterisk_csv")
        again = self.source.import_cdr(base64.b64encode(self._master_csv()).decode(), "asterisk_csv")
        self._assert_master_import(again, duplicates=8, imported=0)
        self._assert_master_calls()

    def test_rejected_lines_report_downloads_as_csv(self):
        report = self.source.import_cdr(self._master_csv(), "asterisk_csv")
        self.assertEqual(report.rejected_report_name, "import_cdr-rejected.csv")
        rows = list(csv.reader(io.StringIO(base64.b64decode(report.rejected_report).decode())))
        self.assertEqual(rows[0], ["Line", "Reason", "Content"])
        self.assertEqual([(int(row[0]), row[1]) for row in rows[1:]], MASTER_REJECTED)

    def test_background_import_in_batches(self):
        """The cron reads a little at each run, resumes at a call boundary, ends with the same result."""
        Import = self.env["kpi.call.import"]
        report = Import.create(
            {
                "source_id": self.source.id,
                "file": base64.b64encode(self._master_csv()),
                "file_name": "Master.csv",
            }
        )
        self.assertEqual(report.state, "draft")
        report.action_start()
        self.assertEqual(report.state, "queued")
        cron = self.env.ref("kpi_callcenter.ir_cron_kpi_call_import")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        progress = []
        with patch.object(type(Import), "_batch_size", 2), patch.object(type(Import), "_cron_time_limit", 0):
            for _run in range(20):
                Import._cron_process_imports()
                progress.append((report.state, report.progress, report.imported_count))
                if report.state == "done":
                    break
        self.assertEqual(progress[0][0], "running")
        self.assertTrue(0 < progress[0][1] < 100, progress[0])
        self.assertEqual(progress[0][2], 1)
        self.assertGreater(len(progress), 5, "the file was read over several runs")
        self.assertEqual([p[1] for p in progress], sorted(p[1] for p in progress))
        self._assert_master_import(report)
        self._assert_master_calls()

    def test_import_of_a_file_on_disk_streams_it(self):
        """The benchmark's path: a stream instead of an attachment, same code."""
        report = self.env["kpi.call.import"].create(
            {"source_id": self.source.id, "file_name": "Master.csv", "state": "queued"}
        )
        with patch.object(type(report), "_batch_size", 3):
            finished = report._process(stream=io.BytesIO(self._master_csv()))
        self.assertTrue(finished)
        self._assert_master_import(report)

    def test_import_without_agents_rejects_every_call(self):
        self.agents.pbx_extension = False
        report = self.source.import_cdr(self._master_csv(), "asterisk_csv")
        # 12 calls without an agent; the internal call (line 12) is skipped all the same
        self.assertEqual(
            (report.imported_count, report.duplicate_count, report.rejected_count, report.skipped_count),
            (0, 0, 12, 1),
        )

    # ------------------------------------------------------------------
    # Mapped CSV
    # ------------------------------------------------------------------
    def _create_mapping(self, **values):
        return self.env["kpi.call.mapping"].create(
            {
                "name": "3CX call log",
                "code": "3cx_test",
                "company_id": self.company.id,
                "delimiter": "semicolon",
                "date_format": "%d/%m/%Y %H:%M:%S",
                "col_external_uid": "Call ID",
                "col_start": "Date",
                "col_direction": "Direction",
                "col_extension": "Ext",
                "col_phone": "Number",
                "col_talk_seconds": "Talk",
                "col_ring_duration": "Ring",
                "col_disposition": "Status",
                **values,
            }
        )

    def test_import_mapped_csv_with_costs(self):
        self._create_mapping()
        report = self.source.import_cdr(MAPPED_CSV, "3cx_test")
        self.assertEqual(report.state, "done")
        self.assertEqual(report.file_format, "mapped")
        self.assertEqual(
            (report.line_count, report.imported_count, report.duplicate_count, report.rejected_count), (12, 6, 1, 4)
        )
        self.assertEqual(
            [(line.line_no, line.reason) for line in report.line_ids],
            [
                (8, "start: invalid date '31/02/2027 10:00:00'"),
                (9, "extension 109: no employee of KPI Test Co has this PBX extension"),
                (10, "disposition: unknown value 'On hold'"),
                (12, "external_uid: missing value"),
            ],
        )
        calls = self._calls(source_id=self.source.id)
        self.assertEqual(
            [(c.external_uid, c.direction, c.start, c.talk_seconds, c.ring_duration, c.phone, c.cost) for c in calls],
            [
                # +8428… landline, 500/min, per minute: 61 s -> 2 min
                ("3cx-1", "outbound", datetime(2027, 3, 4, 2, 0), 61, 5, "+842838221234", 1000.0),
                # other landline, 600/min: 61 s -> 2 min
                ("3cx-2", "outbound", datetime(2027, 3, 4, 2, 10), 61, 0, "+842439998888", 1200.0),
                # international, 9,000/min: 30 s -> 1 min
                ("3cx-3", "outbound", datetime(2027, 3, 4, 2, 20), 30, 0, "+6591234567", 9000.0),
                # mobile, 1,200/min per 6 s: 7 s -> 12 s
                ("3cx-4", "outbound", datetime(2027, 3, 4, 2, 30), 7, 0, "+84987654321", 240.0),
                # no rule: 2,000/min per minute: 45 s -> 1 min
                ("3cx-5", "outbound", datetime(2027, 3, 4, 2, 40), 45, 0, "19001234", 2000.0),
                ("3cx-6", "inbound", datetime(2027, 3, 4, 2, 50), 120, 8, "+84912345678", 0.0),
            ],
        )
        self.assertEqual(calls[-1].partner_id, self.customer_a)

    def test_mapped_csv_without_call_id_is_still_idempotent(self):
        self._create_mapping(col_external_uid=False)
        first = self.source.import_cdr(MAPPED_CSV, "3cx_test")
        # without ids, line 11 (a copy of line 2) is a duplicate by its digest; line 12 is a call
        self.assertEqual((first.imported_count, first.duplicate_count, first.rejected_count), (7, 1, 3))
        second = self.source.import_cdr(MAPPED_CSV, "3cx_test")
        self.assertEqual((second.imported_count, second.duplicate_count, second.rejected_count), (0, 8, 3))
        self.assertTrue(all(uid.startswith("sha1:") for uid in self._calls().mapped("external_uid")))

    @mute_logger("odoo.addons.kpi_callcenter.models.kpi_call_import")
    def test_mapping_that_does_not_fit_fails_the_import(self):
        self._create_mapping(col_start="When")
        report = self.source.import_cdr(MAPPED_CSV, "3cx_test")
        self.assertEqual(report.state, "failed")
        self.assertEqual(report.error, "start: no column 'When' in the header")
        self.assertFalse(self._calls())

    def test_unknown_format_is_refused(self):
        with self.assertRaisesRegex(UserError, "PBX Asterisk HCM: unknown import format 'freepbx'"):
            self.source.import_cdr(MAPPED_CSV, "freepbx")

    def test_mapping_checks(self):
        with self.assertRaises(ValidationError) as caught:
            self._create_mapping(date_format="%Q")
        self.assertIn("CSV mapping 3CX call log, field Date format: '%Q' is not a date format", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self._create_mapping(has_header=False)
        self.assertIn(
            "CSV mapping 3CX call log, field Call id column: a file without header needs column numbers",
            str(caught.exception),
        )
        mapping = self._create_mapping(
            code="no_header",
            has_header=False,
            col_external_uid="0",
            col_start="1",
            col_direction="2",
            col_extension="3",
            col_phone="4",
            col_talk_seconds="5",
            col_ring_duration=False,
            col_disposition=False,
        )
        self.assertEqual(mapping._get_mapping()["start"], 1)
        report = self.source.import_cdr(b"x-1;04/03/2027 09:00:00;in;101;0912345678;42\n", "no_header")
        self.assertEqual(report.imported_count, 1)
        self.assertEqual(self._calls().disposition, "answered")

    # ------------------------------------------------------------------
    # Costs, extensions
    # ------------------------------------------------------------------
    def test_cost_with_billing_minimum(self):
        self.source.billing_minimum = 60
        values = callrecord.parse_push_item(
            {"external_uid": "min-1", "start": "2027-03-04T09:00:00+07:00", "direction": "outbound",
             "extension": "101", "phone": "0987654321", "talk_seconds": 7}
        )
        [(_ref, status, call_id)] = self.source._store_calls([(0, values)])
        self.assertEqual(status, "created")
        # mobile 1,200/min per 6 s, but at least 60 s billed
        self.assertEqual(self.env["kpi.call"].browse(call_id).cost, 1200.0)

    def test_extension_is_unique_per_company(self):
        other_company = self.env["res.company"].create({"name": "Other Call Co"})
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation):
            with self.env.cr.savepoint():
                self._create_employee("Twin", company=self.company).pbx_extension = "101"
                self.env.flush_all()
        elsewhere = self._create_employee("Elsewhere", company=other_company)
        elsewhere.pbx_extension = "101"
        self.env.flush_all()
        with self.assertRaisesRegex(ValidationError, "one extension, without spaces or commas"):
            self.agent1.pbx_extension = "101, 102"
