from . import kpi_scorecard
from . import hr_payslip
from . import kpi_scorecard_advance
