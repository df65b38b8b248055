# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Team pools: a team KPI measured over the team, its bonus pooled and split.

The fixture: the three agents of the team manager (the manager is not in the plan), a
plan with one team KPI (SALES, a manual sum: a count-like total, prorated; weight 100,
target 230 a month, split equally), a bonus base of 1,000,000 each. March 2027 has 23
working days; agent 3 is on prorating sick leave 15-17 March: 20 available days,
factor 20 / 23, own target 230 × 20 / 23 = 200. The agents sell 299, 253 and 174.

Team actual 299 + 253 + 174 = 726; team target 230 + 230 + 200 = 660; achievement
726 / 660 = 110 %, payout 110 % (no scale). Each member's bonus on the line is
1,000,000 × 100 % × 110 % = 1,100,000: a pool of 3 × 1,100,000 = 3,300,000.
"""

from datetime import date

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import KpiCommon

REPORT = "kpi_callcenter.report_kpi_scorecard_statement"


class TeamPoolCommon(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent3 = cls.agents[2]
        cls.sales = cls._create_definition("SALES", unit="orders", manual_aggregate="sum")
        cls.plan = cls._create_plan(
            [cls._team_line(cls.sales, 100, 230, "equal")], activate=False, bonus_base=1_000_000, name="Team sales"
        )
        cls.team_line = cls.plan.line_ids
        for day in (15, 16, 17):
            cls._create_sick_leave(cls.agent3, date(2027, 3, day))
        cls._add_manual_values(cls.sales, {cls.agent1: 299, cls.agent2: 253, cls.agent3: 174})

    @classmethod
    def _team_line(cls, definition, weight, target, split, basis="manager"):
        return {
            "definition_id": definition.id, "weight": weight, "target": target,
            "scope": "team", "team_basis": basis, "pool_split": split,
        }

    def _cards(self, cards=None):
        cards = cards if cards is not None else self._generate(self.plan)
        return [cards.filtered(lambda card, agent=agent: card.employee_id == agent) for agent in self.agents]

    def _sales_line(self, card):
        return card.line_ids.filtered(lambda line: line.definition_id == self.sales)


@tagged("post_install", "-at_install", "kpi_scorecard", "kpi_team_pool")
class TestTeamPool(TeamPoolCommon):
    def test_pool_split_three_ways_with_one_agent_on_leave(self):
        cards = self._cards()
        lines = [self._sales_line(card) for card in cards]
        # agent 3: 23 - 3 = 20 available days, own target 230 × 20 / 23 = 200
        self.assertEqual([card.available_days for card in cards], [23.0, 23.0, 20.0])
        self.assertEqual([line.target for line in lines], [230.0, 230.0, 200.0])
        self.assertEqual([line.actual for line in lines], [299.0, 253.0, 174.0])
        for line in lines:
            # the team: 726 of 660 = 110 %, 3 members, a pool of 3,300,000
            self.assertEqual(line.scope, "team")
            self.assertEqual((line.team_actual, line.team_target, line.team_size), (726.0, 660.0, 3))
            self.assertAlmostEqual(line.achievement, 110.0)
            self.assertAlmostEqual(line.payout, 110.0)
            self.assertAlmostEqual(line.score, 110.0)
            self.assertEqual(line.pool_amount, 3_300_000)
            self.assertEqual(line.pool_contribution, 1_100_000)
            self.assertEqual(line.team_name, "Team Manager")
        # own achievements: 299 / 230 = 130 %, 253 / 230 = 110 %, 174 / 200 = 87 %
        self.assertEqual([round(line.individual_achievement, 2) for line in lines], [130.0, 110.0, 87.0])
        # equal: 3,300,000 / 3 = 1,100,000 each
        self.assertEqual([line.bonus_amount for line in lines], [1_100_000] * 3)
        self.assertEqual([card.bonus_amount for card in cards], [1_100_000] * 3)
        self.assertEqual([round(line.pool_share, 2) for line in lines], [33.33] * 3)

        # by score: 130, 110 and 87 of 327 points: 3,300,000 × 130 / 327 = 1,311,926.6,
        # × 110 / 327 = 1,110,091.7, × 87 / 327 = 877,981.7; rounded 1,311,927 +
        # 1,110,092 + 877,982 = 3,300,001: the extra unit comes off the largest share
        self.team_line.pool_split = "by_score"
        self._generate(self.plan)
        self.assertEqual([self._sales_line(card).bonus_amount for card in cards], [1_311_926, 1_110_092, 877_982])
        self.assertEqual(sum(card.bonus_amount for card in cards), 3_300_000)

        # by days: 23, 23 and 20 of 66 available days: 3,300,000 × 23 / 66 = 1,150,000,
        # × 20 / 66 = 1,000,000
        self.team_line.pool_split = "by_days"
        self._generate(self.plan)
        self.assertEqual([self._sales_line(card).bonus_amount for card in cards], [1_150_000, 1_150_000, 1_000_000])
        self.assertEqual([round(self._sales_line(card).pool_share, 2) for card in cards], [34.85, 34.85, 30.3])
        explanation = self._sales_line(cards[2]).pool_explanation
        for expected in ("the team of Team Manager", "726", "660", "110", "20 available days", "30.3"):
            self.assertIn(expected, explanation)

    def test_not_assessed_member_has_no_share(self):
        # at least 21 available days to be assessed: agent 3 (20 days) is not ("no work,
        # no bonus"); their sales still count for the team (726 of 660), they add
        # nothing to the pool (2 × 1,100,000) and get no share of it
        self.company.kpi_min_available_days = 21
        cards = self._cards()
        self.assertEqual([card.is_assessed for card in cards], [True, True, False])
        lines = [self._sales_line(card) for card in cards]
        self.assertEqual(lines[2].team_actual, 726.0)
        self.assertEqual(lines[0].pool_amount, 2_200_000)
        self.assertEqual([line.bonus_amount for line in lines], [1_100_000, 1_100_000, 0])
        self.assertEqual([card.bonus_amount for card in cards], [1_100_000, 1_100_000, 0])
        self.assertIn("no share", lines[2].pool_explanation)

    def test_manager_is_member_only_when_assigned(self):
        # assigned, the manager joins his team: target 660 + 230 = 890 (no sales of his
        # own): 726 / 890 = 81.57 %
        self.plan.employee_ids = [Command.link(self.manager.id)]
        cards = self._generate(self.plan)
        manager_card = cards.filtered(lambda card: card.employee_id == self.manager)
        for card in cards:
            line = self._sales_line(card)
            self.assertEqual((line.team_size, line.team_target, line.team_actual), (4, 890.0, 726.0))
            self.assertAlmostEqual(line.achievement, 726 / 890 * 100)
        self.assertEqual(self._sales_line(manager_card).team_name, "Team Manager")

    def test_department_basis_and_lone_employee(self):
        department = self.env["hr.department"].create({"name": "Telesales", "company_id": self.company.id})
        (self.agent1 | self.agent2).department_id = department
        self.team_line.team_basis = "department"
        lines = [self._sales_line(card) for card in self._cards()]
        # agents 1 and 2 in Telesales: 299 + 253 = 552 of 460 = 120 %; agent 3, without
        # a department, is a team of one: 174 of 200 = 87 %
        self.assertEqual([(line.team_actual, line.team_size) for line in lines[:2]], [(552.0, 2)] * 2)
        self.assertEqual(lines[0].team_name, "Telesales")
        self.assertEqual((lines[2].team_actual, lines[2].team_target, lines[2].team_size), (174.0, 200.0, 1))
        self.assertAlmostEqual(lines[2].achievement, 87.0)
        # agent 3 alone: 1,000,000 × 87 % = 870,000, all of the pool
        self.assertEqual(lines[2].bonus_amount, 870_000)

    def test_health_check_warns_about_members_without_team_mate(self):
        # by manager, the three agents make one team: no warning
        issues = self.plan._refresh_health()
        self.assertFalse([issue for issue in issues if issue["rule"] == "team_pool"])
        # by department, agents 1 and 2 in Telesales, agent 3 without one: alone
        department = self.env["hr.department"].create({"name": "Telesales", "company_id": self.company.id})
        (self.agent1 | self.agent2).department_id = department
        self.team_line.team_basis = "department"
        issues = [issue for issue in self.plan._refresh_health() if issue["rule"] == "team_pool"]
        self.assertEqual(len(issues), 1)
        self.assertEqual(issues[0]["severity"], "warning")
        self.assertIn("team KPI [SALES] SALES: 1 employees have no team-mate in the plan (same department)", issues[0]["message"])
        self.assertIn("Agent 3", issues[0]["message"])
        self.assertEqual(self.plan.health_issue_ids.filtered(lambda issue: issue.rule == "team_pool").plan_line_id, self.team_line)

    def test_team_line_needs_basis_and_split(self):
        with self.assertRaisesRegex(ValidationError, r"Team sales / SALES: a team KPI needs Pool split"):
            self.team_line.pool_split = False
        with self.assertRaisesRegex(ValidationError, "a team KPI needs Team Basis"):
            self.team_line.team_basis = False
        # an individual line needs neither
        self.team_line.write({"scope": "individual", "pool_split": False, "team_basis": False})
        line = self._sales_line(self._cards()[0])
        # agent 1 on his own: 299 / 230 = 130 % → 1,300,000, no team figures
        self.assertEqual((line.scope, line.team_actual, line.pool_amount), ("individual", 0.0, 0.0))
        self.assertEqual(line.bonus_amount, 1_300_000)

    def test_partial_recompute_keeps_the_team_whole(self):
        card1, card2, card3 = self._cards()
        # agent 3 is confirmed: locked, their figures and share stay (a paid figure never
        # changes); the team still counts their stored actual
        card3.action_confirm()
        # 33 more sales for agent 2, then only agent 1's scorecard is recomputed:
        # agent 2's (unlocked) is recomputed with it; team 726 + 33 = 759 of 660 = 115 %;
        # pool 3 × 1,150,000 = 3,450,000, a third each: 1,150,000
        self._add_manual_values(self.sales, {self.agent2: 33}, day=date(2027, 3, 20))
        card1.action_compute()
        self.assertEqual(self._sales_line(card2).actual, 286.0)
        for card in (card1, card2):
            self.assertEqual(self._sales_line(card).team_actual, 759.0)
            self.assertEqual(self._sales_line(card).bonus_amount, 1_150_000)
        self.assertEqual(self._sales_line(card3).team_actual, 726.0)
        self.assertEqual(card3.bonus_amount, 1_100_000)

    def test_adjustment_refreshes_the_team(self):
        card1, card2, card3 = self._cards()
        # HR sets agent 1's actual to 365 (+66): team 792 of 660 = 120 %, pool 3,600,000
        self.env["kpi.scorecard.adjustment"].with_user(self.user_hr_manager).create(
            {
                "scorecard_id": card1.id,
                "scorecard_line_id": self._sales_line(card1).id,
                "field": "actual",
                "new_value": 365,
                "reason": "Orders booked on a colleague's account",
            }
        )
        for card in (card1, card2, card3):
            self.assertEqual(self._sales_line(card).team_actual, 792.0)
            self.assertEqual(card.bonus_amount, 1_200_000)

    def test_what_if_moves_the_team_by_my_own_change(self):
        card1 = self._cards()[0]
        # 66 more of my own sales: team 726 + 66 = 792 of 660 = 120 %; my third of the
        # pool at 120 %: 3,000,000 × 120 % / 3 = 1,200,000
        result = card1.what_if({"SALES": 365})
        line = result["lines"]["SALES"]
        self.assertEqual((line["actual"], line["team_actual"], line["team_target"]), (365.0, 792.0, 660.0))
        self.assertAlmostEqual(line["achievement"], 120.0)
        self.assertEqual(line["bonus"], 1_200_000)
        self.assertEqual(result["bonus"], 1_200_000)
        # my own target stays 230 (nothing written)
        self.assertEqual(line["target"], 230.0)
        self.assertEqual(self._sales_line(card1).team_actual, 726.0)

    def test_simulation_replays_the_pool(self):
        # the pay-impact replay pools the team line as the scorecards do: equally
        # 3,300,000 / 3; by days (the replay's proration factors 1, 1 and 20 / 23 stand for
        # the available days) 3,300,000 × 23 / 66 = 1,150,000 and × 20 / 66 = 1,000,000
        period = (self.date_from, self.date_to)
        rows = self.plan._simulate_rows([period])
        self.assertEqual({row["employee_id"]: row["new_bonus"] for row in rows}, dict.fromkeys(self.agents.ids, 1_100_000))
        self.team_line.pool_split = "by_days"
        rows = self.plan._simulate_rows([period])
        self.assertEqual(
            [row["new_bonus"] for row in sorted(rows, key=lambda row: row["employee_id"])],
            [1_150_000, 1_150_000, 1_000_000],
        )

    def test_statement_shows_the_share(self):
        card3 = self._cards()[2]
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, card3.ids)[0].decode()
        for expected in ("Team KPI", "o_kpi_pool_share", "726", "660", "33.33", "the team of Team Manager"):
            self.assertIn(expected, html)

    def test_query_count_does_not_grow_with_the_team(self):
        def plan_for(count, suffix):
            manager = self._create_employee(f"TP manager {suffix}")
            employees = self.env["hr.employee"]
            for index in range(count):
                user = self.env["res.users"].create(
                    {"name": f"TP {suffix} {index}", "login": f"tp_{suffix}_{index}",
                     "company_id": self.company.id, "company_ids": [Command.set(self.company.ids)]}
                )
                employees |= self._create_employee(f"TP {suffix} {index}", user, parent=manager)
            team_kpi = self._create_definition(f"TP_{suffix}", manual_aggregate="sum")
            own_kpi = self._create_definition(f"TP2_{suffix}")
            self._add_manual_values(team_kpi, dict.fromkeys(employees, 4.0))
            plan = self._create_plan(
                [self._team_line(team_kpi, 50, 10, "by_score"), (own_kpi, 50, 10)],
                employees=employees, name=f"TP {suffix}", activate=False, bonus_base=1_000_000,
            )
            return self._generate(plan)

        def count(cards):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            cards._recompute()
            self.env.flush_all()
            return self.cr.sql_log_count - before

        small, big = plan_for(3, "s"), plan_for(9, "b")
        count(small)  # warm-up
        self.assertEqual(count(small), count(big))
        # each member 4 of 10; the team 9 × 4 = 36 of 90 = 40 %, × 50 = 20 points; pool
        # 9 × 1,000,000 × 50 % × 40 % = 1,800,000, 1/9 each = 200,000
        self.assertAlmostEqual(big[0].score, 20.0)
        self.assertEqual(big[0].bonus_amount, 200_000)


@tagged("post_install", "-at_install", "kpi_portal", "kpi_team_pool")
class TestTeamPoolPortal(HttpCase, TeamPoolCommon):
    def test_portal_shows_team_actual_pool_and_share(self):
        card3 = self._cards()[2]
        self.authenticate("kpi_agent3", "kpi_agent3")
        response = self.url_open(f"/my/kpi/{card3.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        html = response.text
        # the team's 726 of 660, the pool of 3,300,000 and agent 3's third of it
        for expected in ("o_kpi_team_pool", "Team KPI", "726", "660", "3,300,000", "33.33", "your share"):
            self.assertIn(expected, html)
