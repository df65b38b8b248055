# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timezone

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import cdr

DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}


class KpiCallMapping(models.Model):
    """Where a PBX's CSV export keeps each piece of a call (FreePBX, 3CX, …).

    A column is a header name (case-insensitive) or, in a file without header, a
    0-based index. Only the start is required; the rest is derived when missing (see
    ``engine.callrecord.complete_values``).
    """

    _name = "kpi.call.mapping"
    _description = "Call CSV Mapping"
    _order = "name, id"

    name = fields.Char(required=True)
    code = fields.Char(
        required=True,
        help="The format name given to kpi.call.source.import_cdr(content, fmt), e.g. 3cx_export.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: shared by all companies.")
    has_header = fields.Boolean(default=True, help="The first line holds the column names.")
    delimiter = fields.Selection(
        [("comma", "Comma (,)"), ("semicolon", "Semicolon (;)"), ("tab", "Tab"), ("pipe", "Pipe (|)")],
        required=True,
        default="comma",
    )
    date_format = fields.Char(
        required=True,
        default=cdr.ASTERISK_DATE_FORMAT,
        help="strftime format of the start column, e.g. %d/%m/%Y %H:%M:%S. With %z the dates are "
        "read as UTC offsets; without, in the PBX's time zone.",
    )
    col_external_uid = fields.Char(string="Call id column", help="Empty: a digest of the row is used.")
    col_start = fields.Char(string="Start column", required=True)
    col_talk_seconds = fields.Char(string="Talk time column", help="Seconds, or h:mm:ss.")
    col_ring_duration = fields.Char(string="Ring time column")
    col_direction = fields.Char(string="Direction column", help="in/out, inbound/outbound, …")
    col_disposition = fields.Char(string="Status column", help="answered, no answer, busy, failed, missed…")
    col_extension = fields.Char(string="Extension column", help="The agent's extension.")
    col_phone = fields.Char(string="Number column", help="The outside party's number.")
    col_src = fields.Char(string="Source column", help="Calling number (tells the direction when needed).")
    col_dst = fields.Char(string="Destination column", help="Called number.")

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A CSV mapping code must be unique per company."),
    ]

    @api.constrains("code", "date_format", "has_header", *(f"col_{key}" for key in cdr.MAPPED_KEYS))
    def _check_mapping(self):
        for mapping in self:
            if mapping.code == "asterisk_csv":
                raise ValidationError(
                    self.env._("CSV mapping %(name)s: the code asterisk_csv is reserved.", name=mapping.name)
                )
            try:
                sample = datetime(2024, 3, 4, 8, 5, 9, tzinfo=timezone.utc)
                datetime.strptime(sample.strftime(mapping.date_format), mapping.date_format)
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "CSV mapping %(name)s, field Date format: %(format)r is not a date format (%(error)s).",
                        name=mapping.name,
                        format=mapping.date_format,
                        error=error,
                    )
                ) from None
            if not mapping.has_header:
                for key in cdr.MAPPED_KEYS:
                    column = (mapping[f"col_{key}"] or "").strip()
                    if column and not column.isdigit():
                        # Computed outside the _() call: string literals among its arguments
                        # hide the message from Odoo's term export (setup/i18n).
                        label = mapping._fields[f"col_{key}"].get_description(self.env)["string"]
                        raise ValidationError(
                            self.env._(
                                "CSV mapping %(name)s, field %(field)s: a file without header needs "
                                "column numbers (0, 1, …), not %(column)r.",
                                name=mapping.name,
                                field=label,
                                column=column,
                            )
                        )

    def _get_mapping(self):
        """``{key: column}`` for ``engine.cdr.iter_mapped_rows``."""
        self.ensure_one()
        mapping = {}
        for key in cdr.MAPPED_KEYS:
            column = (self[f"col_{key}"] or "").strip()
            if column:
                mapping[key] = int(column) if not self.has_header and column.isdigit() else column
        return mapping

    def _get_reader_options(self):
        """Keyword arguments of ``engine.callrecord.iter_file_events`` for this mapping."""
        self.ensure_one()
        return {
            "mapping": self._get_mapping(),
            "has_header": self.has_header,
            "delimiter": DELIMITERS[self.delimiter],
            "date_format": self.date_format,
        }
