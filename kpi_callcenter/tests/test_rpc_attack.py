# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The RPC attack suite: what issue #11 reproduced over the ORM, replayed by real clients
over JSON-RPC (``/web/dataset/call_kw``, the chatter routes), each expecting a clear
refusal (never a 500), and the figures unchanged afterwards.

Fixture (:mod:`.common_portal`): agent 1's March 2027 scorecard is confirmed (score 94:
calls 90 / 100 → 54 points, CSAT 90 / 90 → 40 points), her February one is paid, agent
2's March one is computed; agent 1's March one and agent P's (a portal user) have their
portal token. ``kpi_officer`` is a KPI Officer without payroll rights,
``kpi_hr_manager`` a KPI Manager. The payslip cases are in ``kpi_callcenter_payroll``.
"""

from odoo.tests import tagged

from .common_portal import KpiPortalCommon
from .common_rpc import RpcMixin

SCORECARD = "kpi.scorecard"
LINE = "kpi.scorecard.line"


@tagged("post_install", "-at_install", "access_rights", "kpi_rpc_attack")
class TestRpcAttack(RpcMixin, KpiPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.confirmed = cls.march["agent1"]
        cls.confirmed.action_confirm()
        february_start, _end = cls._month(1)
        cls.paid = cls.scorecards.filtered(
            lambda c: c.employee_id == cls.agent1 and c.date_from == february_start
        )
        cls.paid.action_confirm()
        # what the payroll bridge does when a payslip is done
        cls.paid._write_workflow({"state": "paid"})
        cls.computed = cls.march["agent2"]
        cls.token = cls.confirmed._portal_ensure_token()
        cls.confirmed.message_post(
            body="Welcome to your March scorecard", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        cls.portal_card = cls.march["agentp"]
        cls.portal_token = cls.portal_card._portal_ensure_token()
        cls.figures = {
            card: (card.state, card.score, card.bonus_amount, card.line_ids.mapped("actual"))
            for card in cls.confirmed | cls.paid | cls.computed
        }

    def _assert_unchanged(self):
        self.env.invalidate_all()
        for card, figures in self.figures.items():
            self.assertEqual(
                (card.state, card.score, card.bonus_amount, card.line_ids.mapped("actual")),
                figures,
                card.display_name,
            )

    def _name_of(self, card):
        # scorecards are named "<employee> - <plan> - <period>"
        return card.employee_id.name

    # ------------------------------------------------------------------
    # State: only the workflow moves it
    # ------------------------------------------------------------------
    def test_officer_cannot_write_the_state(self):
        self._rpc_login("kpi_officer")
        with self.assertRpcRefused(self._name_of(self.confirmed)):
            self._call_kw(SCORECARD, "write", [self.confirmed.id], {"state": "draft"})
        with self.assertRpcRefused(self._name_of(self.paid)):
            self._call_kw(SCORECARD, "write", [self.paid.id], {"state": "confirmed"})
        with self.assertRpcRefused(self._name_of(self.computed)):
            self._call_kw(SCORECARD, "write", [self.computed.id], {"state": "confirmed"})
        self._assert_unchanged()

    def test_no_context_key_unlocks(self):
        self._rpc_login("kpi_officer")
        for context in (
            {"kpi_scorecard_unlock": True},
            {"kpi_scorecard_unlock": True, "tracking_disable": True, "mail_notrack": True},
        ):
            with self.assertRpcRefused(self._name_of(self.paid)):
                self._call_kw(
                    SCORECARD, "write", [self.paid.id], {"bonus_amount": 99_000_000}, context=context
                )
            with self.assertRpcRefused(self._name_of(self.computed)):
                self._call_kw(
                    SCORECARD, "write", [self.computed.id], {"score": 150.0}, context=context
                )
        # a KPI Manager is no exception
        self._rpc_login("kpi_hr_manager")
        with self.assertRpcRefused(self._name_of(self.paid)):
            self._call_kw(
                SCORECARD, "write", [self.paid.id], {"bonus_amount": 1.0},
                context={"kpi_scorecard_unlock": True},
            )
        self._assert_unchanged()

    def test_employee_plan_and_period_are_not_rewritten(self):
        self._rpc_login("kpi_officer")
        for vals in (
            {"employee_id": self.agent3.id},
            {"plan_id": self.plan.id},
            {"date_from": "2027-03-02"},
        ):
            with self.assertRpcRefused(self._name_of(self.computed)):
                self._call_kw(SCORECARD, "write", [self.computed.id], vals)
        self._assert_unchanged()

    def test_private_workflow_methods_are_not_callable(self):
        self._rpc_login("kpi_hr_manager")
        with self.assertRpcRefused("Private methods"):
            self._call_kw(SCORECARD, "_write_workflow", [self.paid.id], {"state": "draft"})
        self._assert_unchanged()

    def test_reset_to_draft(self):
        self._rpc_login("kpi_officer")
        with self.assertRpcRefused("KPI Manager"):
            self._call_kw(SCORECARD, "action_reset_to_draft", [self.confirmed.id])
        self._rpc_login("kpi_hr_manager")
        with self.assertRpcRefused(self._name_of(self.paid)):
            self._call_kw(SCORECARD, "action_reset_to_draft", [self.paid.id])
        self._assert_unchanged()
        # a confirmed one: the manager may
        self._call_kw(SCORECARD, "action_reset_to_draft", [self.confirmed.id])
        self.confirmed.invalidate_recordset()
        self.assertEqual(self.confirmed.state, "draft")

    def test_confirmed_and_paid_are_not_recomputed(self):
        self._rpc_login("kpi_officer")
        for card in self.confirmed | self.paid:
            with self.assertRpcRefused(self._name_of(card)):
                self._call_kw(SCORECARD, "action_compute", [card.id])
        with self.assertRpcRefused(self._name_of(self.paid)):
            self._call_kw(SCORECARD, "action_confirm", [self.paid.id])
        self._assert_unchanged()

    # ------------------------------------------------------------------
    # Create and copy: born draft, no figures
    # ------------------------------------------------------------------
    def test_create_born_confirmed_is_refused(self):
        self._rpc_login("kpi_officer")
        april = {
            "employee_id": self.agent3.id,
            "plan_id": self.plan.id,
            "company_id": self.company.id,
            "date_from": "2027-04-01",
            "date_to": "2027-04-30",
        }
        with self.assertRpcRefused("Agent 3"):
            self._call_kw(SCORECARD, "create", [{**april, "state": "confirmed", "bonus_amount": 5_000_000}])
        with self.assertRpcRefused("Agent 3"):
            self._call_kw(SCORECARD, "create", [{**april, "score": 120.0}])
        # defaults from the context are no way around: the scorecard is born draft, empty
        card_id = self._call_kw(
            SCORECARD, "create", [april],
            context={"default_state": "paid", "default_bonus_amount": 5_000_000, "default_score": 120},
        )[0]
        card = self.env[SCORECARD].browse(card_id)
        self.assertEqual((card.state, card.bonus_amount, card.score), ("draft", 0.0, 0.0))

    def test_copy_resets_state_and_figures(self):
        self._rpc_login("kpi_officer")
        with self.assertRpcRefused(self._name_of(self.paid)):
            self._call_kw(
                SCORECARD, "copy", [self.paid.id],
                default={"date_from": "2027-05-01", "date_to": "2027-05-31", "state": "paid"},
            )
        copy_id = self._call_kw(
            SCORECARD, "copy", [self.paid.id], default={"date_from": "2027-05-01", "date_to": "2027-05-31"}
        )[0]
        copy = self.env[SCORECARD].browse(copy_id)
        self.assertEqual(
            (copy.state, copy.score, copy.bonus_amount, len(copy.line_ids)), ("draft", 0.0, 0.0, 0)
        )

    # ------------------------------------------------------------------
    # Lines
    # ------------------------------------------------------------------
    def test_lines_of_a_locked_scorecard(self):
        self._rpc_login("kpi_officer")
        for card in self.confirmed | self.paid:
            with self.assertRpcRefused(self._name_of(card)):
                self._call_kw(
                    LINE, "create",
                    [{"scorecard_id": card.id, "definition_id": self.calls.id}],
                )
            line = card.line_ids[:1]
            with self.assertRpcRefused(self._name_of(card)):
                self._call_kw(LINE, "write", line.ids, {"actual": 1000.0})
            with self.assertRpcRefused(self._name_of(card)):
                self._call_kw(LINE, "unlink", line.ids)
            # nor through the scorecard
            with self.assertRpcRefused(self._name_of(card)):
                self._call_kw(
                    SCORECARD, "write", card.ids,
                    {"line_ids": [(0, 0, {"definition_id": self.csat.id})]},
                )
        self._assert_unchanged()

    def test_line_figures_are_computed_only(self):
        """On a computed scorecard too, a client writes no figure of a line, nor its
        scorecard's state through the line's related field."""
        self._rpc_login("kpi_officer")
        line = self.computed.line_ids[:1]
        for vals in ({"actual": 1000.0}, {"achievement": 200.0}, {"state": "paid"}, {"bonus_amount": 1.0}):
            with self.assertRpcRefused(self._name_of(self.computed)):
                self._call_kw(LINE, "write", line.ids, vals)
        with self.assertRpcRefused(self._name_of(self.computed)):
            self._call_kw(
                LINE, "create",
                [{"scorecard_id": self.computed.id, "definition_id": self.calls.id, "actual": 500.0}],
            )
        self._assert_unchanged()

    def test_agent_and_team_manager_write_nothing(self):
        for login, card in (("kpi_agent1", self.confirmed), ("kpi_team_manager", self.computed)):
            self._rpc_login(login)
            with self.assertRpcRefused():
                self._call_kw(SCORECARD, "write", card.ids, {"state": "draft"})
            with self.assertRpcRefused():
                self._call_kw(LINE, "write", card.line_ids[:1].ids, {"actual": 1000.0})
        self._assert_unchanged()

    def test_adjustment_of_a_paid_scorecard_is_refused(self):
        self._rpc_login("kpi_hr_manager")
        with self.assertRpcRefused(self._name_of(self.paid)):
            self._call_kw(
                "kpi.scorecard.adjustment", "create",
                [{"scorecard_line_id": self.paid.line_ids[0].id, "field": "actual",
                  "new_value": 1000.0, "reason": "Late calls"}],
            )
        self._assert_unchanged()

    # ------------------------------------------------------------------
    # The chatter tells every state change, with its author
    # ------------------------------------------------------------------
    def test_state_change_is_logged_whatever_the_context(self):
        before = self.computed.message_ids
        self._rpc_login("kpi_officer")
        self._call_kw(
            SCORECARD, "action_confirm", self.computed.ids,
            context={"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True},
        )
        self.env.invalidate_all()
        self.assertEqual(self.computed.state, "confirmed")
        logged = (self.computed.message_ids - before).filtered(
            lambda m: m.tracking_value_ids.filtered(lambda t: t.field_id.name == "state")
            or "Confirmed" in (m.body or "")
        )
        self.assertTrue(logged, "the confirmation is in the chatter")
        self.assertEqual(logged.author_id, self.user_officer.partner_id)

    # ------------------------------------------------------------------
    # Portal chatter: the same people as the /my/kpi pages (the agent, their team
    # manager); the scorecard's token alone opens nothing, whoever holds it
    # ------------------------------------------------------------------
    def _post(self, card, body, token=None):
        params = {
            "thread_model": SCORECARD,
            "thread_id": card.id,
            "post_data": {"body": body, "message_type": "comment", "subtype_xmlid": "mail.mt_comment"},
        }
        if token:
            params["token"] = token
        return self._json("/mail/message/post", params)

    def _messages(self, card):
        return self._json("/mail/thread/messages", {"thread_model": SCORECARD, "thread_id": card.id})

    def _fetch(self, card, token):
        return self._json(
            "/mail/chatter_fetch", {"thread_model": SCORECARD, "thread_id": card.id, "token": token}
        )

    def _bodies(self, card):
        card.invalidate_recordset(["message_ids"])
        return "".join(card.message_ids.mapped("body"))

    def test_logged_out_with_the_token(self):
        self._rpc_logout()
        with self.assertRpcRefused():
            self._post(self.confirmed, "anonymous hello", token=self.token)
        with self.assertRpcRefused():
            self._messages(self.confirmed)
        with self.assertRpcRefused():
            self._fetch(self.confirmed, self.token)
        data = self._json(
            "/mail/thread/data",
            {"thread_model": SCORECARD, "thread_id": self.confirmed.id, "request_list": ["messages"],
             "token": self.token},
        )
        access = [t.get("hasReadAccess") for t in data.get("mail.thread", []) if t["id"] == self.confirmed.id]
        self.assertEqual(access, [False], "no read access from a token")
        self.assertNotIn("anonymous hello", self._bodies(self.confirmed))

    def test_colleagues_with_the_token(self):
        for login in ("kpi_agent2", "kpi_team_manager2", "kpi_portal_nobody"):
            self._rpc_login(login)
            with self.assertRpcRefused():
                self._post(self.confirmed, f"hello from {login}", token=self.token)
            with self.assertRpcRefused():
                self._fetch(self.confirmed, self.token)
            if login != "kpi_portal_nobody":
                result = self._messages(self.confirmed)
                self.assertEqual(result["messages"], [], f"{login} reads no message")
        self.assertNotIn("hello from", self._bodies(self.confirmed))

    def test_agent_and_team_manager_may(self):
        self._rpc_login("kpi_agent1")
        self._post(self.confirmed, "Agent 1 asks about her calls")
        self.assertTrue(self._messages(self.confirmed)["messages"])
        self._rpc_login("kpi_team_manager")
        self._post(self.confirmed, "The manager answers", token=self.token)
        self.assertTrue(self._messages(self.confirmed)["messages"])
        bodies = self._bodies(self.confirmed)
        self.assertIn("Agent 1 asks about her calls", bodies)
        self.assertIn("The manager answers", bodies)

    def test_portal_agent_may_on_her_own_only(self):
        self._rpc_login("kpi_portal_agent")
        self._post(self.portal_card, "Agent P writes", token=self.portal_token)
        fetched = self._fetch(self.portal_card, self.portal_token)
        self.assertTrue(fetched["messages"])
        self.assertIn("Agent P writes", self._bodies(self.portal_card))
        # agent 1's token does not open agent 1's scorecard to her
        with self.assertRpcRefused():
            self._post(self.confirmed, "Agent P on Agent 1", token=self.token)
