# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import xmlrpc.client

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import KpiCommon


class KpiAccessCommon(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.csat = cls._create_definition("CSAT_ACC")
        cls.plan = cls._create_plan([(cls.csat, 100, 4)])
        # another team with its own manager
        cls.user_other_manager = new_test_user(
            cls.env, "kpi_other_manager", groups="base.group_user,kpi_callcenter.group_kpi_team_manager",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
        )
        cls.other_manager = cls._create_employee("Other manager", cls.user_other_manager)
        cls.agent3 = cls.agents[2]
        cls.agent3.parent_id = cls.other_manager
        cls._add_manual_values(cls.csat, dict.fromkeys(cls.agents, 4.0))
        cls.cards = cls._generate(cls.plan)
        cls.card1 = cls.cards.filtered(lambda c: c.employee_id == cls.agent1)
        cls.card2 = cls.cards.filtered(lambda c: c.employee_id == cls.agent2)
        cls.card3 = cls.cards.filtered(lambda c: c.employee_id == cls.agent3)


@tagged("post_install", "-at_install", "access_rights")
class TestAccess(KpiAccessCommon):
    def test_agent_sees_only_own_scorecard(self):
        Scorecard = self.env["kpi.scorecard"].with_user(self.agent1.user_id)
        self.assertEqual(Scorecard.search([]), self.card1)
        self.assertEqual(self.card1.with_user(self.agent1.user_id).score, 100.0)
        with self.assertRaises(AccessError):
            self.card2.with_user(self.agent1.user_id).read(["score"])
        lines = self.env["kpi.scorecard.line"].with_user(self.agent1.user_id).search([])
        self.assertEqual(lines, self.card1.line_ids)
        with self.assertRaises(AccessError):
            self.card1.with_user(self.agent1.user_id).write({"score": 1})
        with self.assertRaises(AccessError):
            self.card1.with_user(self.agent1.user_id).action_compute()

    def test_team_manager_sees_team_only(self):
        Scorecard = self.env["kpi.scorecard"].with_user(self.user_manager)
        self.assertEqual(Scorecard.search([]), self.card1 | self.card2)
        with self.assertRaises(AccessError):
            self.card3.with_user(self.user_manager).read(["score"])
        self.assertEqual(
            self.env["kpi.scorecard"].with_user(self.user_other_manager).search([]), self.card3
        )

    def test_officer_sees_all_and_computes(self):
        Scorecard = self.env["kpi.scorecard"].with_user(self.user_officer)
        self.assertEqual(Scorecard.search([("plan_id", "=", self.plan.id)]), self.cards)
        self.cards.with_user(self.user_officer).action_compute()
        self.cards.with_user(self.user_officer).action_confirm()
        self.assertEqual(set(self.cards.mapped("state")), {"confirmed"})

    def test_agent_cannot_configure(self):
        with self.assertRaises(AccessError):
            self.env["kpi.plan"].with_user(self.agent1.user_id).create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.csat.with_user(self.user_officer).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.env["kpi.manual.value"].with_user(self.agent1.user_id).create(
                {"employee_id": self.agent1.id, "definition_id": self.csat.id, "value": 5}
            )

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Other KPI Co"})
        other_employee = self._create_employee("Elsewhere", company=other_company)
        definition = self.env["kpi.definition"].create(
            {"name": "Other CSAT", "code": "CSAT_ACC", "source": "manual", "measure": "manual",
             "company_id": other_company.id, "explanation": "x"}
        )
        plan = self.env["kpi.plan"].create(
            {
                "name": "Other plan",
                "company_id": other_company.id,
                "employee_ids": [Command.set(other_employee.ids)],
                "line_ids": [Command.create({"definition_id": definition.id, "weight": 100, "target": 1})],
            }
        )
        plan.action_activate()
        other_card = plan.generate_scorecards(self.date_from, self.date_to)
        self.assertEqual(len(other_card), 1)
        # the same code is allowed in another company; the officer of the first company
        # sees nothing of the other one
        officer = self.user_officer
        self.assertFalse(self.env["kpi.scorecard"].with_user(officer).search([("id", "=", other_card.id)]))
        self.assertFalse(self.env["kpi.plan"].with_user(officer).search([("id", "=", plan.id)]))
        self.assertFalse(self.env["kpi.definition"].with_user(officer).search([("id", "=", definition.id)]))
        # a plan only takes employees of its own company
        self.plan.employee_ids |= other_employee
        self.assertNotIn(other_employee, self.plan._get_assigned_employees())


@tagged("post_install", "-at_install", "access_rights")
class TestAccessRpc(HttpCase, KpiAccessCommon):
    def test_agent_cannot_read_colleague_over_rpc(self):
        login = self.agent1.user_id.login
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, login, login, {})
        self.assertTrue(uid)
        own = self.xmlrpc_object.execute(
            self.env.cr.dbname, uid, login, "kpi.scorecard", "read", [self.card1.id], ["score"]
        )
        self.assertEqual(own[0]["score"], 100.0)
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.xmlrpc_object.execute(
                self.env.cr.dbname, uid, login, "kpi.scorecard", "read", [self.card2.id], ["score"]
            )
        self.assertIn("doesn't have 'read' access", caught.exception.faultString)
        found = self.xmlrpc_object.execute(
            self.env.cr.dbname, uid, login, "kpi.scorecard", "search", []
        )
        self.assertEqual(found, [self.card1.id])
