# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Drill-down: every scorecard line opens exactly the records behind its actual, in the
backend (``action_view_records``) and on the portal (the agent's own records only).

Agent 1, March 2027 (UTC), hand-built:

- sales: 1,000,000 (2 March) + 3,000,000 (20 March) confirmed; 9,000,000 on 1 April and
  an unconfirmed quotation ignored → 2 orders, 4,000,000 revenue;
- tickets: closed 4 March (due 5 March, on time), closed 6 March (due 5 March, late),
  closed in February (ignored) → 2 closed, 1 overdue;
- calls (minimum 10 s, repeated calls within 5 min counted once): inbound 1 March 09:00
  (120 s, …678), inbound 09:02 same number (repeat, ignored), inbound 15 March 5 s
  (too short, ignored), inbound 16 March 30 s (…999) → 2 inbound calls; outbound
  15 March 60 s → 1.0 outbound minute;
- manual (sum): 3 + 4 = 7;
- domain (confirmed orders of the user): 2.
"""

from datetime import date, datetime

from odoo.tests import HttpCase, tagged

from .common_call import KpiCallCommon


@tagged("post_install", "-at_install", "kpi_portal", "kpi_drilldown")
class TestDrillDown(HttpCase, KpiCallCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        u1 = cls.agent1.user_id
        cls._create_sale_order(u1, 1_000_000, datetime(2027, 3, 2, 9, 0))
        cls._create_sale_order(u1, 3_000_000, datetime(2027, 3, 20, 9, 0))
        cls._create_sale_order(u1, 9_000_000, datetime(2027, 4, 1, 9, 0))
        cls._create_sale_order(u1, 9_000_000, datetime(2027, 3, 5, 9, 0), confirm=False)
        cls._create_sale_order(cls.agent2.user_id, 500_000, datetime(2027, 3, 5, 9, 0))
        closed = cls.env["helpdesk.ticket.stage"].create(
            {"name": "Done (drill-down)", "closed": True, "company_id": cls.company.id}
        )
        for due, closed_on in (
            (datetime(2027, 3, 5), datetime(2027, 3, 4)),
            (datetime(2027, 3, 5), datetime(2027, 3, 6)),
            (datetime(2027, 2, 5), datetime(2027, 2, 6)),
        ):
            ticket = cls.env["helpdesk.ticket"].create(
                {
                    "name": "Drill-down ticket",
                    "description": "T",
                    "user_id": u1.id,
                    "stage_id": closed.id,
                    "company_id": cls.company.id,
                    "kpi_due_date": due,
                }
            )
            ticket.closed_date = closed_on
        calls = [
            ("inbound", datetime(2027, 3, 1, 9, 0), 120, "+84912345678"),
            ("inbound", datetime(2027, 3, 1, 9, 2), 60, "+84912345678"),
            ("inbound", datetime(2027, 3, 15, 9, 0), 5, "+84977000999"),
            ("inbound", datetime(2027, 3, 16, 9, 0), 30, "+84977000999"),
            ("outbound", datetime(2027, 3, 15, 10, 0), 60, "+84977000999"),
        ]
        cls.env["kpi.call"].create(
            [
                {
                    "external_uid": f"dd-{index}",
                    "source_id": cls.source.id,
                    "company_id": cls.company.id,
                    "employee_id": cls.agent1.id,
                    "direction": direction,
                    "start": start,
                    "talk_seconds": duration,
                    "disposition": "answered",
                    "phone": phone,
                }
                for index, (direction, start, duration, phone) in enumerate(calls)
            ]
        )
        call_rules = {"call_min_duration": 10, "call_dedupe_minutes": 5}
        cls.manual = cls._create_definition("DD_MAN", manual_aggregate="sum")
        cls._add_manual_values(cls.manual, {cls.agent1: [3, 4], cls.agent2: 50})
        definitions = [
            cls._create_definition("DD_SO", "sale", "order_count"),
            cls._create_definition("DD_REV", "sale", "revenue"),
            cls._create_definition("DD_TK", "helpdesk", "closed_count"),
            cls._create_definition("DD_LATE", "helpdesk", "overdue_count", direction="lower"),
            cls._create_definition("DD_IN", "call", "inbound_count", **call_rules),
            cls._create_definition("DD_OUTMIN", "call", "outbound_duration", **call_rules),
            cls.manual,
            cls._create_definition(
                "DD_DOM",
                "domain",
                domain_model_id=cls.env["ir.model"]._get("sale.order").id,
                domain_filter="[('state', '=', 'sale')]",
                domain_date_field="date_order",
                domain_employee_field="user_id",
                domain_aggregate="count",
            ),
        ]
        cls.plan = cls._create_plan(
            [(definition, 12.5, 10) for definition in definitions], employees=cls.agent1 | cls.agent2
        )
        cards = cls._generate(cls.plan)
        cls.card = cards.filtered(lambda card: card.employee_id == cls.agent1)
        cls.card2 = cards.filtered(lambda card: card.employee_id == cls.agent2)

    def _line(self, code, card=None):
        return (card or self.card).line_ids.filtered(lambda line: line.code == code)

    def _records(self, code):
        action = self._line(code).with_user(self.user_officer).action_view_records()
        self.assertEqual(action["type"], "ir.actions.act_window")
        return self.env[action["res_model"]].search(action["domain"])

    def test_backend_drilldown_equals_actual(self):
        expected = {
            "DD_SO": 2.0, "DD_REV": 4_000_000.0, "DD_TK": 2.0, "DD_LATE": 1.0,
            "DD_IN": 2.0, "DD_OUTMIN": 1.0, "DD_MAN": 7.0, "DD_DOM": 2.0,
        }
        for code, value in expected.items():
            self.assertEqual(self._line(code).actual, value, code)
        self.assertEqual(len(self._records("DD_SO")), 2)
        self.assertEqual(sum(self._records("DD_REV").mapped("amount_untaxed")), 4_000_000.0)
        self.assertEqual(len(self._records("DD_TK")), 2)
        late = self._records("DD_LATE")
        self.assertEqual(len(late), 1)
        self.assertEqual(late.closed_date, datetime(2027, 3, 6))
        inbound = self._records("DD_IN")
        self.assertEqual(len(inbound), 2)
        self.assertEqual(sorted(inbound.mapped("talk_seconds")), [30, 120])
        # 60 s = 1.0 minute
        self.assertEqual(sum(self._records("DD_OUTMIN").mapped("talk_seconds")) / 60.0, 1.0)
        manual = self._records("DD_MAN")
        self.assertEqual(sum(manual.mapped("value")), 7.0)
        self.assertEqual(manual.employee_id, self.agent1)
        self.assertEqual(len(self._records("DD_DOM")), 2)

    def test_portal_drilldown(self):
        self.authenticate("kpi_agent1", "kpi_agent1")
        line = self._line("DD_IN")
        response = self.url_open(f"/my/kpi/{self.card.id}/line/{line.id}")
        self.assertEqual(response.status_code, 200)
        # 2 calls, as the actual; the numbers show their last 3 digits only
        self.assertEqual(response.text.count('class="o_kpi_record_row"'), 2)
        self.assertIn("•••••••••678", response.text)
        self.assertNotIn("912345678", response.text)
        for code, rows in (("DD_SO", 2), ("DD_TK", 2), ("DD_LATE", 1), ("DD_MAN", 2), ("DD_DOM", 2)):
            response = self.url_open(f"/my/kpi/{self.card.id}/line/{self._line(code).id}")
            self.assertEqual(response.status_code, 200, code)
            self.assertEqual(response.text.count('class="o_kpi_record_row"'), rows, code)
        # the scorecard page links each actual to its records
        page = self.url_open(f"/my/kpi/{self.card.id}").text
        self.assertIn(f"/my/kpi/{self.card.id}/line/{line.id}", page)

    def test_portal_drilldown_of_a_colleague_is_404(self):
        colleague_line = self._line("DD_MAN", self.card2)
        self.authenticate("kpi_agent1", "kpi_agent1")
        self.assertEqual(self.url_open(f"/my/kpi/{self.card2.id}/line/{colleague_line.id}").status_code, 404)
        # a line of another scorecard under one's own scorecard id
        self.assertEqual(self.url_open(f"/my/kpi/{self.card.id}/line/{colleague_line.id}").status_code, 404)
        # the team manager sees the team's scorecards, not the agents' records
        self.authenticate("kpi_team_manager", "kpi_team_manager")
        self.assertEqual(
            self.url_open(f"/my/kpi/{self.card.id}/line/{self._line('DD_IN').id}").status_code, 404
        )

    def test_period(self):
        self.assertEqual((self.card.date_from, self.card.date_to), (date(2027, 3, 1), date(2027, 3, 31)))
