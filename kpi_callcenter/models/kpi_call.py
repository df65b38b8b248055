# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import json

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL, create_index

from ..engine import costing, ignored_numbers

# Columns of the staging table, in the order COPY receives them.
_STAGE_COLUMNS = (
    "ref", "external_uid", "employee_id", "extension", "direction", "start", "talk_seconds",
    "ring_duration", "disposition", "phone", "cost", "partner_id", "csat",
)
_STAGE_TYPES = (
    "ref integer, external_uid varchar, employee_id integer, extension varchar, direction varchar, "
    "start timestamp, talk_seconds integer, ring_duration integer, disposition varchar, phone varchar, "
    "cost numeric, partner_id integer, csat numeric"
)
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _stage_row(ref, vals):
    """The staging columns of a prepared call (``ref``: its position in the batch, which
    decides which of two calls with one PBX id is stored): ``None`` for empty, the start
    as text."""
    row = [ref]
    for key in _STAGE_COLUMNS[1:]:
        value = vals.get(key)
        row.append(None if value is False else str(value) if key == "start" else value)
    return row


def _copy_field(value):
    """One field of a COPY text-format line."""
    if value is None or value is False:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)


class KpiCall(models.Model):
    """One call between an agent and an outside party, as logged by a PBX.

    Created only by :meth:`_ingest`, for the CDR import and the push endpoint alike,
    never twice for the same ``(source_id, external_uid)``.
    """

    _name = "kpi.call"
    _description = "Call"
    _order = "start desc, id desc"
    _rec_name = "external_uid"
    _stage_table = "kpi_call_ingest"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    employee_id = fields.Many2one(
        "hr.employee", string="Agent", required=True, index=True, ondelete="restrict",
        check_company=True,
    )
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound")], required=True, index=True
    )
    start = fields.Datetime(required=True, index=True, help="When the call started (UTC).")
    talk_seconds = fields.Integer(
        string="Talk time (s)", help="Seconds talked (0 when the call was not answered)."
    )
    ring_duration = fields.Integer(help="Seconds before the call was answered, or given up.")
    disposition = fields.Selection(
        [
            ("answered", "Answered"),
            ("no_answer", "No answer"),
            ("busy", "Busy"),
            ("failed", "Failed"),
        ],
        required=True,
        index=True,
    )
    phone = fields.Char(help="The other party's number, normalised (E.164).")
    partner_id = fields.Many2one(
        "res.partner", string="Contact", index="btree_not_null", ondelete="set null",
        help="The contact whose phone or mobile is the call's number.",
    )
    cost = fields.Monetary(currency_field="currency_id", help="Cost of an outbound call, in company currency.")
    csat = fields.Float(
        string="Survey score",
        digits=(2, 1),
        help="The post-call survey score the caller gave (1 to 5), pushed by the PBX with the call; "
        "empty when the caller answered no survey. Feeds the call KPIs Post-call survey score and "
        "Post-call surveys.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    source_id = fields.Many2one(
        "kpi.call.source", string="PBX", required=True, index=True, ondelete="restrict",
        check_company=True,
    )
    external_uid = fields.Char(
        string="PBX call id", required=True, help="The PBX's unique id of the call (Asterisk: linkedid)."
    )
    extension = fields.Char(string="PBX extension", help="The agent's extension on the call.")
    import_id = fields.Many2one(
        "kpi.call.import", string="Imported by", index="btree_not_null", ondelete="set null"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    department_id = fields.Many2one(related="employee_id.department_id", string="Department")
    talk_minutes = fields.Float(compute="_compute_talk_minutes", digits=(16, 2), string="Talk time (min)")

    _sql_constraints = [
        (
            "external_uid_source_uniq",
            "unique(source_id, external_uid)",
            "A PBX call id must be unique per PBX: the call is already logged.",
        ),
        ("talk_seconds_positive", "CHECK(talk_seconds >= 0)", "A call's talk time cannot be negative."),
        ("ring_duration_positive", "CHECK(ring_duration >= 0)", "A call's ring time cannot be negative."),
        (
            "csat_range",
            "CHECK(csat IS NULL OR (csat >= 1 AND csat <= 5))",
            "A call's survey score is from 1 to 5.",
        ),
    ]

    def init(self):
        # Measure providers, reports and budgets read the calls of some agents in a period.
        create_index(self.env.cr, "kpi_call_employee_start_idx", self._table, ["employee_id", "start"])

    # ------------------------------------------------------------------
    # CRUD: nobody enters or edits the calls of their own scorecard
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # checked before anything is stored
            own_ids = set(self.env.user.employee_ids.ids)
            for vals in vals_list:
                if vals.get("employee_id") in own_ids:
                    self._raise_own(vals.get("external_uid"))
        return super().create(vals_list)

    def write(self, vals):
        self._check_not_own()
        if not self.env.su and vals.get("employee_id") in self.env.user.employee_ids.ids:
            self._raise_own(", ".join(str(call.external_uid or call.id) for call in self))
        return super().write(vals)

    def _check_not_own(self):
        """A call feeds its agent's KPIs (counts, talk time, the survey score): a user
        with the right to edit calls (a KPI Officer) never enters or edits their own.
        The ingestion of the PBX's calls runs as superuser."""
        if self.env.su:
            return
        own = self.env.user.employee_ids
        for call in self:
            if call.employee_id & own:
                self._raise_own(call.external_uid or call.id)

    def _raise_own(self, call):
        raise AccessError(
            self.env._(
                "Call %(call)s, field Employee: nobody enters or edits a call of their own scorecard.",
                call=call,
            )
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("talk_seconds")
    def _compute_talk_minutes(self):
        for call in self:
            call.talk_minutes = call.talk_seconds / 60.0

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("company_id", "source_id", "employee_id")
    def _check_company_consistency(self):
        for call in self:
            if call.source_id.company_id != call.company_id:
                raise ValidationError(
                    self.env._(
                        "Call %(call)s: its company %(company)s is not the company of its PBX %(pbx)s.",
                        call=call.external_uid,
                        company=call.company_id.name,
                        pbx=call.source_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------
    @api.model
    def _existing_external_uids(self, source, external_uids):
        """The ``external_uids`` already logged for ``source`` (one query, all calls)."""
        if not external_uids:
            return set()
        self.flush_model(["source_id", "external_uid"])
        rows = self.env.execute_query(
            SQL(
                "SELECT external_uid FROM kpi_call WHERE source_id = %s AND external_uid IN %s",
                source.id,
                tuple(external_uids),
            )
        )
        return {uid for (uid,) in rows}

    # ------------------------------------------------------------------
    # Ingestion (file import and push API)
    # ------------------------------------------------------------------
    @api.model
    def _ingest(self, source, entries, import_record=None, budget_consumption=None):
        """Validate and store parsed calls of ``source``; one result per entry, in order.

        :param entries: ``[(ref, values)]``, ``values`` in the shape of
            :mod:`..engine.callrecord` and ``ref`` a unique integer (line number, index)
        :return: ``[(ref, status, detail)]`` with status ``created`` (detail: the call
            id), ``duplicate`` (the external uid), ``skipped`` (a call between two
            extensions, not a customer call, or a number the PBX ignores: the reason) or
            ``rejected`` (the reason)

        Python checks each call, finds its agent by extension and prices it
        (:mod:`..engine.costing`); the valid ones are ``COPY``-ed into a temporary
        table, and one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` stores them, dropping
        the calls already logged and the repeats within the batch. ``budget_consumption``
        is the month totals an import keeps across its batches (see
        ``hr.employee._kpi_check_call_budgets``).
        """
        source.ensure_one()
        self.check_access("create")
        if not entries:
            return []
        context = source._prepare_store_context()
        results = {}
        staged = []
        for ref, values in entries:
            if values["direction"] == "internal":
                results[ref] = ("skipped", source._internal_call_reason(values))
                continue
            phone = costing.normalize_phone(values.get("phone"), context["country_code"])
            if ignored_numbers.is_ignored(phone, context["ignored_numbers"]):
                results[ref] = (
                    "skipped",
                    self.env._("phone %(phone)s: a number this PBX ignores (test or QA line)", phone=phone),
                )
                continue
            try:
                staged.append((ref, source._prepare_call_vals(values, context)))
            except ValidationError as error:
                results[ref] = ("rejected", error.args[0])
        source._match_partners([vals for _ref, vals in staged])
        created = self._insert_staged(source, staged, import_record)
        claimed = set()
        cost_ids = []
        for ref, vals in staged:
            uid = vals["external_uid"]
            if uid in created and uid not in claimed:
                claimed.add(uid)
                call_id = created[uid]
                results[ref] = ("created", call_id)
                if vals["direction"] == "outbound" and vals["cost"]:
                    cost_ids.append(call_id)
            else:
                results[ref] = ("duplicate", uid)
        if created:
            self.env.invalidate_all()
        if cost_ids:
            self.env["hr.employee"]._kpi_add_call_costs(self._month_costs(cost_ids), budget_consumption)
        return [(ref, *results[ref]) for ref, _values in entries]

    @api.model
    def _month_costs(self, call_ids):
        """``{(employee_id, first day of month): cost}`` of the calls ``call_ids``, the month
        in each agent's time zone (as ``hr.employee._kpi_call_month``): one grouped query."""
        self.env["hr.employee"].flush_model(["resource_id"])
        self.env["resource.resource"].flush_model(["tz"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT c.employee_id,
                       date_trunc('month', timezone(COALESCE(r.tz, 'UTC'), c.start AT TIME ZONE 'UTC'))::date,
                       SUM(c.cost)
                  FROM kpi_call c
                  JOIN hr_employee e ON e.id = c.employee_id
                  JOIN resource_resource r ON r.id = e.resource_id
                 WHERE c.id = ANY(%s)
              GROUP BY 1, 2
                """,
                list(call_ids),
            )
        )
        return {(employee_id, month): float(cost) for employee_id, month, cost in rows}

    @api.model
    def _insert_staged(self, source, staged, import_record=None):
        """Insert the new ones of the prepared calls (``[(ref, vals)]``) in one statement;
        return ``{external_uid: id}`` of those created. An import's batch is ``COPY``-ed
        into a temporary table first."""
        if not staged:
            return {}
        self.flush_model()
        if import_record:
            source_rows = self._copy_staged(staged)
        else:
            # A push (at most 1,000 calls): the rows travel as one JSON parameter instead.
            source_rows = SQL(
                "jsonb_to_recordset(%s::jsonb) AS s(%s)",
                json.dumps([dict(zip(_STAGE_COLUMNS, _stage_row(index, vals))) for index, (_ref, vals) in enumerate(staged)]),
                SQL(_STAGE_TYPES),
            )
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO kpi_call (
                    external_uid, source_id, company_id, employee_id, extension, direction, start,
                    talk_seconds, ring_duration, disposition, phone, cost, partner_id, csat, import_id,
                    create_uid, create_date, write_uid, write_date)
                SELECT external_uid, %(source)s, %(company)s, employee_id, extension, direction, start,
                       talk_seconds, ring_duration, disposition, phone, cost, partner_id, csat, %(import_id)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM (SELECT DISTINCT ON (external_uid) * FROM %(rows)s ORDER BY external_uid, ref) AS first
              ORDER BY ref
                ON CONFLICT (source_id, external_uid) DO NOTHING
             RETURNING external_uid, id
                """,
                rows=source_rows,
                source=source.id,
                company=source.company_id.id,
                import_id=import_record.id if import_record else None,
                uid=self.env.uid,
                now=fields.Datetime.now(),
            )
        )
        return dict(rows)

    @api.model
    def _copy_staged(self, staged):
        """COPY ``[(ref, vals)]`` into the (emptied) temporary staging table; return it."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE IF NOT EXISTS %s (%s) ON COMMIT DROP
                """,
                SQL.identifier(self._stage_table),
                SQL(_STAGE_TYPES),
            )
        )
        cr.execute(SQL("TRUNCATE %s", SQL.identifier(self._stage_table)))
        buffer = io.StringIO()
        buffer.writelines(
            "\t".join([_copy_field(value) for value in _stage_row(index, vals)]) + "\n"
            for index, (_ref, vals) in enumerate(staged)
        )
        buffer.seek(0)
        cr.copy_expert(f"COPY {self._stage_table} ({', '.join(_STAGE_COLUMNS)}) FROM STDIN", buffer)
        return SQL.identifier(self._stage_table)
