# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""JSON-RPC over real HTTP for :class:`~odoo.tests.HttpCase` tests: what a web or
external client can do, session and all.

``self._rpc_login(login)`` authenticates through ``/web/session/authenticate`` (the
password of :func:`~odoo.tests.new_test_user` is the login); ``self._rpc_logout()``
drops the session. ``self._call_kw(model, method, *args, **kwargs)`` goes through
``/web/dataset/call_kw`` and returns the result, or raises :class:`RpcError` with the
server's exception class (``error.name``, e.g. ``odoo.exceptions.AccessError``) and its
message. ``self._json(route, params)`` does the same for any JSON route.

``with self.assertRpcRefused("Agent 1"):`` expects a refusal: a clear business or access
error (never an internal error, i.e. never a 500) whose message matches the pattern.
"""

import json
import re
from contextlib import contextmanager

from odoo.http import root
from odoo.tests import get_db_name
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME
from odoo.tools import mute_logger

# What a refusal may be: an error the user is meant to read, never a crash.
REFUSALS = (
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
    "odoo.http.SessionExpiredException",
    "werkzeug.exceptions.NotFound",
    "werkzeug.exceptions.Forbidden",
)


class RpcError(Exception):
    """An error answered by a JSON-RPC route: ``name`` is the exception's class path."""

    def __init__(self, name, message, code=None):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message
        self.code = code


class RpcMixin:
    """For HttpCase classes: log in, call models and routes over JSON-RPC."""

    def _post_json(self, route, params=None):
        response = self.url_open(
            route,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params or {}}),
            headers={"Content-Type": "application/json"},
        )
        self.assertLess(response.status_code, 500, f"{route} answered {response.status_code}")
        if response.status_code == 404:
            raise RpcError("werkzeug.exceptions.NotFound", response.text[:200], 404)
        payload = response.json()
        if "error" in payload:
            data = payload["error"].get("data") or {}
            raise RpcError(
                data.get("name") or payload["error"].get("message", ""),
                data.get("message") or payload["error"].get("message", ""),
                payload["error"].get("code"),
            )
        return response, payload.get("result")

    def _json(self, route, params=None):
        return self._post_json(route, params)[1]

    def _rpc_login(self, login, password=None):
        """A fresh session, then the login form's route: ``/web/session/authenticate``.
        The server rotates the session on login: the client keeps the new cookie only."""
        self.authenticate(None, None)
        response, result = self._post_json(
            "/web/session/authenticate",
            {"db": get_db_name(), "login": login, "password": password or login},
        )
        self.assertTrue(result and result.get("uid"), f"{login} could not log in")
        session_id = response.cookies.get("session_id")
        self.assertTrue(session_id, "the login sets the session cookie")
        test_cursor_cookie = self.opener.cookies.get(TEST_CURSOR_COOKIE_NAME)
        self.opener.cookies.clear()
        self.opener.cookies["session_id"] = session_id
        self.opener.cookies[TEST_CURSOR_COOKIE_NAME] = test_cursor_cookie
        self.session = root.session_store.get(session_id)
        return result["uid"]

    def _rpc_logout(self):
        self.authenticate(None, None)

    def _call_kw(self, model, method, *args, **kwargs):
        return self._json(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    @contextmanager
    def assertRpcRefused(self, pattern=None, names=REFUSALS):
        """The block must raise :class:`RpcError` of one of ``names`` whose message
        matches ``pattern`` (a regular expression, searched) when given."""
        with mute_logger("odoo.http"):
            with self.assertRaises(RpcError) as caught:
                yield caught
        error = caught.exception
        self.assertIn(error.name, names, f"not a clear refusal: {error}")
        if pattern:
            self.assertTrue(
                re.search(pattern, error.message),
                f"the refusal should name {pattern!r}: {error.message}",
            )
