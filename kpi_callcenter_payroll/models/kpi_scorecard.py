# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError


class KpiScorecard(models.Model):
    _inherit = "kpi.scorecard"

    payslip_id = fields.Many2one(
        "hr.payslip",
        readonly=True,
        copy=False,
        index=True,
        ondelete="restrict",
        tracking=True,
        help="The payslip that paid this scorecard's bonus.",
    )

    def _mark_paid(self, payslip):
        """Paid by ``payslip``: state ``paid``, linked to it, locked.

        Only confirmed scorecards (or those this payslip already pays) can be paid: a
        scorecard is never paid twice.
        """
        payslip.ensure_one()
        unpayable = self.filtered(
            lambda card: card.is_trial
            or (card.payslip_id != payslip and (card.state != "confirmed" or card.payslip_id))
        )
        if unpayable:
            raise UserError(
                self.env._(
                    "Payslip %(payslip)s cannot pay these scorecards, which are not confirmed, "
                    "already paid or of a trial period: %(names)s",
                    payslip=payslip.display_name,
                    names=", ".join(unpayable.mapped("display_name")),
                )
            )
        self.with_context(kpi_scorecard_unlock=True).write(
            {"state": "paid", "payslip_id": payslip.id}
        )

    def _mark_unpaid(self):
        """Their payslip was cancelled: back to ``confirmed``, unlinked, payable again."""
        self.with_context(kpi_scorecard_unlock=True).write(
            {"state": "confirmed", "payslip_id": False}
        )
