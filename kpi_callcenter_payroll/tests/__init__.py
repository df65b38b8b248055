from . import test_payroll
from . import test_payroll_trial
from . import test_payroll_sequences
from . import test_rpc_attack_payroll
from . import test_payroll_leaver
from . import test_payroll_demo
from . import test_screenshots
from . import test_payroll_correction
