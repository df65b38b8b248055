# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Monthly call-cost budgets: where the amount comes from, consumption, warnings."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..engine import callrecord
from .common_call import KpiCallCommon


@tagged("post_install", "-at_install", "kpi_call")
class TestCallBudget(KpiCallCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.job = cls.env["hr.job"].create({"name": "Telesales agent", "company_id": cls.company.id})
        cls.job.kpi_call_budget = 10000.0
        cls.agents.job_id = cls.job
        cls.manager_partner = cls.user_manager.partner_id

    def _store(self, agent, uid, start, minutes, direction="outbound", expected="created"):
        """An answered call of ``minutes`` to a landline (600/min): cost 600 × minutes."""
        values = callrecord.parse_push_item(
            {"external_uid": uid, "start": start, "direction": direction, "extension": agent.pbx_extension,
             "phone": "0243 999 8888", "talk_seconds": minutes * 60}
        )
        [(_ref, status, _detail)] = self.source._store_calls([(uid, values)])
        self.assertEqual(status, expected)

    def _warnings(self, agent, month=None):
        domain = [("employee_id", "=", agent.id)]
        if month:
            domain.append(("month", "=", month))
        return self.env["kpi.call.budget.warning"].search(domain, order="month, threshold")

    def _budget_messages(self, agent):
        return agent.message_ids.filtered(lambda message: "Call budget of" in (message.body or ""))

    def test_budget_from_job_or_employee(self):
        self.assertEqual(self.agent1.kpi_call_budget_effective, 10000.0)
        self.agent1.kpi_call_budget = 4000.0
        self.assertEqual(self.agent1.kpi_call_budget_effective, 4000.0)
        self.assertEqual(self.agent2.kpi_call_budget_effective, 10000.0)
        self.agents.job_id = False
        self.assertEqual(self.agent2.kpi_call_budget_effective, 0.0)
        with self.assertRaises(ValidationError):
            self.agent2.kpi_call_budget = -1.0
        with self.assertRaises(ValidationError):
            self.job.kpi_call_budget = -1.0

    @freeze_time("2027-03-25 10:00:00")
    def test_consumption_of_the_month(self):
        self._store(self.agent1, "c-1", "2027-03-01T00:30:00+07:00", 1)  # 28 Feb 17:30 UTC: February (UTC schedule)
        self._store(self.agent1, "c-2", "2027-03-10T09:00:00+07:00", 3)  # 1,800
        self._store(self.agent1, "c-3", "2027-03-31T23:30:00+00:00", 2)  # 1,200 (UTC schedule: March)
        self._store(self.agent1, "c-4", "2027-03-12T09:00:00+07:00", 5, direction="inbound")  # free
        self._store(self.agent2, "c-5", "2027-03-12T09:00:00+07:00", 1)  # another agent
        self.assertEqual(self.agent1.kpi_call_cost_month, 3000.0)
        self.assertEqual(self.agent1.kpi_call_budget_remaining, 7000.0)
        self.assertEqual(self.agent1.kpi_call_count, 4)
        status = self.agent1._kpi_call_budget_status()
        self.assertEqual(
            status, {"month": date(2027, 3, 1), "budget": 10000.0, "consumed": 3000.0, "remaining": 7000.0,
                     "allowed": True}
        )
        # on a company schedule in Ho Chi Minh City time (the one period clock, whatever the
        # agent's own time zone), c-1 (1 March 00:30) is in March and c-3 (1 April 06:30) is not
        self.calendar.tz = "Asia/Ho_Chi_Minh"
        self.assertEqual(self.agent1._kpi_call_budget_status()["consumed"], 2400.0)

    def test_warnings_sent_once_per_threshold_and_month(self):
        agent = self.agent1
        self._store(agent, "w-1", "2027-03-02T09:00:00+07:00", 10)  # 6,000: 60 %
        self.assertFalse(self._warnings(agent))
        self._store(agent, "w-2", "2027-03-03T09:00:00+07:00", 4)  # 8,400: 84 %
        warnings = self._warnings(agent)
        self.assertEqual(warnings.mapped("threshold"), [80])
        self.assertEqual(
            (warnings.month, warnings.consumed, warnings.budget, warnings.manager_id),
            (date(2027, 3, 1), 8400.0, 10000.0, self.manager),
        )
        messages = self._budget_messages(agent)
        self.assertEqual(len(messages), 1)
        self.assertEqual(warnings.message_id, messages)
        self.assertEqual(messages.partner_ids, self.manager_partner)
        self.assertIn("80 % reached", messages.body)
        # still between 80 % and 100 %: nothing new
        self._store(agent, "w-3", "2027-03-04T09:00:00+07:00", 1)  # 9,000
        self.assertEqual(len(self._warnings(agent)), 1)
        self.assertEqual(len(self._budget_messages(agent)), 1)
        # 100 % reached, then passed: one more warning, once
        self._store(agent, "w-4", "2027-03-05T09:00:00+07:00", 2)  # 10,200
        self._store(agent, "w-5", "2027-03-06T09:00:00+07:00", 2)  # 11,400
        self.assertEqual(self._warnings(agent).mapped("threshold"), [80, 100])
        self.assertEqual(len(self._budget_messages(agent)), 2)
        # the same call pushed again is a duplicate and warns nobody
        self._store(agent, "w-5", "2027-03-06T09:00:00+07:00", 2, expected="duplicate")
        self.assertEqual(len(self._budget_messages(agent)), 2)
        # next month starts afresh: straight past 100 % records both thresholds, one message
        self._store(agent, "w-6", "2027-04-02T09:00:00+07:00", 20)  # 12,000
        self.assertEqual(self._warnings(agent, date(2027, 4, 1)).mapped("threshold"), [80, 100])
        self.assertEqual(len(self._budget_messages(agent)), 3)
        # other agents were not warned
        self.assertFalse(self._warnings(self.agent2))

    def test_no_budget_no_warning(self):
        self.agents.job_id = False
        self._store(self.agent1, "n-1", "2027-03-02T09:00:00+07:00", 100)
        self.assertFalse(self._warnings(self.agent1))
        self.assertTrue(self.agent1._kpi_call_budget_status(self._dt(2027, 3, 5))["allowed"])

    def test_agent_without_manager_gets_a_note(self):
        self.agent1.parent_id = False
        self._store(self.agent1, "m-1", "2027-03-02T09:00:00+07:00", 17)  # 10,200
        warnings = self._warnings(self.agent1)
        self.assertEqual(warnings.mapped("threshold"), [80, 100])
        self.assertFalse(warnings.manager_id)
        self.assertEqual(len(self._budget_messages(self.agent1)), 1)
        self.assertFalse(self._budget_messages(self.agent1).partner_ids)
