# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the transparency tests (portal, tour, PDF statement, XLSX export).

On top of :class:`KpiCommon` (team manager, agents 1-3 under him):

- a second team: manager 2 (KPI Team Manager) with agent 4 under him;
- "Agent P", under the first manager, with no internal user: the portal user
  ``kpi_portal_agent`` is her KPI portal user; ``kpi_portal_nobody`` is a portal user
  linked to no employee;
- two manual KPIs, CALLS (sum, prorated) and CSAT (average), in one plan (60 / 40,
  targets 100 calls and 90 %) for the five agents, and six monthly scorecards each,
  October 2026 to March 2027;
- agent 2 has one day of sick leave on Wednesday 10 March 2027.

Hand-checked figures of March 2027 (23 working days):

- agent 1: calls 60 + 30 = 90 / 100 → 90 % → 54 points; CSAT (95 + 85) / 2 = 90 / 90
  → 100 % → 40 points; score 94.
- agent 2: 22 of 23 days available, factor 0.9565; CALLS target 100 × 22 / 23 = 95.65,
  calls 120 → 125.45 % → 75.27 points; CSAT 81 / 90 → 90 % → 36 points; score 111.27.
- agent 3: calls 100 → 60 points; CSAT 99 / 90 → 110 % → 44 points; score 104.
- agent P: calls 50 → 30 points; CSAT 72 → 80 % → 32 points; score 62.
- agent 4 (other team): calls 80 → 48 points; CSAT 90 → 40 points; score 88.
Earlier months: agent 1 makes 70, 75, 80, 85, 100 calls (October → February).
"""

from odoo import Command
from odoo.tests import HttpCase, new_test_user

from .common import KpiCommon

MARCH_CALLS = {"agent1": [60, 30], "agent2": 120, "agent3": 100, "agentp": 50, "agent4": 80}
MARCH_CSAT = {"agent1": [95, 85], "agent2": 81, "agent3": 99, "agentp": 72, "agent4": 90}
AGENT1_EARLIER_CALLS = [70, 75, 80, 85, 100]  # October 2026 → February 2027


class KpiPortalCommon(HttpCase, KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        companies = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.user_manager2 = new_test_user(
            cls.env, "kpi_team_manager2", groups="base.group_user,kpi_callcenter.group_kpi_team_manager",
            **companies,
        )
        cls.manager2 = cls._create_employee("Team Manager 2", cls.user_manager2)
        cls.user_agent4 = new_test_user(cls.env, "kpi_agent4", groups="base.group_user", **companies)
        cls.agent4 = cls._create_employee("Agent 4", cls.user_agent4, parent=cls.manager2)
        cls.agentp = cls._create_employee("Agent P", parent=cls.manager)
        cls.user_portal_agent = cls._create_portal_user("kpi_portal_agent", cls.agentp)
        cls.user_portal_nobody = cls._create_portal_user("kpi_portal_nobody")
        cls.agent3 = cls.agents[2]
        cls.by_key = {
            "agent1": cls.agent1, "agent2": cls.agent2, "agent3": cls.agent3,
            "agentp": cls.agentp, "agent4": cls.agent4,
        }

        cls.calls = cls._create_definition(
            "CALLS", name="Outbound calls", unit="calls", manual_aggregate="sum",
            explanation="Outbound calls you made in the month, from the PBX log.",
        )
        cls.csat = cls._create_definition(
            "CSAT", name="Customer satisfaction", unit="%",
            explanation="Average of the customer survey scores of the month.",
        )
        cls.plan = cls._create_plan(
            [(cls.calls, 60, 100), (cls.csat, 40, 90)],
            employees=cls.agent1 | cls.agent2 | cls.agent3 | cls.agentp | cls.agent4,
            name="Telesales",
            bonus_base=1000000,
        )
        cls._create_sick_leave(cls.agent2, cls.date_from.replace(day=10))
        for months_before in range(5, -1, -1):
            start, _end = cls._month(months_before)
            day = start.replace(day=10)
            if months_before:
                calls = dict.fromkeys(cls.by_key, 100)
                calls["agent1"] = AGENT1_EARLIER_CALLS[5 - months_before]
                csat = dict.fromkeys(cls.by_key, 88)
            else:
                calls, csat = MARCH_CALLS, MARCH_CSAT
            cls._add_manual_values(cls.calls, {cls.by_key[k]: v for k, v in calls.items()}, day=day)
            cls._add_manual_values(cls.csat, {cls.by_key[k]: v for k, v in csat.items()}, day=day)
        cls.scorecards = cls.env["kpi.scorecard"]
        for months_before in range(5, -1, -1):
            cls.scorecards |= cls._generate(cls.plan, *cls._month(months_before))
        cls.march = {
            key: cls.scorecards.filtered(lambda c, e=employee: c.employee_id == e and c.date_from == cls.date_from)
            for key, employee in cls.by_key.items()
        }

    def _scorecards_of(self, employee):
        return self.scorecards.filtered(lambda card: card.employee_id == employee)
