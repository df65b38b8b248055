# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A CDR file being imported: its progress, its counters and the lines it rejected.

The file is read as a stream from the position reached so far, in batches; each batch
runs in a savepoint and moves the position on. In the background, the cron
``_cron_process_imports`` works for a bounded time, stops at a call boundary and
reports its progress, so that Odoo commits and calls it again at once until every
import is done. ``kpi.call.source.import_cdr`` runs the same loop to the end, now.

Each batch goes to ``kpi.call._ingest`` (``COPY`` into a temporary table, one ``INSERT …
SELECT``); the import's row is locked ``FOR UPDATE SKIP LOCKED`` while a worker reads it.
Whatever a file holds, the cron does not fail: an import that cannot go on is marked
*failed* with its reason and the next one is read.
"""

import base64
import csv
import io
import logging
import time

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..engine import callrecord
from ..engine.cdr import CdrError

_logger = logging.getLogger(__name__)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(text):
    """A cell a spreadsheet will not run: text starting like a formula (``=``, ``+``,
    ``-``, ``@``, tab, carriage return) gets a leading quote, shown as text."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class KpiCallImport(models.Model):
    _name = "kpi.call.import"
    _description = "Call Log Import"
    _order = "id desc"
    _check_company_auto = True

    # Calls per batch (one savepoint, a handful of queries each) and the time a cron
    # run may work before it hands over (it is called again at once).
    _batch_size = 5000
    _cron_time_limit = 120

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(compute="_compute_name", store=True, readonly=False)
    source_id = fields.Many2one(
        "kpi.call.source", string="PBX", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="source_id.company_id", store=True, index=True, precompute=True)
    file = fields.Binary(attachment=True, copy=False)
    file_name = fields.Char()
    file_size = fields.Float(readonly=True, copy=False, digits=(20, 0), help="Bytes.")
    file_format = fields.Selection(
        [("asterisk_csv", "Asterisk cdr-csv (Master.csv)"), ("mapped", "CSV with a saved mapping")],
        string="Format",
        required=True,
        default="asterisk_csv",
    )
    mapping_id = fields.Many2one("kpi.call.mapping", string="CSV mapping", check_company=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        index=True,
        copy=False,
    )
    position = fields.Float(
        readonly=True, copy=False, digits=(20, 0), help="Bytes of the file read so far."
    )
    line_count = fields.Integer(string="Lines read", readonly=True, copy=False)
    imported_count = fields.Integer(string="Imported", readonly=True, copy=False)
    duplicate_count = fields.Integer(string="Duplicates", readonly=True, copy=False)
    rejected_count = fields.Integer(string="Rejected", readonly=True, copy=False)
    skipped_count = fields.Integer(
        string="Internal calls skipped",
        readonly=True,
        copy=False,
        help="Calls between two extensions (transfers, colleagues): not customer calls, so not logged.",
    )
    progress = fields.Float(compute="_compute_progress", digits=(16, 1))
    line_ids = fields.One2many("kpi.call.import.line", "import_id", string="Rejected lines", readonly=True)
    call_ids = fields.One2many("kpi.call", "import_id", string="Calls", readonly=True)
    date_start = fields.Datetime(string="Started on", readonly=True, copy=False)
    date_done = fields.Datetime(string="Finished on", readonly=True, copy=False)
    error = fields.Text(readonly=True, copy=False, help="Why the import stopped.")
    rejected_report = fields.Binary(compute="_compute_rejected_report", string="Rejected lines (CSV)")
    rejected_report_name = fields.Char(compute="_compute_rejected_report")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("file_name", "source_id")
    def _compute_name(self):
        for record in self:
            if not record.name:
                record.name = record.file_name or self.env._(
                    "Import of %(pbx)s", pbx=record.source_id.name or ""
                )

    @api.depends("position", "file_size", "state")
    def _compute_progress(self):
        for record in self:
            if record.state == "done":
                record.progress = 100.0
            elif record.file_size:
                record.progress = min(100.0, 100.0 * record.position / record.file_size)
            else:
                record.progress = 0.0

    @api.depends("line_ids")
    def _compute_rejected_report(self):
        for record in self:
            output = io.StringIO()
            writer = csv.writer(output)
            writer.writerow([self.env._("Line"), self.env._("Reason"), self.env._("Content")])
            for line in record.line_ids:
                writer.writerow([line.line_no, _csv_safe(line.reason), _csv_safe(line.content or "")])
            record.rejected_report = base64.b64encode(output.getvalue().encode())
            stem = (record.file_name or "calls").rsplit(".", 1)[0]
            record.rejected_report_name = f"{stem}-rejected.csv"

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("file_format", "mapping_id")
    def _check_mapping_id(self):
        for record in self:
            if record.file_format == "mapped" and not record.mapping_id:
                raise ValidationError(
                    self.env._(
                        "Call import %(name)s: a CSV file needs a saved column mapping (field CSV mapping).",
                        name=record.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Onchanges
    # ------------------------------------------------------------------
    @api.onchange("source_id")
    def _onchange_source_id(self):
        if self.source_id.mapping_id and not self.mapping_id:
            self.mapping_id = self.source_id.mapping_id
            self.file_format = "mapped"

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_start(self):
        """Queue the import (or go on after a failure): the cron reads the file in the background."""
        for record in self:
            if record.state not in ("draft", "failed"):
                continue
            if not record.file:
                raise UserError(
                    self.env._("Call import %(name)s: choose a file first (field File).", name=record.display_name)
                )
            record.write({"state": "queued", "error": False})
        self.env.ref("kpi_callcenter.ir_cron_kpi_call_import")._trigger()

    def action_cancel(self):
        self.filtered(lambda record: record.state in ("draft", "queued", "running", "failed")).write(
            {"state": "cancelled"}
        )

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kpi_callcenter.kpi_call_action")
        action["domain"] = [("import_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # Processing
    # ------------------------------------------------------------------
    @api.model
    def _cron_process_imports(self):
        """Work on the queued imports for a bounded time; report what is left."""
        deadline = time.monotonic() + self._cron_time_limit
        imports = self.search([("state", "in", ("queued", "running"))], order="id")
        done = 0
        for record in imports:
            done += record.with_company(record.company_id)._process_safely(deadline)
            if time.monotonic() > deadline:
                break
        remaining = self.search_count([("state", "in", ("queued", "running"))])
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    def _process_safely(self, deadline):
        """``_process`` for the cron: whatever goes wrong fails this import, never the cron
        (Odoo deactivates a cron that keeps failing, and the next imports would wait)."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                return self._process(deadline=deadline)
        except Exception as error:  # noqa: BLE001 pylint: disable=broad-exception-caught
            _logger.exception("Call import %s (id %s) failed", self.display_name, self.id)
            self.env.invalidate_all()
            self.write({"state": "failed", "error": self._error_text(error)})
            return True

    @api.model
    def _error_text(self, error):
        """Why an import stopped, in words that can be stored and shown."""
        if isinstance(error, (CdrError, OSError, UserError, ValidationError)) and error.args:
            text = str(error.args[0])
        elif isinstance(error, psycopg2.Error):
            text = self.env._("the database refused the data of a batch (see the server log)")
        else:
            text = self.env._("unexpected error %(error)s (see the server log)", error=type(error).__name__)
        return text.replace("\x00", "\ufffd")[:1000]

    def _process(self, stream=None, deadline=None):
        """Read the file on from ``position``; return True once the import is over.

        :param stream: a binary file to read instead of the stored one (an import from a
            path on the server, e.g. the benchmark)
        :param deadline: a ``time.monotonic()`` value: stop at the first call boundary
            after it (None: read to the end)
        """
        self.ensure_one()
        if self.state not in ("queued", "running"):
            return self.state in ("done", "failed", "cancelled")
        if not self._lock_for_processing():
            _logger.info("Call import %s (id %s) is being read by another worker", self.display_name, self.id)
            return False
        if not self.date_start:
            self.date_start = fields.Datetime.now()
        self.state = "running"
        try:
            own_stream = stream is None
            if own_stream:
                stream = self._open_file()
            try:
                finished = self._process_stream(stream, deadline)
            finally:
                if own_stream:
                    stream.close()
        except (CdrError, OSError, UserError, ValidationError) as error:
            _logger.info("Call import %s (id %s) failed: %s", self.display_name, self.id, error)
            self.write({"state": "failed", "error": self._error_text(error)})
            return True
        except Exception as error:  # noqa: BLE001 pylint: disable=broad-exception-caught
            # A file no reader expected: the batches read so far stay, the import stops
            # with its reason and can go on (action_start) once the cause is fixed.
            _logger.exception("Call import %s (id %s) failed", self.display_name, self.id)
            self.env.invalidate_all()
            self.write({"state": "failed", "error": self._error_text(error)})
            return True
        if finished:
            self.write({"state": "done", "date_done": fields.Datetime.now()})
        return finished

    def _lock_for_processing(self):
        """Lock the import's row for this transaction; False when another worker holds it.

        ``FOR UPDATE SKIP LOCKED``: any number of Odoo workers or hosts may run the cron,
        each file is read by one of them at a time, from the position the last one
        committed.
        """
        self.ensure_one()
        self.flush_recordset()
        rows = self.env.execute_query(
            SQL("SELECT id FROM kpi_call_import WHERE id = %s FOR UPDATE SKIP LOCKED", self.id)
        )
        if rows:
            # Another worker may have moved the import on since this transaction began.
            self.invalidate_recordset()
        return bool(rows)

    def _open_file(self):
        """A binary stream on the stored file (the filestore's file: not loaded in memory)."""
        self.ensure_one()
        self.check_access("read")
        attachment_sudo = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [("res_model", "=", self._name), ("res_field", "=", "file"), ("res_id", "=", self.id)],
                limit=1,
            )
        )
        if not attachment_sudo:
            raise UserError(self.env._("Call import %(name)s: the file is missing.", name=self.display_name))
        if not self.file_size:
            self.file_size = attachment_sudo.file_size
        if attachment_sudo.store_fname:
            return open(attachment_sudo._full_path(attachment_sudo.store_fname), "rb")
        return io.BytesIO(attachment_sudo.raw)

    def _file_options(self):
        """``iter_file_events`` arguments of the import's format."""
        if self.file_format == "mapped":
            return {"fmt": "mapped", **self.mapping_id._get_reader_options()}
        return {"fmt": "asterisk_csv"}

    def _process_stream(self, stream, deadline):
        """Import batches of events until the end of ``stream`` or the ``deadline``."""
        if not self.file_size:
            size = stream.seek(0, io.SEEK_END)
            self.file_size = size
        position = int(self.position)
        stream.seek(position)
        tracker = callrecord.LineTracker(stream, position, self.line_count)
        events = callrecord.iter_file_events(tracker, **self._file_options())
        batch = []
        consumption = {}  # call-budget month totals, kept across the batches of this run
        for event in events:
            batch.append(event)
            over_time = deadline is not None and time.monotonic() > deadline
            if len(batch) < self._batch_size and not (over_time and event.resume):
                continue
            self._import_events(batch, event.resume, consumption)
            batch = []
            if over_time and event.resume:
                return False
        self._import_events(batch, (tracker.offset, tracker.line_no), consumption)
        return True

    def _import_events(self, events, resume, budget_consumption=None):
        """Import one batch of events in a savepoint; move the position to ``resume``."""
        counters = {"imported_count": 0, "duplicate_count": 0, "rejected_count": 0, "skipped_count": 0}
        with self.env.cr.savepoint():
            rejected = []
            entries = []
            for event in events:
                if event.error:
                    rejected.append(self._prepare_line_vals(event.line_no, event.error, event.raw))
                else:
                    entries.append((event.line_no, event.values))
            values_by_line = dict(entries)
            stored = self.env["kpi.call"]._ingest(
                self.source_id, entries, import_record=self, budget_consumption=budget_consumption
            )
            for line_no, status, detail in stored:
                if status == "created":
                    counters["imported_count"] += 1
                elif status == "duplicate":
                    counters["duplicate_count"] += 1
                elif status == "skipped":
                    counters["skipped_count"] += 1
                else:
                    values = values_by_line[line_no]
                    rejected.append(self._prepare_line_vals(line_no, detail, self._describe_call(values)))
            counters["rejected_count"] = len(rejected)
            rejected.sort(key=lambda vals: vals["line_no"])
            self.env["kpi.call.import.line"].create(rejected)
            vals = {key: self[key] + count for key, count in counters.items()}
            if resume:
                vals.update(position=resume[0], line_count=resume[1])
            self.write(vals)
        # A million calls must not pile up in the cache of one transaction.
        self.env.invalidate_all()

    def _prepare_line_vals(self, line_no, reason, content):
        # A NUL cannot be stored in PostgreSQL text: show it as the replacement character.
        return {
            "import_id": self.id,
            "line_no": line_no,
            "reason": reason.replace("\x00", "\ufffd"),
            "content": content and content.replace("\x00", "\ufffd"),
        }

    @api.model
    def _describe_call(self, values):
        """A rejected call, in a few words, for the report."""
        lines = values.get("lines") or []
        text = self.env._(
            "call %(uid)s, extension %(extension)s, %(src)s → %(dst)s",
            uid=values.get("external_uid") or "?",
            extension=values.get("extension") or "?",
            src=values.get("src") or "?",
            dst=values.get("dst") or "?",
        )
        if len(lines) > 1:
            text += self.env._(" (lines %(lines)s)", lines=", ".join(str(line) for line in lines))
        return text[: callrecord.RAW_LINE_MAX_LENGTH]


class KpiCallImportLine(models.Model):
    """A line of a CDR file that did not become a call, and why."""

    _name = "kpi.call.import.line"
    _description = "Call Log Import: rejected line"
    _order = "import_id, line_no, id"

    import_id = fields.Many2one("kpi.call.import", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="import_id.company_id", store=True, index=True)
    line_no = fields.Integer(string="Line", required=True)
    reason = fields.Char(required=True)
    content = fields.Char()
