# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import payout as engine_payout
from .kpi_plan import log_child_changes

# Achievements (%) shown in a scale's preview.
PREVIEW_ACHIEVEMENTS = (0, 50, 80, 90, 100, 110, 120, 150)


class KpiPayoutScale(models.Model):
    """Turns a KPI's achievement (% of target) into a payout (% of its share of the bonus)."""

    _name = "kpi.payout.scale"
    _description = "KPI Payout Scale"
    _inherit = ["mail.thread"]
    _order = "name, id"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    mode = fields.Selection(
        [("step", "Step"), ("linear", "Linear")],
        required=True,
        default="step",
        tracking=True,
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
    # CRUD: the tiers of a scale an active plan uses are locked
    # ------------------------------------------------------------------
    def write(self, vals):
        self.check_access("write")
        if {"mode", "tier_ids"} & set(vals):
            self._check_scale_editable()
        return super().write(vals)

    def _check_scale_editable(self):
        """A scale used by an active plan or a version under approval (or one of their
        KPIs) keeps its mode and tiers: a new scale goes with a new version of the plan."""
        if not self:
            return
        plans = self.env["kpi.plan"].search(
            [
                "|",
                ("state", "=", "active"),
                ("review_ids", "!=", False),
                "|",
                ("payout_scale_id", "in", self.ids),
                ("line_ids.payout_scale_id", "in", self.ids),
            ],
            limit=1,
        )
        if plans:
            raise UserError(
                self.env._(
                    "Payout scale %(scale)s is used by the active or approved plan %(plan)s: its mode "
                    "and tiers cannot change in place. Create a new scale and use it in a new version of the plan.",
                    scale=", ".join(self.mapped("display_name")),
                    plan=plans.display_name,
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

    @api.model_create_multi
    def create(self, vals_list):
        scales = self.env["kpi.payout.scale"].browse({vals["scale_id"] for vals in vals_list if vals.get("scale_id")})
        scales._check_scale_editable()
        tiers = super().create(vals_list)
        for tier in tiers:
            tier.scale_id._message_log(body=self.env._("Tier added: %(tier)s.", tier=tier._get_audit_summary()))
        return tiers

    def write(self, vals):
        self.check_access("write")
        self.scale_id._check_scale_editable()
        if "scale_id" in vals:
            self.env["kpi.payout.scale"].browse(vals["scale_id"])._check_scale_editable()
        tracked = [fname for fname in ("achievement", "payout") if fname in vals]
        old = {tier: {fname: tier[fname] for fname in tracked} for tier in self}
        result = super().write(vals)
        for tier in self:
            log_child_changes(
                tier.scale_id,
                self.env._("Tier changed."),
                tier,
                old[tier],
                {fname: tier[fname] for fname in tracked},
            )
        return result

    def unlink(self):
        self.check_access("unlink")
        self.scale_id._check_scale_editable()
        removed = [(tier.scale_id, tier._get_audit_summary()) for tier in self]
        result = super().unlink()
        for scale, summary in removed:
            if scale.exists():
                scale._message_log(body=self.env._("Tier removed: %(tier)s.", tier=summary))
        return result

    def _get_audit_summary(self):
        self.ensure_one()
        return self.env._(
            "%(achievement)s %% achieved → %(payout)s %% paid",
            achievement=self.achievement,
            payout=self.payout,
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
