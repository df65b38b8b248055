# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Numbers a PBX ignores (test calls, internal QA lines): never stored, counted as
skipped, in a file import and in a push."""

import json

from odoo.tests import HttpCase, tagged

from .common_call import KpiCallCommon


@tagged("post_install", "-at_install", "kpi_call")
class TestIgnoredNumbers(HttpCase, KpiCallCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a QA line (a full number, written nationally) and the test range 0987 65…
        cls.source.ignored_numbers = "0977 000 111\n+84 98765*"

    def test_file_import_skips_ignored_numbers(self):
        report = self.source.import_cdr(self._master_csv(), "asterisk_csv")
        # Master.csv: 7 calls, 1 internal call skipped; 0977000111 (line 7, inbound to
        # 102) and 0987654321 (line 2, outbound from 102) are ignored → 5 calls, 3 skipped
        self.assertEqual(report.imported_count, 5)
        self.assertEqual(report.skipped_count, 3)
        self.assertEqual(report.rejected_count, 4)
        phones = self._calls(source_id=self.source.id).mapped("phone")
        self.assertEqual(len(phones), 5)
        self.assertNotIn("+84977000111", phones)
        self.assertNotIn("+84987654321", phones)

    def test_push_skips_ignored_numbers(self):
        token = self._token()
        item = {
            "start": "2027-03-04T09:00:00+07:00", "direction": "outbound", "extension": "101",
            "talk_seconds": 60, "disposition": "answered",
        }
        calls = [
            dict(item, external_uid="qa-1", phone="0977000111"),
            dict(item, external_uid="qa-2", phone="0987 654 999"),
            dict(item, external_uid="real-1", phone="0912345678"),
        ]
        response = self.url_open(
            "/kpi_callcenter/api/v1/calls",
            data=json.dumps({"calls": calls}),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual((body["created"], body["skipped"], body["rejected"]), (1, 2, 0))
        self.assertEqual([result["status"] for result in body["results"]], ["skipped", "skipped", "created"])
        self.assertEqual(self._calls(source_id=self.source.id).mapped("external_uid"), ["real-1"])
