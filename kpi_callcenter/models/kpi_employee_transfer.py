# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models


class KpiEmployeeTransfer(models.Model):
    """A department or job change decided without a new contract, with its effective
    date: it counts for plan membership exactly as a new contract would."""

    _name = "kpi.employee.transfer"
    _description = "Dated Transfer (KPI plans)"
    _order = "date desc, id desc"

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="employee_id.company_id", store=True, index=True)
    date = fields.Date(string="Effective date", required=True, index=True)
    department_id = fields.Many2one(
        "hr.department", string="New department", check_company=True,
        help="Empty: the department does not change.",
    )
    job_id = fields.Many2one(
        "hr.job", string="New job position", check_company=True,
        help="Empty: the job position does not change.",
    )
    note = fields.Char()

    _sql_constraints = [
        (
            "department_or_job",
            "CHECK(department_id IS NOT NULL OR job_id IS NOT NULL)",
            "A transfer changes the department, the job position or both.",
        ),
    ]

    @api.model
    def _kpi_get_transfers(self, employees, date_to):
        """``{employee_id: [(date, department_id, job_id), ...]}`` up to ``date_to``
        (one search; department or job ``None`` when unchanged)."""
        transfers_sudo = self.sudo().search(
            [("employee_id", "in", employees.ids), ("date", "<=", date_to)], order="date, id"
        )
        result = defaultdict(list)
        for transfer_sudo in transfers_sudo:
            result[transfer_sudo.employee_id.id].append(
                (transfer_sudo.date, transfer_sudo.department_id.id or None, transfer_sudo.job_id.id or None)
            )
        return result
