# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The audit trail (KPI → Audit): every logged change of the pay terms and inputs, read from
the chatters of the audited models (``AUDITED_MODELS``), one row per changed field (old and
new value) and one per logged note without field (a KPI or a tier added or removed)."""

from odoo import api, fields, models
from odoo.tools import SQL

# Models whose chatter is the audit trail. A model not in the registry (e.g. an optional
# part not merged) is left out.
AUDITED_MODELS = (
    "kpi.plan",
    "kpi.payout.scale",
    "kpi.manual.value",
    "kpi.target",
    "kpi.scorecard.correction",
)


class KpiAuditReport(models.Model):
    _name = "kpi.audit.report"
    _description = "KPI Audit Trail"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "record_name"

    date = fields.Datetime(readonly=True)
    period = fields.Date(string="Month", readonly=True, help="Month of the change.")
    author_id = fields.Many2one("res.partner", string="Author", readonly=True)
    res_model = fields.Selection(selection="_selection_res_model", string="Model", readonly=True)
    res_id = fields.Many2oneReference(model_field="res_model", string="Record ID", readonly=True)
    record_name = fields.Char(string="Record", compute="_compute_record_name")
    field_name = fields.Char(string="Technical field", readonly=True)
    field_label = fields.Char(string="Field", readonly=True)
    old_value = fields.Char(readonly=True)
    new_value = fields.Char(readonly=True)
    note = fields.Char(readonly=True, help="The logged note (e.g. the KPI changed, added or removed).")
    message_id = fields.Many2one("mail.message", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    @api.model
    def _get_audited_models(self):
        return [name for name in AUDITED_MODELS if name in self.env.registry]

    @api.model
    def _selection_res_model(self):
        return [
            (name, self.env[name]._description) for name in self._get_audited_models()
        ]

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        by_model = {}
        for row in self:
            by_model.setdefault(row.res_model, set()).add(row.res_id)
        names = {}
        for model, ids in by_model.items():
            if model not in self.env.registry:
                continue
            # only the records the user may read show their name
            records = self.env[model].with_context(active_test=False).browse(ids).exists()._filtered_access("read")
            names.update({(model, record.id): record.display_name for record in records})
        for row in self:
            row.record_name = names.get((row.res_model, row.res_id)) or f"{row.res_model},{row.res_id}"

    @api.model
    def _value_sql(self, side):
        """The ``side`` (``old`` / ``new``) value of a tracking value as text."""

        def column(kind):
            return SQL.identifier("v", f"{side}_value_{kind}")

        return SQL(
            """CASE
                WHEN f.ttype IN ('many2one', 'selection', 'char', 'text', 'html') THEN %(char)s
                WHEN f.ttype = 'date' THEN to_char(%(datetime)s, 'YYYY-MM-DD')
                WHEN f.ttype = 'datetime' THEN to_char(%(datetime)s, 'YYYY-MM-DD HH24:MI:SS')
                WHEN f.ttype IN ('float', 'monetary') THEN %(float)s::text
                WHEN f.ttype = 'boolean' THEN CASE WHEN %(integer)s = 1 THEN 'True' ELSE 'False' END
                WHEN f.ttype = 'integer' THEN %(integer)s::text
                ELSE COALESCE(%(char)s, %(text)s)
            END""",
            char=column("char"),
            text=column("text"),
            datetime=column("datetime"),
            float=column("float"),
            integer=column("integer"),
        )

    @property
    def _table_query(self):
        models_ = self._get_audited_models()
        company_joins = SQL()
        company_columns = []
        for index, name in enumerate(models_):
            model = self.env[name]
            if "company_id" not in model._fields or not model._fields["company_id"].store:
                continue
            alias = f"c{index}"
            company_joins = SQL(
                "%s LEFT JOIN %s AS %s ON m.model = %s AND %s.id = m.res_id",
                company_joins,
                SQL.identifier(model._table),
                SQL.identifier(alias),
                name,
                SQL.identifier(alias),
            )
            company_columns.append(SQL("%s.company_id", SQL.identifier(alias)))
        company = SQL("COALESCE(%s)", SQL(", ").join(company_columns)) if company_columns else SQL("NULL::integer")
        return SQL(
            """
            SELECT v.id * 2 AS id,
                   m.date AS date,
                   date_trunc('month', m.date)::date AS period,
                   m.author_id AS author_id,
                   m.model AS res_model,
                   m.res_id AS res_id,
                   f.name AS field_name,
                   COALESCE(f.field_description->>%(lang)s, f.field_description->>'en_US') AS field_label,
                   %(old)s AS old_value,
                   %(new)s AS new_value,
                   NULL::varchar AS note,
                   m.id AS message_id,
                   %(company)s AS company_id
              FROM mail_tracking_value v
              JOIN mail_message m ON m.id = v.mail_message_id
              JOIN ir_model_fields f ON f.id = v.field_id
              %(joins)s
             WHERE m.model IN %(models)s
            UNION ALL
            SELECT m.id * 2 + 1 AS id,
                   m.date AS date,
                   date_trunc('month', m.date)::date AS period,
                   m.author_id AS author_id,
                   m.model AS res_model,
                   m.res_id AS res_id,
                   NULL::varchar AS field_name,
                   NULL::varchar AS field_label,
                   NULL::varchar AS old_value,
                   NULL::varchar AS new_value,
                   left(regexp_replace(m.body, '<[^>]+>', '', 'g'), 500) AS note,
                   m.id AS message_id,
                   %(company)s AS company_id
              FROM mail_message m
              %(joins)s
             WHERE m.model IN %(models)s
               AND m.message_type = 'notification'
               AND COALESCE(m.body, '') != ''
               AND NOT EXISTS (SELECT 1 FROM mail_tracking_value t WHERE t.mail_message_id = m.id)
            """,
            old=self._value_sql("old"),
            new=self._value_sql("new"),
            company=company,
            joins=company_joins,
            models=tuple(models_),
            lang=self.env.lang or "en_US",
        )
