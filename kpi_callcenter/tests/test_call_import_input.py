# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""CDR files a PBX should never write: the bad lines are rejected with their line numbers,
an unreadable file fails its own import with the reason, and the cron always goes on."""

import base64
import csv
import io
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_call import KpiCallCommon

IMPORT_LOGGER = "odoo.addons.kpi_callcenter.models.kpi_call_import"


def _line(uid, ext="101", start="2027-03-04 09:00:00", duration="70", billsec="60"):
    """An inbound Asterisk cdr-csv line (21 columns) answered by ``ext``."""
    return (
        f'"","0912345678","{ext}","from-trunk","","SIP/trunk-01","SIP/{ext}-02","Dial","","{start}",,'
        f'"{start}",{duration},{billsec},"ANSWERED","DOCUMENTATION","{uid}","","","{uid}",1\n'
    ).encode()


BAD_MASTER = b"".join(
    [
        _line("1.1"),  # 1 good
        _line("2.2", duration="NaN"),  # 2
        _line("3.3", billsec="1e400"),  # 3
        _line("4.4", duration="99999999999999", billsec="99999999999999"),  # 4
        _line("5.5", start="0001-01-01 00:00:00"),  # 5
        _line("6.6", start="9999-12-31 23:59:59"),  # 6
        _line("7.7").replace(b"SIP/trunk", b"SIP/tr\x00unk"),  # 7 a NUL byte
        b'"",' + b'"x' * 40_000 + b'"\n',  # 8 a line of 80 kB
        _line("9.9", duration="55", billsec="60"),  # 9 talked longer than the call lasted
        _line("10.10", ext="102", duration="5000000", billsec="4999990"),  # 10 talked 58 days
        _line("11.11", ext="102"),  # 11 good
    ]
)
BAD_MASTER_REJECTED = [
    (2, "duration: not an integer 'NaN'"),
    (3, "billsec: not an integer '1e400'"),
    (4, "duration: out of range '99999999999999'"),
    (5, "start: 0001-01-01 00:00:00 is not between 2000 and 2099"),
    (6, "start: 9999-12-31 23:59:59 is not between 2000 and 2099"),
    (7, "line: contains NUL characters"),
    (8, "line: longer than 65536 bytes"),
    # ring time = call 55 s - talk 60 s = -5 s
    (9, "ring_duration: not a duration -5"),
    (10, "talk_seconds: more than 604800 seconds 4999990"),
]

BAD_MAPPED = b"""id;when;dir;ext;talk
m-1;2027-03-04T09:00:00+0700;in;101;60
m-2;2027-03-04T09:00:00+0700;in;101;nan
m-3;2027-03-04T09:00:00+0700;in;101;inf
m-4;2027-03-04T09:00:00+0700;in;101;1e400
m-5;0001-01-01T00:00:00+0700;in;101;60
m-6;9999-12-31T23:59:59-0500;in;101;60
m-7;2027-03-04T09:00:00+0700;in;101;99999999:00:00
m-8;2027-03-04T09:10:00+0700;in;102;0:01:00
"""


@tagged("post_install", "-at_install", "kpi_call")
class TestCallImportBadInput(KpiCallCommon):
    def _queue(self, content, **values):
        return self.env["kpi.call.import"].create(
            {
                "source_id": self.source.id,
                "file": base64.b64encode(content),
                "file_name": "calls.csv",
                "state": "queued",
                **values,
            }
        )

    def _mapping(self, **values):
        return self.env["kpi.call.mapping"].create(
            {
                "name": "Bad values",
                "code": "bad_values",
                "company_id": self.company.id,
                "delimiter": "semicolon",
                "date_format": "%Y-%m-%dT%H:%M:%S%z",
                "col_external_uid": "id",
                "col_start": "when",
                "col_direction": "dir",
                "col_extension": "ext",
                "col_talk_seconds": "talk",
                **values,
            }
        )

    def test_asterisk_file_with_impossible_values(self):
        report = self.source.import_cdr(BAD_MASTER, "asterisk_csv")
        self.assertEqual(report.state, "done", report.error)
        self.assertEqual((report.line_count, report.imported_count, report.rejected_count), (11, 2, 9))
        self.assertEqual([(line.line_no, line.reason) for line in report.line_ids], BAD_MASTER_REJECTED)
        self.assertEqual(self._calls(source_id=self.source.id).mapped("external_uid"), ["1.1", "11.11"])
        # the NUL byte is stored as the replacement character, the long line cut
        by_line = {line.line_no: line for line in report.line_ids}
        self.assertIn("SIP/tr\ufffdunk", by_line[7].content)
        self.assertLessEqual(len(by_line[8].content), 500)

    def test_mapped_file_with_impossible_values(self):
        self._mapping()
        report = self.source.import_cdr(BAD_MAPPED, "bad_values")
        self.assertEqual(report.state, "done", report.error)
        self.assertEqual(
            [(line.line_no, line.reason) for line in report.line_ids],
            [
                (3, "talk_seconds: not a duration 'nan'"),
                (4, "talk_seconds: not a duration 'inf'"),
                (5, "talk_seconds: not a duration '1e400'"),
                # year 1 at UTC+7 is before the calendar starts in UTC
                (6, "start: invalid date '0001-01-01T00:00:00+0700'"),
                (7, "start: invalid date '9999-12-31T23:59:59-0500'"),
                # 99,999,999 hours
                (8, "talk_seconds: more than 604800 seconds '99999999:00:00'"),
            ],
        )
        self.assertEqual(self._calls(source_id=self.source.id).mapped("external_uid"), ["m-1", "m-8"])

    @mute_logger(IMPORT_LOGGER)
    def test_cron_fails_the_unreadable_import_and_goes_on(self):
        mapping = self._mapping()
        unreadable = self._queue(b"id;wh\x00en;dir;ext;talk\n" + BAD_MAPPED.split(b"\n", 1)[1],
                                 file_format="mapped", mapping_id=mapping.id)
        bad_values = self._queue(BAD_MASTER)
        Import = self.env["kpi.call.import"]
        Import._cron_process_imports()  # does not raise
        self.assertEqual(unreadable.state, "failed")
        self.assertEqual(unreadable.error, "header: line: contains NUL characters")
        self.assertEqual((bad_values.state, bad_values.imported_count, bad_values.rejected_count), ("done", 2, 9))
        # a next run finds nothing to do and does not raise either
        Import._cron_process_imports()
        self.assertEqual(unreadable.state, "failed")

    @mute_logger(IMPORT_LOGGER)
    def test_cron_survives_an_unexpected_error(self):
        """Whatever a reader raises (here a bug simulated in the reading step), the import
        fails with a reason, the cron does not raise and the next import runs."""
        first = self._queue(BAD_MASTER)
        second = self._queue(self._master_csv())
        Import = type(self.env["kpi.call.import"])
        original = Import._process_stream

        def process_stream(record, stream, deadline):
            if record == first:
                raise ZeroDivisionError("division by zero")
            return original(record, stream, deadline)

        with patch.object(Import, "_process_stream", process_stream):
            self.env["kpi.call.import"]._cron_process_imports()
        self.assertEqual(first.state, "failed")
        self.assertEqual(first.error, "unexpected error ZeroDivisionError (see the server log)")
        self.assertEqual((second.state, second.imported_count), ("done", 7))

    def test_rejected_lines_csv_neutralises_formulas(self):
        content = b"".join(
            [
                b'=HYPERLINK("http://x","y"),1\n',
                b"+1,2\n",
                b"-1,2\n",
                b"@SUM(A1),2\n",
                b"plain,2\n",
            ]
        )
        report = self.source.import_cdr(content, "asterisk_csv")
        self.assertEqual(report.rejected_count, 5)
        rows = list(csv.reader(io.StringIO(base64.b64decode(report.rejected_report).decode())))
        self.assertEqual(
            [row[2] for row in rows[1:]],
            ["'=HYPERLINK(\"http://x\",\"y\"),1", "'+1,2", "'-1,2", "'@SUM(A1),2", "plain,2"],
        )
        self.assertEqual(rows[2][1], "columns: expected 16 to 21, got 2")
