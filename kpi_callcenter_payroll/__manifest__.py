# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "KPI Call Center - Payroll",
    "summary": "Pay the KPI bonus of confirmed scorecards through OCA Payroll salary rules",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Payroll",
    "author": "KPI Call Center",
    "website": "https://github.com/kpi-callcenter/kpi_callcenter",
    "license": "LGPL-3",
    "depends": ["kpi_callcenter", "payroll"],
    "data": [
        "security/security.xml",
        "security/ir.model.access.csv",
        "data/hr_salary_rule_data.xml",
        "views/hr_payslip_views.xml",
        "views/kpi_scorecard_views.xml",
        "views/kpi_scorecard_correction_views.xml",
        "views/res_config_settings_views.xml",
        "report/kpi_scorecard_report.xml",
    ],
    "demo": [
        "demo/hr_payroll_demo.xml",
    ],
    "installable": True,
    "auto_install": True,
}
