# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "KPI Call Center",
    "summary": "KPIs, leave-aware monthly scorecards and KPI-linked bonus for "
    "customer-service and telesales teams",
    "version": "18.0.1.0.0",
    "category": "Human Resources",
    "author": "KPI Call Center",
    "website": "https://github.com/kpi-callcenter/kpi_callcenter",
    "license": "LGPL-3",
    "depends": [
        "hr",
        "hr_holidays",
        "sale",
        "helpdesk_mgmt",
        "portal",
        "mail",
    ],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/security.xml",
        "security/ir.model.access.csv",
        "data/hr_leave_type_data.xml",
        "wizards/kpi_scorecard_generate_views.xml",
        "views/kpi_objective_views.xml",
        "views/kpi_definition_views.xml",
        "views/kpi_payout_scale_views.xml",
        "views/kpi_plan_views.xml",
        "views/kpi_scorecard_views.xml",
        "views/kpi_manual_value_views.xml",
        "views/hr_employee_views.xml",
        "views/hr_leave_type_views.xml",
        "views/helpdesk_views.xml",
        "views/menus.xml",
        "data/kpi_portal_cron.xml",
        "wizards/kpi_scorecard_export_views.xml",
        "views/kpi_scorecard_portal_views.xml",
        "views/hr_employee_portal_views.xml",
        "views/kpi_portal_templates.xml",
        "report/kpi_scorecard_report.xml",
    ],
    "demo": [
        "demo/kpi_demo.xml",
        "demo/kpi_payout_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "kpi_callcenter/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": True,
}
