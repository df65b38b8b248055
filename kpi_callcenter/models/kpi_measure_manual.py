# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class KpiMeasureManual(models.AbstractModel):
    """Values entered by hand (``kpi.manual.value``): their average, or their sum."""

    _name = "kpi.measure.manual"
    _inherit = "kpi.measure"
    _description = "KPI Measure: Manual values"

    @api.model
    def _get_values(self, definition, employees, date_from, date_to):
        aggregate = "value:sum" if definition.manual_aggregate == "sum" else "value:avg"
        groups = self.env["kpi.manual.value"]._read_group(
            self._values_domain(definition, employees, date_from, date_to), ["employee_id"], [aggregate]
        )
        return {employee.id: value for employee, value in groups}

    @api.model
    def _values_domain(self, definition, employees, date_from, date_to):
        return [
            ("definition_id", "=", definition.id),
            ("employee_id", "in", employees.ids),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
        ]

    @api.model
    def _get_records_domain(self, definition, employee, date_from, date_to):
        return "kpi.manual.value", self._values_domain(definition, employee, date_from, date_to)
