# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# Scorecard states after which the values of its employee and period are final.
MANUAL_VALUE_LOCKED_STATES = ("confirmed", "paid")
# Context keys that would silence the audit trail: the chatter of a value ignores them.
MAIL_SILENCING_KEYS = {"tracking_disable": False, "mail_notrack": False, "mail_create_nolog": False}


class KpiManualValue(models.Model):
    """A value entered or imported by hand: CSAT, NPS, CES, test scores, defect rate…

    Audited: the creation, every change (who, when, old → new) and the deletion are logged,
    whatever the context. Nobody enters, changes or deletes a value that feeds their own
    scorecard (``_check_not_own``), and values are final once a confirmed or paid scorecard
    measuring their KPI covers their employee and date (``_check_not_locked``)."""

    _name = "kpi.manual.value"
    _description = "KPI Manual Value"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade", check_company=True,
        tracking=True,
    )
    definition_id = fields.Many2one(
        "kpi.definition",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('source', '=', 'manual')]",
        check_company=True,
        tracking=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True, tracking=True)
    value = fields.Float(required=True, digits=(16, 4), tracking=True)
    note = fields.Char(tracking=True)
    company_id = fields.Many2one(
        related="employee_id.company_id", store=True, index=True, precompute=True
    )
    # who entered it and when: create_uid / create_date, shown in the views
    entered_by_id = fields.Many2one("res.users", related="create_uid", string="Entered by")
    entered_on = fields.Datetime(related="create_date", string="Entered on")

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("value", "definition_id")
    def _check_value_range(self):
        for record in self:
            definition = record.definition_id
            if definition.manual_restrict_range and not (
                definition.manual_min_value - 1e-9 <= record.value <= definition.manual_max_value + 1e-9
            ):
                raise ValidationError(
                    self.env._(
                        "Manual value of %(employee)s for KPI %(kpi)s on %(date)s, field Value: "
                        "%(value)s is outside the KPI's range %(low)s to %(high)s.",
                        employee=record.employee_id.name,
                        kpi=definition.display_name,
                        date=record.date,
                        value=record.value,
                        low=definition.manual_min_value,
                        high=definition.manual_max_value,
                    )
                )

    @api.constrains("definition_id")
    def _check_definition_id(self):
        for record in self:
            if record.definition_id.source != "manual":
                raise ValidationError(
                    self.env._(
                        "Manual value of %(employee)s: KPI %(kpi)s is not a manual KPI "
                        "(its source is %(kpi_source)s).",
                        employee=record.employee_id.name,
                        kpi=record.definition_id.display_name,
                        kpi_source=record.definition_id.source,
                    )
                )

    def _get_scored_employees(self):
        """Employees whose scorecards the values ``self`` feed. Today the value's own
        employee; a team KPI line shares its values with every employee of its pool, and
        extends this hook to return them."""
        return self.employee_id

    def _check_not_own(self):
        """Nobody enters, changes or deletes a value that feeds their own scorecard (a
        team manager and a KPI Manager included). The superuser (imports run by the
        system, crons) has no scorecard."""
        if self.env.su:
            return
        own = self.env.user.employee_ids
        for record in self:
            if record._get_scored_employees() & own:
                raise AccessError(
                    self.env._(
                        "Manual value of %(employee)s for KPI %(kpi)s on %(date)s, field Employee: "
                        "nobody enters, changes or deletes a value of their own scorecard.",
                        employee=record.employee_id.name,
                        kpi=record.definition_id.display_name,
                        date=record.date,
                    )
                )

    def _check_not_locked(self):
        """Values are final once a confirmed or paid scorecard they feed (one measuring
        their KPI) covers their employee and date: what a payslip paid never changes."""
        if not self:
            return
        # The caller's access to the values was checked (ACL and record rules of the
        # operation); the scorecard lines they feed are read whatever their rules.
        lines_sudo = self.env["kpi.scorecard.line"].sudo().search(
            [
                ("employee_id", "in", self._get_scored_employees().ids),
                ("definition_id", "in", self.definition_id.ids),
                ("state", "in", MANUAL_VALUE_LOCKED_STATES),
                ("date_from", "<=", max(self.mapped("date"))),
                ("date_to", ">=", min(self.mapped("date"))),
            ]
        )
        for record in self if lines_sudo else ():
            line_sudo = lines_sudo.filtered(
                lambda line, r=record: line.employee_id in r._get_scored_employees()
                and line.definition_id == r.definition_id
                and line.date_from <= r.date <= line.date_to
            )[:1]
            if line_sudo:
                card_sudo = line_sudo.scorecard_id
                raise UserError(
                    self.env._(
                        "Manual value of %(employee)s for KPI %(kpi)s on %(date)s, field Date: "
                        "scorecard %(scorecard)s is %(state)s; its values are final.",
                        employee=record.employee_id.name,
                        kpi=record.definition_id.display_name,
                        date=record.date,
                        scorecard=card_sudo.display_name,
                        state=dict(
                            card_sudo._fields["state"]._description_selection(self.env)
                        )[card_sudo.state],
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def _with_audit_context(self):
        return self.with_context(**MAIL_SILENCING_KEYS, mail_create_nosubscribe=True)

    @api.model_create_multi
    def create(self, vals_list):
        records = super(KpiManualValue, self._with_audit_context()).create(vals_list)
        records._check_not_own()
        records._check_not_locked()
        return records.with_env(self.env)

    def write(self, vals):
        self._check_not_own()
        self._check_not_locked()
        result = super(KpiManualValue, self._with_audit_context()).write(vals)
        if {"employee_id", "date"} & set(vals):
            self._check_not_own()
            self._check_not_locked()
        return result

    def unlink(self):
        self._check_not_own()
        self._check_not_locked()
        self._log_unlink()
        return super().unlink()

    def _creation_message(self):
        self.ensure_one()
        return self.env._(
            "Value %(value)s of %(employee)s for KPI %(kpi)s on %(date)s entered.",
            value=self.value,
            employee=self.employee_id.name,
            kpi=self.definition_id.display_name,
            date=self.date,
        )

    def _log_unlink(self):
        """The value's own chatter goes with it: the deletion is logged on its KPI."""
        self.check_access("unlink")
        # Access to delete the values was checked: the note is posted on their KPIs,
        # which the user may not write.
        for definition_sudo in self.definition_id.sudo():
            rows = Markup("").join(
                Markup("<li>%s</li>")
                % self.env._(
                    "%(employee)s, %(date)s: %(value)s",
                    employee=record.employee_id.name,
                    date=record.date,
                    value=record.value,
                )
                for record in self.filtered(lambda r, d=definition_sudo: r.definition_id == d)
            )
            definition_sudo._message_log(
                body=Markup("%s<ul>%s</ul>")
                % (self.env._("Manual values deleted by %(user)s:", user=self.env.user.name), rows),
                author_id=self.env.user.partner_id.id,
            )
