# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two workers, two database connections: a file is read by one of them at a time."""

import base64
from contextlib import closing

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger


@tagged("post_install", "-at_install", "kpi_call")
class TestCallImportLock(TransactionCase):
    @mute_logger("odoo.addons.kpi_callcenter.models.kpi_call_import")
    def test_two_workers_never_read_the_same_file(self):
        dbname = self.env.cr.dbname
        with closing(db_connect(dbname).cursor()) as cr_a, closing(db_connect(dbname).cursor()) as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            # committed data, seen by both connections (removed at the end)
            source = env_a["kpi.call.source"].create(
                {"name": "Lock test PBX", "company_id": env_a.ref("base.main_company").id, "tz": "UTC"}
            )
            report = env_a["kpi.call.import"].create(
                {
                    "source_id": source.id,
                    "file": base64.b64encode(b"one broken line\n"),
                    "file_name": "lock.csv",
                    "state": "queued",
                }
            )
            cr_a.commit()
            try:
                # worker A is reading the file: it holds the import's row
                self.assertTrue(report._lock_for_processing())
                # worker B skips it, from the cron and directly, without waiting
                env_b["kpi.call.import"]._cron_process_imports()
                report_b = env_b["kpi.call.import"].browse(report.id)
                self.assertFalse(report_b._process())
                self.assertEqual((report_b.state, report_b.line_count), ("queued", 0))
                cr_b.rollback()
                # worker A reads it once; then B finds it done
                self.assertTrue(report._process())
                cr_a.commit()
                self.assertEqual((report.state, report.line_count, report.rejected_count), ("done", 1, 1))
                report_b.invalidate_recordset()
                self.assertEqual(report_b.state, "done")
                self.assertTrue(report_b._process(), "a finished import is not read again")
                self.assertEqual(
                    env_b.execute_query(
                        SQL("SELECT COUNT(*) FROM kpi_call_import_line WHERE import_id = %s", report.id)
                    ),
                    [(1,)],
                )
                cr_b.rollback()
            finally:
                cr_a.rollback()
                report.unlink()
                source.unlink()
                cr_a.commit()
