# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Audited adjustments: a KPI Manager (HR) changes the target or the actual of a KPI
line, with a mandatory reason. The line, the score and the bonus follow; the scorecard's
chatter tells who changed what and why; the adjustment records are never edited and are
applied again whenever the scorecard is recomputed."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class KpiScorecardAdjustment(models.Model):
    _name = "kpi.scorecard.adjustment"
    _description = "KPI Scorecard Adjustment"
    _order = "id desc"

    scorecard_id = fields.Many2one("kpi.scorecard", required=True, ondelete="cascade", index=True)
    scorecard_line_id = fields.Many2one(
        "kpi.scorecard.line", string="KPI line", required=True, ondelete="cascade", index=True,
        domain="[('scorecard_id', '=', scorecard_id)]",
    )
    definition_id = fields.Many2one(related="scorecard_line_id.definition_id", string="KPI")
    employee_id = fields.Many2one(related="scorecard_id.employee_id", store=True)
    company_id = fields.Many2one(related="scorecard_id.company_id", store=True)
    field = fields.Selection([("target", "Target"), ("actual", "Actual")], required=True, default="target")
    old_value = fields.Float(readonly=True, digits=(16, 2))
    new_value = fields.Float(required=True, digits=(16, 2))
    reason = fields.Text(required=True)
    user_id = fields.Many2one("res.users", string="Adjusted by", readonly=True, default=lambda self: self.env.user)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.user.has_group("kpi_callcenter.group_kpi_manager"):
            raise AccessError(self.env._("Only a KPI Manager can adjust a target or an actual."))
        Line = self.env["kpi.scorecard.line"]
        for vals in vals_list:
            line = Line.browse(vals.get("scorecard_line_id"))
            vals.setdefault("scorecard_id", line.scorecard_id.id)
            vals["user_id"] = self.env.user.id
            label = f"{line.scorecard_id.display_name} / {line.definition_id.display_name}"
            if not (vals.get("reason") or "").strip():
                raise ValidationError(
                    self.env._("%(line)s, field Reason: an adjustment needs a reason.", line=label)
                )
            self._check_not_own(line.scorecard_id, label)
            if line.scorecard_id.state == "paid" or line.scorecard_id.sudo().correction_ids:
                raise UserError(
                    self.env._(
                        "%(line)s: the scorecard is paid and cannot be adjusted (or it was "
                        "corrected after payment); correct it instead.",
                        line=label,
                    )
                )
            if vals.get("field") in ("target", "actual") or not vals.get("field"):
                vals["old_value"] = line[vals.get("field") or "target"]
        adjustments = super().create(vals_list)
        adjustments._apply()
        adjustments._log()
        return adjustments

    @api.model
    def _check_not_own(self, scorecard, label):
        """Nobody adjusts a target or an actual of their own scorecard (a KPI Manager
        included): another KPI Manager does, and the scorecard's chatter tells who."""
        if not self.env.su and scorecard.employee_id & self.env.user.employee_ids:
            raise AccessError(
                self.env._(
                    "%(line)s, field KPI line: nobody adjusts their own scorecard.", line=label
                )
            )

    @api.constrains("scorecard_id", "scorecard_line_id")
    def _check_line(self):
        for adjustment in self:
            if adjustment.scorecard_line_id.scorecard_id != adjustment.scorecard_id:
                raise ValidationError(
                    self.env._(
                        "Adjustment of %(scorecard)s: the KPI line belongs to another scorecard.",
                        scorecard=adjustment.scorecard_id.display_name,
                    )
                )

    def _apply(self):
        """The adjusted scorecards' figures again, with the latest adjustment of each
        line's target and actual (locked scorecards too: the adjustment is audited)."""
        self.scorecard_id._refresh_figures()

    def _log(self):
        for adjustment in self:
            adjustment.scorecard_id.message_post(
                body=Markup("<p>%s</p><p>%s</p>") % (
                    self.env._(
                        "%(kpi)s: %(field)s adjusted by %(user)s from %(old)s to %(new)s; "
                        "bonus now %(bonus)s.",
                        kpi=adjustment.definition_id.display_name,
                        field=dict(self._fields["field"]._description_selection(self.env))[adjustment.field],
                        user=adjustment.user_id.name,
                        old=round(adjustment.old_value, 2),
                        new=round(adjustment.new_value, 2),
                        bonus=adjustment.scorecard_id.bonus_amount,
                    ),
                    self.env._("Reason: %(reason)s", reason=adjustment.reason),
                ),
                subtype_xmlid="mail.mt_note",
            )
