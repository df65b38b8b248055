/** @odoo-module **/
// A KPI quantity (target, actual): a count KPI shows whole numbers ("17", not "17.00"),
// every other KPI the field's digits. The record needs the "aggregation" field.
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/core/utils/numbers";
import { FloatField, floatField } from "@web/views/fields/float/float_field";

export class KpiQuantityField extends FloatField {
    get formattedValue() {
        const value = this.value;
        if (this.props.record.data.aggregation === "count" && Number.isInteger(value)) {
            return formatFloat(value, { digits: [16, 0] });
        }
        return super.formattedValue;
    }
}

export const kpiQuantityField = { ...floatField, component: KpiQuantityField };

registry.category("fields").add("kpi_quantity", kpiQuantityField);
