from . import test_payroll
