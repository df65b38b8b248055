# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class KpiManualValue(models.Model):
    """A value entered or imported by hand: CSAT, NPS, CES, test scores, defect rate…"""

    _name = "kpi.manual.value"
    _description = "KPI Manual Value"
    _order = "date desc, id desc"

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade", check_company=True
    )
    definition_id = fields.Many2one(
        "kpi.definition",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('source', '=', 'manual')]",
        check_company=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    value = fields.Float(required=True, digits=(16, 4))
    note = fields.Char()
    company_id = fields.Many2one(
        related="employee_id.company_id", store=True, index=True, precompute=True
    )
    # who entered it and when: create_uid / create_date, shown in the views
    entered_by_id = fields.Many2one("res.users", related="create_uid", string="Entered by")
    entered_on = fields.Datetime(related="create_date", string="Entered on")

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
