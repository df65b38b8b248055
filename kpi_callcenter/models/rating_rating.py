# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer ratings of helpdesk tickets (OCA ``helpdesk_mgmt_rating``) as a KPI: when a
rating was given, and a QA reviewer's void (with its reason, logged on the ticket)."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class RatingRating(models.Model):
    _inherit = "rating.rating"

    kpi_rated_on = fields.Datetime(
        string="Rated on",
        compute="_compute_kpi_rated_on",
        store=True,
        readonly=False,
        index=True,
        help="When the customer gave the rating: places it in a KPI period.",
    )
    kpi_voided = fields.Boolean(string="Voided for KPIs", readonly=True, copy=False)
    kpi_void_reason = fields.Text(string="Void reason", readonly=True, copy=False)
    kpi_voided_by_id = fields.Many2one("res.users", string="Voided by", readonly=True, copy=False)

    @api.depends("consumed")
    def _compute_kpi_rated_on(self):
        now = fields.Datetime.now()
        for rating in self:
            if rating.consumed and not rating.kpi_rated_on:
                rating.kpi_rated_on = now

    def action_kpi_void(self, reason):
        """Void these ratings for the KPIs (a QA reviewer: KPI Officer), with a reason;
        the ticket's chatter tells who voided which rating and why. The rating itself
        is kept."""
        if not self.env.user.has_group("kpi_callcenter.group_kpi_officer"):
            raise AccessError(self.env._("Only a KPI Officer (QA reviewer) can void a customer rating."))
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(self.env._("Field Void reason: voiding a rating needs a reason."))
        already = self.filtered("kpi_voided")
        if already:
            raise UserError(
                self.env._("These ratings are already voided: %(ratings)s", ratings=", ".join(already.mapped("display_name")))
            )
        # the officer's right to void was checked above; ratings are read and written as
        # superuser (officers need no rights on the rating model)
        ratings_sudo = self.sudo()
        ratings_sudo.write(
            {"kpi_voided": True, "kpi_void_reason": reason, "kpi_voided_by_id": self.env.user.id}
        )
        tickets_sudo = self.env["helpdesk.ticket"].sudo()
        for rating_sudo in ratings_sudo.filtered(lambda rating: rating.res_model == "helpdesk.ticket"):
            tickets_sudo.browse(rating_sudo.res_id).message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "%(user)s voided the customer rating %(rating)s for the KPIs. Reason: %(reason)s",
                    user=self.env.user.name,
                    rating=rating_sudo.rating,
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True
