# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class KpiMeasureManual(models.AbstractModel):
    """Values entered by hand (``kpi.manual.value``): their average, or their sum."""

    _name = "kpi.measure.manual"
    _inherit = "kpi.measure"
    _description = "KPI Measure: Manual values"

    @api.model
    def _measure_aggregations(self):
        return {"manual": None}

    @api.model
    def _get_values_batch(self, definitions, employees, date_from, date_to):
        """Every definition's sum or average from one grouped query."""
        groups = self.env["kpi.manual.value"]._read_group(
            [
                ("definition_id", "in", definitions.ids),
                ("employee_id", "in", employees.ids),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ],
            ["definition_id", "employee_id"],
            ["value:sum", "__count"],
        )
        result = {definition.id: {} for definition in definitions}
        for definition, employee, total, count in groups:
            average = definition.manual_aggregate != "sum"
            result[definition.id][employee.id] = total / count if average and count else total
        return result

    @api.model
    def _get_records_domain(self, definition, employee, date_from, date_to):
        return "kpi.manual.value", [
            ("definition_id", "=", definition.id),
            ("employee_id", "in", employee.ids),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
        ]
