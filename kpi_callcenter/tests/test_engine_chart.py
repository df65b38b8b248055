# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The progress chart geometry (pure Python, no database)."""

import doctest

from odoo.tests import BaseCase, tagged

from ..engine import chart


@tagged("post_install", "-at_install", "kpi_engine", "kpi_portal")
class TestEngineChart(BaseCase):
    def test_doctests(self):
        result = doctest.testmod(chart)
        self.assertGreater(result.attempted, 0)
        self.assertEqual(result.failed, 0)

    def test_bars_fit_and_order(self):
        drawn = chart.bar_chart([40.0, None, 100.0, 180.0], width=240, height=90)
        self.assertEqual(drawn["top"], 180.0)
        bars = drawn["bars"]
        self.assertEqual(len(bars), 4)
        # fewer periods than slots: the bars sit on the right, the last one rightmost
        self.assertEqual(bars[-1]["label_x"], 220.0)
        self.assertTrue(bars[1]["missing"])
        self.assertEqual(bars[1]["height"], 0.0)
        for bar in bars:
            self.assertGreaterEqual(bar["y"], 0.0)
            self.assertLessEqual(bar["y"] + bar["height"], drawn["plot_height"])
        self.assertEqual(bars[3]["height"], drawn["plot_height"], "the highest value fills the plot")
        self.assertAlmostEqual(drawn["reference_y"], 76 - 100 / 180 * 76, places=2)
        self.assertEqual(chart.bar_chart([-20.0])["bars"][0]["height"], 0.0, "negative: no bar")
