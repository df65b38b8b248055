/** @odoo-module **/

import { registry } from "@web/core/registry";

// Data: kpi_callcenter/tests/common_portal.py (agent 1, March 2027, bonus 940,000 VND).
// CALLS 100 instead of 90: 600,000 + 400,000 = 1,000,000 VND (the engine's figure,
// asserted in tests/test_what_if.py).
registry.category("web_tour.tours").add("kpi_what_if_tour", {
    steps: () => [
        {
            content: "The what-if form lists the KPIs",
            trigger: 'tr.o_kpi_what_if_line[data-kpi-code="CALLS"] input.o_kpi_what_if_input',
            run: "edit 100",
        },
        {
            content: "Compute",
            trigger: "button.o_kpi_what_if_submit",
            run: "click",
        },
        {
            content: "CALLS reaches 100 %",
            trigger: 'tr.o_kpi_what_if_line[data-kpi-code="CALLS"] .o_kpi_what_if_achievement:contains("100.00 %")',
        },
        {
            content: "The bonus is the engine's",
            trigger: '.o_kpi_what_if_bonus:contains("1,000,000")',
        },
    ],
});
