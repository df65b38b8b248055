# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who is who on the employee portal (``/my/kpi``).

Kept apart from ``hr_employee.py`` (bonus base, scorecard smart button) because it only
serves the portal: the link of an employee to a portal user and the two look-ups the
portal controller makes before it reads anything with ``sudo``.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    kpi_portal_user_id = fields.Many2one(
        "res.users",
        string="KPI portal user",
        domain=[("share", "=", True)],
        copy=False,
        index="btree_not_null",
        groups="hr.group_hr_user",
        help="Portal user who sees this employee's scorecards on the portal (/my/kpi), for "
        "agents without an internal user. The employee's own user always sees them.",
    )

    @api.constrains("kpi_portal_user_id")
    def _check_kpi_portal_user(self):
        for employee in self.filtered("kpi_portal_user_id"):
            if not employee.kpi_portal_user_id.share:
                raise ValidationError(
                    self.env._(
                        "%(employee)s: %(user)s is an internal user. Link internal users as the "
                        "employee's user; the KPI portal user must be a portal user.",
                        employee=employee.name,
                        user=employee.kpi_portal_user_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # Portal look-ups (return sudo records: callers decide what to show)
    # ------------------------------------------------------------------
    @api.model
    def _kpi_portal_employees(self, user=None):
        """Active employees of ``user`` (default: the current user) in every company:
        those whose user it is, or whose KPI portal user it is. One query.

        Portal users are not KPI users and cannot read employees: the result is sudo and
        only ever used to restrict what the portal shows.
        """
        user = user or self.env.user
        if user._is_public():
            return self.sudo().browse()
        return (
            self.sudo()
            .with_context(active_test=True)
            .search(["|", ("user_id", "=", user.id), ("kpi_portal_user_id", "=", user.id)])
        )

    @api.model
    def _kpi_portal_team(self, managers, user=None):
        """Employees whose manager chain leads to ``managers`` (themselves excluded), when
        ``user`` is a KPI Team Manager; else none. Same scope as the backend team rule.
        """
        user = user or self.env.user
        if not managers or not user.has_group("kpi_callcenter.group_kpi_team_manager"):
            return self.sudo().browse()
        return self.sudo().search([("id", "child_of", managers.ids)]) - managers
