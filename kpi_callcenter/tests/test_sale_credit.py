# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sales credited when the money is real: on confirmation (as before) or on payment (an
invoice posted and paid), net of the credit notes within the company's window (30 days).

Orders of agent 1 (untaxed, VND; date of order / invoice paid on / credit note):

- A 1,000,000: ordered 2027-02-20, paid 2027-03-05;
- B 2,000,000: ordered 2027-03-02, paid 2027-03-10, credit note 500,000 on 2027-03-20 (10 days
  later: inside the window);
- C 800,000: ordered 2027-03-03, paid 2027-03-12, credit note 300,000 on 2027-05-01 (50 days
  later: outside the window);
- D 700,000: ordered 2027-03-15, invoiced, not paid.

Agent 2: E 400,000 ordered 2027-02-10, paid 2027-02-28 (February).
"""

from datetime import date, datetime

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import KpiCommon


@tagged("post_install", "-at_install")
class TestSaleCredit(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.chart.template"].try_loading("generic_coa", company=cls.company, install_demo=False)
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.company.kpi_sale_return_days = 30
        cls.revenue_paid = cls._create_definition(
            "REV_PAID", source="sale", measure="revenue", sale_credit_on="payment"
        )
        cls.orders_paid = cls._create_definition(
            "ORD_PAID", source="sale", measure="order_count", sale_credit_on="payment"
        )
        cls.revenue_confirmed = cls._create_definition("REV_CONF", source="sale", measure="revenue")
        user1, user2 = cls.agent_users[0], cls.agent_users[1]
        cls.order_a = cls._paid_order(user1, 1_000_000, datetime(2027, 2, 20, 10), date(2027, 3, 5))
        cls.order_b = cls._paid_order(user1, 2_000_000, datetime(2027, 3, 2, 10), date(2027, 3, 10))
        cls._refund(cls.order_b, 500_000, date(2027, 3, 20))
        cls.order_c = cls._paid_order(user1, 800_000, datetime(2027, 3, 3, 10), date(2027, 3, 12))
        cls._refund(cls.order_c, 300_000, date(2027, 5, 1))
        cls.order_d = cls._paid_order(user1, 700_000, datetime(2027, 3, 15, 10), None)
        cls.order_e = cls._paid_order(user2, 400_000, datetime(2027, 2, 10, 10), date(2027, 2, 28))

    @classmethod
    def _paid_order(cls, user, amount, when, paid_on):
        order = cls._create_sale_order(user, amount, when)
        invoice = order._create_invoices()
        invoice.invoice_date = when.date()
        invoice.action_post()
        if paid_on:
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": paid_on}).action_create_payments()
        return order

    @classmethod
    def _refund(cls, order, amount, day):
        invoice = order.invoice_ids
        refund = cls.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "invoice_date": day,
                "reversed_entry_id": invoice.id,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": cls.product.id, "quantity": 1, "price_unit": amount,
                         "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        refund.action_post()
        return refund

    def _values(self, definitions, date_from, date_to):
        return definitions._measure(self.agents, date_from, date_to)

    def test_credit_on_payment_net_of_refunds_in_the_window(self):
        march = self._values(
            self.revenue_paid | self.orders_paid | self.revenue_confirmed, date(2027, 3, 1), date(2027, 3, 31)
        )
        # paid in March: A 1,000,000 + B (2,000,000 - 500,000 refunded after 10 days) + C 800,000
        # (its refund 50 days later is outside the window) = 3,300,000 in 3 orders; D is unpaid
        self.assertEqual(march[self.revenue_paid.id].get(self.agent1.id), 3_300_000)
        self.assertEqual(march[self.orders_paid.id].get(self.agent1.id), 3)
        self.assertFalse(march[self.revenue_paid.id].get(self.agent2.id))
        # on confirmation, as before: ordered in March B 2,000,000 + C 800,000 + D 700,000
        self.assertEqual(march[self.revenue_confirmed.id].get(self.agent1.id), 3_500_000)
        february = self._values(self.revenue_paid, date(2027, 2, 1), date(2027, 2, 28))
        self.assertEqual(february[self.revenue_paid.id].get(self.agent2.id), 400_000)
        self.assertFalse(february[self.revenue_paid.id].get(self.agent1.id))

    def test_window_of_the_company(self):
        """With a 60-day window, C's credit note 50 days after its payment counts too."""
        self.company.kpi_sale_return_days = 60
        march = self._values(self.revenue_paid, date(2027, 3, 1), date(2027, 3, 31))
        # 3,300,000 - 300,000 = 3,000,000
        self.assertEqual(march[self.revenue_paid.id].get(self.agent1.id), 3_000_000)

    def test_drill_down_lists_the_credited_orders(self):
        model, domain = self.env["kpi.measure.sale"]._get_records_domain(
            self.revenue_paid, self.agent1, date(2027, 3, 1), date(2027, 3, 31)
        )
        self.assertEqual(model, "sale.order")
        self.assertEqual(self.env[model].search(domain), self.order_a | self.order_b | self.order_c)

    def test_delivery_needs_the_inventory_link(self):
        installed = self.env["kpi.definition"]._kpi_sale_stock_installed()
        options = [key for key, _label in self.env["kpi.definition"].fields_get(
            ["sale_credit_on"])["sale_credit_on"]["selection"]]
        self.assertEqual("delivery" in options, installed)
        if not installed:
            with self.assertRaisesRegex(ValidationError, "sale_stock"):
                self._create_definition("REV_DELIV", source="sale", measure="revenue", sale_credit_on="delivery")
        with self.assertRaisesRegex(ValidationError, "only orders, revenue and average order value"):
            self._create_definition("QTY_PAID", source="sale", measure="product_qty", sale_credit_on="payment")
