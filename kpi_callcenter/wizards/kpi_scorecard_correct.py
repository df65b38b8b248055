# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Correct dialog of a paid scorecard: a KPI Manager types the corrected actuals or
targets and the reason; :meth:`kpi.scorecard.correct` creates the correction."""

from odoo import api, fields, models
from odoo.exceptions import UserError


class KpiScorecardCorrect(models.TransientModel):
    _name = "kpi.scorecard.correct"
    _description = "Correct a Paid KPI Scorecard"

    scorecard_id = fields.Many2one("kpi.scorecard", required=True, ondelete="cascade")
    line_ids = fields.One2many("kpi.scorecard.correct.line", "wizard_id", string="KPIs")
    reason = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        scorecard = self.env["kpi.scorecard"].browse(values.get("scorecard_id"))
        if scorecard and "line_ids" in fields_list:
            scorecard._check_correctable()
            # access checked above: the current values, the earlier corrections included
            corrected = scorecard.sudo()._get_corrected_values()
            values["line_ids"] = [
                fields.Command.create(
                    {
                        "scorecard_line_id": line.id,
                        "current_actual": corrected[line.id].get("actual", line.actual),
                        "current_target": corrected[line.id].get("adjusted_target", line.target),
                        "new_actual": corrected[line.id].get("actual", line.actual),
                        "new_target": corrected[line.id].get("adjusted_target", line.target),
                    }
                )
                for line in scorecard.line_ids
            ]
        return values

    def action_correct(self):
        """Correct the scorecard with the changed values; open the new correction."""
        self.ensure_one()
        changes = {}
        for line in self.line_ids:
            rounding = 0.005
            if abs(line.new_actual - line.current_actual) > rounding:
                changes.setdefault(line.code, {})["actual"] = line.new_actual
            if abs(line.new_target - line.current_target) > rounding:
                changes.setdefault(line.code, {})["target"] = line.new_target
        if not changes:
            raise UserError(
                self.env._(
                    "Correction of %(scorecard)s: no actual or target was changed.",
                    scorecard=self.scorecard_id.display_name,
                )
            )
        correction = self.scorecard_id.correct(changes, self.reason)
        return {
            "type": "ir.actions.act_window",
            "res_model": "kpi.scorecard.correction",
            "res_id": correction.id,
            "view_mode": "form",
            "target": "current",
        }


class KpiScorecardCorrectLine(models.TransientModel):
    _name = "kpi.scorecard.correct.line"
    _description = "Correct a Paid KPI Scorecard: KPI"

    wizard_id = fields.Many2one("kpi.scorecard.correct", required=True, ondelete="cascade")
    scorecard_line_id = fields.Many2one("kpi.scorecard.line", string="KPI line", required=True, ondelete="cascade")
    definition_id = fields.Many2one(related="scorecard_line_id.definition_id", string="KPI")
    code = fields.Char(related="scorecard_line_id.code")
    unit = fields.Char(related="scorecard_line_id.unit")
    current_actual = fields.Float(string="Actual paid", digits=(16, 2))
    current_target = fields.Float(string="Target paid", digits=(16, 2))
    new_actual = fields.Float(string="Corrected actual", digits=(16, 2))
    new_target = fields.Float(string="Corrected target", digits=(16, 2))
