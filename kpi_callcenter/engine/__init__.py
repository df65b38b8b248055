"""Pure-Python KPI math: no Odoo import here, doctested, usable without a database."""

from . import achievement, cdr, costing, payout, proration
from . import chart
from . import calibration
from . import callgap
from . import days, period
from . import scorecard
from . import band
from . import ignored_numbers
from . import pool
from . import correction
