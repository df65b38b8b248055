# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The employee portal over real HTTP: who sees what, the figures shown, disputes."""

import re

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.kpi_callcenter.controllers.portal import KpiCustomerPortal

from .common_portal import KpiPortalCommon


@tagged("post_install", "-at_install", "access_rights", "kpi_portal")
class TestPortal(KpiPortalCommon):
    def _get(self, url, login):
        self.authenticate(login, login)
        return self.url_open(url, allow_redirects=False)

    def _scorecard_ids_in(self, html):
        return {int(found) for found in re.findall(r'href="/my/kpi/(\d+)"', html)}

    # ------------------------------------------------------------------
    # /my entries
    # ------------------------------------------------------------------
    def test_home_entries(self):
        response = self._get("/my", "kpi_agent1")
        self.assertEqual(response.status_code, 200)
        self.assertIn('href="/my/kpi"', response.text)
        self.assertNotIn('href="/my/kpi/team"', response.text, "an agent manages no team")

        response = self._get("/my", "kpi_team_manager")
        self.assertIn('href="/my/kpi"', response.text)
        self.assertIn('href="/my/kpi/team"', response.text)

        response = self._get("/my", "kpi_portal_agent")
        self.assertEqual(response.status_code, 200)
        self.assertIn('href="/my/kpi"', response.text)

        response = self._get("/my", "kpi_portal_nobody")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("/my/kpi", response.text, "a portal user with no employee sees no KPI entry")

    def test_home_counters(self):
        self.authenticate("kpi_agent1", "kpi_agent1")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["kpi_scorecard_count", "kpi_team_scorecard_count"]}
        )
        self.assertEqual(counters["kpi_scorecard_count"], 6)
        self.assertEqual(counters["kpi_team_scorecard_count"], 0)

        self.authenticate("kpi_team_manager", "kpi_team_manager")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["kpi_scorecard_count", "kpi_team_scorecard_count"]}
        )
        self.assertEqual(counters["kpi_scorecard_count"], 0, "the manager has no plan himself")
        self.assertEqual(counters["kpi_team_scorecard_count"], 24, "agents 1, 2, 3 and P, 6 months each")

        self.authenticate("kpi_portal_nobody", "kpi_portal_nobody")
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["kpi_scorecard_count"]})
        self.assertEqual(counters["kpi_scorecard_count"], 0)

    # ------------------------------------------------------------------
    # An agent: her own scorecards only
    # ------------------------------------------------------------------
    def test_agent_sees_own_scorecards(self):
        own = self._scorecards_of(self.agent1)
        response = self._get("/my/kpi", "kpi_agent1")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._scorecard_ids_in(response.text), set(own.ids))
        self.assertIn("03/2027", response.text)

        march = self.march["agent1"]
        response = self._get(f"/my/kpi/{march.id}", "kpi_agent1")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("Outbound calls you made in the month, from the PBX log.", html, "the explanation")
        self.assertRegex(html, r'o_kpi_total_score"[^>]*>94\.00<')
        row = self._kpi_row(html, "CALLS")
        self.assertIn("100.00", row, "target")
        self.assertIn("90.00 calls", row, "actual")
        self.assertIn("90.00 %", row, "achievement")
        self.assertIn("60.00 %", row, "weight")
        self.assertIn("54.00", row, "score")
        self.assertNotIn("o_kpi_proration", row, "no leave: the target is not prorated")
        row = self._kpi_row(html, "CSAT")
        self.assertIn("90.00 %", row)
        self.assertIn("40.00", row)
        # the 6-period chart of each KPI: agent 1's calls from October to March
        self.assertEqual(html.count('class="o_kpi_chart"'), 2)
        achievements = re.findall(r'data-period="(\d\d/\d\d)" data-achievement="([\d.]+)"', html)
        self.assertEqual(
            achievements[:6],
            [("10/26", "70.00"), ("11/26", "75.00"), ("12/26", "80.00"), ("01/27", "85.00"),
             ("02/27", "100.00"), ("03/27", "90.00")],
        )
        # the chatter, with the scorecard's token for posting
        self.assertIn('id="discussion"', html)
        self.assertIn(f'data-token="{march.access_token}"', html)

    def _kpi_row(self, html, code):
        match = re.search(rf'<tr[^>]*data-kpi-code="{code}"[^>]*>(.*?)</tr>', html, re.S)
        self.assertTrue(match, f"no row for KPI {code}")
        return match.group(1)

    def test_get_never_writes(self):
        """The portal token is created with the scorecard: opening the page writes nothing
        (20 agents opening their new scorecard together no longer fight over the rows)."""
        march = self.march["agent1"]
        self.env.flush_all()
        row = "SELECT access_token, write_date FROM kpi_scorecard WHERE id = %s"
        self.env.cr.execute(row, [march.id])
        [(token, write_date)] = self.env.cr.fetchall()
        self.assertTrue(token, "created with the scorecard")
        response = self._get(f"/my/kpi/{march.id}", "kpi_agent1")
        self.assertEqual(response.status_code, 200)
        self.assertIn(f'data-token="{token}"', response.text)
        self.env.cr.execute(row, [march.id])
        self.assertEqual(self.env.cr.fetchall(), [(token, write_date)])

    def test_token_given_by_the_computation(self):
        """A scorecard made before tokens came with it gets one from its next computation."""
        april = self.env["kpi.scorecard"].sudo().create(
            {"employee_id": self.agent1.id, "plan_id": self.plan.id,
             "date_from": "2027-04-01", "date_to": "2027-04-30"}
        )
        self.env.flush_all()
        self.env.cr.execute("UPDATE kpi_scorecard SET access_token = NULL WHERE id = %s", [april.id])
        april.invalidate_recordset(["access_token"])
        self.assertFalse(april.access_token)
        april.action_compute()
        self.assertTrue(april.access_token)

    def test_proration_shown(self):
        response = self._get(f"/my/kpi/{self.march['agent2'].id}", "kpi_agent2")
        self.assertEqual(response.status_code, 200)
        row = self._kpi_row(response.text, "CALLS")
        self.assertIn("o_kpi_proration", row)
        self.assertIn("95.65", row, "prorated target 100 × 22 / 23")
        self.assertRegex(row, r"full target\s+100\.00")
        self.assertIn("0.9565", row)
        self.assertIn("22.0 / 23.0 working days", row)
        self.assertIn("125.45 %", row)
        self.assertRegex(response.text, r'o_kpi_total_score"[^>]*>111\.27<')
        self.assertNotIn("o_kpi_proration", self._kpi_row(response.text, "CSAT"), "averages are not prorated")

    def test_agent_cannot_reach_colleagues(self):
        own = self._scorecards_of(self.agent1)
        others = self.scorecards - own
        # Every id around the fixtures, as a curious agent would try them in sequence.
        all_ids = self.env["kpi.scorecard"].search([]).ids
        probe = range(min(all_ids) - 3, max(all_ids) + 6)
        self.authenticate("kpi_agent1", "kpi_agent1")
        for scorecard_id in probe:
            response = self.url_open(f"/my/kpi/{scorecard_id}", allow_redirects=False)
            expected = 200 if scorecard_id in own.ids else 404
            self.assertEqual(response.status_code, expected, f"/my/kpi/{scorecard_id}")
        colleague = self.march["agent2"]
        for url in (
            f"/my/kpi/{colleague.id}?report_type=pdf",
            f"/my/kpi/{colleague.id}?report_type=html",
            f"/my/kpi/{colleague.id}/statement",
            "/my/kpi/team",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (403, 404), url)
            self.assertNotIn("Agent 2", response.text, url)
        self.assertTrue(others)

    # ------------------------------------------------------------------
    # Team managers
    # ------------------------------------------------------------------
    def test_manager_sees_team_not_other_team(self):
        team = self.agent1 | self.agent2 | self.agent3 | self.agentp
        response = self._get("/my/kpi/team", "kpi_team_manager")
        self.assertEqual(response.status_code, 200)
        ids = self._scorecard_ids_in(response.text)
        self.assertEqual(ids, set(self.scorecards.filtered(lambda c: c.employee_id in team).ids))
        self.assertNotIn("Agent 4", response.text)
        # the ranking of the latest period: agent 2, agent 3, agent 1, agent P
        ranking = re.findall(
            r'o_kpi_ranking_row" data-rank="(\d+)">.*?href="/my/kpi/(\d+)"', response.text, re.S
        )
        self.assertEqual(
            [(int(rank), int(card)) for rank, card in ranking],
            [(1, self.march["agent2"].id), (2, self.march["agent3"].id), (3, self.march["agent1"].id),
             (4, self.march["agentp"].id)],
        )
        # a team member's scorecard opens, another team's does not
        self.assertEqual(self.url_open(f"/my/kpi/{self.march['agent1'].id}").status_code, 200)
        response = self.url_open(f"/my/kpi/{self.march['agent4'].id}", allow_redirects=False)
        self.assertEqual(response.status_code, 404)
        # the other manager: only agent 4
        response = self._get("/my/kpi/team", "kpi_team_manager2")
        self.assertEqual(
            self._scorecard_ids_in(response.text), set(self._scorecards_of(self.agent4).ids)
        )
        self.assertEqual(self.url_open(f"/my/kpi/{self.march['agent1'].id}").status_code, 404)

    def test_team_sorting_filter_pager(self):
        self.authenticate("kpi_team_manager", "kpi_team_manager")
        response = self.url_open("/my/kpi/team?sortby=score&filterby=open")
        self.assertEqual(response.status_code, 200)
        rows = re.findall(r'o_kpi_scorecard_row" data-scorecard-id="(\d+)"', response.text)
        team_cards = self.env["kpi.scorecard"].browse([int(r) for r in rows])
        self.assertEqual(len(team_cards), 24)
        self.assertEqual(team_cards.mapped("score"), sorted(team_cards.mapped("score"), reverse=True))
        response = self.url_open("/my/kpi/team?filterby=paid")
        self.assertIn("There are no scorecards here yet.", response.text)
        # period of the ranking
        response = self.url_open(f"/my/kpi/team?period={self._month(1)[0]}")
        self.assertIn("Team ranking", response.text)
        self.assertRegex(response.text, r"Team ranking\s*<small[^>]*>02/27<")
        response = self.url_open("/my/kpi/team?period=not-a-date&page=x&sortby=nope")
        self.assertEqual(response.status_code, 200, "bad parameters fall back to the defaults")
        self.assertRegex(response.text, r"Team ranking\s*<small[^>]*>03/27<")

    def test_pager(self):
        self.patch(KpiCustomerPortal, "_items_per_page", 4)
        self.authenticate("kpi_agent1", "kpi_agent1")
        first = self._scorecard_ids_in(self.url_open("/my/kpi").text)
        second = self._scorecard_ids_in(self.url_open("/my/kpi/page/2").text)
        self.assertEqual(len(first), 4)
        self.assertEqual(len(second), 2)
        self.assertEqual(first | second, set(self._scorecards_of(self.agent1).ids))

    def test_officer_on_own_scorecard_sees_backend_link(self):
        """An HR officer who is also an employee uses the same page, with a link to the
        backend form; the portal still shows them only their own (and team's) scorecards."""
        self.agent3.user_id = self.user_officer
        response = self._get(f"/my/kpi/{self.march['agent3'].id}", "kpi_officer")
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"/odoo/action-kpi_callcenter.kpi_scorecard_action/{self.march['agent3'].id}", response.text)
        response = self.url_open(f"/my/kpi/{self.march['agent1'].id}", allow_redirects=False)
        self.assertEqual(response.status_code, 404)

    # ------------------------------------------------------------------
    # Portal users
    # ------------------------------------------------------------------
    def test_portal_user_linked_to_employee(self):
        own = self._scorecards_of(self.agentp)
        response = self._get("/my/kpi", "kpi_portal_agent")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._scorecard_ids_in(response.text), set(own.ids))
        response = self.url_open(f"/my/kpi/{self.march['agentp'].id}")
        self.assertEqual(response.status_code, 200)
        self.assertRegex(response.text, r'o_kpi_total_score"[^>]*>62\.00<')
        for colleague in ("agent1", "agent4"):
            response = self.url_open(f"/my/kpi/{self.march[colleague].id}", allow_redirects=False)
            self.assertEqual(response.status_code, 404)
        self.assertEqual(self.url_open("/my/kpi/team", allow_redirects=False).status_code, 404)

    def test_portal_user_without_employee(self):
        self.authenticate("kpi_portal_nobody", "kpi_portal_nobody")
        for url in ("/my/kpi", "/my/kpi/team", f"/my/kpi/{self.march['agent1'].id}",
                    f"/my/kpi/{self.march['agent1'].id}/statement"):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (403, 404), url)

    def test_public_user_redirected_to_login(self):
        self.authenticate(None, None)
        response = self.url_open(f"/my/kpi/{self.march['agent1'].id}", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    # ------------------------------------------------------------------
    # Provisional figures
    # ------------------------------------------------------------------
    def test_provisional_marker(self):
        march = self.march["agent1"]
        self.authenticate("kpi_agent1", "kpi_agent1")
        with freeze_time("2027-03-15 10:00:00"):
            response = self.url_open(f"/my/kpi/{march.id}")
            self.assertIn("o_kpi_provisional_alert", response.text)
            self.assertIn("these figures are provisional", response.text)
        with freeze_time("2027-04-02 10:00:00"):
            response = self.url_open(f"/my/kpi/{march.id}")
            self.assertNotIn("o_kpi_provisional_alert", response.text)
            march.action_confirm()
            response = self.url_open("/my/kpi?filterby=confirmed")
            self.assertEqual(self._scorecard_ids_in(response.text), {march.id})

    def test_cron_recomputes_running_period(self):
        march = self.march["agent1"]
        self._add_manual_values(self.calls, {self.agent1: 10}, day=self.date_from.replace(day=20))
        with freeze_time("2027-03-21"):
            self.env["kpi.scorecard"]._cron_recompute_provisional()
        self.assertAlmostEqual(march.line_ids.filtered(lambda line: line.code == "CALLS").actual, 100.0)
        self.assertAlmostEqual(march.score, 100.0)
        # a confirmed scorecard is never touched
        march.action_confirm()
        # its values are final (refused); the cron leaves it as it is
        with self.assertRaisesRegex(UserError, "its values are final"):
            self._add_manual_values(self.calls, {self.agent1: 10}, day=self.date_from.replace(day=21))
        with freeze_time("2027-03-22"):
            self.env["kpi.scorecard"]._cron_recompute_provisional()
        self.assertAlmostEqual(march.score, 100.0)

    # ------------------------------------------------------------------
    # Comments and disputes
    # ------------------------------------------------------------------
    def test_dispute_a_line(self):
        march = self.march["agent1"]
        line = march.line_ids.filtered(lambda line: line.code == "CALLS")
        self.authenticate("kpi_agent1", "kpi_agent1")
        page = self.url_open(f"/my/kpi/{march.id}")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        self.assertIn(f'id="kpi_dispute_{line.id}"', page.text)
        response = self.url_open(
            f"/my/kpi/{march.id}/dispute",
            data={"csrf_token": csrf, "line_id": line.id, "message": "My calls of 12 March are missing."},
            allow_redirects=False,
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("dispute=sent", response.headers["Location"])
        message = march.message_ids.filtered(lambda m: "12 March are missing" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.agent1.user_id.partner_id)
        self.assertIn("[CALLS] Outbound calls", message.body)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertIn(self.agent1.user_id.partner_id, march.message_partner_ids, "she follows the answer")
        activity = march.activity_ids
        self.assertEqual(activity.user_id, self.user_manager, "her manager must answer")
        # the portal chatter shows it to her (token-based fetch, as the widget does)
        fetched = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {"thread_model": "kpi.scorecard", "thread_id": march.id, "token": march.access_token},
        )
        bodies = [msg["body"] for msg in fetched["data"]["mail.message"]]
        self.assertTrue(any("12 March are missing" in body for body in bodies))
        # HR answers in the backend: she gets it as a follower
        reply = march.with_user(self.user_officer).message_post(
            body="Checked: the PBX export of 12 March was late; recomputed.",
            message_type="comment", subtype_xmlid="mail.mt_comment",
        )
        self.assertIn(self.agent1.user_id.partner_id, reply.notified_partner_ids)

        # a colleague's scorecard cannot be disputed
        other = self.march["agent2"]
        response = self.url_open(
            f"/my/kpi/{other.id}/dispute",
            data={"csrf_token": csrf, "line_id": other.line_ids[0].id, "message": "hack"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(other.message_ids.filtered(lambda m: "hack" in (m.body or "")))
        # nor a line of another scorecard through her own
        response = self.url_open(
            f"/my/kpi/{march.id}/dispute",
            data={"csrf_token": csrf, "line_id": other.line_ids[0].id, "message": "mixed up"},
            allow_redirects=False,
        )
        self.assertIn("dispute=error", response.headers["Location"])

    def test_dispute_locked_scorecard(self):
        """Confirmed scorecards can still be commented (their token is written unlocked)."""
        march = self.march["agentp"]
        march.action_confirm()
        self.authenticate("kpi_portal_agent", "kpi_portal_agent")
        page = self.url_open(f"/my/kpi/{march.id}")
        self.assertEqual(page.status_code, 200)
        self.assertTrue(march.access_token)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            f"/my/kpi/{march.id}/dispute",
            data={"csrf_token": csrf, "line_id": march.line_ids[1].id, "message": "Survey of 3 March?"},
            allow_redirects=False,
        )
        self.assertIn("dispute=sent", response.headers["Location"])
        message = march.message_ids.filtered(lambda m: "Survey of 3 March?" in (m.body or ""))
        self.assertEqual(message.author_id, self.user_portal_agent.partner_id)
        self.assertIn(self.user_portal_agent.partner_id, march.message_partner_ids)
