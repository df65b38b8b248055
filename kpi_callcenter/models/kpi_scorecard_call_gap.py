# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Data-quality gate of the call log on ``kpi.scorecard`` (issue 7, item 7).

Confirming scorecards whose plan measures calls first checks, in one grouped query, that
every active PBX of the company sent calls on every working day of the period (the
company's working schedule, public holidays excluded, days before today only). Missing
days stop the confirmation with a dialog; a KPI Officer may confirm anyway, which the
context key ``kpi_ack_call_gaps`` carries and which is logged on each scorecard.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..engine import callgap


class KpiScorecard(models.Model):
    _inherit = "kpi.scorecard"

    call_gap_note = fields.Text(
        string="Missing call data",
        readonly=True,
        copy=False,
        help="Set when the scorecard was confirmed although a PBX sent no call on some working "
        "days of the period: who confirmed it, when, and which days. Shown to the employee.",
    )

    def _get_confirm_gate_action(self):
        action = super()._get_confirm_gate_action()
        if action:
            return action
        gaps = self._get_call_gaps()
        if gaps and not self.env.context.get("kpi_ack_call_gaps"):
            wizard = self.env["kpi.scorecard.confirm"].create({"scorecard_ids": [fields.Command.set(self.ids)]})
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Missing call data"),
                "res_model": "kpi.scorecard.confirm",
                "res_id": wizard.id,
                "view_mode": "form",
                "target": "new",
            }
        if gaps and not self.env.su and not self.env.user.has_group("kpi_callcenter.group_kpi_officer"):
            raise AccessError(self.env._("Only a KPI Officer can confirm scorecards despite missing call data."))
        # scorecards whose data is complete now (e.g. imported after a reset to draft) lose
        # an older note; the others get the new acknowledgement
        gap_cards = self.browse().union(*(group["cards"] for group in gaps))
        (self - gap_cards).filtered("call_gap_note").write({"call_gap_note": False})
        if gaps:
            self._log_call_gap_acknowledgement(gaps)
        return False

    def _get_call_gaps(self):
        """Working days without any call of an active PBX, for the scorecards of ``self``
        whose plan has a call KPI (companies with the check on).

        :return: ``[{"cards", "company", "date_from", "date_to", "working_days",
            "gaps": [(source, day)]}]``, one entry per company and period that has gaps
        """
        cards = self.filtered(
            lambda card: card.company_id.kpi_call_gap_check
            and "call" in card.plan_id.line_ids.definition_id.mapped("source")
        )
        if not cards:
            return []
        yesterday = fields.Date.context_today(self) - timedelta(days=1)
        # the caller checked write access on the scorecards; PBX sources are read as sudo
        # (officers need not manage them), only those of the scorecards' companies
        sources_sudo = self.env["kpi.call.source"].sudo()
        sources_by_company = sources_sudo.search([("company_id", "in", cards.company_id.ids)]).grouped("company_id")
        periods = defaultdict(lambda: self.browse())
        for card in cards:
            if card.company_id in sources_by_company and card.date_from <= min(card.date_to, yesterday):
                periods[(card.company_id, card.date_from, card.date_to)] |= card
        if not periods:
            return []
        working_days = {
            key: self._get_call_gap_working_days(key[0], key[1], min(key[2], yesterday))
            for key in periods
        }
        all_days = [day for days in working_days.values() for day in days]
        if not all_days:
            return []
        sources = sources_sudo.union(*(sources_by_company[key[0]] for key in periods))
        seen = self._get_call_days(sources, min(all_days), max(all_days))
        result = []
        for key, period_cards in periods.items():
            company, date_from, date_to = key
            company_sources = sources_by_company[company]
            missing = callgap.missing_days(company_sources.ids, working_days[key], seen)
            if missing:
                result.append(
                    {
                        "cards": period_cards,
                        "company": company,
                        "date_from": date_from,
                        "date_to": date_to,
                        "working_days": working_days[key],
                        "gaps": [(sources_sudo.browse(source_id), day) for source_id, day in missing],
                    }
                )
        return result

    def _get_call_gap_working_days(self, company, date_from, date_to):
        """Days from ``date_from`` to ``date_to`` with working time in the company's
        schedule, public holidays excluded (Monday to Friday without a schedule)."""
        days = [date_from + timedelta(days=n) for n in range((date_to - date_from).days + 1)]
        calendar_sudo = company.resource_calendar_id.sudo()
        if not calendar_sudo:
            return [day for day in days if day.weekday() < 5]
        tz = pytz.timezone(calendar_sudo.tz or "UTC")
        start = tz.localize(datetime.combine(date_from, time.min))
        stop = tz.localize(datetime.combine(date_to + timedelta(days=1), time.min))
        intervals = calendar_sudo._work_intervals_batch(start, stop)[False]
        worked = {interval_start.astimezone(tz).date() for interval_start, _stop, _meta in intervals}
        return [day for day in days if day in worked]

    def _get_call_days(self, sources, date_from, date_to):
        """``{(source id, local day)}`` with at least one call, in one grouped query (the
        day in each PBX's time zone)."""
        self.env["kpi.call"].flush_model(["source_id", "start"])
        sources.flush_recordset(["tz"])
        # a day of slack on both sides covers every UTC offset
        utc_from = datetime.combine(date_from - timedelta(days=1), time.min)
        utc_to = datetime.combine(date_to + timedelta(days=2), time.min)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT c.source_id, (c.start AT TIME ZONE 'UTC' AT TIME ZONE s.tz)::date
                  FROM kpi_call c
                  JOIN kpi_call_source s ON s.id = c.source_id
                 WHERE c.source_id = ANY(%(sources)s)
                   AND c.start >= %(utc_from)s AND c.start < %(utc_to)s
              GROUP BY 1, 2
                """,
                sources=sources.ids,
                utc_from=utc_from,
                utc_to=utc_to,
            )
        )
        return {(source_id, day) for source_id, day in rows}

    def _format_call_gaps(self, gap_groups):
        """The gaps as HTML: one item per period and PBX, runs of days shortened."""
        items = [Markup("<li>%s</li>") % item for item in self._describe_call_gaps(gap_groups)]
        return Markup("<ul>%s</ul>") % Markup("").join(items)

    def _describe_call_gaps(self, gap_groups):
        """One sentence per period and PBX, runs of days shortened."""
        items = []
        for group in gap_groups:
            days_by_source = defaultdict(list)
            for source, day in group["gaps"]:
                days_by_source[source].append(day)
            for source, days in days_by_source.items():
                runs = ", ".join(
                    format_date(self.env, first)
                    if first == last
                    else f"{format_date(self.env, first)} – {format_date(self.env, last)}"
                    for first, last in callgap.day_runs(days, group["working_days"])
                )
                items.append(
                    self.env._(
                        "%(company)s, period %(date_from)s – %(date_to)s, PBX %(pbx)s: no call on "
                        "%(count)s working day(s): %(days)s",
                        company=group["company"].name,
                        date_from=format_date(self.env, group["date_from"]),
                        date_to=format_date(self.env, group["date_to"]),
                        pbx=source.name,
                        count=len(days),
                        days=runs,
                    )
                )
        return items

    def _log_call_gap_acknowledgement(self, gap_groups):
        """One chatter note per scorecard: who confirmed it despite which gaps; the same,
        as text, in ``call_gap_note`` (one write per company and period)."""
        bodies = {}
        for group in gap_groups:
            heading = self.env._(
                "%(user)s confirmed this scorecard despite missing call data:",
                user=self.env.user.name,
            )
            body = Markup("<p>%s</p>%s") % (heading, self._format_call_gaps([group]))
            note = "\n".join(
                [
                    self.env._(
                        "%(user)s confirmed this scorecard on %(date)s despite missing call data:",
                        user=self.env.user.name,
                        date=format_date(self.env, fields.Date.context_today(self)),
                    )
                ]
                + [f"- {item}" for item in self._describe_call_gaps([group])]
            )
            group["cards"].write({"call_gap_note": note})
            for card in group["cards"]:
                bodies[card.id] = body
        self.browse(list(bodies))._message_log_batch(bodies=bodies)
