/** @odoo-module **/

import { registry } from "@web/core/registry";

// Data: kpi_callcenter/tests/common_portal.py (agent 1, six monthly scorecards).
registry.category("web_tour.tours").add("kpi_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open My KPIs (the entry shows once the counters found scorecards)",
            trigger: 'a[href="/my/kpi"]:contains("My KPIs")',
            run: "click",
        },
        {
            content: "The list shows March 2027 with its score",
            trigger: 'tr.o_kpi_scorecard_row:contains("03/2027") .o_kpi_score:contains("94.00")',
        },
        {
            content: "Open the March 2027 scorecard",
            trigger: 'tr.o_kpi_scorecard_row:contains("03/2027") a.o_kpi_scorecard_link',
            run: "click",
        },
        {
            content: "Total score",
            trigger: ".o_kpi_total_score:contains('94.00')",
        },
        {
            content: "Calls: target, actual, achievement, score",
            trigger: 'tr[data-kpi-code="CALLS"] .o_kpi_target:contains("100.00")',
        },
        {
            trigger: 'tr[data-kpi-code="CALLS"] .o_kpi_actual:contains("90.00")',
        },
        {
            trigger: 'tr[data-kpi-code="CALLS"] .o_kpi_achievement:contains("90.00 %")',
        },
        {
            trigger: 'tr[data-kpi-code="CALLS"] .o_kpi_line_score:contains("54.00")',
        },
        {
            content: "What the KPI measures",
            trigger: 'tr[data-kpi-code="CALLS"] .o_kpi_explanation:contains("from the PBX log")',
        },
        {
            content: "CSAT achievement",
            trigger: 'tr[data-kpi-code="CSAT"] .o_kpi_achievement:contains("100.00 %")',
        },
        {
            content: "The calls chart has six periods, March last at 90 %",
            trigger: '.o_kpi_chart_card[data-kpi-code="CALLS"] .o_kpi_chart_bar[data-period="03/27"][data-achievement="90.00"]',
        },
        {
            content: "Open the dispute form of the calls line",
            trigger: 'tr[data-kpi-code="CALLS"] .o_kpi_dispute_toggle',
            run: "click",
        },
        {
            content: "The dispute form is prefilled for that line",
            trigger: ".o_kpi_dispute_row.show textarea[name=message]",
            run: "edit The calls of 12 March are missing.",
        },
        {
            trigger: ".o_kpi_dispute_row.show button[type=submit]",
            run: "click",
        },
        {
            content: "The dispute is sent and shown in the chatter",
            trigger: ".o_kpi_dispute_sent",
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Message:contains(The calls of 12 March are missing.)",
        },
    ],
});
