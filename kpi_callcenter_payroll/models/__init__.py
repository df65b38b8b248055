from . import kpi_scorecard
from . import hr_payslip
