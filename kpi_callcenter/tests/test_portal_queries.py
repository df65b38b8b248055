# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The portal pages make a bounded number of SQL queries: the scorecard page whatever
the number of KPIs on the scorecard and of periods in its history, the list whatever
the number of scorecards, the drill-down whatever the number of records."""

import logging

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import KpiCommon

# Queries of one warm GET /my/kpi/<id>, server side (session, access check, the page and
# its two history queries, the template's reads): 17 when written, the same for 2 KPIs /
# 1 period and for 8 KPIs / 6 periods; 28 with the what-if of a running period (days
# left: the schedule, public holidays and time off, whatever the number of KPIs). Equal
# counts are required; the budget leaves a little room for fields added by other features.
PAGE_QUERY_BUDGET = 32

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install", "kpi_portal", "kpi_perf")
class TestPortalQueries(HttpCase, KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        companies = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.definitions = cls.env["kpi.definition"]
        for index in range(1, 9):
            cls.definitions |= cls._create_definition(
                f"Q{index}", name=f"Quality {index}", unit="pts", explanation=f"Quality item {index}."
            )
        users = {
            size: new_test_user(cls.env, f"kpi_q_{size}", groups="base.group_user", **companies)
            for size in ("small", "big")
        }
        cls.small = cls._create_employee("Small card", users["small"], parent=cls.manager)
        cls.big = cls._create_employee("Big card", users["big"], parent=cls.manager)
        small_plan = cls._create_plan(
            [(definition, 50, 80) for definition in cls.definitions[:2]], employees=cls.small, name="Two KPIs"
        )
        big_plan = cls._create_plan(
            [(definition, 12.5, 80) for definition in cls.definitions], employees=cls.big, name="Eight KPIs"
        )
        for months_before in range(5, -1, -1):
            start, _end = cls._month(months_before)
            for definition in cls.definitions:
                cls._add_manual_values(
                    definition, {cls.small: 70 + months_before, cls.big: 90 - months_before},
                    day=start.replace(day=5),
                )
            cls._generate(big_plan, *cls._month(months_before))
        cls.small_card = cls._generate(small_plan)
        cls.big_card = big_plan.scorecard_ids.filtered(lambda card: card.date_from == cls.date_from)

    def _page_queries(self, login, scorecard, url=None):
        self.authenticate(login, login)
        url = url or f"/my/kpi/{scorecard.id}"
        for _warm_up in range(2):
            self.assertEqual(self.url_open(url).status_code, 200)
        self.env.flush_all()
        before = self.cr.sql_log_count
        response = self.url_open(url)
        count = self.cr.sql_log_count - before
        self.assertEqual(response.status_code, 200)
        return count, response.text

    def test_page_queries_bounded(self):
        self.assertEqual(len(self.small_card.line_ids), 2)
        self.assertEqual(len(self.big_card.line_ids), 8)
        small, small_html = self._page_queries("kpi_q_small", self.small_card)
        big, big_html = self._page_queries("kpi_q_big", self.big_card)
        self.assertEqual(small_html.count('class="o_kpi_chart_bar"'), 2 * 1)
        self.assertEqual(big_html.count('class="o_kpi_chart_bar"'), 8 * 6)
        _logger.info("GET /my/kpi/<id>: %s queries (2 KPIs, 1 period), %s (8 KPIs, 6 periods)", small, big)
        self.assertEqual(
            big, small, f"queries: {small} for 2 KPIs / 1 period, {big} for 8 KPIs / 6 periods"
        )
        self.assertGreater(small, 5, "the counter sees the request's queries")
        self.assertLessEqual(big, PAGE_QUERY_BUDGET)

    def test_list_and_drilldown_queries_bounded(self):
        """The list of one's scorecards (1 vs 6) and the drill-down page of a KPI (1 vs 13
        records) cost the same number of queries."""
        small, small_html = self._page_queries("kpi_q_small", self.small_card, "/my/kpi")
        big, big_html = self._page_queries("kpi_q_big", self.big_card, "/my/kpi")
        self.assertEqual(small_html.count('class="o_kpi_scorecard_row"'), 1)
        self.assertEqual(big_html.count('class="o_kpi_scorecard_row"'), 6, "six periods listed")
        # 6 scorecards cost no more queries than 1 (one search, the template's prefetch)
        self.assertLessEqual(big, small, f"/my/kpi: {small} queries for 1 scorecard, {big} for 6")
        self.assertLessEqual(small, PAGE_QUERY_BUDGET)
        # 12 more values of Q1 for the big card's agent in the period: 13 records
        q1 = self.definitions[0]
        self._add_manual_values(q1, {self.big: list(range(60, 72))}, day=self.date_from.replace(day=12))
        small_line = self.small_card.line_ids.filtered(lambda line: line.definition_id == q1)
        big_line = self.big_card.line_ids.filtered(lambda line: line.definition_id == q1)
        small, small_html = self._page_queries(
            "kpi_q_small", self.small_card, f"/my/kpi/{self.small_card.id}/line/{small_line.id}"
        )
        big, big_html = self._page_queries(
            "kpi_q_big", self.big_card, f"/my/kpi/{self.big_card.id}/line/{big_line.id}"
        )
        self.assertEqual(small_html.count('class="o_kpi_record_row"'), 1)
        self.assertEqual(big_html.count('class="o_kpi_record_row"'), 13)
        self.assertLessEqual(big, small, f"drill-down: {small} queries for 1 record, {big} for 13")
        self.assertLessEqual(big, PAGE_QUERY_BUDGET)
