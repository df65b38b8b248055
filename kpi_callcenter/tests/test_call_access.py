# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who sees which calls: own, team, all, company; configuration and imports."""

from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common_call import KpiCallCommon


@tagged("post_install", "-at_install", "kpi_call", "access_rights")
class TestCallAccess(KpiCallCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.outsider = cls._create_employee("Outsider")  # in another team
        cls.outsider.pbx_extension = "104"
        cls.other_company = cls.env["res.company"].create({"name": "Other Call Co"})
        cls.other_source = cls.env["kpi.call.source"].create(
            {"name": "Other PBX", "company_id": cls.other_company.id, "tz": "UTC"}
        )
        cls.other_agent = cls._create_employee("Other agent", company=cls.other_company)
        Call = cls.env["kpi.call"]
        cls.calls = {}
        for key, employee, source in (
            ("agent1", cls.agent1, cls.source),
            ("agent2", cls.agent2, cls.source),
            ("manager", cls.manager, cls.source),
            ("outsider", cls.outsider, cls.source),
            ("other_company", cls.other_agent, cls.other_source),
        ):
            cls.calls[key] = Call.create(
                {
                    "external_uid": f"acl-{key}",
                    "source_id": source.id,
                    "company_id": source.company_id.id,
                    "employee_id": employee.id,
                    "direction": "outbound",
                    "start": datetime(2027, 3, 10, 9, 0),
                    "talk_seconds": 60,
                    "disposition": "answered",
                    "cost": 1200.0,
                }
            )

    def _visible(self, user, model="kpi.call"):
        return self.env[model].with_user(user).search([])

    def test_agent_sees_only_own_calls(self):
        user = self.agent1.user_id
        self.assertEqual(self._visible(user), self.calls["agent1"])
        self.calls["agent1"].with_user(user).read(["cost", "phone"])
        with self.assertRaises(AccessError):
            self.calls["agent2"].with_user(user).read(["cost"])
        with self.assertRaises(AccessError):
            self.calls["manager"].with_user(user).read(["cost"])
        self.assertEqual(self._visible(user, "kpi.call.report").employee_id, self.agent1)

    def test_team_manager_sees_team_calls(self):
        visible = self._visible(self.user_manager)
        expected = self.calls["agent1"] | self.calls["agent2"] | self.calls["manager"]
        self.assertEqual(visible, expected)
        with self.assertRaises(AccessError):
            self.calls["outsider"].with_user(self.user_manager).read(["cost"])
        self.assertEqual(
            self._visible(self.user_manager, "kpi.call.report").employee_id, self.agent1 | self.agent2 | self.manager
        )

    def test_officer_sees_all_calls_of_the_company(self):
        visible = self._visible(self.user_officer)
        self.assertEqual(len(visible), 4)
        self.assertNotIn(self.calls["other_company"], visible)
        with self.assertRaises(AccessError):
            self.calls["other_company"].with_user(self.user_officer).read(["cost"])

    def test_agent_cannot_change_calls_nor_see_configuration(self):
        user = self.agent1.user_id
        with self.assertRaises(AccessError):
            self.calls["agent1"].with_user(user).write({"cost": 0.0})
        with self.assertRaises(AccessError):
            self.env["kpi.call"].with_user(user).create(
                {"external_uid": "mine", "source_id": self.source.id, "company_id": self.company.id,
                 "employee_id": self.agent1.id, "direction": "inbound", "start": datetime(2027, 3, 1),
                 "disposition": "answered"}
            )
        for model in ("kpi.call.source", "kpi.call.rate", "kpi.call.mapping", "kpi.call.import",
                      "kpi.call.budget.warning"):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(user).search([])
        with self.assertRaises(AccessError):
            self.source.with_user(user).import_cdr(self._master_csv(), "asterisk_csv")

    def test_officer_never_edits_own_calls(self):
        # an officer who is also an agent: their calls feed their own KPIs (counts, talk
        # time, the post-call survey score)
        officer_employee = self._create_employee("Officer agent", self.user_officer)
        values = {"source_id": self.source.id, "company_id": self.company.id, "direction": "inbound",
                  "start": datetime(2027, 3, 1), "disposition": "answered"}
        Call = self.env["kpi.call"].with_user(self.user_officer)
        with self.assertRaisesRegex(AccessError, "own scorecard"):
            Call.create({**values, "external_uid": "own", "employee_id": officer_employee.id, "csat": 5})
        with self.assertRaisesRegex(AccessError, "own scorecard"):
            self.calls["agent1"].with_user(self.user_officer).write({"employee_id": officer_employee.id})
        own = self.env["kpi.call"].create({**values, "external_uid": "own", "employee_id": officer_employee.id})
        with self.assertRaisesRegex(AccessError, "own scorecard"):
            own.with_user(self.user_officer).write({"csat": 5})
        self.assertFalse(own.csat)
        # a colleague's call stays theirs to correct
        self.calls["agent1"].with_user(self.user_officer).write({"cost": 0.0})
        self.assertEqual(self.calls["agent1"].cost, 0.0)

    def test_officer_imports_manager_configures(self):
        report = self.source.with_user(self.user_officer).import_cdr(self._master_csv(), "asterisk_csv")
        self.assertEqual(report.imported_count, 7)
        with self.assertRaises(AccessError):
            self.source.with_user(self.user_officer).action_rotate_token()
        with self.assertRaises(AccessError):
            self.source.with_user(self.user_officer).write({"default_rate": 0.0})
        # the token digest is not readable, even by the KPI manager
        with self.assertRaises(AccessError):
            self.source.with_user(self.user_hr_manager).read(["token_hash"])
        action = self.source.with_user(self.user_hr_manager).action_rotate_token()
        self.assertTrue(action["context"]["default_token"])
        self.assertTrue(self.source.has_token)

    def test_officer_outside_hr_imports_and_pushes(self):
        """Extensions and budgets are HR data, yet a KPI officer without HR rights imports calls
        (and triggers budget warnings) through the same code."""
        officer = new_test_user(
            self.env,
            "kpi_call_officer_no_hr",
            groups="base.group_user,kpi_callcenter.group_kpi_officer",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.agent2.kpi_call_budget = 1000.0
        report = self.source.with_user(officer).import_cdr(self._master_csv(), "asterisk_csv")
        self.assertEqual(
            (report.imported_count, report.duplicate_count, report.skipped_count, report.rejected_count), (7, 1, 1, 4)
        )
        # agent 2's outbound call (2,400) passed the budget: the warnings were sent
        warnings = self.env["kpi.call.budget.warning"].search([("employee_id", "=", self.agent2.id)])
        self.assertEqual(warnings.mapped("threshold"), [80, 100])
        self.assertEqual(len(self.env["kpi.call"].with_user(officer).search([])), 4 + 7)
        with self.assertRaises(AccessError):
            self.agent1.with_user(officer).read(["pbx_extension"])
