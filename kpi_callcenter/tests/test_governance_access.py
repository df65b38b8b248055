# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who sees the governance records: own announcements, managers' simulations, companies."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KpiCommon


@tagged("post_install", "-at_install", "access_rights", "kpi_governance")
class TestGovernanceAccess(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calls = cls._create_definition("CALLS", name="Calls")
        cls.plan = cls._create_plan([(cls.calls, 100, 100)], name="Telesales")

    def test_announcements_own_and_team(self):
        Announcement = self.env["kpi.plan.announcement"]
        self.assertEqual(len(Announcement.search([("plan_id", "=", self.plan.id)])), 3)
        own = Announcement.with_user(self.agent_users[0]).search([])
        self.assertEqual(own.employee_id, self.agent1)
        self.assertEqual(len(Announcement.with_user(self.user_manager).search([])), 3, "his team's")
        with self.assertRaises(AccessError):
            own.with_user(self.agent_users[0]).write({"subject": "changed"})

    def test_simulations_and_health_are_for_kpi_managers(self):
        simulation = self.plan.with_user(self.user_hr_manager).simulate("2027-03-01", "2027-03-31")
        for user in (self.user_officer, self.user_manager, self.agent_users[0]):
            with self.assertRaises(AccessError):
                simulation.with_user(user).read(["old_total"])
            with self.assertRaises(AccessError):
                self.plan.with_user(user).simulate("2027-03-01", "2027-03-31")
        with self.assertRaises(AccessError):
            self.plan.with_user(self.user_officer).action_check_health()
        self.assertFalse(self.plan.with_user(self.user_officer).health_issue_ids)

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Other KPI Co"})
        employee = self._create_employee("Elsewhere", company=other)
        definition = self.env["kpi.definition"].create(
            {"name": "Other", "code": "OTHER", "source": "manual", "measure": "manual",
             "company_id": other.id, "explanation": "x", "controllable": False}
        )
        plan = self.env["kpi.plan"].create(
            {"name": "Other plan", "company_id": other.id, "employee_ids": [Command.set(employee.ids)],
             "line_ids": [Command.create({"definition_id": definition.id, "weight": 100, "target": 1})]}
        )
        plan.action_check_health()
        plan.simulate("2027-03-01", "2027-03-31")
        self.assertTrue(plan.health_issue_ids and plan.calibration_ids and plan.simulation_ids)
        as_manager = self.user_hr_manager
        for model in ("kpi.plan.health.issue", "kpi.plan.calibration", "kpi.plan.simulation",
                      "kpi.plan.simulation.line"):
            self.assertFalse(
                self.env[model].with_user(as_manager).search([("company_id", "=", other.id)]), model
            )
