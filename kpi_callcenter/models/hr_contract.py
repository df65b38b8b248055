# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models

from ..engine import days as engine_days

# Contracts that say the employee worked: running and expired (draft and cancelled do not).
KPI_CONTRACT_STATES = ("open", "close")


class HrContract(models.Model):
    _inherit = "hr.contract"

    @api.model
    def _kpi_get_segments(self, employees, date_from, date_to):
        """``{employee_id: [(start, end, department_id, job_id), ...]}``: the days of
        ``[date_from, date_to]`` each employee was employed, with the department and job
        of each day.

        From running and expired contracts (one search for all employees): days before
        the first contract or after the last are outside employment; the department and
        job of a day are those of the contract covering it. Without any contract, the
        employee's current department and job cover the whole period. A gap *between*
        two contracts of an active employee is kept as employed under the earlier
        contract (never silently zeroed; :meth:`_kpi_get_gaps` warns about it), and
        dated transfers recorded by HR (``kpi.employee.transfer``) split a contract.
        """
        contracts_sudo = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("employee_id", "in", employees.ids),
                    ("state", "in", KPI_CONTRACT_STATES),
                ],
                order="employee_id, date_start, id",
            )
        )
        has_contract = set(contracts_sudo.employee_id.ids)
        by_employee = defaultdict(list)
        for contract_sudo in contracts_sudo:
            by_employee[contract_sudo.employee_id.id].append(
                (
                    contract_sudo.date_start,
                    contract_sudo.date_end,
                    contract_sudo.department_id.id or None,
                    contract_sudo.job_id.id or None,
                )
            )
        transfers = self.env["kpi.employee.transfer"]._kpi_get_transfers(employees, date_to)
        result = {}
        for employee in employees.sudo():
            if employee.id not in has_contract:
                segments = [
                    (date_from, date_to, employee.department_id.id or None, employee.job_id.id or None)
                ]
            else:
                segments = by_employee[employee.id]
                if employee.active:
                    segments = engine_days.fill_inner_gaps(segments)
                segments = engine_days.clip_segments(date_from, date_to, segments)
            result[employee.id] = engine_days.apply_transfers(
                segments, transfers.get(employee.id, [])
            )
        return result

    @api.model
    def _kpi_get_gaps(self, employees, date_from, date_to):
        """``{employee: [(first, last), ...]}``: days of ``[date_from, date_to]`` between
        two contracts of an active employee (to warn about before confirmation)."""
        contracts_sudo = self.sudo().search(
            [
                ("employee_id", "in", employees.filtered("active").ids),
                ("state", "in", KPI_CONTRACT_STATES),
                ("date_start", "<=", date_to),
            ],
            order="employee_id, date_start, id",
        )
        ranges = defaultdict(list)
        for contract_sudo in contracts_sudo:
            ranges[contract_sudo.employee_id].append((contract_sudo.date_start, contract_sudo.date_end))
        result = {}
        for employee_sudo, employee_ranges in ranges.items():
            first = min(start for start, _end in employee_ranges)
            found = engine_days.clip_segments(
                date_from, date_to, engine_days.inner_gaps(first, date_to, employee_ranges)
            )
            if found:
                result[employee_sudo.with_env(self.env)] = found
        return result
