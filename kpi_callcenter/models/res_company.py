# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import period as engine_period


class ResCompany(models.Model):
    _inherit = "res.company"

    # Plan health check and calibration
    kpi_max_plan_lines = fields.Integer(
        string="Maximum KPIs per plan",
        default=7,
        help="A plan with more KPIs gets a health warning: too many metrics dilute attention.",
    )
    kpi_calibration_periods = fields.Integer(
        string="Calibration periods", default=3, help="How many past months calibration replays."
    )
    kpi_calibration_percentile = fields.Float(
        string="Suggested target percentile",
        default=50.0,
        help="The suggested target is this percentile of past performance (50: the median).",
    )
    kpi_calibration_min_samples = fields.Integer(
        string="Minimum samples",
        default=5,
        help="Calibration flags a target only with at least this many employee-periods of history.",
    )
    kpi_unrealistic_share = fields.Float(
        string="Unrealistic below (%)",
        default=20.0,
        help="A target is unrealistic when fewer than this share of past results reach the "
        "line's threshold (100 % when it has none).",
    )
    kpi_easy_achievement = fields.Float(
        string="Too easy above achievement (%)", default=120.0
    )
    kpi_easy_share = fields.Float(
        string="Too easy when more than (%)",
        default=80.0,
        help="A target is too easy when more than this share of past results pass the "
        "'too easy' achievement.",
    )
    kpi_target_deviation_pct = fields.Float(
        string="Individual target deviation (%)",
        default=30.0,
        help="The plan's health check warns about individual targets further than this "
        "share away from the plan's target (double standards).",
    )
    # Pay impact
    kpi_pay_drop_pct = fields.Float(
        string="Pay drop needing acknowledgement (%)",
        default=5.0,
        help="Activating a plan that would have paid an employee more than this share less "
        "than their current plan needs a KPI Manager's acknowledgement.",
    )
    # Plan versions
    kpi_plan_approval = fields.Boolean(
        string="Plan versions need a second approval",
        help="Activating a plan (or a new version of it) needs the approval of a KPI Manager "
        "other than the one who prepared it.",
    )
    kpi_version_notice_days = fields.Integer(
        string="Notice period of a plan version (days)",
        default=15,
        help="A new plan version applies from a period starting at least this many days after "
        "its announcement; earlier only when nobody's pay can go down.",
    )
    # Sales credited when the money is real
    kpi_sale_return_days = fields.Integer(
        string="Returns and refunds window (days)",
        default=30,
        help="Sales KPIs credited on delivery or on payment: returns and credit notes within "
        "this many days after the delivery or the payment reduce the credited revenue; later "
        "ones do not.",
    )
    # Data-quality gate of the call log
    kpi_call_gap_check = fields.Boolean(
        string="Check call data before confirming",
        default=True,
        help="Confirming scorecards whose plan has a call KPI first checks that every active "
        "PBX sent calls on each working day of the period; missing days need a KPI "
        "Officer's acknowledgement, recorded on the scorecards.",
    )
    # The period clock and the days of a scorecard
    kpi_business_day_start = fields.Float(
        string="Business day start",
        default=0.0,
        help="Local time (on the company's working schedule) a business day starts. With "
        "06:00, a call at 00:30 belongs to the night shift that began the evening before.",
    )
    kpi_standard_days = fields.Float(
        string="Fixed standard working days",
        help="When set (e.g. 26 ngày công chuẩn), the working days S of every scorecard are "
        "this number whatever the month; else they come from the employee's schedule.",
    )
    kpi_min_available_days = fields.Float(
        string="Minimum available days",
        default=1.0,
        help="A scorecard with fewer available days is not assessed: no bonus.",
    )
    # Manager dashboard
    kpi_underperformer_score = fields.Float(
        string="Underperformer below score", default=80.0
    )
    kpi_top_performer_score = fields.Float(
        string="Top performer from score", default=110.0
    )

    @api.constrains(
        "kpi_max_plan_lines",
        "kpi_calibration_periods",
        "kpi_calibration_percentile",
        "kpi_unrealistic_share",
        "kpi_easy_share",
        "kpi_pay_drop_pct",
        "kpi_target_deviation_pct",
        "kpi_business_day_start",
        "kpi_standard_days",
        "kpi_min_available_days",
        "kpi_sale_return_days",
    )
    def _check_kpi_governance_settings(self):
        for company in self:
            for fname in ("kpi_calibration_percentile", "kpi_unrealistic_share", "kpi_easy_share"):
                if not 0 <= company[fname] <= 100:
                    raise ValidationError(
                        self.env._(
                            "%(company)s, field %(field)s: a share is between 0 and 100 (%(value)s).",
                            company=company.name,
                            field=company._fields[fname]._description_string(self.env),
                            value=company[fname],
                        )
                    )
            if not 0 <= company.kpi_business_day_start < 24:
                raise ValidationError(
                    self.env._(
                        "%(company)s: a business day starts between 00:00 and 23:59.",
                        company=company.name,
                    )
                )
            for fname in (
                "kpi_max_plan_lines",
                "kpi_calibration_periods",
                "kpi_pay_drop_pct",
                "kpi_target_deviation_pct",
                "kpi_standard_days",
                "kpi_min_available_days",
                "kpi_sale_return_days",
            ):
                if company[fname] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(company)s, field %(field)s: cannot be negative (%(value)s).",
                            company=company.name,
                            field=company._fields[fname]._description_string(self.env),
                            value=company[fname],
                        )
                    )

    # ------------------------------------------------------------------
    # The period clock
    # ------------------------------------------------------------------
    def _kpi_tz(self):
        """Time zone of every KPI period: the company's working schedule's (else UTC)."""
        self.ensure_one()
        return self.sudo().resource_calendar_id.tz or "UTC"

    def _kpi_period_bounds(self, date_from, date_to):
        """Naive UTC ``[start, stop)`` of the business days ``date_from``–``date_to`` of the
        company: its schedule's time zone and its business-day start, never the user's
        (the one clock of the module; see ``engine/period.py``)."""
        company = self[:1] or self.env.company
        return engine_period.period_bounds(
            date_from, date_to, company._kpi_tz(), company.kpi_business_day_start
        )

    def _kpi_today(self):
        """Today's business day of the company (its schedule's time zone and business-day
        start), e.g. for the cron, which has no time zone of its own."""
        company = self[:1] or self.env.company
        return engine_period.business_date(
            fields.Datetime.now(), company._kpi_tz(), company.kpi_business_day_start
        )
