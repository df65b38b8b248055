# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The two endpoints a PBX calls with its API token (``Authorization: Bearer …``).

- ``POST /kpi_callcenter/api/v1/calls``: push one call or a batch (JSON);
- ``GET /kpi_callcenter/api/v1/budget/<extension>``: may this agent still call out?

No session, no CSRF: the token is the credential, and it opens nothing else. The
source is found by comparing token digests; only then is the work done as superuser,
restricted to the source's company.

No body ends in a 500: what cannot be read is a 400 or a 413, an item that cannot be
stored is rejected with its reason while the others are stored, and the database's
own error texts are logged, never answered.
"""

import json
import logging
import re

from werkzeug.exceptions import RequestEntityTooLarge

from odoo import http
from odoo.http import request

from ..engine import callrecord
from ..engine.cdr import CdrError

_logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 2 * 1024 * 1024
# The route's hard limit: up to it, a body too large gets our JSON answer (413 too_large);
# beyond it (with a Content-Length saying so) Odoo's own 413 answers before the route runs.
MAX_REQUEST_BYTES = 2 * MAX_BODY_BYTES
MAX_BATCH_CALLS = 1000
_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{16,128}$")
_EXTENSION = re.compile(r"^[\w.@+\-]{1,64}$")


class KpiCallApi(http.Controller):
    # ------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------
    @http.route(
        "/kpi_callcenter/api/v1/calls",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
        max_content_length=MAX_REQUEST_BYTES,
    )
    def push_calls(self, **kwargs):
        source_sudo = self._authenticate_source()
        if not source_sudo:
            return self._unauthorized()
        items, error = self._read_call_items()
        if error:
            return error
        entries, parse_errors = [], {}
        for index, item in enumerate(items):
            try:
                entries.append((index, callrecord.parse_push_item(item)))
            except CdrError as parse_error:
                parse_errors[index] = str(parse_error)
        stored = {ref: (status, detail) for ref, status, detail in self._store_entries(source_sudo, entries)}
        values = dict(entries)
        results = [
            self._prepare_item_result(index, item, values.get(index), parse_errors.get(index), stored.get(index))
            for index, item in enumerate(items)
        ]
        counts = {
            status: sum(result["status"] == status for result in results)
            for status in ("created", "duplicate", "skipped", "rejected")
        }
        body = {
            "created": counts["created"],
            "duplicates": counts["duplicate"],
            "skipped": counts["skipped"],
            "rejected": counts["rejected"],
            "results": results,
        }
        return request.make_json_response(body, status=400 if counts["rejected"] else 200)

    @http.route(
        "/kpi_callcenter/api/v1/budget/<string:extension>",
        type="http",
        auth="public",
        methods=["GET"],
        csrf=False,
        save_session=False,
    )
    def call_budget(self, extension, **kwargs):
        source_sudo = self._authenticate_source()
        if not source_sudo:
            return self._unauthorized()
        text = kwargs.get("format") == "text"
        employee_sudo = source_sudo.env["hr.employee"]
        if _EXTENSION.match(extension):
            employee_sudo = employee_sudo.search(
                [("pbx_extension", "=", extension), ("company_id", "=", source_sudo.company_id.id)], limit=1
            )
        if not employee_sudo:
            shown = extension if _EXTENSION.match(extension) else "?"
            message = request.env._("No agent has the PBX extension %(extension)s.", extension=shown)
            if text:
                return request.make_response("unknown", headers=[("Content-Type", "text/plain")], status=404)
            return request.make_json_response({"error": "unknown_extension", "message": message}, status=404)
        status = employee_sudo._kpi_call_budget_status()
        if text:
            return request.make_response(
                "1" if status["allowed"] else "0", headers=[("Content-Type", "text/plain")]
            )
        return request.make_json_response(
            {
                "extension": extension,
                "allowed": status["allowed"],
                "month": status["month"].strftime("%Y-%m"),
                "budget": status["budget"] or None,
                "consumed": status["consumed"],
                "remaining": status["remaining"],
                "currency": employee_sudo.company_id.currency_id.name,
            }
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _authenticate_source(self):
        """The PBX of the request's bearer token, as superuser in its company; else None."""
        scheme, _space, token = request.httprequest.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not _TOKEN.match(token.strip()):
            return None
        source_sudo = request.env["kpi.call.source"]._authenticate_token(token.strip())
        if not source_sudo:
            _logger.info("PBX API: rejected token from %s", request.httprequest.remote_addr)
            return None
        return source_sudo.with_company(source_sudo.company_id)

    def _unauthorized(self):
        response = request.make_json_response(
            {"error": "unauthorized", "message": request.env._("Missing or invalid PBX API token.")},
            status=401,
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="kpi_callcenter"'
        return response

    def _bad_request(self, status, code, message):
        return request.make_json_response({"error": code, "message": message}, status=status)

    def _read_call_items(self):
        """``(items, None)`` from the JSON body, or ``(None, error response)``."""
        httprequest = request.httprequest
        if (httprequest.content_length or 0) > MAX_BODY_BYTES:
            return None, self._too_large()
        try:
            # A chunked body without Content-Length is cut at the route's limit.
            body = httprequest.get_data(cache=False)
        except RequestEntityTooLarge:
            return None, self._too_large()
        if len(body) > MAX_BODY_BYTES:
            return None, self._too_large()
        try:
            payload = json.loads(body)
        except RecursionError:
            return None, self._bad_request(
                400, "malformed_json", request.env._("The body is not valid JSON: it is nested too deeply.")
            )
        except (ValueError, UnicodeDecodeError) as error:
            return None, self._bad_request(
                400, "malformed_json", request.env._("The body is not valid JSON: %(error)s", error=str(error)[:200])
            )
        if isinstance(payload, dict) and "calls" in payload:
            payload = payload["calls"]
        items = [payload] if isinstance(payload, dict) else payload
        if not isinstance(items, list) or not items:
            return None, self._bad_request(
                400,
                "no_calls",
                request.env._('Send a call object, a list of calls or {"calls": [...]}, with at least one call.'),
            )
        if len(items) > MAX_BATCH_CALLS:
            return None, self._bad_request(
                413,
                "too_many_calls",
                request.env._("At most %(max)s calls per request; send smaller batches.", max=MAX_BATCH_CALLS),
            )
        return items, None

    def _too_large(self):
        return self._bad_request(
            413,
            "too_large",
            request.env._("The body exceeds %(size)s bytes; send smaller batches.", size=MAX_BODY_BYTES),
        )

    def _store_entries(self, source_sudo, entries):
        """``source_sudo._store_calls(entries)``; should it fail, entry by entry, so that
        one call that cannot be stored never costs the others theirs."""
        if not entries:
            return []
        cr = request.env.cr
        try:
            with cr.savepoint():
                return source_sudo.env["kpi.call"]._ingest(source_sudo, entries)
        except Exception:  # noqa: BLE001 pylint: disable=broad-exception-caught
            if len(entries) == 1:
                ref, values = entries[0]
                _logger.exception("PBX API: call %s of %s not stored", values["external_uid"], source_sudo.name)
                return [(ref, "rejected", request.env._("the call could not be stored"))]
        stored = []
        for entry in entries:
            stored += self._store_entries(source_sudo, [entry])
        return stored

    def _prepare_item_result(self, index, item, values, parse_error, stored):
        """The answer about one pushed item."""
        if values:
            uid = values["external_uid"]
        else:
            uid = item.get("external_uid") if isinstance(item, dict) else None
            try:
                callrecord.check_text("external_uid", uid, callrecord.EXTERNAL_UID_MAX_LENGTH)
            except CdrError:
                uid = None
            if not isinstance(uid, (str, int)) or isinstance(uid, bool):
                uid = None
        result = {"index": index, "external_uid": uid}
        if parse_error:
            result.update(status="rejected", error=parse_error)
            return result
        status, detail = stored
        result["status"] = status
        if status == "created":
            result["id"] = detail
        elif status == "rejected":
            result["error"] = detail
        elif status == "skipped":
            result["reason"] = detail
        return result
