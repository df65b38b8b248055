from . import kpi_scorecard_generate
