# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Objective roll-up and the team dashboard, hand-checked.

Objectives: "Profit" (root) > "Revenue growth" (REV: sales revenue) and "Service" (CSAT,
manual). Plan for agents 1-3, March 2027, bonus base 1,000,000 ₫, no scale: REV weight
50 target 10,000,000; CSAT weight 50 target 90.

- agent 1: revenue 12,000,000 (120 %), CSAT 90 (100 %): bonus 600,000 + 500,000; score 110.
- agent 2: revenue 5,000,000 (50 %), CSAT 72 (80 %): bonus 250,000 + 400,000; score 65.
- agent 3: revenue 10,000,000 (100 %), CSAT 81 (90 %): bonus 500,000 + 450,000; score 95.

Revenue growth: achievement (120 + 50 + 100) / 3 = 90 %, bonus cost 1,350,000, revenue
27,000,000. Service: (100 + 80 + 90) / 3 = 90 %, cost 1,350,000, revenue 0. Profit: the
six results, 90 %, cost 2,700,000, revenue 27,000,000.
Bands (under 80, top from 110): agent 1 top, agent 2 under, agent 3 on track.
"""

from datetime import datetime

from odoo.tests import tagged

from .common import KpiCommon


@tagged("post_install", "-at_install", "kpi_governance")
class TestRollupDashboard(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Objective = cls.env["kpi.objective"]
        cls.profit = Objective.create({"name": "Profit", "company_id": cls.company.id})
        cls.growth = Objective.create(
            {"name": "Revenue growth", "parent_id": cls.profit.id, "company_id": cls.company.id}
        )
        cls.service = Objective.create(
            {"name": "Service", "parent_id": cls.profit.id, "company_id": cls.company.id}
        )
        cls.revenue = cls._create_definition("REV", source="sale", measure="revenue", objective_id=cls.growth.id)
        cls.csat = cls._create_definition("CSAT", objective_id=cls.service.id)
        cls.plan = cls._create_plan(
            [(cls.revenue, 50, 10_000_000), (cls.csat, 50, 90)], bonus_base=1_000_000
        )
        a1, a2, a3 = cls.agents
        for user, amount in zip(cls.agent_users, (12_000_000, 5_000_000, 10_000_000), strict=True):
            cls._create_sale_order(user, amount, datetime(2027, 3, 10, 9, 0))
        cls._add_manual_values(cls.csat, {a1: 90, a2: 72, a3: 81})
        cls.cards = cls._generate(cls.plan)

    def test_objective_rollup(self):
        self.assertEqual(sorted(self.cards.mapped("bonus_amount")), [650_000, 950_000, 1_100_000])
        growth, service, profit = self.growth, self.service, self.profit
        self.assertAlmostEqual(growth.rollup_achievement, 90.0)
        self.assertEqual((growth.rollup_bonus_cost, growth.rollup_revenue), (1_350_000, 27_000_000))
        self.assertAlmostEqual(service.rollup_achievement, 90.0)
        self.assertEqual((service.rollup_bonus_cost, service.rollup_revenue), (1_350_000, 0))
        self.assertEqual(profit.rollup_result_count, 6)
        self.assertAlmostEqual(profit.rollup_achievement, 90.0)
        self.assertEqual((profit.rollup_bonus_cost, profit.rollup_revenue), (2_700_000, 27_000_000))
        # another period: nothing
        april = profit.with_context(kpi_date_from="2027-04-01")
        self.assertEqual((april.rollup_result_count, april.rollup_bonus_cost), (0, 0))
        # a trial plan's bonus costs nothing
        self.plan.trial_end_date = "2027-03-31"
        profit.invalidate_recordset()
        self.assertEqual((profit.rollup_bonus_cost, profit.rollup_revenue), (0, 27_000_000))

    def test_dashboard_bands_per_team(self):
        bands = {card.employee_id.name: (card.team_manager_id, card.performance_band) for card in self.cards}
        self.assertEqual(bands["Agent 1"], (self.manager, "top"))
        self.assertEqual(bands["Agent 2"], (self.manager, "under"))
        self.assertEqual(bands["Agent 3"], (self.manager, "on_track"))
        groups = self.env["kpi.scorecard"].with_user(self.user_manager)._read_group(
            [("id", "in", self.cards.ids)], ["team_manager_id", "performance_band"], ["__count"]
        )
        self.assertEqual(
            sorted((team.name, band, count) for team, band, count in groups),
            [("Team Manager", "on_track", 1), ("Team Manager", "top", 1), ("Team Manager", "under", 1)],
        )
        self.company.kpi_underperformer_score = 60
        self.assertEqual(
            self.cards.filtered(lambda c: c.employee_id == self.agents[1]).performance_band, "on_track"
        )
