# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What-if on the scorecard form: the user types hypothetical actuals and reads the
achievement, payout and bonus that :meth:`kpi.scorecard.what_if` returns (nothing is
written on the scorecard)."""

from odoo import api, fields, models


class KpiScorecardWhatIf(models.TransientModel):
    _name = "kpi.scorecard.what.if"
    _description = "KPI Scorecard What-If"

    scorecard_id = fields.Many2one("kpi.scorecard", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="scorecard_id.currency_id")
    is_provisional = fields.Boolean(related="scorecard_id.is_provisional")
    line_ids = fields.One2many("kpi.scorecard.what.if.line", "wizard_id", string="KPIs")
    score = fields.Float(compute="_compute_figures", digits=(16, 2))
    bonus_amount = fields.Monetary(string="Bonus", compute="_compute_figures")
    days_left = fields.Float(
        compute="_compute_figures", digits=(16, 1),
        help="Available working days from today to the end of the period.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        scorecard = self.env["kpi.scorecard"].browse(values.get("scorecard_id"))
        if scorecard and "line_ids" in fields_list:
            scorecard.check_access("read")
            values["line_ids"] = [
                fields.Command.create({"scorecard_line_id": line.id, "actual": line.actual})
                for line in scorecard.line_ids
            ]
        return values

    def _get_what_if(self):
        """The engine's answer for the actuals typed in the lines."""
        self.ensure_one()
        return self.scorecard_id.what_if({line.code: line.actual for line in self.line_ids if line.code})

    @api.depends("scorecard_id", "line_ids.actual")
    def _compute_figures(self):
        for wizard in self:
            result = wizard._get_what_if() if wizard.scorecard_id else {}
            wizard.score = result.get("score", 0.0)
            wizard.bonus_amount = result.get("bonus", 0.0)
            wizard.days_left = result.get("days_left") or 0.0


class KpiScorecardWhatIfLine(models.TransientModel):
    _name = "kpi.scorecard.what.if.line"
    _description = "KPI Scorecard What-If Line"

    wizard_id = fields.Many2one("kpi.scorecard.what.if", required=True, ondelete="cascade")
    scorecard_line_id = fields.Many2one("kpi.scorecard.line", string="KPI line", required=True, ondelete="cascade")
    definition_id = fields.Many2one(related="scorecard_line_id.definition_id", string="KPI")
    code = fields.Char(related="scorecard_line_id.code")
    unit = fields.Char(related="scorecard_line_id.unit")
    currency_id = fields.Many2one(related="scorecard_line_id.currency_id")
    target = fields.Float(related="scorecard_line_id.target")
    real_actual = fields.Float(related="scorecard_line_id.actual", string="Actual now")
    actual = fields.Float(string="What if", digits=(16, 2))
    achievement = fields.Float(compute="_compute_figures", digits=(16, 2))
    payout = fields.Float(compute="_compute_figures", digits=(16, 2))
    bonus_amount = fields.Monetary(string="Bonus", compute="_compute_figures")
    still_needed = fields.Float(
        string="Still needed for 100 %", compute="_compute_figures", digits=(16, 2),
        help="How much more of this KPI reaches its target (counts and sums, higher is better).",
    )

    @api.depends("wizard_id.line_ids.actual", "scorecard_line_id")
    def _compute_figures(self):
        for wizard in self.wizard_id:
            result = wizard._get_what_if()["lines"] if wizard.scorecard_id else {}
            for line in self.filtered(lambda record, wizard=wizard: record.wizard_id == wizard):
                figures = result.get(line.code, {})
                line.achievement = figures.get("achievement", 0.0)
                line.payout = figures.get("payout", 0.0)
                line.bonus_amount = figures.get("bonus", 0.0)
                line.still_needed = figures.get("still_needed") or 0.0
        for line in self.filtered(lambda record: not record.wizard_id):
            line.achievement = line.payout = line.bonus_amount = line.still_needed = 0.0
