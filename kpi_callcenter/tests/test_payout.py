# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payout scales and the bonus of real scorecards, with hand-checked numbers.

Every KPI here is a manual KPI (``kpi.manual.value``, averaged over the period), so each
actual is exactly what the test enters; no leave, so no proration. The company's currency
is VND (no decimals): every amount is a whole number of đồng.

Scales used throughout:

- step   80 % → 50 %, 100 % → 100 %, 120 % → 130 %
- linear 80 % → 50 %, 100 % → 100 %, 120 % → 150 % (an accelerator above target)
"""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import KpiCommon


@tagged("post_install", "-at_install", "kpi_payout")
class TestPayout(KpiCommon):
    agent_count = 5

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.volume = cls._create_definition("PIECES", name="Pieces sewn", unit="pieces")
        cls.csat = cls._create_definition("CSAT", name="Customer satisfaction", unit="%")
        cls.defect = cls._create_definition(
            "DEFECT", name="Defect rate", direction="lower", unit="%"
        )
        cls.step = cls._create_payout_scale([(100, 100), (80, 50), (120, 130)], "step", "Steps")
        cls.linear = cls._create_payout_scale(
            [(80, 50), (100, 100), (120, 150)], "linear", "Linear, accelerated"
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _line(self, definition, weight, target, **values):
        return {"definition_id": definition.id, "weight": weight, "target": target, **values}

    def _compute(self, plan, actuals):
        """actuals: {definition: [actual of agent 1, agent 2, …]} → scorecards by agent."""
        for definition, values in actuals.items():
            self._add_manual_values(
                definition,
                {agent: value for agent, value in zip(self.agents, values) if value is not None},
            )
        cards = self._generate(plan)
        return [cards.filtered(lambda c, agent=agent: c.employee_id == agent) for agent in self.agents]

    @staticmethod
    def _kpi_line(card, definition):
        return card.line_ids.filtered(lambda line: line.definition_id == definition)

    def _assert_single_line(self, cards, achievements, payouts, bonuses):
        for card, achievement, payout, bonus in zip(cards, achievements, payouts, bonuses, strict=True):
            line = card.line_ids
            self.assertEqual(len(line), 1)
            self.assertAlmostEqual(line.achievement, achievement, places=2, msg=card.name)
            self.assertAlmostEqual(line.payout, payout, places=2, msg=card.name)
            self.assertEqual(line.bonus_amount, bonus, card.name)
            self.assertEqual(card.bonus_amount, bonus, card.name)

    # ------------------------------------------------------------------
    # Scale modes
    # ------------------------------------------------------------------
    def test_step_scale(self):
        """Step: payout of the highest tier reached, 0 below the first one."""
        plan = self._create_plan(
            [self._line(self.volume, 100, 100)], bonus_base=1_000_000, payout_scale_id=self.step.id
        )
        cards = self._compute(plan, {self.volume: [79, 80, 90, 110, 140]})
        self._assert_single_line(
            cards,
            achievements=[79, 80, 90, 110, 140],
            # below the first tier, on it, between 80 and 100, between 100 and 120, above 120
            payouts=[0, 50, 50, 100, 130],
            bonuses=[0, 500_000, 500_000, 1_000_000, 1_300_000],
        )
        self.assertTrue(all(card.currency_id == self.vnd for card in cards))

    def test_linear_scale(self):
        """Linear: straight lines between tiers, 0 below the first, flat after the last."""
        plan = self._create_plan(
            [self._line(self.volume, 100, 100)], bonus_base=1_000_000, payout_scale_id=self.linear.id
        )
        cards = self._compute(plan, {self.volume: [79, 80, 90, 110, 140]})
        self._assert_single_line(
            cards,
            achievements=[79, 80, 90, 110, 140],
            # 90: 50 + 10 × (100 - 50) / 20 = 75; 110: 100 + 10 × (150 - 100) / 20 = 125
            payouts=[0, 50, 75, 125, 150],
            bonuses=[0, 500_000, 750_000, 1_250_000, 1_500_000],
        )

    def test_no_scale_pays_the_capped_achievement(self):
        plan = self._create_plan([self._line(self.volume, 100, 100, cap=120)], bonus_base=1_000_000)
        cards = self._compute(plan, {self.volume: [50, 100, 130, 200, 0]})
        self._assert_single_line(
            cards,
            achievements=[50, 100, 120, 120, 0],
            payouts=[50, 100, 120, 120, 0],
            bonuses=[500_000, 1_000_000, 1_200_000, 1_200_000, 0],
        )

    def test_cap_applies_before_the_scale(self):
        """A line capped at 150 % never reaches a 160 % tier."""
        scale = self._create_payout_scale([(80, 50), (100, 100), (120, 130), (160, 200)])
        plan = self._create_plan(
            [self._line(self.volume, 100, 100, cap=150)], bonus_base=1_000_000, payout_scale_id=scale.id
        )
        cards = self._compute(plan, {self.volume: [120, 150, 160, 200, None]})
        self._assert_single_line(
            cards,
            achievements=[120, 150, 150, 150, 0],
            payouts=[130, 130, 130, 130, 0],
            bonuses=[1_300_000, 1_300_000, 1_300_000, 1_300_000, 0],
        )

    def test_line_scale_overrides_plan_scale(self):
        plan = self._create_plan(
            [
                self._line(self.volume, 50, 100, payout_scale_id=self.step.id),
                self._line(self.csat, 50, 100),
            ],
            bonus_base=1_000_000,
            payout_scale_id=self.linear.id,
        )
        card = self._compute(plan, {self.volume: [90], self.csat: [90]})[0]
        volume, csat = self._kpi_line(card, self.volume), self._kpi_line(card, self.csat)
        # volume on its own step scale: 90 % → 50 %; CSAT on the plan's linear scale: 90 % → 75 %
        self.assertEqual((volume.payout, volume.bonus_amount), (50, 250_000))
        self.assertEqual((csat.payout, csat.bonus_amount), (75, 375_000))
        self.assertEqual(card.bonus_amount, 625_000)

    # ------------------------------------------------------------------
    # Threshold, gate
    # ------------------------------------------------------------------
    def test_threshold(self):
        """Under its threshold a line pays nothing; the other lines still pay."""
        plan = self._create_plan(
            [self._line(self.volume, 60, 100, threshold=80), self._line(self.csat, 40, 100)],
            bonus_base=1_000_000,
        )
        cards = self._compute(plan, {self.volume: [79, 80], self.csat: [100, 100]})
        volume = self._kpi_line(cards[0], self.volume)
        self.assertEqual((volume.achievement, volume.payout, volume.bonus_amount), (79, 79, 0))
        self.assertEqual(self._kpi_line(cards[0], self.csat).bonus_amount, 400_000)
        self.assertEqual(cards[0].bonus_amount, 400_000)
        # exactly on the threshold pays: 1,000,000 × 60 % × 80 % + 1,000,000 × 40 % × 100 %
        self.assertEqual(self._kpi_line(cards[1], self.volume).bonus_amount, 480_000)
        self.assertEqual(cards[1].bonus_amount, 880_000)

    def test_gate(self):
        """A gate under its threshold zeroes the whole scorecard."""
        plan = self._create_plan(
            [
                self._line(self.volume, 60, 100),
                self._line(self.csat, 40, 100, threshold=90, is_gate=True),
            ],
            bonus_base=1_000_000,
        )
        cards = self._compute(plan, {self.volume: [120, 120], self.csat: [89, 90]})
        closed, open_ = cards[0], cards[1]
        self.assertEqual(closed.bonus_amount, 0)
        self.assertEqual(closed.line_ids.mapped("bonus_amount"), [0, 0])
        self.assertEqual(self._kpi_line(closed, self.volume).payout, 120, "payout % kept for display")
        self.assertTrue(self._kpi_line(closed, self.csat).is_gate)
        self.assertFalse(self._kpi_line(closed, self.volume).is_gate)
        # gate open at exactly 90 %: 1,000,000 × (60 % × 120 % + 40 % × 90 %)
        self.assertEqual(self._kpi_line(open_, self.volume).bonus_amount, 720_000)
        self.assertEqual(self._kpi_line(open_, self.csat).bonus_amount, 360_000)
        self.assertEqual(open_.bonus_amount, 1_080_000)

    # ------------------------------------------------------------------
    # Money: rounding, base
    # ------------------------------------------------------------------
    def test_rounding_in_vnd(self):
        """Line bonuses are rounded to whole đồng (half up); the scorecard's bonus is the sum
        of its rounded lines, so the lines always add up to it."""
        self.assertEqual(self.vnd.decimal_places, 0)
        plan = self._create_plan(
            [self._line(self.volume, 70, 80), self._line(self.csat, 30, 40)], bonus_base=1_234_567
        )
        self.agent2.kpi_bonus_base = 1_005
        cards = self._compute(plan, {self.volume: [70, 80], self.csat: [37, 0]})
        card = cards[0]
        # 1,234,567 × 70 % × 87.5 % = 756,172.2875; 1,234,567 × 30 % × 92.5 % = 342,592.3425
        self.assertEqual(self._kpi_line(card, self.volume).achievement, 87.5)
        self.assertEqual(self._kpi_line(card, self.csat).achievement, 92.5)
        self.assertEqual(self._kpi_line(card, self.volume).bonus_amount, 756_172)
        self.assertEqual(self._kpi_line(card, self.csat).bonus_amount, 342_592)
        self.assertEqual(card.bonus_amount, 1_098_764)
        # 1,005 × 70 % × 100 % = 703.5 → 704 (half up); CSAT 0 % pays nothing
        self.assertEqual(self._kpi_line(cards[1], self.volume).bonus_amount, 704)
        self.assertEqual(cards[1].bonus_amount, 704)

    def test_employee_base_overrides_plan_base(self):
        plan = self._create_plan([self._line(self.volume, 100, 100)], bonus_base=1_000_000)
        self.agent1.kpi_bonus_base = 2_500_000
        cards = self._compute(plan, {self.volume: [100, 100, 50]})
        self.assertEqual(cards[0].bonus_amount, 2_500_000)
        self.assertEqual(cards[1].bonus_amount, 1_000_000)
        self.assertEqual(cards[2].bonus_amount, 500_000)

    def test_employee_base_read_for_a_kpi_officer_outside_hr(self):
        """The bonus base is HR data; a KPI officer who is not an HR user still gets it
        applied when computing (the scorecards' write access is checked first)."""
        officer = new_test_user(
            self.env,
            "kpi_officer_no_hr",
            groups="base.group_user,kpi_callcenter.group_kpi_officer",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        plan = self._create_plan([self._line(self.volume, 100, 100)], bonus_base=1_000_000)
        self.agent1.kpi_bonus_base = 3_000_000
        self._add_manual_values(self.volume, {self.agent1: 100})
        cards = plan.with_user(officer).generate_scorecards(self.date_from, self.date_to)
        self.assertEqual(cards.filtered(lambda c: c.employee_id == self.agent1).bonus_amount, 3_000_000)
        with self.assertRaises(AccessError):
            self.agent1.with_user(officer).read(["kpi_bonus_base"])

    def test_recompute_follows_the_scale(self):
        # a draft plan (an active one changes its scale through a new version)
        plan = self._create_plan([self._line(self.volume, 100, 100)], bonus_base=1_000_000, activate=False)
        card = self._compute(plan, {self.volume: [90]})[0]
        self.assertEqual(card.bonus_amount, 900_000)
        plan.payout_scale_id = self.step
        card.action_compute()
        self.assertEqual(card.bonus_amount, 500_000)
        card.action_confirm()
        plan.payout_scale_id = self.linear
        self._generate(plan)
        self.assertEqual(card.bonus_amount, 500_000, "a confirmed scorecard keeps its bonus")

    # ------------------------------------------------------------------
    # The seed's example
    # ------------------------------------------------------------------
    def test_tailor(self):
        """A tailor's bonus: 70 % for the volume plan (200 pieces, nothing under 80 %), 30 %
        for not exceeding the acceptable defect rate (2 %, lower is better), on a step scale;
        more than 4 % defects (achievement under 50 %) closes the gate."""
        plan = self._create_plan(
            [
                self._line(self.volume, 70, 200, threshold=80),
                self._line(self.defect, 30, 2.0, threshold=50, is_gate=True, payout_scale_id=self.step.id),
            ],
            bonus_base=1_000_000,
        )
        cards = self._compute(
            plan,
            {
                self.volume: [220, 150, 180, 260, 200],
                # agent 1 enters two values: the month's rate is their average, 2.0 %
                self.defect: [[1.5, 2.5], 2.5, 2.2, 1.6, 5.0],
            },
        )
        expected = [
            # (volume achievement, defect achievement, volume bonus, defect bonus, total)
            (110, 100, 770_000, 300_000, 1_070_000),  # 110 % × 70 %; defect on target: 100 %
            (75, 80, 0, 150_000, 150_000),  # volume under 80 %; defect 2/2.5 = 80 % → step 50 %
            (90, 90.91, 630_000, 150_000, 780_000),  # 2/2.2 = 90.91 % → still the 80 % step
            (130, 125, 910_000, 390_000, 1_300_000),  # 2/1.6 = 125 % → top step 130 %
            (100, 40, 0, 0, 0),  # 2/5 = 40 % < 50 %: the quality gate is closed
        ]
        for card, (volume_ach, defect_ach, volume_bonus, defect_bonus, total) in zip(
            cards, expected, strict=True
        ):
            volume, defect = self._kpi_line(card, self.volume), self._kpi_line(card, self.defect)
            self.assertAlmostEqual(volume.achievement, volume_ach, places=2, msg=card.name)
            self.assertAlmostEqual(defect.achievement, defect_ach, places=2, msg=card.name)
            self.assertEqual(volume.bonus_amount, volume_bonus, card.name)
            self.assertEqual(defect.bonus_amount, defect_bonus, card.name)
            self.assertEqual(card.bonus_amount, total, card.name)
        self.assertEqual(self._kpi_line(cards[2], self.defect).payout, 50)

    # ------------------------------------------------------------------
    # Set-based computation
    # ------------------------------------------------------------------
    def test_bonus_queries_do_not_grow_with_scorecards(self):
        plan = self._create_plan(
            [
                self._line(self.volume, 70, 100, payout_scale_id=self.step.id),
                self._line(self.csat, 30, 100, threshold=50, is_gate=True),
            ],
            bonus_base=1_000_000,
            payout_scale_id=self.linear.id,
        )
        self.agent1.kpi_bonus_base = 2_000_000
        cards = self._compute(plan, {self.volume: [80, 90, 100, 110, 120], self.csat: [90] * 5})
        ids = [card.id for card in cards]

        def count(card_ids):
            records = self.env["kpi.scorecard"].with_user(self.user_officer).browse(card_ids)
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            records._refresh_figures()
            self.env.flush_all()
            return self.env.cr.sql_log_count - start

        count(ids)  # warm the caches of access rules and the like
        self.assertEqual(count(ids[:2]), count(ids))
        # volume 80 % on its step scale → 50 %; CSAT 90 % on the plan's linear scale → 75 %
        self.assertEqual(cards[0].bonus_amount, 2_000_000 * 0.7 * 0.5 + 2_000_000 * 0.3 * 0.75)

    # ------------------------------------------------------------------
    # Constraints, access, multi-company
    # ------------------------------------------------------------------
    def test_scale_errors_name_the_scale(self):
        with self.assertRaisesRegex(ValidationError, "Payout scale Bad: .*cannot be negative"):
            self._create_payout_scale([(80, -5)], name="Bad")
        with self.assertRaisesRegex(ValidationError, "Payout scale Empty: add at least one tier"):
            self._create_payout_scale([], name="Empty")

    def test_scale_preview(self):
        self.assertIn("90 % achieved → 75.0 % paid", self.linear.preview)
        self.assertIn("150 % achieved → 130.0 % paid", self.step.preview)

    def test_scale_access(self):
        agent_user = self.agent_users[0]
        self.assertEqual(self.step.with_user(agent_user).read(["mode"])[0]["mode"], "step")
        with self.assertRaises(AccessError):
            self.step.with_user(agent_user).write({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.step.tier_ids[0].with_user(self.user_officer).write({"payout": 200})
        scale = (
            self.env["kpi.payout.scale"]
            .with_user(self.user_hr_manager)
            .create({"name": "HR's", "tier_ids": [(0, 0, {"achievement": 100, "payout": 100})]})
        )
        self.assertEqual(scale.company_id, self.company)

    def test_scale_multi_company(self):
        other = self.env["res.company"].create({"name": "Other KPI Co"})
        foreign = self._create_payout_scale([(100, 100)], name="Foreign", company=other)
        Scale = self.env["kpi.payout.scale"].with_user(self.user_hr_manager)
        self.assertNotIn(foreign, Scale.search([]))
        self.assertFalse(
            self.env["kpi.payout.scale.tier"].with_user(self.user_hr_manager).search(
                [("scale_id", "=", foreign.id)]
            )
        )
        plan = self._create_plan([self._line(self.volume, 100, 100)], activate=False)
        with self.assertRaisesRegex(UserError, "Payout scale"):
            plan.payout_scale_id = foreign
        with self.assertRaisesRegex(UserError, "Payout scale"):
            plan.line_ids.payout_scale_id = foreign
