# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The push API over real HTTP with bodies a PBX should never send: never a 500, every
item answered, the good items stored. Ends with a seeded fuzz run of 2,000 bodies."""

import json
import logging
import time

from odoo.tests import HttpCase, tagged

from . import fuzz_call_api
from .common_call import KpiCallCommon
from .test_call_api import PUSH_URL, _call

_logger = logging.getLogger(__name__)
FUZZ_SEED = 20261129
FUZZ_BODIES = 2000


@tagged("post_install", "-at_install", "kpi_call")
class TestCallApiBadInput(HttpCase, KpiCallCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = cls._token()

    def _post(self, data, headers=None):
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}", **(headers or {})}
        # (not url_open: it turns a POST with an empty body into a GET)
        return self.opener.post(self.base_url() + PUSH_URL, data=data, headers=headers, timeout=60)

    def _push_with(self, bad_json):
        """Push a good call and a call whose duration is ``bad_json`` (raw JSON text)."""
        body = json.dumps([_call("good-1"), _call("bad-1", talk_seconds="@BAD@")])
        response = self._post(body.replace('"@BAD@"', bad_json))
        self.assertLess(response.status_code, 500, response.text)
        return response

    def _assert_good_stored_bad_rejected(self, response, error):
        self.assertEqual(response.status_code, 400, response.text)
        body = response.json()
        self.assertEqual((body["created"], body["rejected"]), (1, 1))
        self.assertEqual([r["status"] for r in body["results"]], ["created", "rejected"])
        self.assertEqual(body["results"][1]["error"], error)
        self.assertEqual(self._calls(source_id=self.source.id).mapped("external_uid"), ["good-1"])

    # ------------------------------------------------------------------
    # Numbers
    # ------------------------------------------------------------------
    def test_nan_duration(self):
        response = self._push_with("NaN")
        self._assert_good_stored_bad_rejected(response, "talk_seconds: not a duration nan")

    def test_infinite_duration(self):
        response = self._push_with("Infinity")
        self._assert_good_stored_bad_rejected(response, "talk_seconds: not a duration inf")

    def test_1e400_duration(self):
        # 1e400 is beyond a double: Python's JSON reads it as infinity
        response = self._push_with("1e400")
        self._assert_good_stored_bad_rejected(response, "talk_seconds: not a duration inf")

    def test_huge_integer_duration(self):
        # 10^20 s would overflow the integer column: refused before the database sees it
        response = self._push_with("100000000000000000000")
        self._assert_good_stored_bad_rejected(
            response, "talk_seconds: more than 604800 seconds 100000000000000000000"
        )

    def test_non_finite_start_and_ring(self):
        body = json.dumps(
            [_call("good-1"), _call("bad-1", start="@A@"), _call("bad-2", ring_duration="@B@")]
        ).replace('"@A@"', "-Infinity").replace('"@B@"', "NaN")
        response = self._post(body)
        self.assertEqual(response.status_code, 400, response.text)
        self.assertEqual(
            [r.get("error") for r in response.json()["results"]],
            [None, "start: invalid date -inf", "ring_duration: not a duration nan"],
        )
        self.assertEqual(self._calls(source_id=self.source.id).mapped("external_uid"), ["good-1"])

    # ------------------------------------------------------------------
    # Dates
    # ------------------------------------------------------------------
    def test_start_in_year_1_and_9999(self):
        response = self._post(
            json.dumps(
                [
                    _call("year-1-offset", start="0001-01-01T00:00:00+07:00"),
                    _call("year-1-local", start="0001-01-01 00:00:00"),
                    _call("good-1"),
                    _call("year-9999-offset", start="9999-12-31T23:59:59-05:00"),
                    _call("year-9999-local", start="9999-12-31 23:59:59"),
                    _call("unix-huge", start=10**15),
                ]
            )
        )
        self.assertEqual(response.status_code, 400, response.text)
        self.assertEqual(
            [(r["external_uid"], r["status"], r.get("error")) for r in response.json()["results"]],
            [
                # converting to UTC would leave the calendar: not a date
                ("year-1-offset", "rejected", "start: invalid date '0001-01-01T00:00:00+07:00'"),
                # a PBX local time: a date, but no call was ever made then
                ("year-1-local", "rejected", "start: 0001-01-01 00:00:00 is not between 2000 and 2099"),
                ("good-1", "created", None),
                ("year-9999-offset", "rejected", "start: invalid date '9999-12-31T23:59:59-05:00'"),
                ("year-9999-local", "rejected", "start: 9999-12-31 23:59:59 is not between 2000 and 2099"),
                ("unix-huge", "rejected", "start: invalid date 1000000000000000"),
            ],
        )
        self.assertEqual(self._calls(source_id=self.source.id).mapped("external_uid"), ["good-1"])

    # ------------------------------------------------------------------
    # Shapes, types, sizes
    # ------------------------------------------------------------------
    def test_body_nested_100000_levels(self):
        response = self._post("[" * 100_000 + "]" * 100_000)
        self.assertEqual(response.status_code, 400, response.text)
        self.assertEqual(response.json()["error"], "malformed_json")
        self.assertIn("nested too deeply", response.json()["message"])
        # nested inside a call: that call is rejected, the other stored
        body = json.dumps([_call("good-1"), _call("deep", phone="@D@")]).replace('"@D@"', "[" * 300 + "]" * 300)
        response = self._post(body)
        self.assertEqual(response.status_code, 400, response.text)
        self.assertEqual(response.json()["results"][1]["error"], "phone: expected text, got a list")
        self.assertEqual(self._calls(source_id=self.source.id).mapped("external_uid"), ["good-1"])

    def test_wrong_types_and_characters(self):
        items = [
            _call("good-1"),
            _call(["a", "list"]),
            _call("bool-duration", talk_seconds=True),
            _call("object-start", start={"year": 2027}),
            _call("nul-extension", extension="101\u0000"),
            _call("surrogate-phone", phone="\ud800"),
            _call("long-phone", phone="9" * 100_000),
            _call("u" * 129),
            _call("long-start", start="2027-03-04" + "0" * 100_000),
            _call("long-duration", talk_seconds="9" * 100_000),
            {"x" * 100_000: 1, "external_uid": "long-key"},
        ]
        response = self._post(json.dumps(items))
        self.assertEqual(response.status_code, 400, response.text)
        body = response.json()
        self.assertEqual(
            [(r["external_uid"], r.get("error")) for r in body["results"]],
            [
                ("good-1", None),
                (None, "external_uid: missing value"),
                ("bool-duration", "talk_seconds: not a duration True"),
                ("object-start", "start: invalid date an object"),
                ("nul-extension", "extension: invalid characters"),
                ("surrogate-phone", "phone: invalid characters"),
                ("long-phone", "phone: longer than 128 characters"),
                (None, "external_uid: longer than 128 characters"),
                # values are shown cut to 60 characters: no answer echoes a whole body
                ("long-start", "start: invalid date '2027-03-04" + "0" * 46 + "…"),
                ("long-duration", "talk_seconds: not a duration '" + "9" * 56 + "…"),
                ("long-key", "'" + "x" * 56 + "…: unknown key"),
            ],
        )
        self.assertLess(len(response.content), 5000, "no value is echoed whole")
        self.assertEqual(self._calls(source_id=self.source.id).mapped("external_uid"), ["good-1"])

    def test_body_size_limit_without_content_length(self):
        """A chunked body (no Content-Length) is cut by the route's limit: 413, our JSON answer."""

        def chunks():
            yield b'[{"external_uid": "big", "start": "2027-03-04", "phone": "'
            for _chunk in range(5 * 1024):  # 5 MiB: over the route's 4 MiB hard limit
                yield b"9" * 1024
            yield b'"}]'

        response = self._post(chunks())
        self.assertEqual(response.status_code, 413, response.text)
        self.assertEqual(response.json()["error"], "too_large")
        self.assertFalse(self._calls(source_id=self.source.id))

    def test_mixed_good_and_bad_batch_keeps_the_good_calls(self):
        body = (
            json.dumps(
                {"calls": [_call("good-1"), _call("bad-nan", talk_seconds="@N@"), _call("good-2", extension="102"),
                           _call("bad-year", start="0001-01-01 00:00:00")]}
            ).replace('"@N@"', "NaN")
        )
        response = self._post(body)
        self.assertEqual(response.status_code, 400, response.text)
        body = response.json()
        self.assertEqual((body["created"], body["rejected"]), (2, 2))
        self.assertEqual(
            self._calls(source_id=self.source.id).mapped("external_uid"), ["good-1", "good-2"]
        )

    # ------------------------------------------------------------------
    # Fuzz
    # ------------------------------------------------------------------
    def test_fuzz_2000_bodies(self):
        """2,000 seeded bodies: not one answer ≥ 500, every call of every batch answered."""
        statuses, problems = {}, []
        began = time.monotonic()
        for number, (data, item_count) in enumerate(fuzz_call_api.generate_bodies(FUZZ_SEED, FUZZ_BODIES)):
            response = self._post(data)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            try:
                answer = response.json()
            except ValueError:
                answer = None
            problem = fuzz_call_api.check_answer(response.status_code, answer, item_count)
            if problem:
                problems.append(f"body {number} ({data[:80]!r}): {problem}")
        _logger.info("API fuzz: %s bodies in %.1f s, statuses %s", FUZZ_BODIES, time.monotonic() - began, statuses)
        self.assertEqual(sum(statuses.values()), FUZZ_BODIES)
        self.assertFalse([status for status in statuses if status >= 500], statuses)
        self.assertEqual(problems[:5], [])
        # the generator makes every kind of answer: stored calls, rejections, broken bodies, oversize
        self.assertTrue({200, 400, 413} <= set(statuses), statuses)
        self.assertGreater(len(self._calls(source_id=self.source.id)), 500)
