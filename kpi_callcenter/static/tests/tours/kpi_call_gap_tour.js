/** @odoo-module **/

import { registry } from "@web/core/registry";

// Data: kpi_callcenter/tests/test_call_gap_tour.py (a February 2026 scorecard of a plan with a
// call KPI; the PBX sent calls on 2 February only). The tour starts on that scorecard's form.
registry.category("web_tour.tours").add("kpi_call_gap_tour", {
    steps: () => [
        {
            content: "Confirm the computed scorecard",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "The dialog lists the working days without calls, per PBX",
            trigger: '.modal .o_field_html:contains("Asterisk HCM"):contains("no call on 19 working day(s)")',
        },
        {
            content: "Nothing is confirmed yet; confirm anyway",
            trigger: '.modal button[name="action_confirm_anyway"]',
            run: "click",
        },
        {
            content: "The scorecard is confirmed",
            trigger: '.o_statusbar_status button[aria-checked="true"]:contains("Confirmed")',
        },
        {
            content: "The acknowledgement is in the chatter",
            trigger: '.o-mail-Message:contains("confirmed this scorecard despite missing call data")',
        },
    ],
});
