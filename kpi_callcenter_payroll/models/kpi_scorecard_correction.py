# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools.misc import formatLang


class KpiScorecardCorrection(models.Model):
    _inherit = "kpi.scorecard.correction"

    payment_ids = fields.One2many(
        "hr.payslip.kpi.correction",
        "correction_id",
        string="Payslips",
        readonly=True,
        groups="kpi_callcenter.group_kpi_officer,payroll.group_payroll_user",
    )
    payslip_id = fields.Many2one(
        "hr.payslip",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="The payslip that paid this correction (its last part, when paid over several).",
    )

    def _get_statement_payslips(self):
        """The done payslips that paid this correction: ``[{"number", "amount",
        "from_wage", "amount_text"}]``. Read as superuser after the caller's read access
        to the correction (the employee need not read payslips)."""
        self.ensure_one()
        self.check_access("read")
        currency = self.currency_id
        result = []
        for payment_sudo in self.sudo().payment_ids.filtered(lambda p: p.payslip_id.state == "done"):
            payslip_sudo = payment_sudo.payslip_id
            text = formatLang(self.env, payment_sudo.amount, currency_obj=currency)
            if payment_sudo.from_wage:
                text = self.env._(
                    "%(amount)s, of which %(wage)s from wages",
                    amount=text,
                    wage=formatLang(self.env, payment_sudo.from_wage, currency_obj=currency),
                )
            result.append(
                {
                    "number": payslip_sudo.number or payslip_sudo.name,
                    "amount": payment_sudo.amount,
                    "from_wage": payment_sudo.from_wage,
                    "amount_text": text,
                }
            )
        return result
