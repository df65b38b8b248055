# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Transparency for scorecards: what the portal page, the PDF statement and the
provisional-figures job need from ``kpi.scorecard``.

Kept apart from ``kpi_scorecard.py`` (data model, computation) so that the computation
and its payout extension evolve without touching the presentation helpers.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import chart as engine_chart

_logger = logging.getLogger(__name__)

HISTORY_PERIODS = 6


class KpiScorecard(models.Model):
    _inherit = "kpi.scorecard"

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------
    def _portal_ensure_token(self):
        # The token (portal chatter) may be set on a confirmed or paid scorecard: it is no
        # figure, the lock does not apply to it.
        return super(KpiScorecard, self.with_context(kpi_scorecard_unlock=True))._portal_ensure_token()

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("KPI statement - %(name)s", name=self.name or "")

    def _kpi_statement_lang(self):
        """Language of the statement: the employee's (user or portal user), else the company's."""
        self.ensure_one()
        employee_sudo = self.sudo().employee_id
        user_sudo = employee_sudo.user_id or employee_sudo.kpi_portal_user_id
        return user_sudo.lang or self.company_id.partner_id.lang or self.env.lang

    def _kpi_gate_lines(self):
        """Lines that are gates (a gate below its threshold cancels the whole bonus).

        The ``is_gate`` flag comes with the payout scales; without it there are no gates.
        """
        lines = self.line_ids
        if "is_gate" not in lines._fields:
            return lines.browse()
        return lines.filtered("is_gate")

    def _kpi_portal_history(self, periods=HISTORY_PERIODS):
        """Progress of each KPI of this scorecard over the employee's last ``periods``
        periods (this one included), ready to draw: ``{definition id: chart}``, where a
        chart is :func:`engine.chart.bar_chart`'s dict whose bars also carry ``label``,
        ``actual``, ``target`` and ``current``.

        Two queries whatever the number of KPIs and periods: the period starts, then the
        lines of those periods grouped by KPI and period. Call it on a record the caller
        may read (the portal calls it with ``sudo`` after its access check).
        """
        self.ensure_one()
        definitions = self.line_ids.definition_id
        if not definitions:
            return {}
        Line = self.env["kpi.scorecard.line"]
        starts = [
            date_from
            for (date_from,) in self._read_group(
                [("employee_id", "=", self.employee_id.id), ("date_from", "<=", self.date_from)],
                ["date_from:day"],
                order="date_from:day desc",
                limit=periods,
            )
        ]
        starts.reverse()
        groups = Line._read_group(
            [
                ("employee_id", "=", self.employee_id.id),
                ("definition_id", "in", definitions.ids),
                ("date_from", "in", starts),
            ],
            ["definition_id", "date_from:day"],
            ["achievement:avg", "actual:sum", "target:sum"],
        )
        figures = defaultdict(dict)
        for definition, date_from, achievement, actual, target in groups:
            figures[definition.id][date_from] = (achievement, actual, target)
        history = {}
        for definition in definitions:
            points = [figures[definition.id].get(start) for start in starts]
            chart = engine_chart.bar_chart([point and point[0] for point in points], slots=periods)
            for bar, start, point in zip(chart["bars"], starts[-periods:], points, strict=False):
                label = self._kpi_period_short_label(start)
                bar.update(
                    label=label,
                    actual=point and point[1],
                    target=point and point[2],
                    current=start == self.date_from,
                    achievement_text=None if bar["missing"] else f"{bar['value']:.2f}",
                    title=label if bar["missing"] else self.env._(
                        "%(period)s: %(achievement)s %% (actual %(actual)s, target %(target)s)",
                        period=label,
                        achievement=round(bar["value"], 1),
                        actual=round(point[1], 2),
                        target=round(point[2], 2),
                    ),
                )
            history[definition.id] = chart
        return history

    @api.model
    def _kpi_period_short_label(self, date_from):
        return date_from.strftime("%m/%y") if date_from.day == 1 else date_from.strftime("%d/%m")

    def _kpi_portal_dispute(self, line, message, author):
        """Post an employee's dispute of ``line`` in the chatter, as ``author`` (partner),
        and give the employee's manager a to-do to answer it.

        Called with ``sudo`` by the portal after its access check.
        """
        self.ensure_one()
        if line.scorecard_id != self:
            raise ValidationError(self.env._("This KPI line does not belong to this scorecard."))
        body = Markup("<p><strong>%s</strong></p><p>%s</p>") % (
            self.env._(
                "Dispute of %(kpi)s (target %(target)s, actual %(actual)s, achievement %(achievement)s %%)",
                kpi=line.definition_id.display_name,
                target=round(line.target, 2),
                actual=round(line.actual, 2),
                achievement=round(line.achievement, 2),
            ),
            message,
        )
        posted = self.message_post(
            body=body,
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        manager_user = self.employee_id.parent_id.user_id
        if manager_user and not manager_user.share:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Answer the dispute of %(kpi)s", kpi=line.definition_id.display_name),
                user_id=manager_user.id,
            )
        return posted

    def _message_post_after_hook(self, message, msg_vals):
        """An employee who writes on their scorecard follows it: HR's answer reaches them."""
        result = super()._message_post_after_hook(message, msg_vals)
        author = message.author_id
        if author and message.message_type == "comment":
            for card in self:
                employee_sudo = card.sudo().employee_id
                partners = (employee_sudo.user_id | employee_sudo.kpi_portal_user_id).partner_id
                if author in partners and author not in card.sudo().message_partner_ids:
                    card.sudo()._message_subscribe(partner_ids=author.ids)
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_print_statement(self):
        return self.env.ref("kpi_callcenter.kpi_scorecard_report_statement").report_action(self)

    # ------------------------------------------------------------------
    # Cron: provisional figures while the period runs
    # ------------------------------------------------------------------
    @api.model
    def _cron_recompute_provisional(self):
        """Recompute the draft and computed scorecards whose period runs today (or ended
        yesterday, to catch the last day), one plan and period at a time, each in its own
        savepoint: one broken KPI set-up does not stop the others.
        """
        today = fields.Date.context_today(self)
        cards = self.search(
            [
                ("state", "in", ("draft", "computed")),
                ("date_from", "<=", today),
                ("date_to", ">=", today - timedelta(days=1)),
            ]
        )
        batches = defaultdict(lambda: self.browse())
        for card in cards:
            batches[(card.plan_id.id, card.date_from, card.date_to)] |= card
        done = 0
        for batch in batches.values():
            try:
                with self.env.cr.savepoint():
                    batch.action_compute()
            except (UserError, ValidationError) as error:
                _logger.warning(
                    "KPI: provisional recompute of %s failed: %s", batch[:1].plan_id.display_name, error
                )
            done += 1
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(batches) - done)
        return True
