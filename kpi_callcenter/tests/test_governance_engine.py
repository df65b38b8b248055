# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import doctest

from odoo.tests import BaseCase, tagged

from ..engine import calibration


@tagged("post_install", "-at_install", "kpi_engine")
class TestCalibrationDoctests(BaseCase):
    def test_doctests(self):
        result = doctest.testmod(calibration)
        self.assertGreater(result.attempted, 0)
        self.assertEqual(result.failed, 0)
