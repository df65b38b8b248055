# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Trial period and the activation announcement (mail and portal), over real HTTP."""

from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import KpiCommon


@tagged("post_install", "-at_install", "kpi_governance", "kpi_portal")
class TestTrialAnnouncement(HttpCase, KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calls = cls._create_definition(
            "CALLS", name="Outbound calls", unit="calls", manual_aggregate="sum",
            explanation="Outbound calls you made in the month.",
        )
        cls.scale = cls._create_payout_scale([(80, 50), (100, 100)], name="Telesales steps")
        cls.plan = cls._create_plan(
            [(cls.calls, 100, 100)], activate=False, name="Telesales", bonus_base=1_000_000,
            payout_scale_id=cls.scale.id, trial_end_date=date(2027, 3, 31),
        )

    def _announcements(self, plan=None):
        return self.env["kpi.plan.announcement"].search([("plan_id", "=", (plan or self.plan).id)])

    def test_trial_scorecards(self):
        self.plan.with_user(self.user_hr_manager).action_activate()
        self._add_manual_values(self.calls, {self.agent1: 100})
        march = self._generate(self.plan).filtered(lambda c: c.employee_id == self.agent1)
        april = self._generate(self.plan, date(2027, 4, 1), date(2027, 4, 30)).filtered(
            lambda c: c.employee_id == self.agent1)
        self.assertTrue(march.is_trial)
        self.assertEqual(march.bonus_amount, 1_000_000, "computed and shown, as if paid")
        self.assertFalse(april.is_trial)
        self.assertEqual(self.plan.first_paid_date, date(2027, 4, 1))
        # ending the trial earlier makes March a paid period
        self.plan.trial_end_date = date(2027, 2, 28)
        self.assertFalse(march.is_trial)
        # a trial never reaches back over a paid scorecard
        march._write_workflow({"state": "paid"})
        with self.assertRaisesRegex(ValidationError, "Plan Telesales, field Trial end date: 2027-03-31 "
                                                     "would put paid scorecards in the trial period"):
            self.plan.trial_end_date = date(2027, 3, 31)

    def test_announcement_once_per_employee_and_version(self):
        self.plan.with_user(self.user_hr_manager).action_activate()
        announcements = self._announcements()
        self.assertEqual(announcements.employee_id, self.agents)
        self.assertEqual(set(announcements.mapped("version")), {1})
        self.assertEqual(announcements.mapped("partner_id"), self.agent_users.partner_id)
        body = announcements[0].body
        for expected in (
            "Outbound calls", "<td>100 %</td>", "<td>100 calls</td>", "Outbound calls you made in the month.",
            "1,000,000 VND", "Payout scale Telesales steps: 80 % → 50 %, 100 % → 100 %.",
            "Trial period until 2027-03-31", "First paid period: the month starting 2027-04-01.",
        ):
            self.assertIn(expected, body)
        # the mail: one message notifying every agent's partner
        message = announcements.message_id
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.agent_users.partner_id)
        self.assertEqual(message.subject, "Your KPI plan Telesales (version 1)")
        self.assertEqual(
            set(message.notification_ids.mapped("res_partner_id").ids), set(self.agent_users.partner_id.ids)
        )
        # generating scorecards does not announce again; a newcomer is told once
        self._generate(self.plan)
        self.assertEqual(len(self._announcements()), 3)
        newcomer = self._create_employee("Agent 4")
        self.plan.employee_ids |= newcomer
        self._generate(self.plan)
        self._generate(self.plan)
        self.assertEqual(len(self._announcements()), 4)
        self.assertEqual(self._announcements().filtered(lambda a: a.employee_id == newcomer).partner_id,
                         newcomer.work_contact_id)
        # a new version is announced again
        version2 = self._new_version(self.plan)
        version2.with_user(self.user_hr_manager).action_activate()
        announcements2 = self.env["kpi.plan.announcement"].search([("plan_id", "=", version2.id)])
        self.assertEqual(len(announcements2.filtered(lambda a: a.version == 2)), 4)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.cr.savepoint():
                self.env["kpi.plan.announcement"].create(
                    {"plan_id": version2.id, "version": 2, "employee_id": newcomer.id, "subject": "x"}
                )

    @freeze_time("2027-04-05")
    def test_portal_shows_announcement_and_trial(self):
        self.plan.with_user(self.user_hr_manager).action_activate()
        self._add_manual_values(self.calls, {self.agent1: 100})
        march = self._generate(self.plan).filtered(lambda c: c.employee_id == self.agent1)
        self.authenticate("kpi_agent1", "kpi_agent1")
        html = self.url_open("/my/kpi").text
        self.assertIn("o_kpi_announcement", html)
        self.assertIn("Your KPI plan Telesales (version 1)", html)
        self.assertIn("First paid period: the month starting 2027-04-01.", html)
        self.assertIn("o_kpi_trial", html)
        html = self.url_open(f"/my/kpi/{march.id}").text
        self.assertIn("o_kpi_trial_alert", html)
        # the team manager has no plan: no announcement on his page
        self.authenticate("kpi_team_manager", "kpi_team_manager")
        html = self.url_open("/my/kpi/team").text
        self.assertNotIn("o_kpi_announcement", html)
