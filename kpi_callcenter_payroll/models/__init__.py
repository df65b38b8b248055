from . import kpi_scorecard
from . import kpi_scorecard_correction
from . import hr_payslip_kpi_correction
from . import hr_payslip
from . import kpi_scorecard_advance
from . import res_company
from . import res_config_settings
