# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, create_index


class KpiCall(models.Model):
    """One call between an agent and an outside party, as logged by a PBX.

    Created by the CDR import and the push endpoint (``kpi.call.source._store_calls``),
    never twice for the same ``(source_id, external_uid)``.
    """

    _name = "kpi.call"
    _description = "Call"
    _order = "start desc, id desc"
    _rec_name = "external_uid"

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
    duration = fields.Integer(help="Seconds talked (0 when the call was not answered).")
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
        ("duration_positive", "CHECK(duration >= 0)", "A call's duration cannot be negative."),
        ("ring_duration_positive", "CHECK(ring_duration >= 0)", "A call's ring time cannot be negative."),
    ]

    def init(self):
        # Measure providers, reports and budgets read the calls of some agents in a period.
        create_index(self.env.cr, "kpi_call_employee_start_idx", self._table, ["employee_id", "start"])

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("duration")
    def _compute_talk_minutes(self):
        for call in self:
            call.talk_minutes = call.duration / 60.0

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
