# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

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

    def _get_workflow_fields(self):
        # Only the payroll bridge links a scorecard to the payslip that paid it.
        return super()._get_workflow_fields() | {"payslip_id"}

    def _mark_paid(self, payslip):
        """Paid by ``payslip``: state ``paid``, linked to it, final.

        Only confirmed scorecards (or those this payslip already pays) can be paid: a
        scorecard is never paid twice. Called by the payroll bridge (sudo) in the
        transaction of the payslip's done, after its access check on the payslip.
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
        self._write_workflow({"state": "paid", "payslip_id": payslip.id})

    def _mark_unpaid(self):
        """Their payslip was cancelled: back to ``confirmed``, unlinked, payable again. The
        chatter of each scorecard names the cancelled payslip and who cancelled it."""
        bodies = {
            card.id: Markup("<p>%s</p>")
            % self.env._(
                "Payslip %(payslip)s was cancelled by %(user)s: this scorecard is unpaid and "
                "payable again.",
                payslip=card.payslip_id.display_name,
                user=self.env.user.name,
            )
            for card in self
        }
        self._write_workflow({"state": "confirmed", "payslip_id": False})
        self._message_log_batch(bodies=bodies)
