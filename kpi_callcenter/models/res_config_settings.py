# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kpi_max_plan_lines = fields.Integer(related="company_id.kpi_max_plan_lines", readonly=False)
    kpi_calibration_periods = fields.Integer(related="company_id.kpi_calibration_periods", readonly=False)
    kpi_calibration_percentile = fields.Float(
        related="company_id.kpi_calibration_percentile", readonly=False
    )
    kpi_calibration_min_samples = fields.Integer(
        related="company_id.kpi_calibration_min_samples", readonly=False
    )
    kpi_unrealistic_share = fields.Float(related="company_id.kpi_unrealistic_share", readonly=False)
    kpi_easy_achievement = fields.Float(related="company_id.kpi_easy_achievement", readonly=False)
    kpi_easy_share = fields.Float(related="company_id.kpi_easy_share", readonly=False)
    kpi_pay_drop_pct = fields.Float(related="company_id.kpi_pay_drop_pct", readonly=False)
    kpi_target_deviation_pct = fields.Float(related="company_id.kpi_target_deviation_pct", readonly=False)
    kpi_underperformer_score = fields.Float(related="company_id.kpi_underperformer_score", readonly=False)
    kpi_top_performer_score = fields.Float(related="company_id.kpi_top_performer_score", readonly=False)
    kpi_call_gap_check = fields.Boolean(related="company_id.kpi_call_gap_check", readonly=False)
    kpi_business_day_start = fields.Float(related="company_id.kpi_business_day_start", readonly=False)
    kpi_standard_days = fields.Float(related="company_id.kpi_standard_days", readonly=False)
    kpi_sale_return_days = fields.Integer(related="company_id.kpi_sale_return_days", readonly=False)
    kpi_min_available_days = fields.Float(related="company_id.kpi_min_available_days", readonly=False)
    kpi_plan_approval = fields.Boolean(related="company_id.kpi_plan_approval", readonly=False)
    kpi_version_notice_days = fields.Integer(related="company_id.kpi_version_notice_days", readonly=False)
