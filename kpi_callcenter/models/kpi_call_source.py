# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A PBX: where calls come from, how its numbers are read and what they cost.

The API token is a random secret shown once; only its SHA-256 digest and its first
characters (to find the source without scanning) are stored. A digest of a 256-bit
random token cannot be reversed or guessed, so a slow password hash (as for user
passwords) would only slow every push down.
"""

import base64
import binascii
import hashlib
import hmac
import re
import secrets

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.base.models.res_partner import _tz_get

from ..engine import callrecord, costing, ignored_numbers
from ..engine.cdr import CdrError

TOKEN_INDEX_SIZE = 8
TOKEN_BYTES = 32
RATE_CATEGORIES = ("mobile", "landline", "international", "internal")
_NUMBER_PREFIX = re.compile(r"^\+?\d+$")


class KpiCallSource(models.Model):
    _name = "kpi.call.source"
    _description = "PBX (call source)"
    _order = "sequence, name, id"
    _check_company_auto = True

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    type = fields.Selection(
        [
            ("asterisk", "Asterisk"),
            ("freepbx", "FreePBX"),
            ("3cx", "3CX"),
            ("other", "Other"),
        ],
        required=True,
        default="asterisk",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    tz = fields.Selection(
        _tz_get,
        string="Timezone",
        required=True,
        default=lambda self: self.env.user.tz or "UTC",
        help="The time zone of the PBX's timestamps (Asterisk writes its local time unless "
        "usegmtime is on: then choose UTC).",
    )
    country_id = fields.Many2one(
        "res.country",
        string="Country",
        default=lambda self: self.env.company.country_id,
        help="Country of the PBX: national numbers (0912…) are read with its calling code.",
    )
    mapping_id = fields.Many2one(
        "kpi.call.mapping",
        string="CSV mapping",
        check_company=True,
        help="Default column mapping for this PBX's CSV exports (when not Asterisk's Master.csv).",
    )
    # cost rule
    rate_ids = fields.One2many("kpi.call.rate", "source_id", string="Rates", copy=True)
    ignored_numbers = fields.Text(
        string="Numbers to ignore",
        help="Test calls and internal QA lines: numbers (or prefixes ending in *), one per line. "
        "Their calls are never stored; imports and pushes count them as skipped.",
    )
    billing_increment = fields.Integer(
        default=60, help="Outbound calls are billed by steps of this many seconds (60: per minute, 6: per 6 s)."
    )
    billing_minimum = fields.Integer(
        help="Seconds billed at least for an answered outbound call (e.g. 60 for '60/6' billing)."
    )
    default_rate = fields.Monetary(
        currency_field="currency_id", string="Rate for other numbers",
        help="Per-minute rate of outbound numbers that no rate line matches.",
    )
    # API token
    token_index = fields.Char(readonly=True, copy=False, index=True, groups="base.group_system")
    token_hash = fields.Char(readonly=True, copy=False, groups="base.group_system")
    token_date = fields.Datetime(string="Token created on", readonly=True, copy=False)
    has_token = fields.Boolean(compute="_compute_has_token")
    call_count = fields.Integer(compute="_compute_call_count")

    _sql_constraints = [
        (
            "billing_increment_positive",
            "CHECK(billing_increment >= 0 AND billing_minimum >= 0)",
            "Billing increment and minimum cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("token_date")
    def _compute_has_token(self):
        for source in self:
            source.has_token = bool(source.token_date)

    def _compute_call_count(self):
        counts = dict(
            self.env["kpi.call"]._read_group([("source_id", "in", self.ids)], ["source_id"], ["__count"])
        )
        for source in self:
            source.call_count = counts.get(source, 0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("default_rate")
    def _check_default_rate(self):
        for source in self:
            if source.default_rate < 0:
                raise ValidationError(
                    self.env._("PBX %(pbx)s: the rate for other numbers cannot be negative.", pbx=source.name)
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_rotate_token(self):
        """Make a new API token (the old one stops working) and show it once."""
        self.ensure_one()
        self.check_access("write")
        token = secrets.token_urlsafe(TOKEN_BYTES)
        source_sudo = self.sudo()
        source_sudo.write(
            {
                "token_index": token[:TOKEN_INDEX_SIZE],
                "token_hash": self._hash_token(token),
                "token_date": fields.Datetime.now(),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "kpi.call.source.token",
            "name": self.env._("API token of %(pbx)s", pbx=self.name),
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_token": token, "default_source_name": self.name},
        }

    def action_revoke_token(self):
        self.check_access("write")
        self.sudo().write({"token_index": False, "token_hash": False, "token_date": False})

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kpi_callcenter.kpi_call_action")
        action["domain"] = [("source_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # Token
    # ------------------------------------------------------------------
    @api.model
    def _hash_token(self, token):
        return hashlib.sha256(token.encode()).hexdigest()

    @api.model
    def _authenticate_token(self, token):
        """The active source whose token is ``token``, as superuser; empty when none.

        This is the access check of the PBX endpoints: the caller gets the source in
        sudo only when the token's digest matches (compared in constant time).
        """
        if not token or len(token) < TOKEN_INDEX_SIZE * 2:
            return self.browse()
        self.flush_model(["active", "token_index", "token_hash"])
        rows = self.env.execute_query(
            SQL(
                "SELECT id, token_hash FROM kpi_call_source WHERE active AND token_index = %s",
                token[:TOKEN_INDEX_SIZE],
            )
        )
        digest = self._hash_token(token)
        for source_id, token_hash in rows:
            if token_hash and hmac.compare_digest(token_hash, digest):
                return self.sudo().browse(source_id)
        return self.browse()

    # ------------------------------------------------------------------
    # Import from code and RPC
    # ------------------------------------------------------------------
    def import_cdr(self, content, fmt="asterisk_csv"):
        """Import a CDR file of this PBX now; return its ``kpi.call.import`` report.

        :param content: the file, as bytes or base64 text
        :param fmt: ``asterisk_csv`` (Master.csv) or the code of a saved CSV mapping
        """
        self.ensure_one()
        self.check_access("read")
        file_format, mapping = self._resolve_format(fmt)
        raw = self._decode_content(content)
        report = self.env["kpi.call.import"].create(
            {
                "source_id": self.id,
                "file": base64.b64encode(raw),
                "file_name": "import_cdr.csv",
                "file_format": file_format,
                "mapping_id": mapping.id,
                "state": "queued",
            }
        )
        report._process()
        return report

    def _resolve_format(self, fmt):
        """``(file_format, mapping)`` of an ``import_cdr`` format name."""
        self.ensure_one()
        if fmt == "asterisk_csv":
            return "asterisk_csv", self.env["kpi.call.mapping"]
        mapping = self.env["kpi.call.mapping"].search(
            [("code", "=", fmt), ("company_id", "in", [False, self.company_id.id])], limit=1
        )
        if not mapping:
            raise UserError(
                self.env._(
                    "PBX %(pbx)s: unknown import format %(fmt)r; use asterisk_csv or the code of "
                    "a saved CSV mapping.",
                    pbx=self.name,
                    fmt=fmt,
                )
            )
        return "mapped", mapping

    def _decode_content(self, content):
        """Bytes of an ``import_cdr`` content: bytes as they are, text as base64."""
        if isinstance(content, (bytes, bytearray)):
            return bytes(content)
        error = self.env._("PBX %(pbx)s: the file content must be bytes or base64 text.", pbx=self.name)
        if not isinstance(content, str):
            raise UserError(error)
        try:
            return base64.b64decode(content, validate=False)
        except (binascii.Error, ValueError):
            raise UserError(error) from None

    # ------------------------------------------------------------------
    # Storing calls (file import and push share this)
    # ------------------------------------------------------------------
    def _store_calls(self, entries, import_record=None, budget_consumption=None):
        """Store parsed calls of this PBX: ``kpi.call._ingest`` (see there)."""
        self.ensure_one()
        return self.env["kpi.call"]._ingest(self, entries, import_record, budget_consumption)

    def _prepare_store_context(self):
        """What validating a batch of calls needs, read once per batch."""
        self.ensure_one()
        self.env["hr.employee"].flush_model(["pbx_extension", "company_id"])
        employees = dict(
            self.env.execute_query(
                SQL(
                    """
                    SELECT pbx_extension, id FROM hr_employee
                     WHERE company_id = %s AND pbx_extension IS NOT NULL AND pbx_extension != ''
                    """,
                    self.company_id.id,
                )
            )
        )
        increment = self.billing_increment
        rates = [
            {
                "prefix": rate.prefix,
                "rate": rate.rate,
                "increment": rate.billing_increment or increment,
                "minimum": self.billing_minimum,
            }
            for rate in self.rate_ids
        ]
        return {
            "employees": employees,
            "rates": rates,
            "default_rate": {"rate": self.default_rate, "increment": increment, "minimum": self.billing_minimum},
            "country_code": str(self.country_id.phone_code or "84"),
            "ignored_numbers": ignored_numbers.parse_ignored_numbers(
                self.ignored_numbers, str(self.country_id.phone_code or "84")
            ),
            "tz": pytz.timezone(self.tz or "UTC"),
            "currency": self.currency_id,
        }

    def _prepare_call_vals(self, values, context):
        """``kpi.call`` values of one call's ``values``; ValidationError when it is not valid."""
        uid = values["external_uid"]
        if not uid:
            raise ValidationError(self.env._("external_uid: missing value"))
        try:
            callrecord.check_values(values)
        except CdrError as error:
            raise ValidationError(str(error)) from None
        direction = values["direction"]
        if direction == "internal":
            raise ValidationError(self._internal_call_reason(values))
        if direction not in ("inbound", "outbound"):
            raise ValidationError(
                self.env._(
                    "direction: cannot tell an inbound from an outbound call (from %(src)r to %(dst)r)",
                    src=values["src"],
                    dst=values["dst"],
                )
            )
        extension = values["extension"]
        if not extension:
            raise ValidationError(self.env._("extension: missing, the call has no agent"))
        employee_id = context["employees"].get(extension)
        if not employee_id:
            raise ValidationError(
                self.env._(
                    "extension %(extension)s: no employee of %(company)s has this PBX extension",
                    extension=extension,
                    company=self.company_id.name,
                )
            )
        start = values["start"]
        if not values["utc"]:
            start = self._local_to_utc(start, context)
        phone = costing.normalize_phone(values["phone"], context["country_code"])
        talk_seconds = int(values["talk_seconds"] or 0)
        cost = 0.0
        if direction == "outbound" and talk_seconds:
            cost = self._call_cost(phone, talk_seconds, context)
        return {
            "external_uid": uid,
            "source_id": self.id,
            "company_id": self.company_id.id,
            "employee_id": employee_id,
            "extension": extension,
            "direction": direction,
            "start": start,
            "talk_seconds": talk_seconds,
            "ring_duration": int(values["ring_duration"] or 0),
            "disposition": values["disposition"],
            "phone": phone,
            "cost": cost,
            "csat": values.get("csat"),
        }

    @api.model
    def _local_to_utc(self, start, context):
        """``start`` (the PBX's local time) in UTC; offsets cached per hour of the batch
        (time zones change their offset on the hour)."""
        hour = start.replace(minute=0, second=0, microsecond=0)
        offsets = context.setdefault("utc_offsets", {})
        offset = offsets.get(hour)
        if offset is None:
            offset = offsets[hour] = context["tz"].localize(hour, is_dst=False).utcoffset()
        return start - offset

    def _internal_call_reason(self, values):
        return self.env._(
            "direction: internal call from %(src)s to %(dst)s; only calls with an outside "
            "party are logged",
            src=values["src"] or values["extension"],
            dst=values["dst"],
        )

    def _call_cost(self, phone, talk_seconds, context):
        """Cost of an outbound call of ``talk_seconds`` seconds to ``phone``."""
        rule = costing.match_rate(phone, context["rates"], context["country_code"]) or context["default_rate"]
        cost = costing.call_cost(talk_seconds, rule["rate"], rule["increment"], rule["minimum"])
        return context["currency"].round(cost)

    def _match_partners(self, vals_list):
        """Set ``partner_id`` of the calls whose number is a contact's phone or mobile.

        One query for the batch: contacts whose phone or mobile ends with the same nine
        digits, then an exact comparison of the normalised numbers.
        """
        tails = {vals["phone"][-9:] for vals in vals_list if vals["phone"].startswith("+") and len(vals["phone"]) >= 10}
        if not tails:
            return
        self.env["res.partner"].flush_model(["active", "company_id", "phone", "mobile"])
        rows = self.env.execute_query(
            SQL(
                r"""
                SELECT id, phone, mobile FROM res_partner
                 WHERE active
                   AND (company_id IS NULL OR company_id = %(company)s)
                   AND (RIGHT(regexp_replace(COALESCE(phone, ''), '\D', '', 'g'), 9) IN %(tails)s
                        OR RIGHT(regexp_replace(COALESCE(mobile, ''), '\D', '', 'g'), 9) IN %(tails)s)
              ORDER BY id
                """,
                company=self.company_id.id,
                tails=tuple(tails),
            )
        )
        country_code = str(self.country_id.phone_code or "84")
        partners = {}
        for partner_id, phone, mobile in rows:
            for number in (phone, mobile):
                if number:
                    partners.setdefault(costing.normalize_phone(number, country_code), partner_id)
        for vals in vals_list:
            vals["partner_id"] = partners.get(vals["phone"], False)


class KpiCallRate(models.Model):
    """Per-minute rate of outbound calls to numbers of a prefix or a category."""

    _name = "kpi.call.rate"
    _description = "PBX call rate"
    _order = "sequence, id"

    source_id = fields.Many2one("kpi.call.source", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Label")
    prefix = fields.Char(
        required=True,
        help="mobile, landline, international or internal, or a number prefix in E.164 "
        "(+849, +8428, +65…). The longest matching number prefix wins over a category.",
    )
    rate = fields.Monetary(currency_field="currency_id", string="Rate per minute")
    billing_increment = fields.Integer(help="Billing step in seconds; empty: the PBX's.")
    currency_id = fields.Many2one(related="source_id.currency_id")
    company_id = fields.Many2one(related="source_id.company_id", store=True, index=True)

    @api.constrains("prefix", "rate", "billing_increment")
    def _check_prefix(self):
        for rate in self:
            prefix = (rate.prefix or "").strip()
            if prefix not in RATE_CATEGORIES and not _NUMBER_PREFIX.match(prefix):
                raise ValidationError(
                    self.env._(
                        "PBX %(pbx)s, rate %(rate)s: the prefix %(prefix)r must be one of %(categories)s "
                        "or a number prefix such as +849.",
                        pbx=rate.source_id.name,
                        rate=rate.name or prefix,
                        prefix=rate.prefix,
                        categories=", ".join(RATE_CATEGORIES),
                    )
                )
            if rate.rate < 0 or rate.billing_increment < 0:
                raise ValidationError(
                    self.env._(
                        "PBX %(pbx)s, rate %(rate)s: the rate and the billing increment cannot be negative.",
                        pbx=rate.source_id.name,
                        rate=rate.name or prefix,
                    )
                )
