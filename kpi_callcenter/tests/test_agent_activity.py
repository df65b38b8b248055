# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The per-agent activity report (sales, calls, tickets per month), checked by hand.

Everything is in 2025 (agents in UTC), so that "still open past its due date" does not
depend on the day the tests run; a ticket due in 2099 is never overdue.
"""

from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_call import KpiCallCommon

FIELDS = [
    "order_count", "revenue", "inbound_count", "outbound_count", "inbound_minutes", "outbound_minutes",
    "call_cost", "tickets_closed", "tickets_overdue",
]


@tagged("post_install", "-at_install", "kpi_call")
class TestAgentActivity(KpiCallCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        u1, u2 = cls.agent1.user_id, cls.agent2.user_id
        cls._create_sale_order(u1, 1_000_000, datetime(2025, 3, 2, 9, 0))
        cls._create_sale_order(u1, 3_000_000, datetime(2025, 3, 31, 23, 0))
        cls._create_sale_order(u1, 500_000, datetime(2025, 4, 1, 0, 30))
        cls._create_sale_order(u1, 9_000_000, datetime(2025, 3, 5, 9, 0), confirm=False)  # quotation
        cls._create_sale_order(u2, 500_000, datetime(2025, 3, 15, 10, 0))
        calls = [
            (cls.agent1, "inbound", datetime(2025, 3, 3, 9, 0), 120, 0.0),
            (cls.agent1, "inbound", datetime(2025, 3, 4, 9, 0), 300, 0.0),
            (cls.agent1, "outbound", datetime(2025, 3, 4, 10, 0), 60, 1200.0),
            (cls.agent2, "outbound", datetime(2025, 3, 20, 9, 0), 90, 1800.0),
        ]
        cls.env["kpi.call"].create(
            [
                {
                    "external_uid": f"act-{index}",
                    "source_id": cls.source.id,
                    "company_id": cls.company.id,
                    "employee_id": agent.id,
                    "direction": direction,
                    "start": start,
                    "talk_seconds": duration,
                    "disposition": "answered",
                    "cost": cost,
                    "phone": "+84912345678",
                }
                for index, (agent, direction, start, duration, cost) in enumerate(calls)
            ]
        )
        Stage = cls.env["helpdesk.ticket.stage"]
        closed = Stage.create({"name": "Done (activity test)", "closed": True, "company_id": cls.company.id})
        open_stage = Stage.create({"name": "Open (activity test)", "closed": False, "company_id": cls.company.id})

        def ticket(stage, due, closed_on=None):
            record = cls.env["helpdesk.ticket"].create(
                {
                    "name": "T",
                    "description": "T",
                    "user_id": u1.id,
                    "stage_id": stage.id,
                    "company_id": cls.company.id,
                    "kpi_due_date": due,
                }
            )
            record.closed_date = closed_on
            return record

        ticket(closed, datetime(2025, 3, 5), datetime(2025, 3, 4))  # March: closed on time
        ticket(closed, datetime(2025, 3, 5), datetime(2025, 3, 6))  # March: closed, overdue
        ticket(open_stage, datetime(2025, 3, 10))  # March: open past due, overdue
        ticket(open_stage, datetime(2099, 1, 1))  # not due yet: nowhere
        ticket(closed, datetime(2025, 2, 5), datetime(2025, 2, 6))  # February: closed, overdue

    def _rows(self, env=None):
        Report = (env or self.env)["kpi.agent.activity.report"]
        rows = Report.search([("company_id", "=", self.company.id)])
        return {
            (row.employee_id.name, row.month.strftime("%Y-%m")): tuple(round(row[name], 2) for name in FIELDS)
            for row in rows
        }

    def test_activity_per_agent_and_month(self):
        self.assertEqual(
            self._rows(),
            {
                # orders, revenue, in, out, min in, min out, cost, closed, overdue
                ("Agent 1", "2025-02"): (0, 0, 0, 0, 0, 0, 0, 1, 1),
                ("Agent 1", "2025-03"): (2, 4_000_000, 2, 1, 7.0, 1.0, 1200, 2, 2),
                ("Agent 1", "2025-04"): (1, 500_000, 0, 0, 0, 0, 0, 0, 0),
                ("Agent 2", "2025-03"): (1, 500_000, 0, 1, 0, 1.5, 1800, 0, 0),
            },
        )

    def test_pivot_totals(self):
        groups = self.env["kpi.agent.activity.report"].read_group(
            [("company_id", "=", self.company.id), ("month", ">=", "2025-03-01"), ("month", "<", "2025-04-01")],
            ["revenue:sum", "tickets_overdue:sum", "outbound_minutes:sum"],
            [],
        )
        self.assertEqual(
            (groups[0]["revenue"], groups[0]["tickets_overdue"], groups[0]["outbound_minutes"]),
            (4_500_000, 2, 2.5),
        )

    def test_employee_form_opens_own_rows(self):
        action = self.agent1.action_view_kpi_activity()
        self.assertEqual(action["res_model"], "kpi.agent.activity.report")
        rows = self.env["kpi.agent.activity.report"].search(action["domain"] + [("company_id", "=", self.company.id)])
        self.assertEqual(rows.employee_id, self.agent1)
        self.assertEqual(len(rows), 3)

    def test_access(self):
        agent_env = self.env(user=self.agent1.user_id)
        self.assertEqual({key[0] for key in self._rows(agent_env)}, {"Agent 1"})
        self.assertEqual({key[0] for key in self._rows(self.env(user=self.user_manager))}, {"Agent 1", "Agent 2"})
        self.assertEqual(len(self._rows(self.env(user=self.user_officer))), 4)
        other = self.env["res.company"].create({"name": "Other activity co"})
        outsider = self.env["res.users"].create(
            {
                "name": "Outsider officer",
                "login": "activity_outsider",
                "company_id": other.id,
                "company_ids": [(6, 0, other.ids)],
                "groups_id": [(6, 0, [self.env.ref("kpi_callcenter.group_kpi_officer").id])],
            }
        )
        self.assertFalse(self._rows(self.env(user=outsider)))
        portal = self._create_portal_user("activity_portal")
        with self.assertRaises(AccessError):
            self.env["kpi.agent.activity.report"].with_user(portal).search([])
