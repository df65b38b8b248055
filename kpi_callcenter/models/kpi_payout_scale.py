# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import payout as engine_payout

# Achievements (%) shown in a scale's preview.
PREVIEW_ACHIEVEMENTS = (0, 50, 80, 90, 100, 110, 120, 150)


class KpiPayoutScale(models.Model):
    """Turns a KPI's achievement (% of target) into a payout (% of its share of the bonus)."""

    _name = "kpi.payout.scale"
    _description = "KPI Payout Scale"
    _order = "name, id"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    mode = fields.Selection(
        [("step", "Step"), ("linear", "Linear")],
        required=True,
        default="step",
        help="Step: the payout of the highest tier reached (0 below the first tier).\n"
        "Linear: straight lines between tiers, 0 below the first tier, flat after the last.",
    )
    tier_ids = fields.One2many("kpi.payout.scale.tier", "scale_id", string="Tiers", copy=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    preview = fields.Text(
        compute="_compute_preview", help="Payout at a few achievements, as the scale computes it."
    )
    note = fields.Text(translate=True)

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("mode", "tier_ids.achievement", "tier_ids.payout")
    def _compute_preview(self):
        for scale in self:
            if not scale.tier_ids:
                scale.preview = False
                continue
            scale.preview = "\n".join(
                self.env._(
                    "%(achievement)s %% achieved → %(payout)s %% paid",
                    achievement=achievement,
                    payout=round(scale._get_payout(achievement), 2),
                )
                for achievement in PREVIEW_ACHIEVEMENTS
            )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("tier_ids")
    def _check_tier_ids(self):
        for scale in self:
            if not scale.tier_ids:
                raise ValidationError(
                    self.env._(
                        "Payout scale %(scale)s: add at least one tier (achievement %% → payout %%).",
                        scale=scale.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------
    def _get_tiers(self):
        """The tiers as ``[(achievement %, payout %)]`` for the engine."""
        self.ensure_one()
        return [(tier.achievement, tier.payout) for tier in self.tier_ids]

    def _get_scale(self):
        """The scale as ``engine/scorecard.py`` takes it, ``(tiers, mode)``; ``None`` for an
        empty recordset (no scale: the payout is the achievement itself)."""
        if not self:
            return None
        self.ensure_one()
        return (self._get_tiers(), self.mode)

    def _get_payout(self, achievement):
        """Payout % of this scale for ``achievement`` %; an empty recordset means no scale
        (the payout is the achievement itself)."""
        if not self:
            return engine_payout.scale_payout(achievement, [], False)
        self.ensure_one()
        return engine_payout.scale_payout(achievement, self._get_tiers(), self.mode)


class KpiPayoutScaleTier(models.Model):
    _name = "kpi.payout.scale.tier"
    _description = "KPI Payout Scale Tier"
    _order = "scale_id, achievement, id"

    scale_id = fields.Many2one("kpi.payout.scale", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="scale_id.company_id", store=True)
    achievement = fields.Float(
        string="Achievement (%)", digits=(16, 2), help="From this achievement (% of target)…"
    )
    payout = fields.Float(
        string="Payout (%)", digits=(16, 2), help="…the KPI pays this % of its share of the bonus."
    )

    @api.constrains("achievement", "payout")
    def _check_values(self):
        for tier in self:
            for fname in ("achievement", "payout"):
                if tier[fname] < 0:
                    raise ValidationError(
                        self.env._(
                            "Payout scale %(scale)s: %(field)s of a tier cannot be negative "
                            "(%(value)s).",
                            scale=tier.scale_id.display_name,
                            field=tier._fields[fname]._description_string(self.env),
                            value=tier[fname],
                        )
                    )
