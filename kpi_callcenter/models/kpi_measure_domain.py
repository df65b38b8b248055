# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools.safe_eval import safe_eval


class KpiMeasureDomain(models.AbstractModel):
    """Any model: records matching a domain, placed in a period by a date field and
    attributed to an employee through a field path (to ``hr.employee`` or ``res.users``);
    their count, or the sum / average of a numeric field.

    Least privilege: the records are read with the rights of the KPI's domain author (its
    access rights and record rules, in the KPI's company), checked again before reading."""

    _name = "kpi.measure.domain"
    _inherit = "kpi.measure"
    _description = "KPI Measure: Domain"

    @api.model
    def _measure_aggregations(self):
        return {"domain": None}

    @api.model
    def _get_values(self, definition, employees, date_from, date_to):
        definition._validate_domain_setup()
        definition._check_domain_author_access()
        model = (
            self.env[definition.domain_model]
            .with_user(definition._get_domain_author())
            .with_context(allowed_company_ids=definition.company_id.ids)
        )
        path = definition.domain_employee_field.split(".")
        target = definition._domain_path_target(model, definition.domain_employee_field)
        if target == "res.users":
            key_to_employee = self._employees_by_user(employees)
        else:
            key_to_employee = {emp.id: emp.id for emp in employees}
        if not key_to_employee:
            return {}
        domain = self._records_domain(
            definition, list(key_to_employee), date_from, date_to, employees.company_id[:1]
        )
        if definition.domain_aggregate == "count":
            aggregates = ["__count"]
        else:
            aggregates = [f"{definition.domain_value_field}:{definition.domain_aggregate}"]
        if definition.domain_aggregate == "avg":
            # an average cannot be re-combined from group averages: add count and sum
            aggregates = [f"{definition.domain_value_field}:sum", "__count"]
        # _read_group groups by a direct field only: group by the first hop, then follow
        # the rest of the path on the (few) distinct first-hop records.
        groups = model._read_group(domain, [path[0]], aggregates)
        totals = {}
        for group_record, *values in groups:
            # The author's right to read every field of the path was checked above; the
            # hops only map the groups to employees, whatever their record rules.
            group_record_sudo = group_record.sudo()
            key_record = (
                group_record_sudo.mapped(".".join(path[1:])) if len(path) > 1 else group_record_sudo
            )
            key = key_record[:1].id
            if key not in key_to_employee:
                continue
            acc = totals.setdefault(key_to_employee[key], [0.0, 0.0])
            acc[0] += values[0] or 0.0
            acc[1] += values[1] if len(values) > 1 else 0.0
        if definition.domain_aggregate == "avg":
            return {emp: (s / c if c else 0.0) for emp, (s, c) in totals.items()}
        return {emp: s for emp, (s, _c) in totals.items()}

    @api.model
    def _records_domain(self, definition, keys, date_from, date_to, company=None):
        """The definition's domain, its period (on ``company``'s clock) and its employee
        path on ``keys`` (ids of employees or users, as the path leads)."""
        model = self.env[definition.domain_model]
        date_field = model._fields[definition.domain_date_field]
        if date_field.type == "datetime":
            start, stop = self._period_bounds(date_from, date_to, company)
            period = [(date_field.name, ">=", start), (date_field.name, "<", stop)]
        else:
            period = [(date_field.name, ">=", date_from), (date_field.name, "<=", date_to)]
        return (
            list(safe_eval(definition.domain_filter or "[]"))
            + period
            + [(definition.domain_employee_field, "in", keys)]
        )

    @api.model
    def _get_records_domain(self, definition, employee, date_from, date_to):
        definition._validate_domain_setup()
        model = self.env[definition.domain_model]
        target = definition._domain_path_target(model, definition.domain_employee_field)
        keys = employee.user_id.ids if target == "res.users" else employee.ids
        return model._name, self._records_domain(
            definition, keys, date_from, date_to, employee.company_id[:1]
        )
