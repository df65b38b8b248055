# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Employee portal: ``/my/kpi`` (own scorecards), ``/my/kpi/team`` (team managers),
``/my/kpi/<id>`` (a scorecard, its PDF statement, disputes).

Portal users are not KPI users: every route first works out which employees the current
user may see (:meth:`_kpi_portal_scope`: their own, plus their team when they are a KPI
Team Manager), then reads the scorecards of those employees only, with ``sudo``, in
variables named ``*_sudo``. A scorecard outside that scope answers 404, whether it
exists or not, so ids cannot be probed.
"""

from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

STATEMENT_REPORT = "kpi_callcenter.kpi_scorecard_report_statement"


class KpiCustomerPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # Scope and access
    # ------------------------------------------------------------------
    def _kpi_portal_scope(self):
        """``(own employees, team employees)`` of the current user, both sudo."""
        Employee = request.env["hr.employee"]
        own_sudo = Employee._kpi_portal_employees()
        return own_sudo, Employee._kpi_portal_team(own_sudo)

    def _kpi_scorecard_check_access(self, scorecard_id):
        """The scorecard ``scorecard_id`` as sudo, if it belongs to an employee of the
        current user's scope; else AccessError (or MissingError when it does not exist:
        callers answer both the same way).
        """
        own_sudo, team_sudo = self._kpi_portal_scope()
        allowed = own_sudo | team_sudo
        if not allowed:
            raise AccessError(request.env._("You have no KPI scorecards."))
        scorecard_sudo = (
            request.env["kpi.scorecard"]
            .sudo()
            .search([("id", "=", scorecard_id), ("employee_id", "in", allowed.ids)], limit=1)
        )
        if not scorecard_sudo:
            raise MissingError(request.env._("This scorecard does not exist or is not yours."))
        return scorecard_sudo, own_sudo

    # ------------------------------------------------------------------
    # /my home
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        wanted = {"kpi_scorecard_count", "kpi_team_scorecard_count"} & set(counters)
        if wanted or not counters:
            own_sudo, team_sudo = self._kpi_portal_scope()
            Scorecard_sudo = request.env["kpi.scorecard"].sudo()
            if not counters:
                # The home page renders the KPI entries only for employees.
                values["kpi_portal_enabled"] = bool(own_sudo)
                values["kpi_team_enabled"] = bool(team_sudo)
            if "kpi_scorecard_count" in counters:
                values["kpi_scorecard_count"] = (
                    Scorecard_sudo.search_count([("employee_id", "in", own_sudo.ids)]) if own_sudo else 0
                )
            if "kpi_team_scorecard_count" in counters:
                values["kpi_team_scorecard_count"] = (
                    Scorecard_sudo.search_count([("employee_id", "in", team_sudo.ids)]) if team_sudo else 0
                )
        return values

    # ------------------------------------------------------------------
    # Lists
    # ------------------------------------------------------------------
    def _kpi_searchbar_sortings(self, team=False):
        sortings = {
            "date": {"label": request.env._("Period"), "order": "date_from desc, id desc"},
            "score": {"label": request.env._("Score"), "order": "score desc, date_from desc, id desc"},
            "bonus": {"label": request.env._("Bonus"), "order": "bonus_amount desc, date_from desc, id desc"},
            "state": {"label": request.env._("Status"), "order": "state, date_from desc, id desc"},
        }
        if team:
            sortings["employee"] = {"label": request.env._("Employee"), "order": "employee_id, date_from desc, id desc"}
        return sortings

    def _kpi_searchbar_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {"label": request.env._("Not confirmed yet"), "domain": [("state", "in", ("draft", "computed"))]},
            "confirmed": {"label": request.env._("Confirmed"), "domain": [("state", "=", "confirmed")]},
            "paid": {"label": request.env._("Paid"), "domain": [("state", "=", "paid")]},
        }

    def _prepare_kpi_scorecards_values(
        self, employees_sudo, url, page=1, sortby=None, filterby=None, date_begin=None, date_end=None,
        **kwargs,
    ):
        Scorecard_sudo = request.env["kpi.scorecard"].sudo()
        team = url.startswith("/my/kpi/team")
        searchbar_sortings = self._kpi_searchbar_sortings(team=team)
        searchbar_filters = self._kpi_searchbar_filters()
        sortby = sortby if sortby in searchbar_sortings else "date"
        filterby = filterby if filterby in searchbar_filters else "all"
        domain = [("employee_id", "in", employees_sudo.ids)] + searchbar_filters[filterby]["domain"]
        if date_begin and date_end:
            domain += [("date_from", ">=", date_begin), ("date_from", "<=", date_end)]
        url_args = {"sortby": sortby, "filterby": filterby, "date_begin": date_begin, "date_end": date_end}
        pager_values = portal_pager(
            url=url,
            total=Scorecard_sudo.search_count(domain),
            page=page,
            step=self._items_per_page,
            url_args={key: value for key, value in url_args.items() if value},
        )
        scorecards_sudo = Scorecard_sudo.search(
            domain,
            order=searchbar_sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager_values["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "scorecards": scorecards_sudo,
                "page_name": "kpi_team" if team else "kpi",
                "kpi_team_view": team,
                "pager": pager_values,
                "default_url": url,
                "date": date_begin,
                "searchbar_sortings": searchbar_sortings,
                "sortby": sortby,
                "searchbar_filters": searchbar_filters,
                "filterby": filterby,
            }
        )
        return values

    def _prepare_kpi_team_ranking_values(self, team_sudo, period=None):
        """The team's scorecards of one period (``period`` = its first day, ISO; default:
        the latest), ranked by score; ties share a rank.
        """
        Scorecard_sudo = request.env["kpi.scorecard"].sudo()
        periods = [
            date_from
            for (date_from,) in Scorecard_sudo._read_group(
                [("employee_id", "in", team_sudo.ids)],
                ["date_from:day"],
                order="date_from:day desc",
                limit=24,
            )
        ]
        try:
            selected = fields.Date.to_date(period) if period else None
        except ValueError:
            selected = None
        if selected not in periods:
            selected = periods[0] if periods else None
        ranked_sudo = Scorecard_sudo.search(
            [("employee_id", "in", team_sudo.ids), ("date_from", "=", selected)],
            order="score desc, bonus_amount desc, id",
        ) if selected else Scorecard_sudo
        ranking, rank, previous = [], 0, None
        for position, card_sudo in enumerate(ranked_sudo, start=1):
            if card_sudo.score != previous:
                rank, previous = position, card_sudo.score
            ranking.append((rank, card_sudo))
        return {
            "ranking": ranking,
            "ranking_periods": [(start, Scorecard_sudo._kpi_period_short_label(start)) for start in periods],
            "ranking_period": selected,
        }

    @http.route(["/my/kpi", "/my/kpi/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_kpi_scorecards(self, **kwargs):
        own_sudo, _team_sudo = self._kpi_portal_scope()
        if not own_sudo:
            raise request.not_found()
        values = self._prepare_kpi_scorecards_values(own_sudo, "/my/kpi", **kwargs)
        request.session["my_kpi_scorecards_history"] = values["scorecards"].ids[:100]
        return request.render("kpi_callcenter.portal_my_kpi_scorecards", values)

    @http.route(["/my/kpi/team", "/my/kpi/team/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_kpi_team(self, period=None, **kwargs):
        _own_sudo, team_sudo = self._kpi_portal_scope()
        if not team_sudo:
            raise request.not_found()
        values = self._prepare_kpi_scorecards_values(team_sudo, "/my/kpi/team", **kwargs)
        values.update(self._prepare_kpi_team_ranking_values(team_sudo, period=period))
        request.session["my_kpi_scorecards_history"] = values["scorecards"].ids[:100]
        return request.render("kpi_callcenter.portal_my_kpi_scorecards", values)

    # ------------------------------------------------------------------
    # One scorecard
    # ------------------------------------------------------------------
    def _prepare_kpi_scorecard_values(self, scorecard_sudo, own_sudo, **kwargs):
        values = {
            "page_name": "kpi_scorecard",
            "scorecard": scorecard_sudo,
            "kpi_team_view": scorecard_sudo.employee_id not in own_sudo,
            "gate_lines": scorecard_sudo._kpi_gate_lines(),
            "history": scorecard_sudo._kpi_portal_history(),
            "dispute_status": kwargs.get("dispute"),
            "res_company": scorecard_sudo.company_id,
        }
        values.update(self._prepare_kpi_what_if_values(scorecard_sudo, kwargs))
        # The portal chatter widget sends the scorecard's token, but the token opens
        # nothing by itself: these pages and the chatter routes (the scorecard's
        # _get_thread_with_access) check the same employee scope. The token is created
        # with the scorecard: a GET never writes (20 agents opening their new scorecard
        # together would otherwise fight over the row).
        return self._get_page_view_values(
            scorecard_sudo,
            scorecard_sudo.access_token,
            values,
            "my_kpi_scorecards_history",
            False,
        )

    def _prepare_kpi_what_if_values(self, scorecard_sudo, kwargs):
        """The what-if of the page: the actuals typed in the form (``whatif_<code>``)
        through :meth:`kpi.scorecard.what_if`; on a running period, the still-needed
        figures and days left even before anything is typed."""
        inputs = {key.removeprefix("whatif_"): value for key, value in kwargs.items() if key.startswith("whatif_")}
        values = {"what_if": None, "what_if_inputs": inputs, "what_if_error": None, "what_if_entered": False}
        if not inputs and not scorecard_sudo.is_provisional:
            return values
        try:
            values["what_if"] = scorecard_sudo.what_if(inputs)
        except ValidationError as error:
            values["what_if_error"] = error.args[0]
            values["what_if"] = scorecard_sudo.what_if({}) if scorecard_sudo.is_provisional else None
        values["what_if_entered"] = bool(inputs) and not values["what_if_error"]
        return values

    @http.route(["/my/kpi/<int:scorecard_id>"], type="http", auth="user", website=True)
    def portal_my_kpi_scorecard(self, scorecard_id, report_type=None, download=False, **kwargs):
        try:
            scorecard_sudo, own_sudo = self._kpi_scorecard_check_access(scorecard_id)
        except (AccessError, MissingError):
            raise request.not_found()
        if report_type in ("html", "pdf"):
            return self._show_report(
                model=scorecard_sudo, report_type=report_type, report_ref=STATEMENT_REPORT, download=download
            )
        values = self._prepare_kpi_scorecard_values(scorecard_sudo, own_sudo, **kwargs)
        return request.render("kpi_callcenter.portal_kpi_scorecard", values)

    @http.route(["/my/kpi/<int:scorecard_id>/statement"], type="http", auth="user", website=True)
    def portal_my_kpi_statement(self, scorecard_id, **kwargs):
        try:
            scorecard_sudo, _own_sudo = self._kpi_scorecard_check_access(scorecard_id)
        except (AccessError, MissingError):
            raise request.not_found()
        return self._show_report(model=scorecard_sudo, report_type="pdf", report_ref=STATEMENT_REPORT, download=True)

    @http.route(["/my/kpi/<int:scorecard_id>/line/<int:line_id>"], type="http", auth="user", website=True)
    def portal_my_kpi_line_records(self, scorecard_id, line_id, **kwargs):
        """The agent's own records behind one KPI of one of their scorecards (a team
        manager's view of a colleague answers 404, like any scorecard outside scope)."""
        try:
            scorecard_sudo, own_sudo = self._kpi_scorecard_check_access(scorecard_id)
        except (AccessError, MissingError):
            raise request.not_found()
        line_sudo = scorecard_sudo.line_ids.filtered(lambda line: line.id == line_id)
        if not line_sudo or scorecard_sudo.employee_id not in own_sudo:
            raise request.not_found()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "kpi_line_records",
                "scorecard": scorecard_sudo,
                "line": line_sudo,
                "records": line_sudo._get_portal_records(),
            }
        )
        return request.render("kpi_callcenter.portal_kpi_line_records", values)

    @http.route(
        ["/my/kpi/<int:scorecard_id>/dispute"], type="http", auth="user", methods=["POST"], website=True
    )
    def portal_my_kpi_dispute(self, scorecard_id, line_id=None, message=None, **kwargs):
        try:
            scorecard_sudo, _own_sudo = self._kpi_scorecard_check_access(scorecard_id)
        except (AccessError, MissingError):
            raise request.not_found()
        line_sudo = scorecard_sudo.line_ids.filtered(lambda line: str(line.id) == str(line_id))
        message = (message or "").strip()
        if not line_sudo or not message:
            return request.redirect(f"{scorecard_sudo.access_url}?{url_encode({'dispute': 'error'})}")
        scorecard_sudo._kpi_portal_dispute(line_sudo, message, request.env.user.partner_id)
        return request.redirect(f"{scorecard_sudo.access_url}?{url_encode({'dispute': 'sent'})}#discussion")

    @http.route(
        ["/my/kpi/<int:scorecard_id>/correction/<int:correction_id>/acknowledge"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_kpi_correction_acknowledge(self, scorecard_id, correction_id, **kwargs):
        """The agent acknowledges a clawback of one of their own scorecards (a team
        manager's view of a colleague answers 404): ``action_acknowledge`` records who and
        when, and refuses anyone but the employee."""
        try:
            scorecard_sudo, own_sudo = self._kpi_scorecard_check_access(scorecard_id)
        except (AccessError, MissingError):
            raise request.not_found()
        correction_sudo = scorecard_sudo.correction_ids.filtered(lambda correction: correction.id == correction_id)
        if not correction_sudo or scorecard_sudo.employee_id not in own_sudo:
            raise request.not_found()
        try:
            correction_sudo.action_acknowledge()
        except (AccessError, UserError):
            return request.redirect(f"{scorecard_sudo.access_url}?{url_encode({'acknowledge': 'error'})}")
        return request.redirect(f"{scorecard_sudo.access_url}?{url_encode({'acknowledge': 'done'})}")
