from . import kpi_call_report
from . import kpi_agent_activity_report
from . import kpi_audit_report
