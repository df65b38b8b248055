# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL


class KpiMeasureSale(models.AbstractModel):
    """Sale orders of the employee's user (salesperson), credited by the definition's
    ``sale_credit_on``: on confirmation (by order date), on delivery (the day its last
    delivery to the customer was done, net of the goods returned within the company's
    window) or on payment (the day each invoice was paid, net of its credit notes within
    the window). One grouped query per company and way of crediting."""

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
            figures = {
                credit_on: self._get_credited_figures(
                    company, credit_on, by_user, date_from, date_to, start, stop
                )
                for credit_on in set(order_definitions.mapped("sale_credit_on"))
            }
            for definition in company_definitions:
                if definition.measure == "product_qty":
                    result[definition.id] = self._get_product_qty(definition, by_user, start, stop)
                    continue
                values = result[definition.id] = {}
                for employee_id, (count, revenue) in figures[definition.sale_credit_on].items():
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
    def _get_credited_figures(self, company, credit_on, by_user, date_from, date_to, start, stop):
        """``{employee_id: (orders, untaxed revenue)}`` credited in the period the way
        ``credit_on`` says; an order whose returns or refunds cancel it counts no more."""
        if credit_on == "confirmation":
            return self._get_order_figures(company, by_user, start, stop)
        figures = {}
        for user_id, _order_id, revenue in self._get_credited_orders(
            company, credit_on, by_user, date_from, date_to, start, stop
        ):
            count, total = figures.get(by_user[user_id], (0, 0.0))
            figures[by_user[user_id]] = (count + (1 if revenue > 0 else 0), total + float(revenue))
        return figures

    @api.model
    def _get_credited_orders(self, company, credit_on, by_user, date_from, date_to, start, stop):
        """``[(user_id, order_id, net untaxed revenue)]`` of the orders credited in the
        period on delivery or on payment, in one query."""
        if credit_on == "payment":
            query = self._paid_orders_query(company, by_user, date_from, date_to)
        elif credit_on == "delivery" and self.env["kpi.definition"]._kpi_sale_stock_installed():
            query = self._delivered_orders_query(company, by_user, start, stop)
        else:
            return []
        return self.env.execute_query(query)

    @api.model
    def _paid_orders_query(self, company, by_user, date_from, date_to):
        """Orders of an invoice paid in the period (the latest reconciliation date of its
        receivable with anything but a credit note): the untaxed amount of those invoices
        (company currency) minus their credit notes dated up to the window's end."""
        self.env["sale.order"].flush_model(["state", "company_id", "user_id"])
        self.env["sale.order.line"].flush_model(["order_id", "invoice_lines"])
        self.env["account.move"].flush_model(
            ["move_type", "state", "payment_state", "amount_untaxed_signed", "invoice_date",
             "reversed_entry_id"]
        )
        self.env["account.move.line"].flush_model(["move_id"])
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "credit_move_id", "max_date"])
        return SQL(
            """
            WITH order_moves AS (
                SELECT DISTINCT so.id AS order_id, so.user_id, aml.move_id
                  FROM sale_order so
                  JOIN sale_order_line sol ON sol.order_id = so.id
                  JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                 WHERE so.state = 'sale'
                   AND so.company_id = %(company)s
                   AND so.user_id IN %(users)s
            ), invoices AS (
                SELECT om.order_id, om.user_id, am.id AS move_id, am.amount_untaxed_signed AS amount,
                       (SELECT MAX(apr.max_date)
                          FROM account_move_line rl
                          JOIN account_partial_reconcile apr ON apr.debit_move_id = rl.id
                          JOIN account_move_line cl ON cl.id = apr.credit_move_id
                          JOIN account_move cm ON cm.id = cl.move_id
                         WHERE rl.move_id = am.id
                           AND cm.move_type != 'out_refund') AS paid_on
                  FROM order_moves om
                  JOIN account_move am ON am.id = om.move_id
                 WHERE am.move_type = 'out_invoice'
                   AND am.state = 'posted'
                   AND am.payment_state IN ('paid', 'in_payment')
            ), credited AS (
                SELECT * FROM invoices
                 WHERE paid_on >= %(date_from)s AND paid_on <= %(date_to)s
            ), refunds AS (
                SELECT c.move_id, SUM(rm.amount_untaxed_signed) AS amount
                  FROM credited c
                  JOIN account_move rm ON rm.reversed_entry_id = c.move_id
                 WHERE rm.move_type = 'out_refund'
                   AND rm.state = 'posted'
                   AND rm.invoice_date <= c.paid_on + %(window)s
              GROUP BY c.move_id
            )
            SELECT c.user_id, c.order_id, SUM(c.amount + COALESCE(r.amount, 0))
              FROM credited c
         LEFT JOIN refunds r ON r.move_id = c.move_id
          GROUP BY c.user_id, c.order_id
            """,
            company=company.id,
            users=tuple(by_user),
            date_from=date_from,
            date_to=date_to,
            window=company.kpi_sale_return_days,
        )

    @api.model
    def _delivered_orders_query(self, company, by_user, start, stop):
        """Orders whose moves to the customer are all done (or cancelled), the last one
        done in the period: the goods delivered at the order line's untaxed unit price,
        minus those returned from the customer up to the window's end (company currency).
        Only with ``sale_stock`` installed."""
        self.env["sale.order"].flush_model(["state", "company_id", "user_id", "currency_rate"])
        self.env["sale.order.line"].flush_model(["order_id", "price_reduce_taxexcl"])
        self.env["stock.move"].flush_model(
            ["sale_line_id", "state", "date", "quantity", "location_id", "location_dest_id"]
        )
        return SQL(
            """
            WITH moves AS (
                SELECT so.id AS order_id, so.user_id, sm.state, sm.date, sm.quantity,
                       sol.price_reduce_taxexcl / COALESCE(NULLIF(so.currency_rate, 0), 1) AS price,
                       dest.usage AS dest_usage, src.usage AS src_usage
                  FROM sale_order so
                  JOIN sale_order_line sol ON sol.order_id = so.id
                  JOIN stock_move sm ON sm.sale_line_id = sol.id
                  JOIN stock_location dest ON dest.id = sm.location_dest_id
                  JOIN stock_location src ON src.id = sm.location_id
                 WHERE so.state = 'sale'
                   AND so.company_id = %(company)s
                   AND so.user_id IN %(users)s
            ), delivered AS (
                SELECT order_id, user_id,
                       MAX(date) FILTER (WHERE dest_usage = 'customer' AND state = 'done') AS delivered_on
                  FROM moves
              GROUP BY order_id, user_id
                HAVING BOOL_AND(state IN ('done', 'cancel') OR dest_usage != 'customer')
                   AND COUNT(*) FILTER (WHERE dest_usage = 'customer' AND state = 'done') > 0
            )
            SELECT d.user_id, d.order_id,
                   SUM(CASE WHEN m.dest_usage = 'customer' THEN m.quantity * m.price
                            WHEN m.src_usage = 'customer'
                             AND m.date < d.delivered_on + make_interval(days => %(window)s)
                            THEN -m.quantity * m.price
                            ELSE 0 END)
              FROM delivered d
              JOIN moves m ON m.order_id = d.order_id AND m.state = 'done'
             WHERE d.delivered_on >= %(start)s AND d.delivered_on < %(stop)s
          GROUP BY d.user_id, d.order_id
            """,
            company=company.id,
            users=tuple(by_user),
            start=start,
            stop=stop,
            window=company.kpi_sale_return_days,
        )

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
        category for the quantity sold), or the orders credited on delivery or payment: the
        filter of the grouped queries above."""
        start, stop = self._period_bounds(date_from, date_to, employee.company_id[:1])
        user_ids = employee.user_id.ids
        if definition.measure == "product_qty":
            return "sale.order.line", self._product_qty_domain(definition, user_ids, start, stop)
        if definition.sale_credit_on != "confirmation":
            rows = (
                self._get_credited_orders(
                    definition.company_id, definition.sale_credit_on, {user_ids[0]: employee.id},
                    date_from, date_to, start, stop,
                )
                if user_ids
                else []
            )
            return "sale.order", [("id", "in", [order_id for _user, order_id, _rev in rows])]
        return "sale.order", [
            ("state", "=", "sale"),
            ("company_id", "=", definition.company_id.id),
            ("user_id", "in", user_ids),
            ("date_order", ">=", start),
            ("date_order", "<", stop),
        ]
