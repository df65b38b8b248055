# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import KpiCommon


@tagged("post_install", "-at_install", "kpi_measure")
class TestMeasures(KpiCommon):
    """Each source and measure, with numbers checked by hand."""

    def _values(self, definition, employees=None):
        return definition._compute_values(employees or self.agents, self.date_from, self.date_to)

    # ------------------------------------------------------------------
    # Sales
    # ------------------------------------------------------------------
    def test_sale_measures(self):
        u1, u2 = self.agent1.user_id, self.agent2.user_id
        self._create_sale_order(u1, 1_000_000, datetime(2027, 3, 2, 9, 0))
        self._create_sale_order(u1, 3_000_000, datetime(2027, 3, 31, 23, 0))
        self._create_sale_order(u2, 500_000, datetime(2027, 3, 15, 10, 0))
        # outside the period, or not confirmed: ignored
        self._create_sale_order(u1, 9_000_000, datetime(2027, 4, 1, 0, 0))
        self._create_sale_order(u1, 9_000_000, datetime(2027, 2, 28, 23, 59))
        self._create_sale_order(u1, 9_000_000, datetime(2027, 3, 5), confirm=False)
        count = self._create_definition("SO_COUNT", "sale", "order_count")
        revenue = self._create_definition("SO_REV", "sale", "revenue")
        aov = self._create_definition("SO_AOV", "sale", "avg_order_value")
        a1, a2, a3 = self.agents.ids
        self.assertEqual(self._values(count), {a1: 2.0, a2: 1.0, a3: 0.0})
        self.assertEqual(self._values(revenue), {a1: 4_000_000.0, a2: 500_000.0, a3: 0.0})
        self.assertEqual(self._values(aov), {a1: 2_000_000.0, a2: 500_000.0, a3: 0.0})

    def test_sale_product_qty_by_category(self):
        categ = self.env["product.category"].create({"name": "Phone accessories"})
        case = self.env["product.product"].create({"name": "Case", "categ_id": categ.id, "type": "consu"})
        other = self.env["product.product"].create({"name": "Charger", "type": "consu"})
        when = datetime(2027, 3, 10, 10, 0)
        self._create_sale_order(self.agent1.user_id, 600_000, when, qty=6, product=case)
        self._create_sale_order(self.agent1.user_id, 400_000, when, qty=4, product=other)
        self._create_sale_order(self.agent2.user_id, 200_000, when, qty=2, product=case)
        qty_all = self._create_definition("QTY_ALL", "sale", "product_qty")
        qty_cases = self._create_definition("QTY_CASES", "sale", "product_qty", product_categ_id=categ.id)
        a1, a2, a3 = self.agents.ids
        self.assertEqual(self._values(qty_all), {a1: 10.0, a2: 2.0, a3: 0.0})
        self.assertEqual(self._values(qty_cases), {a1: 6.0, a2: 2.0, a3: 0.0})

    # ------------------------------------------------------------------
    # Helpdesk
    # ------------------------------------------------------------------
    @freeze_time("2027-04-02 08:00:00")
    def test_helpdesk_measures(self):
        Ticket = self.env["helpdesk.ticket"]
        Stage = self.env["helpdesk.ticket.stage"]
        closed = Stage.create({"name": "Done (KPI test)", "closed": True, "company_id": self.company.id})
        open_stage = Stage.create({"name": "Open (KPI test)", "closed": False, "company_id": self.company.id})
        u1 = self.agent1.user_id

        def ticket(stage, due, closed_on=None, user=u1):
            record = Ticket.create(
                {
                    "name": "T",
                    "description": "T",
                    "user_id": user.id,
                    "stage_id": stage.id,
                    "company_id": self.company.id,
                    "kpi_due_date": due,
                }
            )
            record.closed_date = closed_on
            return record

        # agent 1: closed on time, closed late, closed without due date (on time),
        # open and past due (overdue), open and not yet due, closed last month (ignored)
        ticket(closed, datetime(2027, 3, 5), datetime(2027, 3, 4))
        ticket(closed, datetime(2027, 3, 5), datetime(2027, 3, 6))
        ticket(closed, False, datetime(2027, 3, 20))
        ticket(open_stage, datetime(2027, 3, 10))
        ticket(open_stage, datetime(2099, 1, 1))
        ticket(closed, datetime(2027, 2, 5), datetime(2027, 2, 6))
        # agent 2: one closed on time
        ticket(closed, datetime(2027, 3, 12), datetime(2027, 3, 11), user=self.agent2.user_id)
        a1, a2, a3 = self.agents.ids
        closed_count = self._create_definition("TK_CLOSED", "helpdesk", "closed_count")
        overdue = self._create_definition("TK_OVERDUE", "helpdesk", "overdue_count", direction="lower")
        on_time = self._create_definition("TK_ONTIME", "helpdesk", "on_time_rate")
        self.assertEqual(self._values(closed_count), {a1: 3.0, a2: 1.0, a3: 0.0})
        # closed late (due 5/3) + open past due (due 10/3)
        self.assertEqual(self._values(overdue), {a1: 2.0, a2: 0.0, a3: 0.0})
        self.assertAlmostEqual(self._values(on_time)[a1], 200.0 / 3)
        self.assertEqual(self._values(on_time)[a2], 100.0)

    def test_helpdesk_due_date_from_resolution_time(self):
        team = self.env["helpdesk.ticket.team"].create({"name": "CSKH", "company_id": self.company.id})
        Resolution = self.env["kpi.helpdesk.resolution.time"]
        Resolution.create({"team_id": team.id, "priority": "2", "hours": 4, "company_id": self.company.id})
        Resolution.create({"team_id": team.id, "hours": 24, "company_id": self.company.id})
        Ticket = self.env["helpdesk.ticket"]
        urgent = Ticket.create(
            {"name": "U", "description": "U", "team_id": team.id, "priority": "2", "company_id": self.company.id}
        )
        normal = Ticket.create(
            {"name": "N", "description": "N", "team_id": team.id, "priority": "1", "company_id": self.company.id}
        )
        given = Ticket.create(
            {
                "name": "G",
                "description": "G",
                "team_id": team.id,
                "company_id": self.company.id,
                "kpi_due_date": datetime(2030, 1, 1),
            }
        )
        self.assertEqual((urgent.kpi_due_date - urgent.create_date).total_seconds(), 4 * 3600)
        self.assertEqual((normal.kpi_due_date - normal.create_date).total_seconds(), 24 * 3600)
        self.assertEqual(given.kpi_due_date, datetime(2030, 1, 1))
        with self.assertRaises(ValidationError):
            Resolution.create({"team_id": team.id, "priority": "3", "hours": -1, "company_id": self.company.id})

    # ------------------------------------------------------------------
    # Manual
    # ------------------------------------------------------------------
    def test_manual_avg_and_sum(self):
        csat = self._create_definition("CSAT")
        tests = self._create_definition("TESTS", manual_aggregate="sum")
        self._add_manual_values(csat, {self.agent1: [4.0, 5.0], self.agent2: 3.0})
        self._add_manual_values(tests, {self.agent1: [10.0, 15.0]})
        # outside the period
        self._add_manual_values(csat, {self.agent1: 1.0}, day=self.date_to.replace(day=1, month=4))
        a1, a2, a3 = self.agents.ids
        self.assertEqual(self._values(csat), {a1: 4.5, a2: 3.0, a3: 0.0})
        self.assertEqual(self._values(tests), {a1: 25.0, a2: 0.0, a3: 0.0})
        self.assertEqual(csat.aggregation, "avg")
        self.assertEqual(tests.aggregation, "sum")

    def test_manual_value_needs_manual_kpi(self):
        sales = self._create_definition("SO_X", "sale", "order_count")
        with self.assertRaisesRegex(ValidationError, "not a manual KPI"):
            self._add_manual_values(sales, {self.agent1: 1.0})

    def test_manual_value_range(self):
        csat = self._create_definition(
            "CSAT_R", manual_restrict_range=True, manual_min_value=1.0, manual_max_value=5.0
        )
        kept = self._add_manual_values(csat, {self.agent1: [1.0, 5.0, 4.5]})
        # assertRaises (not ...Regex) rolls the failed write back, as the UI's transaction would
        with self.assertRaises(ValidationError) as caught:
            self._add_manual_values(csat, {self.agent2: 45.0})
        self.assertRegex(
            str(caught.exception),
            r"Agent 2 for KPI .*CSAT_R.* on 2027-03-10, field Value: 45\.0 is outside the KPI's range 1\.0 to 5\.0",
        )
        with self.assertRaises(ValidationError):
            kept[0].value = 0.0
        # a narrower range that stored values do not fit is refused; nothing is lost
        with self.assertRaises(ValidationError) as caught:
            csat.manual_max_value = 4.0
        self.assertRegex(str(caught.exception), r"Agent 1 .* 4\.5 is outside the KPI's range 1\.0 to 4\.0")
        with self.assertRaises(ValidationError) as caught:
            csat.manual_min_value = 6.0
        self.assertIn("field Lowest value: 6.0 is above the highest value 5.0", str(caught.exception))
        self.assertEqual((csat.manual_min_value, csat.manual_max_value), (1.0, 5.0))
        self.assertEqual(sorted(kept.mapped("value")), [1.0, 4.5, 5.0])
        # without the restriction anything goes (NPS, tests with bonus points…)
        open_kpi = self._create_definition("TESTS_R")
        self.assertEqual(self._add_manual_values(open_kpi, {self.agent2: 145.0}).value, 145.0)

    def test_manual_values_import_reports_the_bad_row(self):
        """Odoo's import (Favorites → Import records) names the row; nothing is stored."""
        csat = self._create_definition(
            "CSAT_I", manual_restrict_range=True, manual_min_value=1.0, manual_max_value=5.0
        )
        fields_ = ["employee_id", "definition_id", "date", "value"]
        rows = [
            ["Agent 1", "CSAT_I", "2027-03-10", "4"],
            ["Agent 2", "CSAT_I", "2027-03-10", "40"],
        ]
        result = self.env["kpi.manual.value"].with_context(import_file=True).load(fields_, rows)
        self.assertFalse(result["ids"])
        errors = {msg["record"]: msg["message"] for msg in result["messages"] if msg["type"] == "error"}
        self.assertIn(1, errors, result["messages"])
        self.assertIn("Agent 2", errors[1])
        self.assertIn("field Value: 40.0", errors[1])
        self.assertFalse(self.env["kpi.manual.value"].search([("definition_id", "=", csat.id)]))
        rows[1][3] = "4.5"
        result = self.env["kpi.manual.value"].with_context(import_file=True).load(fields_, rows)
        self.assertEqual(len(result["ids"]), 2, result["messages"])

    # ------------------------------------------------------------------
    # Domain
    # ------------------------------------------------------------------
    def _domain_kpi(self, code, model, **values):
        values.setdefault("domain_model_id", self.env["ir.model"]._get(model).id)
        return self._create_definition(code, "domain", **values)

    def test_domain_count_sum_avg(self):
        u1, u2 = self.agent1.user_id, self.agent2.user_id
        when = datetime(2027, 3, 10, 10, 0)
        self._create_sale_order(u1, 100.0, when)
        self._create_sale_order(u1, 300.0, when)
        self._create_sale_order(u2, 50.0, when)
        common = {
            "domain_filter": "[('state', '=', 'sale')]",
            "domain_date_field": "date_order",
            "domain_employee_field": "user_id",
        }
        count = self._domain_kpi("D_COUNT", "sale.order", domain_aggregate="count", **common)
        total = self._domain_kpi(
            "D_SUM", "sale.order", domain_aggregate="sum", domain_value_field="amount_untaxed", **common
        )
        avg = self._domain_kpi(
            "D_AVG", "sale.order", domain_aggregate="avg", domain_value_field="amount_untaxed", **common
        )
        a1, a2, a3 = self.agents.ids
        self.assertEqual(self._values(count), {a1: 2.0, a2: 1.0, a3: 0.0})
        self.assertEqual(self._values(total), {a1: 400.0, a2: 50.0, a3: 0.0})
        self.assertEqual(self._values(avg), {a1: 200.0, a2: 50.0, a3: 0.0})

    def test_domain_multi_hop_path_and_employee_target(self):
        when = datetime(2027, 3, 10, 10, 0)
        self._create_sale_order(self.agent1.user_id, 100.0, when, qty=3)
        self._create_sale_order(self.agent1.user_id, 100.0, when, qty=2)
        lines = self._domain_kpi(
            "D_LINES",
            "sale.order.line",
            domain_filter="[('order_id.state', '=', 'sale')]",
            domain_date_field="create_date",
            domain_employee_field="order_id.user_id",
            domain_aggregate="sum",
            domain_value_field="product_uom_qty",
        )
        values = lines._compute_values(self.agents, lines.create_date.date(), lines.create_date.date())
        self.assertEqual(values[self.agent1.id], 5.0)
        # a path that ends on hr.employee: manual values of another KPI, counted
        csat = self._create_definition("CSAT_SRC")
        self._add_manual_values(csat, {self.agent2: [1.0, 2.0, 3.0]})
        entries = self._domain_kpi(
            "D_ENTRIES",
            "kpi.manual.value",
            domain_filter=f"[('definition_id', '=', {csat.id})]",
            domain_date_field="date",
            domain_employee_field="employee_id",
        )
        self.assertEqual(self._values(entries)[self.agent2.id], 3.0)

    def test_domain_invalid_setup_is_refused(self):
        model_id = self.env["ir.model"]._get("sale.order").id
        base = {
            "domain_model_id": model_id,
            "domain_filter": "[]",
            "domain_date_field": "date_order",
            "domain_employee_field": "user_id",
        }
        cases = [
            ({"domain_filter": "[('no_such_field', '=', 1)]"}, "Domain"),
            ({"domain_filter": "not a domain ("}, "Domain"),
            ({"domain_date_field": "name"}, "Date field"),
            ({"domain_employee_field": "partner_id"}, "Employee path"),
            ({"domain_employee_field": "user_id.nope"}, "Employee path"),
            ({"domain_aggregate": "sum", "domain_value_field": "name"}, "Value field"),
        ]
        for index, (override, field_label) in enumerate(cases):
            with self.subTest(override=override):
                with self.assertRaises(ValidationError) as caught:
                    self._domain_kpi(f"BAD{index}", "sale.order", **dict(base, **override))
                message = str(caught.exception)
                self.assertIn(f"BAD{index}", message)
                self.assertIn(field_label, message)
