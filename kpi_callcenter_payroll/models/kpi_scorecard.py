# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

KPI_BONUS_CODE = "KPI_BONUS"


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

    def _get_kpi_pay_date(self):
        """The day whose payslip pays this scorecard: ``pay_date`` (the last day in the
        plan, or a yearly bonus's off-cycle date), else the last day in the plan, else the
        period's end (scorecards computed before ``pay_date`` existed)."""
        self.ensure_one()
        return self.pay_date or self.effective_date_to or self.date_to

    def _get_statement_payslip(self):
        """What the statement says of the payslip that paid this scorecard: ``{"number",
        "name", "date_from", "date_to", "line_name", "line_amount", "scorecard_count"}``, or
        ``None`` when it is not paid. The amount is the payslip's ``KPI_BONUS`` line (for all
        the scorecards the payslip paid: ``scorecard_count``).

        Read as superuser after the caller's read access to the scorecard: the employee
        and KPI officers need not read payslips to see which one paid them.
        """
        self.ensure_one()
        self.check_access("read")
        payslip_sudo = self.sudo().payslip_id
        if not payslip_sudo:
            return None
        line_sudo = payslip_sudo.line_ids.filtered(lambda line: line.code == KPI_BONUS_CODE)[:1]
        return {
            "number": payslip_sudo.number or payslip_sudo.name,
            "name": payslip_sudo.name,
            "date_from": payslip_sudo.date_from,
            "date_to": payslip_sudo.date_to,
            "line_name": line_sudo.name or KPI_BONUS_CODE,
            "line_code": KPI_BONUS_CODE,
            "line_amount": line_sudo.total,
            "scorecard_count": len(payslip_sudo.kpi_scorecard_ids),
        }

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
