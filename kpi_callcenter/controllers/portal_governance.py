# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plan announcements on the employee's ``/my/kpi`` page."""

from odoo.http import request

from .portal import KpiCustomerPortal

ANNOUNCEMENTS_SHOWN = 5


class KpiGovernancePortal(KpiCustomerPortal):
    def _prepare_kpi_scorecards_values(self, employees_sudo, url, *args, **kwargs):
        values = super()._prepare_kpi_scorecards_values(employees_sudo, url, *args, **kwargs)
        announcements_sudo = request.env["kpi.plan.announcement"].sudo().browse()
        if not url.startswith("/my/kpi/team") and employees_sudo:
            # employees_sudo is the user's own scope, worked out by the caller.
            announcements_sudo = announcements_sudo.search(
                [("employee_id", "in", employees_sudo.ids)], limit=ANNOUNCEMENTS_SHOWN
            )
        values["kpi_announcements"] = announcements_sudo
        return values
