# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The PBX endpoints over real HTTP: push of calls and budget check, token only."""

import json
from datetime import datetime

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common_call import KpiCallCommon

PUSH_URL = "/kpi_callcenter/api/v1/calls"
BUDGET_URL = "/kpi_callcenter/api/v1/budget/%s"


def _call(uid, **values):
    item = {
        "external_uid": uid,
        "start": "2027-03-04T09:00:00+07:00",
        "direction": "outbound",
        "extension": "101",
        "phone": "0987654321",
        "talk_seconds": 60,
        "ring_duration": 4,
        "disposition": "answered",
    }
    item.update(values)
    return item


@tagged("post_install", "-at_install", "kpi_call")
class TestCallApi(HttpCase, KpiCallCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = cls._token()

    def _push(self, payload, token=None, raw=None, headers=None):
        headers = dict(headers or {}, **{"Content-Type": "application/json"})
        if token is not False:
            headers["Authorization"] = f"Bearer {token or self.token}"
        data = raw if raw is not None else json.dumps(payload)
        return self.url_open(PUSH_URL, data=data, headers=headers)

    def _budget(self, extension, token=None, query=""):
        headers = {"Authorization": f"Bearer {token or self.token}"} if token is not False else {}
        return self.url_open(BUDGET_URL % extension + query, headers=headers)

    # ------------------------------------------------------------------
    # Push
    # ------------------------------------------------------------------
    def test_push_good_batch(self):
        response = self._push(
            {
                "calls": [
                    _call("pbx-1"),
                    # a naive start is the PBX's local time (Asia/Ho_Chi_Minh)
                    _call("pbx-2", start="2027-03-04 10:00:00", direction="in", extension="102",
                          phone="+84 912 345 678", talk_seconds="0:02:00", disposition="ANSWERED"),
                ]
            }
        )
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual((body["created"], body["duplicates"], body["rejected"]), (2, 0, 0))
        self.assertEqual([r["status"] for r in body["results"]], ["created", "created"])
        calls = self._calls(source_id=self.source.id)
        self.assertEqual([r["id"] for r in body["results"]], calls.ids)
        self.assertEqual(
            [(c.external_uid, c.employee_id, c.direction, c.start, c.talk_seconds, c.phone, c.cost, c.partner_id)
             for c in calls],
            [
                # mobile, 1,200/min billed per 6 s: 60 s
                ("pbx-1", self.agent1, "outbound", datetime(2027, 3, 4, 2, 0), 60, "+84987654321", 1200.0,
                 self.env["res.partner"]),
                ("pbx-2", self.agent2, "inbound", datetime(2027, 3, 4, 3, 0), 120, "+84912345678", 0.0,
                 self.customer_a),
            ],
        )

    def test_push_one_call_object(self):
        response = self._push(_call("pbx-single"))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["created"], 1)

    def test_push_older_duration_key(self):
        """A PBX script written before the rename still sends ``duration``: read as talk_seconds,
        and its errors name the key it sent."""
        old = {key: value for key, value in _call("pbx-old").items() if key != "talk_seconds"}
        bad = {key: value for key, value in _call("pbx-old-bad").items() if key != "talk_seconds"}
        response = self._push([dict(old, duration="0:01:30"), dict(bad, duration=-4)])
        self.assertEqual(response.status_code, 400, response.text)
        self.assertEqual(response.json()["results"][1]["error"], "duration: not a duration -4")
        # 0:01:30 = 90 s
        self.assertEqual(self._calls(source_id=self.source.id).mapped("talk_seconds"), [90])

    def test_push_repeated_batch_creates_no_duplicate(self):
        batch = [_call("pbx-1"), _call("pbx-2", extension="102")]
        self.assertEqual(self._push(batch).status_code, 200)
        response = self._push(batch)
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual((body["created"], body["duplicates"], body["rejected"]), (0, 2, 0))
        self.assertEqual([r["status"] for r in body["results"]], ["duplicate", "duplicate"])
        self.assertEqual(len(self._calls(source_id=self.source.id)), 2)

    def test_push_post_call_survey_score(self):
        """A call pushed with the caller's survey score (``csat``) stores it; a CSAT KPI
        on the call measure ``csat_avg`` reads it. Bad scores are rejected one by one."""
        response = self._push(
            [
                _call("pbx-s1", csat=5),
                _call("pbx-s2", csat="4"),
                _call("pbx-s3", start="2027-03-05T09:00:00+07:00"),  # no survey answered
                _call("pbx-s4", csat=2.5, extension="102"),
                _call("pbx-bad1", csat=0),
                _call("pbx-bad2", csat="very good"),
                _call("pbx-bad3", csat=True),
            ]
        )
        self.assertEqual(response.status_code, 400, response.text)
        body = response.json()
        self.assertEqual((body["created"], body["rejected"]), (4, 3))
        errors = {r["external_uid"]: r.get("error") for r in body["results"]}
        self.assertEqual(errors["pbx-bad1"], "csat: not a survey score from 1 to 5: 0")
        self.assertEqual(errors["pbx-bad2"], "csat: not a survey score from 1 to 5: 'very good'")
        self.assertEqual(errors["pbx-bad3"], "csat: not a survey score from 1 to 5: True")
        calls = self._calls(source_id=self.source.id)
        self.assertEqual(
            {call.external_uid: call.csat for call in calls},
            {"pbx-s1": 5.0, "pbx-s2": 4.0, "pbx-s3": 0.0, "pbx-s4": 2.5},
        )
        self.assertFalse(calls.filtered(lambda call: call.external_uid == "pbx-s3").csat)
        csat = self._create_definition("CALL_CSAT", "call", "csat_avg", unit="/5")
        surveyed = self._create_definition("CALL_SURVEYS", "call", "csat_count")
        a1, a2, a3 = self.agents.ids
        # agent 1 (101): (5 + 4) / 2 = 4.5 on 2 rated calls (pbx-s3 has no score);
        # agent 2 (102): 2.5 on 1
        self.assertEqual(
            csat._compute_values(self.agents, self.date_from, self.date_to), {a1: 4.5, a2: 2.5, a3: 0.0}
        )
        self.assertEqual(
            surveyed._compute_values(self.agents, self.date_from, self.date_to), {a1: 2.0, a2: 1.0, a3: 0.0}
        )
        # the drill-down opens the two rated calls of agent 1
        plan = self._create_plan([(csat, 100, 4.5)], employees=self.agent1, name="Post-call CSAT")
        card = self._generate(plan)
        self.assertEqual(card.line_ids.actual, 4.5)
        action = card.line_ids.action_view_records()
        rated = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(sorted(rated.mapped("external_uid")), ["pbx-s1", "pbx-s2"])
        self.assertEqual(sum(rated.mapped("csat")) / len(rated), card.line_ids.actual)

    @mute_logger("odoo.addons.kpi_callcenter.controllers.api")
    def test_push_without_valid_token_is_refused(self):
        for token, headers in (
            (False, {}),
            ("not-the-token-at-all", {}),
            (self.token[:-1] + ("A" if self.token[-1] != "A" else "B"), {}),
        ):
            response = self._push([_call("pbx-x")], token=token, headers=headers)
            self.assertEqual(response.status_code, 401, token)
            self.assertEqual(response.json()["error"], "unauthorized")
            self.assertIn("Bearer", response.headers["WWW-Authenticate"])
        response = self.url_open(
            PUSH_URL, data=json.dumps([_call("pbx-x")]), headers={"Authorization": f"Basic {self.token}"}
        )
        self.assertEqual(response.status_code, 401)
        self.assertFalse(self._calls(source_id=self.source.id))

    @mute_logger("odoo.addons.kpi_callcenter.controllers.api")
    def test_rotated_or_archived_token_stops_working(self):
        old = self.token
        new = self._token()
        self.assertNotEqual(old, new)
        self.assertEqual(self._push([_call("pbx-old")], token=old).status_code, 401)
        self.assertEqual(self._push([_call("pbx-new")], token=new).status_code, 200)
        self.source.active = False
        self.assertEqual(self._push([_call("pbx-archived")], token=new).status_code, 401)

    def test_token_is_stored_hashed(self):
        source_sudo = self.source.sudo()
        self.assertNotIn(self.token, (source_sudo.token_hash, source_sudo.token_index))
        self.assertEqual(source_sudo.token_hash, self.source._hash_token(self.token))
        self.assertEqual(len(source_sudo.token_index), 8)

    def test_token_opens_nothing_else(self):
        """The token is no user credential: no RPC login with it, no session from it."""
        for login in ("admin", self.user_hr_manager.login):
            self.assertFalse(self.xmlrpc_common.authenticate(self.env.cr.dbname, login, self.token, {}))
        response = self.url_open(
            "/web/session/get_session_info",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {}}),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        self.assertFalse(response.json().get("result", {}).get("uid"))

    def test_push_malformed_json(self):
        response = self._push(None, raw='{"calls": [{"external_uid": "pbx-1",')
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"], "malformed_json")
        for payload in ([], {"calls": []}, "a string"):
            response = self._push(payload)
            self.assertEqual(response.status_code, 400, payload)
            self.assertEqual(response.json()["error"], "no_calls")

    def test_push_oversize_batch(self):
        response = self._push([_call(f"pbx-{n}") for n in range(1001)])
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["error"], "too_many_calls")
        response = self._push(None, raw=json.dumps([_call("pbx-big", padding="x" * (2 * 1024 * 1024))]))
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["error"], "too_large")
        self.assertFalse(self._calls(source_id=self.source.id))

    def test_push_mixed_items_stores_the_good_ones(self):
        response = self._push(
            [
                _call("pbx-good-1"),
                {"start": "2027-03-04T09:00:00+07:00", "extension": "101"},
                _call("pbx-bad-date", start="04/03/2027"),
                _call("pbx-unknown-ext", extension="999"),
                _call("pbx-internal", direction=None, src="101", dst="102", phone=None),
                _call("pbx-typo", extention="101"),
                "not an object",
                _call("pbx-good-2", extension="103", direction="inbound", talk_seconds=30),
            ]
        )
        self.assertEqual(response.status_code, 400, response.text)
        body = response.json()
        self.assertEqual((body["created"], body["duplicates"], body["skipped"], body["rejected"]), (2, 0, 1, 5))
        self.assertEqual(
            [(r["index"], r["external_uid"], r["status"], r.get("error", r.get("reason"))) for r in body["results"]],
            [
                (0, "pbx-good-1", "created", None),
                (1, None, "rejected", "external_uid: missing value"),
                (2, "pbx-bad-date", "rejected", "start: invalid date '04/03/2027'"),
                (3, "pbx-unknown-ext", "rejected",
                 "extension 999: no employee of KPI Test Co has this PBX extension"),
                (4, "pbx-internal", "skipped",
                 "direction: internal call from 101 to 102; only calls with an outside party are logged"),
                (5, "pbx-typo", "rejected", "extention: unknown key"),
                (6, None, "rejected", "item: expected a JSON object"),
                (7, "pbx-good-2", "created", None),
            ],
        )
        self.assertEqual(
            self._calls(source_id=self.source.id).mapped("external_uid"), ["pbx-good-1", "pbx-good-2"]
        )

    def test_push_internal_calls_are_skipped_not_errors(self):
        response = self._push([_call("pbx-transfer", direction=None, src="101", dst="103", phone=None)])
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual((body["created"], body["skipped"], body["rejected"]), (0, 1, 0))
        self.assertEqual(body["results"][0]["status"], "skipped")
        self.assertNotIn("error", body["results"][0])
        self.assertFalse(self._calls(source_id=self.source.id))

    def test_push_reaches_only_the_sources_company(self):
        other_company = self.env["res.company"].create({"name": "Other Call Co"})
        other_agent = self._create_employee("Other agent", company=other_company)
        other_agent.pbx_extension = "201"
        response = self._push([_call("pbx-other", extension="201")])
        self.assertEqual(response.status_code, 400)
        self.assertIn("extension 201: no employee of KPI Test Co", response.json()["results"][0]["error"])
        self.assertEqual(self._budget("201").status_code, 404)

    # ------------------------------------------------------------------
    # Budget
    # ------------------------------------------------------------------
    @freeze_time("2027-03-20 03:00:00")
    def test_budget_says_no_once_the_budget_is_spent(self):
        self.agent1.kpi_call_budget = 5000.0
        # no limit for an agent without budget
        response = self._budget("102")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            response.json(),
            {"extension": "102", "allowed": True, "month": "2027-03", "budget": None, "consumed": 0.0,
             "remaining": None, "currency": "VND"},
        )
        # 3 outbound minutes to a mobile: 3,600 of 5,000
        self.assertEqual(self._push([_call("b-1", talk_seconds=180)]).status_code, 200)
        body = self._budget("101").json()
        self.assertEqual((body["allowed"], body["consumed"], body["remaining"]), (True, 3600.0, 1400.0))
        self.assertEqual(self._budget("101", query="?format=text").text, "1")
        # a call of last month does not count
        self.assertEqual(self._push([_call("b-0", start="2027-02-28T10:00:00+07:00", talk_seconds=600)]).status_code, 200)
        self.assertTrue(self._budget("101").json()["allowed"])
        # 2 more minutes: 6,000 of 5,000, no more outbound calls
        self.assertEqual(self._push([_call("b-2", start="2027-03-19T10:00:00+07:00", talk_seconds=120)]).status_code, 200)
        body = self._budget("101").json()
        self.assertEqual((body["allowed"], body["consumed"], body["remaining"]), (False, 6000.0, 0.0))
        response = self._budget("101", query="?format=text")
        self.assertEqual((response.status_code, response.text), (200, "0"))
        self.assertEqual(response.headers["Content-Type"].split(";")[0], "text/plain")
        # the manager was warned at 80 % and 100 %, for February (b-0) and for March
        warnings = self.env["kpi.call.budget.warning"].search([("employee_id", "=", self.agent1.id)])
        self.assertEqual(
            sorted((str(w.month), w.threshold) for w in warnings),
            [("2027-02-01", 80), ("2027-02-01", 100), ("2027-03-01", 80), ("2027-03-01", 100)],
        )

    @mute_logger("odoo.addons.kpi_callcenter.controllers.api")
    def test_budget_needs_the_token_and_a_known_extension(self):
        self.assertEqual(self._budget("101", token=False).status_code, 401)
        self.assertEqual(self._budget("101", token="x" * 40).status_code, 401)
        response = self._budget("999")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["error"], "unknown_extension")
        self.assertEqual(self._budget("999", query="?format=text").text, "unknown")
