# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The ``call`` measure provider, with numbers checked by hand (March 2027, UTC)."""

from datetime import datetime

from odoo.tests import tagged

from .common_call import KpiCallCommon

# (agent index, direction, start, talk seconds, disposition, cost)
CALLS = [
    (0, "inbound", datetime(2027, 3, 1, 0, 0), 120, "answered", 0.0),
    (0, "inbound", datetime(2027, 3, 31, 23, 30), 300, "answered", 0.0),
    (0, "inbound", datetime(2027, 3, 15, 9, 0), 0, "no_answer", 0.0),
    (0, "outbound", datetime(2027, 3, 15, 10, 0), 60, "answered", 1200.0),
    (0, "outbound", datetime(2027, 3, 15, 11, 0), 0, "busy", 0.0),
    (1, "outbound", datetime(2027, 3, 20, 9, 0), 90, "answered", 1800.0),
    (1, "outbound", datetime(2027, 3, 20, 9, 5), 0, "no_answer", 0.0),
    # outside the period
    (0, "inbound", datetime(2027, 2, 28, 23, 59, 59), 600, "answered", 0.0),
    (0, "outbound", datetime(2027, 4, 1, 0, 0), 600, "answered", 9999.0),
    (1, "outbound", datetime(2027, 4, 1, 0, 0), 600, "answered", 9999.0),
]


@tagged("post_install", "-at_install", "kpi_call", "kpi_measure")
class TestCallMeasure(KpiCallCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["kpi.call"].create(
            [
                {
                    "external_uid": f"m-{index}",
                    "source_id": cls.source.id,
                    "company_id": cls.company.id,
                    "employee_id": cls.agents[agent].id,
                    "direction": direction,
                    "start": start,
                    "talk_seconds": duration,
                    "disposition": disposition,
                    "cost": cost,
                    "phone": "+84912345678",
                }
                for index, (agent, direction, start, duration, disposition, cost) in enumerate(CALLS)
            ]
        )

    def _values(self, measure):
        definition = self._create_definition(f"CALL_{measure.upper()}", "call", measure)
        return definition._compute_values(self.agents, self.date_from, self.date_to)

    def test_call_measures(self):
        a1, a2, a3 = self.agents.ids
        expected = {
            # agent 1: 3 in, 2 out; answered 120 + 300 (in) and 60 (out) s
            # agent 2: 2 out, one answered 90 s; agent 3: no call
            "inbound_count": {a1: 3.0, a2: 0.0, a3: 0.0},
            "outbound_count": {a1: 2.0, a2: 2.0, a3: 0.0},
            "answered_rate": {a1: 60.0, a2: 50.0, a3: 0.0},
            "inbound_duration": {a1: 7.0, a2: 0.0, a3: 0.0},
            "outbound_duration": {a1: 1.0, a2: 1.5, a3: 0.0},
            "avg_handle_time": {a1: 160.0, a2: 90.0, a3: 0.0},
            "cost": {a1: 1200.0, a2: 1800.0, a3: 0.0},
        }
        for measure, values in expected.items():
            self.assertEqual(self._values(measure), values, measure)

    def test_one_query_for_all_agents(self):
        definition = self._create_definition("CALL_IN", "call", "inbound_count")
        provider = self.env["kpi.measure.call"]
        # the company's period clock (schedule time zone, business-day start) is read once
        self.company._kpi_period_bounds(self.date_from, self.date_to)
        self.env.flush_all()
        with self.assertQueryCount(1):
            provider._get_values(definition, self.agents, self.date_from, self.date_to)
        with self.assertQueryCount(1):
            provider._get_values(definition, self.agent1, self.date_from, self.date_to)

    def test_min_duration_and_dedupe(self):
        a1, a2, a3 = self.agents.ids
        definition = self._create_definition("CALL_OUT_Q", "call", "outbound_count")
        definition.call_min_duration = 60
        # agent 1: only the 60 s outbound call is long enough; agent 2: the 90 s one
        self.assertEqual(
            definition._compute_values(self.agents, self.date_from, self.date_to),
            {a1: 1.0, a2: 1.0, a3: 0.0},
        )
        definition.measure = "answered_rate"
        self.assertEqual(
            definition._compute_values(self.agents, self.date_from, self.date_to),
            {a1: 100.0, a2: 100.0, a3: 0.0},
        )
        definition.measure = "inbound_duration"
        definition.call_min_duration = 121
        # agent 1 inbound: 120 s dropped, 300 s kept -> 5 min
        self.assertEqual(
            definition._compute_values(self.agents, self.date_from, self.date_to),
            {a1: 5.0, a2: 0.0, a3: 0.0},
        )
        definition.call_min_duration = 0
        definition.call_dedupe_minutes = 60
        definition.measure = "outbound_count"
        # agent 1 outbound 10:00 and 11:00: 60 min apart, both count; agent 2 9:00 and 9:05: once
        self.assertEqual(
            definition._compute_values(self.agents, self.date_from, self.date_to),
            {a1: 2.0, a2: 1.0, a3: 0.0},
        )
        definition.call_dedupe_minutes = 61
        self.assertEqual(
            definition._compute_values(self.agents, self.date_from, self.date_to),
            {a1: 1.0, a2: 1.0, a3: 0.0},
        )
        definition.measure = "outbound_duration"
        # agent 1 keeps the 10:00 call (60 s), agent 2 the 9:00 call (90 s)
        self.assertEqual(
            definition._compute_values(self.agents, self.date_from, self.date_to),
            {a1: 1.0, a2: 1.5, a3: 0.0},
        )
        definition.measure = "inbound_count"
        # agent 1 inbound 1 Mar, 15 Mar, 31 Mar: days apart, all count
        self.assertEqual(
            definition._compute_values(self.agents, self.date_from, self.date_to),
            {a1: 3.0, a2: 0.0, a3: 0.0},
        )
        provider = self.env["kpi.measure.call"]
        definition.call_min_duration = 30
        self.env.flush_all()
        with self.assertQueryCount(1):
            provider._get_values(definition, self.agents, self.date_from, self.date_to)

    def test_aggregations(self):
        self.assertEqual(self._create_definition("CALL_AHT", "call", "avg_handle_time").aggregation, "avg")
        self.assertEqual(self._create_definition("CALL_RATE", "call", "answered_rate").aggregation, "ratio")
        self.assertEqual(self._create_definition("CALL_COST", "call", "cost").aggregation, "sum")

    def test_scorecard_from_calls(self):
        inbound = self._create_definition("CALL_INBOUND", "call", "inbound_count", unit="calls")
        plan = self._create_plan([(inbound, 100, 2)])
        cards = self._generate(plan)
        line = cards.filtered(lambda card: card.employee_id == self.agent1).line_ids
        self.assertEqual(line.actual, 3.0)
        self.assertAlmostEqual(line.achievement, 150.0)

    def test_report_per_agent_and_month(self):
        rows = self.env["kpi.call.report"].search([("employee_id", "in", self.agents.ids)], order="month, employee_id")
        march = rows.filtered(lambda row: row.month == self.date_from)
        self.assertEqual(len(rows), 5)  # agent 1: Feb, Mar, Apr; agent 2: Mar, Apr
        self.assertEqual(
            [(r.employee_id, r.inbound_count, r.outbound_count, r.answered_rate, r.inbound_minutes,
              r.outbound_minutes, r.avg_handle_time, r.cost) for r in march],
            [
                (self.agent1, 3, 2, 60.0, 7.0, 1.0, 160.0, 1200.0),
                (self.agent2, 0, 2, 50.0, 0.0, 1.5, 90.0, 1800.0),
            ],
        )
        self.agent1.kpi_call_budget = 2400.0
        self.env.invalidate_all()
        self.assertEqual(march[0].budget, 2400.0)
        self.assertEqual(march[0].budget_used, 50.0)
        groups = self.env["kpi.call.report"]._read_group(
            [("month", "=", self.date_from)], [], ["inbound_count:sum", "cost:sum", "answered_rate:avg"]
        )
        self.assertEqual(groups, [(3, 3000.0, 55.0)])
