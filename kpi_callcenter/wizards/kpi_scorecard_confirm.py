# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class KpiScorecardConfirm(models.TransientModel):
    """Lists what to check before confirming (the working days on which a PBX sent no
    call, the days between two contracts of an employee) and lets a KPI Officer confirm
    the scorecards anyway (recorded on each of them)."""

    _name = "kpi.scorecard.confirm"
    _description = "Confirm Scorecards Despite Missing Call Data"

    scorecard_ids = fields.Many2many("kpi.scorecard", string="Scorecards", required=True)
    scorecard_count = fields.Integer(compute="_compute_gaps")
    gap_count = fields.Integer(string="Missing PBX days", compute="_compute_gaps")
    gap_html = fields.Html(string="Missing call data", compute="_compute_gaps", sanitize=False)
    contract_gap_count = fields.Integer(string="Scorecards with days without a contract", compute="_compute_gaps")
    contract_gap_html = fields.Html(string="Days without a contract", compute="_compute_gaps", sanitize=False)

    @api.depends("scorecard_ids")
    def _compute_gaps(self):
        for wizard in self:
            groups = wizard.scorecard_ids._get_call_gaps()
            wizard.scorecard_count = len(wizard.scorecard_ids)
            wizard.gap_count = sum(len(group["gaps"]) for group in groups)
            wizard.gap_html = wizard.scorecard_ids._format_call_gaps(groups) if groups else False
            contract_gaps = wizard.scorecard_ids._get_contract_gaps()
            wizard.contract_gap_count = len(contract_gaps)
            wizard.contract_gap_html = (
                wizard.scorecard_ids._format_contract_gaps(contract_gaps) if contract_gaps else False
            )

    def action_confirm_anyway(self):
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group("kpi_callcenter.group_kpi_officer"):
            raise AccessError(self.env._("Only a KPI Officer can confirm scorecards despite missing call data."))
        # the dialog showed both: confirming acknowledges both
        return self.scorecard_ids.with_context(kpi_ack_call_gaps=True, kpi_ack_contract_gaps=True).action_confirm()
