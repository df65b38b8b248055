from . import test_payroll
from . import test_payroll_trial
from . import test_payroll_demo
from . import test_screenshots
