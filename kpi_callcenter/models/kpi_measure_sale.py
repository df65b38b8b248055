# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL


class KpiMeasureSale(models.AbstractModel):
    """Confirmed sale orders of the employee's user (salesperson), by order date."""

    _name = "kpi.measure.sale"
    _inherit = "kpi.measure"
    _description = "KPI Measure: Sales"

    @api.model
    def _measure_aggregations(self):
        return {
            "order_count": "count",
            "revenue": "sum",
            "avg_order_value": "avg",
            "product_qty": "sum",
        }

    @api.model
    def _get_values_batch(self, definitions, employees, date_from, date_to):
        """Order count, revenue and average order value of every definition of a company
        from one query; quantities sold (a product category each) one query apiece."""
        scope = self._user_period(employees, date_from, date_to)
        if not scope:
            return {definition.id: {} for definition in definitions}
        by_user, start, stop = scope
        result = {}
        for company, company_definitions in definitions.grouped("company_id").items():
            order_definitions = company_definitions.filtered(lambda d: d.measure != "product_qty")
            orders = self._get_order_figures(company, by_user, start, stop) if order_definitions else {}
            for definition in company_definitions:
                if definition.measure == "product_qty":
                    result[definition.id] = self._get_product_qty(definition, by_user, start, stop)
                    continue
                values = result[definition.id] = {}
                for employee_id, (count, revenue) in orders.items():
                    if definition.measure == "order_count":
                        values[employee_id] = float(count)
                    elif definition.measure == "revenue":
                        values[employee_id] = float(revenue)
                    else:  # avg_order_value
                        values[employee_id] = float(revenue) / count if count else 0.0
        return result

    @api.model
    def _get_order_figures(self, company, by_user, start, stop):
        """``{employee_id: (confirmed orders, untaxed revenue)}`` in one grouped query."""
        self.env["sale.order"].flush_model(
            ["state", "company_id", "user_id", "date_order", "amount_untaxed", "currency_rate"]
        )
        # Untaxed amount in company currency: sale.order.currency_rate converts the
        # company currency into the order currency.
        rows = self.env.execute_query(
            SQL(
                """
                SELECT so.user_id,
                       COUNT(*),
                       COALESCE(SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)), 0)
                  FROM sale_order so
                 WHERE so.state = 'sale'
                   AND so.company_id = %(company)s
                   AND so.user_id IN %(users)s
                   AND so.date_order >= %(start)s AND so.date_order < %(stop)s
              GROUP BY so.user_id
                """,
                company=company.id,
                users=tuple(by_user),
                start=start,
                stop=stop,
            )
        )
        return {by_user[user_id]: (count, revenue) for user_id, count, revenue in rows}

    @api.model
    def _get_product_qty(self, definition, by_user, start, stop):
        groups = self.env["sale.order.line"]._read_group(
            self._product_qty_domain(definition, list(by_user), start, stop),
            ["salesman_id"],
            ["product_uom_qty:sum"],
        )
        return {by_user[user.id]: qty for user, qty in groups}

    @api.model
    def _product_qty_domain(self, definition, user_ids, start, stop):
        domain = [
            ("order_id.state", "=", "sale"),
            ("order_id.company_id", "=", definition.company_id.id),
            ("order_id.date_order", ">=", start),
            ("order_id.date_order", "<", stop),
            ("salesman_id", "in", user_ids),
            ("display_type", "=", False),
        ]
        if definition.product_categ_id:
            domain.append(("product_id.categ_id", "child_of", definition.product_categ_id.id))
        return domain

    @api.model
    def _get_records_domain(self, definition, employee, date_from, date_to):
        """Confirmed orders of the employee's user in the period (the order lines of the
        category for the quantity sold): the filter of the grouped query above."""
        start, stop = self._period_bounds(date_from, date_to, employee.company_id[:1])
        user_ids = employee.user_id.ids
        if definition.measure == "product_qty":
            return "sale.order.line", self._product_qty_domain(definition, user_ids, start, stop)
        return "sale.order", [
            ("state", "=", "sale"),
            ("company_id", "=", definition.company_id.id),
            ("user_id", "in", user_ids),
            ("date_order", ">=", start),
            ("date_order", "<", stop),
        ]
