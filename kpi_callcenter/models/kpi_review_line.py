# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Period review: when scorecards are confirmed (the period closes), every KPI line
below its threshold gets a review line that the team manager fills in with a reason and
a note. The reasons per KPI and team guide the next calibration (pivot report)."""

from odoo import api, fields, models
from odoo.exceptions import AccessError

REVIEW_REASONS = [
    ("unrealistic_target", "Unrealistic target"),
    ("unforeseen_event", "Unforeseen event (e.g. sick leave)"),
    ("equipment", "Equipment or system problem"),
    ("training", "Training need"),
    ("other", "Other"),
]
# What a team manager may change on a review line; officers may change anything.
REVIEW_MANAGER_FIELDS = {"reason", "note"}


class KpiReviewLine(models.Model):
    _name = "kpi.review.line"
    _description = "KPI Period Review Line"
    _inherit = ["mail.thread"]
    _order = "date_from desc, manager_id, employee_id, id"

    scorecard_line_id = fields.Many2one(
        "kpi.scorecard.line", required=True, ondelete="cascade", index=True, readonly=True
    )
    scorecard_id = fields.Many2one(
        related="scorecard_line_id.scorecard_id", store=True, index=True, string="Scorecard"
    )
    employee_id = fields.Many2one(related="scorecard_line_id.employee_id", store=True, index=True)
    manager_id = fields.Many2one(
        "hr.employee", string="Team manager", readonly=True, index=True,
        help="The employee's manager when the period closed.",
    )
    department_id = fields.Many2one(related="scorecard_id.department_id", store=True)
    plan_id = fields.Many2one(related="scorecard_id.plan_id", store=True)
    # Set at creation, not related: scorecard computations rewrite the lines' KPI, and a
    # stored related field would cost a query per line to find its review.
    definition_id = fields.Many2one("kpi.definition", string="KPI", readonly=True, index=True)
    company_id = fields.Many2one(related="scorecard_line_id.company_id", store=True)
    date_from = fields.Date(related="scorecard_line_id.date_from", store=True)
    date_to = fields.Date(related="scorecard_line_id.date_to", store=True)
    achievement = fields.Float(related="scorecard_line_id.achievement", digits=(16, 2))
    threshold = fields.Float(related="scorecard_line_id.threshold")
    target = fields.Float(related="scorecard_line_id.target")
    actual = fields.Float(related="scorecard_line_id.actual")
    reason = fields.Selection(REVIEW_REASONS, tracking=True)
    note = fields.Text(tracking=True)
    state = fields.Selection(
        [("to_review", "To review"), ("done", "Reviewed")],
        compute="_compute_state",
        store=True,
        index=True,
    )

    _sql_constraints = [
        ("scorecard_line_uniq", "unique(scorecard_line_id)", "A KPI result is reviewed once."),
    ]

    @api.depends("reason")
    def _compute_state(self):
        for review in self:
            review.state = "done" if review.reason else "to_review"

    def write(self, vals):
        if (
            not self.env.su
            and set(vals) - REVIEW_MANAGER_FIELDS
            and not self.env.user.has_group(
                "kpi_callcenter.group_kpi_officer"
            )
        ):
            raise AccessError(
                self.env._("A team manager may only fill in the reason and the note of a review.")
            )
        return super().write(vals)
