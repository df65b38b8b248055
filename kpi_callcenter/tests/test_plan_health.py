# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plan health check: every rule, blocking errors, acknowledged warnings."""

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import KpiCommon


@tagged("post_install", "-at_install", "kpi_governance")
class TestPlanHealth(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calls = cls._create_definition("CALLS", name="Calls", manual_aggregate="sum")
        cls.csat = cls._create_definition("CSAT", name="CSAT")

    def _rules(self, plan, severity=None):
        return sorted(
            issue["rule"] for issue in plan._get_health_issues()
            if severity is None or issue["severity"] == severity
        )

    def test_healthy_plan_activates(self):
        plan = self._create_plan([(self.calls, 60, 100), (self.csat, 40, 90)], activate=False)
        self.assertIs(plan.with_user(self.user_hr_manager).action_activate(), True)
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.health_state, "ok")
        self.assertFalse(plan.health_issue_ids)

    def test_weights_not_100_is_an_error(self):
        plan = self._create_plan([(self.calls, 60, 100), (self.csat, 30, 90)], activate=False, name="Bad")
        self.assertEqual(self._rules(plan, "error"), ["weights"])
        with self.assertRaisesRegex(ValidationError, r"Bad cannot be activated:\n- Plan Bad: .*sum to 90"):
            plan.action_activate()
        self.assertEqual(plan.state, "draft")

    def test_missing_explanation_is_an_error(self):
        opaque = self._create_definition("OPAQUE", name="Opaque", explanation=False)
        plan = self._create_plan([(self.calls, 50, 100), (opaque, 50, 1)], activate=False, name="P")
        self.assertEqual(self._rules(plan, "error"), ["explanation"])
        with self.assertRaisesRegex(ValidationError, r"KPI \[OPAQUE\] Opaque: field Explanation is empty"):
            plan.action_activate()
        opaque.explanation = "   "
        self.assertEqual(self._rules(plan, "error"), ["explanation"], "blank counts as missing")

    def test_too_many_kpis_is_a_warning(self):
        definitions = [self._create_definition(f"K{index}") for index in range(8)]
        plan = self._create_plan([(d, 12.5, 10) for d in definitions], activate=False, name="Many")
        issues = plan._get_health_issues()
        self.assertEqual([i["rule"] for i in issues], ["too_many"])
        self.assertEqual(issues[0]["severity"], "warning")
        self.assertIn("8 KPIs, more than 7", issues[0]["message"])
        action = plan.with_user(self.user_hr_manager).action_activate()
        self.assertEqual(action["res_model"], "kpi.plan.activate")
        self.assertEqual(plan.state, "draft", "a warning needs an acknowledgement first")
        self.assertEqual(plan.health_state, "warning")
        # the limit is configurable
        self.company.kpi_max_plan_lines = 8
        self.assertFalse(plan._get_health_issues())

    def test_not_controllable_is_a_warning_naming_the_kpi(self):
        weather = self._create_definition("WEATHER", name="Sunny days", controllable=False)
        plan = self._create_plan([(self.calls, 50, 100), (weather, 50, 10)], activate=False, name="P")
        issues = plan._get_health_issues()
        self.assertEqual([(i["rule"], i["severity"]) for i in issues], [("controllable", "warning")])
        self.assertIn("[WEATHER] Sunny days", issues[0]["message"])
        self.assertEqual(issues[0]["plan_line_id"], plan.line_ids.filtered(
            lambda line: line.definition_id == weather).id)

    def test_opposing_kpis_without_quality_is_a_warning(self):
        inbound = self._create_definition("IN", "call", "inbound_count", name="Inbound calls")
        aht = self._create_definition("AHT", "call", "avg_handle_time", name="Handle time", direction="lower")
        plan = self._create_plan([(inbound, 50, 300), (aht, 50, 240)], activate=False, name="Rush")
        issues = plan._get_health_issues()
        self.assertEqual([(i["rule"], i["severity"]) for i in issues], [("opposing", "warning")])
        self.assertIn("[IN] Inbound calls, [AHT] Handle time", issues[0]["message"])
        # a quality KPI (survey values) balances them
        balanced = self._create_plan(
            [(inbound, 40, 300), (aht, 30, 240), (self.csat, 30, 90)], activate=False, name="Balanced"
        )
        self.assertNotIn("opposing", self._rules(balanced))
        # handle time alone (no volume KPI) opposes nothing
        alone = self._create_plan([(aht, 50, 240), (self.calls, 50, 100)], activate=False, name="Alone")
        self.assertNotIn("opposing", self._rules(alone))

    def test_coverage_uncovered_peer_and_double_standards(self):
        job = self._create_job("Telesales agent")
        self.agents.job_id = job
        plan = self._create_plan([(self.calls, 100, 100)], activate=False, name="Telesales")
        self.assertFalse(plan._get_health_issues(), "every agent of the job is in the plan")
        newcomer = self._create_employee("Agent 11")
        newcomer.job_id = job
        issues = plan._get_health_issues()
        self.assertEqual([i["rule"] for i in issues], ["coverage"])
        self.assertIn("1 employees of the same job or department have no active plan: "
                      "Agent 11 (Telesales agent)", issues[0]["message"])
        # the newcomer is under another active plan with other KPIs: double standards
        newcomers = self._create_plan([(self.csat, 100, 90)], employees=newcomer, name="Newcomers",
                                      activate=False)
        self._activate_acknowledged(newcomers)
        self.assertEqual(newcomers.state, "active")
        messages = [i["message"] for i in plan._get_health_issues()]
        self.assertEqual(len(messages), 1)
        self.assertIn("job Telesales agent is also under plan Newcomers with other KPIs", messages[0])
        # department peers count for employees without a job
        department = self.env["hr.department"].create({"name": "CSKH", "company_id": self.company.id})
        self.agents.write({"job_id": False, "department_id": department.id})
        self.manager.department_id = department
        messages = [i["message"] for i in plan._get_health_issues()]
        self.assertEqual(len(messages), 1)
        self.assertIn("Team Manager (CSKH)", messages[0])

    def test_acknowledgement_is_recorded_and_per_version(self):
        weather = self._create_definition("WEATHER", name="Sunny days", controllable=False)
        plan = self._create_plan([(self.calls, 50, 100), (weather, 50, 10)], activate=False, name="P")
        plan.with_user(self.user_hr_manager).action_activate()
        self.assertEqual(plan.state, "draft")
        # an officer cannot acknowledge
        wizard = self.env["kpi.plan.activate"].create({"plan_id": plan.id})
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_officer).action_acknowledge_and_activate()
        with self.assertRaises(AccessError):
            self.env["kpi.plan.acknowledgement"].with_user(self.user_officer).create(
                {"plan_id": plan.id, "version": 1, "issue_keys": "x", "summary": "x"}
            )
        self.assertEqual(plan.state, "draft")
        # a KPI manager does: recorded with who, which version and what
        self._activate_acknowledged(plan)
        self.assertEqual(plan.state, "active")
        ack = plan.acknowledgement_ids
        self.assertEqual(len(ack), 1)
        self.assertEqual(ack.user_id, self.user_hr_manager)
        self.assertEqual(ack.version, 1)
        self.assertIn("[WEATHER] Sunny days", ack.summary)
        self.assertIn("acknowledged these warnings of version 1", plan.message_ids[:3].mapped("body")[0]
                      + "".join(plan.message_ids.mapped("body")))
        # a new version: version 2 needs its own acknowledgement
        version2 = self._new_version(plan)
        self.assertEqual(version2.version, 2)
        action = version2.with_user(self.user_hr_manager).action_activate()
        self.assertEqual(action["res_model"], "kpi.plan.activate")
        self.assertEqual(version2.state, "draft")
        self._activate_acknowledged(version2)
        self.assertEqual(version2.state, "active")
        self.assertEqual(plan.acknowledgement_ids.mapped("version"), [1])
        self.assertEqual(version2.acknowledgement_ids.mapped("version"), [2])
        # acknowledgements are never edited
        with self.assertRaises(AccessError):
            ack.with_user(self.user_hr_manager).summary = "nothing"

    def test_new_warning_needs_a_new_acknowledgement(self):
        weather = self._create_definition("WEATHER", name="Sunny days", controllable=False)
        plan = self._create_plan([(self.calls, 50, 100), (weather, 50, 10)], activate=False, name="P")
        self.env["kpi.plan.acknowledgement"].with_user(self.user_hr_manager).create(
            {"plan_id": plan.id, "version": 1, "issue_keys": "too_many:8", "summary": "other"}
        )
        action = plan.with_user(self.user_hr_manager).action_activate()
        self.assertEqual(action["res_model"], "kpi.plan.activate", "the acknowledged warning was another")
        plan.line_ids.filtered(lambda line: line.definition_id == weather).unlink()
        plan.line_ids.weight = 100
        self.assertIs(plan.with_user(self.user_hr_manager).action_activate(), True)
        self.assertEqual(plan.state, "active")

    def test_health_check_button_stores_issues(self):
        weather = self._create_definition("WEATHER", name="Sunny days", controllable=False)
        plan = self._create_plan(
            [(self.calls, 50, 100), (weather, 40, 10)], activate=False, name="P"
        )
        plan.with_user(self.user_hr_manager).action_check_health()
        self.assertEqual(plan.health_state, "error")
        self.assertEqual(
            sorted(plan.health_issue_ids.mapped(lambda i: (i.rule, i.severity))),
            [("controllable", "warning"), ("weights", "error")],
        )
        plan.write({"line_ids": [Command.update(plan.line_ids[1].id, {"weight": 50})]})
        plan.action_check_health()
        self.assertEqual(plan.health_state, "warning")
