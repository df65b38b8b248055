from . import kpi_scorecard_generate
from . import kpi_scorecard_export
from . import kpi_plan_activate
from . import kpi_plan_simulate
from . import kpi_call_source_token
from . import kpi_scorecard_confirm
from . import kpi_scorecard_what_if
from . import kpi_rating_void
