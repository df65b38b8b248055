# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What KPI Call Center adds to employees: the KPI bonus base and scorecards, the link
to a portal user and the portal look-ups (``/my/kpi``), and, for agents on the PBX, their
extension, their monthly call-cost budget and its warnings."""

from collections import defaultdict
from datetime import datetime, time, timedelta

import psycopg2
import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount

CALL_BUDGET_THRESHOLDS = (80, 100)


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    kpi_bonus_base = fields.Monetary(
        string="KPI bonus base",
        currency_field="currency_id",
        groups="hr.group_hr_user",
        help="Variable pay per period at 100 % payout. When set, overrides the plan's bonus base.",
    )
    kpi_scorecard_ids = fields.One2many("kpi.scorecard", "employee_id", groups="hr.group_hr_user")
    kpi_scorecard_count = fields.Integer(compute="_compute_kpi_scorecard_count", groups="hr.group_hr_user")
    kpi_portal_user_id = fields.Many2one(
        "res.users",
        string="KPI portal user",
        domain=[("share", "=", True)],
        copy=False,
        index="btree_not_null",
        groups="hr.group_hr_user",
        help="Portal user who sees this employee's scorecards on the portal (/my/kpi), for "
        "agents without an internal user. The employee's own user always sees them.",
    )
    pbx_extension = fields.Char(
        string="PBX extension",
        copy=False,
        index="btree_not_null",
        groups="hr.group_hr_user",
        help="The agent's extension on the company's PBX (101, agent102…): how calls find their agent.",
    )
    kpi_call_budget = fields.Monetary(
        string="Monthly call budget",
        currency_field="currency_id",
        groups="hr.group_hr_user",
        help="Outbound call cost allowed per month. 0: the job position's budget applies.",
    )
    kpi_call_budget_effective = fields.Monetary(
        string="Call budget",
        currency_field="currency_id",
        compute="_compute_kpi_call_budget",
        groups="hr.group_hr_user",
        help="The employee's monthly call budget, else the job position's (0: no limit).",
    )
    kpi_call_cost_month = fields.Monetary(
        string="Call cost this month",
        currency_field="currency_id",
        compute="_compute_kpi_call_budget",
        groups="hr.group_hr_user",
    )
    kpi_call_budget_remaining = fields.Monetary(
        string="Call budget left",
        currency_field="currency_id",
        compute="_compute_kpi_call_budget",
        groups="hr.group_hr_user",
    )
    kpi_call_count = fields.Integer(
        string="Calls", compute="_compute_kpi_call_count", groups="hr.group_hr_user"
    )

    _sql_constraints = [
        (
            "pbx_extension_company_uniq",
            "unique(pbx_extension, company_id)",
            "A PBX extension belongs to one employee per company.",
        )
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    def _compute_kpi_scorecard_count(self):
        counts = dict(
            self.env["kpi.scorecard"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["__count"]
            )
        )
        for employee in self:
            employee.kpi_scorecard_count = counts.get(employee, 0)

    @api.depends("kpi_call_budget", "job_id.kpi_call_budget")
    def _compute_kpi_call_budget(self):
        months = defaultdict(list)
        for employee in self:
            employee.kpi_call_budget_effective = employee._kpi_get_call_budget()
            if employee.id:
                months[employee._kpi_call_month()].append(employee.id)
        costs = {}
        for month, employee_ids in months.items():
            costs.update(self._kpi_call_costs(employee_ids, month))
        for employee in self:
            employee.kpi_call_cost_month = costs.get(employee.id, 0.0)
            budget = employee.kpi_call_budget_effective
            employee.kpi_call_budget_remaining = max(budget - employee.kpi_call_cost_month, 0.0) if budget else 0.0

    def _compute_kpi_call_count(self):
        counts = dict(self.env["kpi.call"]._read_group([("employee_id", "in", self.ids)], ["employee_id"], ["__count"]))
        for employee in self:
            employee.kpi_call_count = counts.get(employee, 0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("kpi_bonus_base")
    def _check_kpi_bonus_base(self):
        for employee in self:
            if employee.kpi_bonus_base < 0:
                raise ValidationError(
                    self.env._("%(employee)s: the KPI bonus base cannot be negative.", employee=employee.name)
                )

    @api.constrains("kpi_portal_user_id")
    def _check_kpi_portal_user(self):
        for employee in self.filtered("kpi_portal_user_id"):
            if not employee.kpi_portal_user_id.share:
                raise ValidationError(
                    self.env._(
                        "%(employee)s: %(user)s is an internal user. Link internal users as the "
                        "employee's user; the KPI portal user must be a portal user.",
                        employee=employee.name,
                        user=employee.kpi_portal_user_id.name,
                    )
                )

    @api.constrains("kpi_call_budget", "pbx_extension")
    def _check_kpi_call_budget(self):
        for employee in self:
            if employee.kpi_call_budget < 0:
                raise ValidationError(
                    self.env._(
                        "%(employee)s: the monthly call budget cannot be negative.", employee=employee.name
                    )
                )
            extension = employee.pbx_extension
            if extension and (extension != extension.strip() or "," in extension):
                raise ValidationError(
                    self.env._(
                        "%(employee)s, field PBX extension: %(extension)r must be one extension, "
                        "without spaces or commas.",
                        employee=employee.name,
                        extension=extension,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_kpi_scorecards(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kpi_callcenter.kpi_scorecard_action")
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"default_employee_id": self.id}
        return action

    def action_view_kpi_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kpi_callcenter.kpi_call_action")
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"search_default_filter_this_month": 1}
        return action

    def action_view_kpi_call_report(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kpi_callcenter.kpi_call_report_action")
        action["domain"] = [("employee_id", "=", self.id)]
        return action

    def action_view_kpi_activity(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kpi_callcenter.kpi_agent_activity_report_action")
        action["domain"] = [("employee_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # Portal look-ups (return sudo records: callers decide what to show)
    # ------------------------------------------------------------------
    @api.model
    def _kpi_portal_employees(self, user=None):
        """Active employees of ``user`` (default: the current user) in every company:
        those whose user it is, or whose KPI portal user it is. One query.

        Portal users are not KPI users and cannot read employees: the result is sudo and
        only ever used to restrict what the portal shows.
        """
        user = user or self.env.user
        if user._is_public():
            return self.sudo().browse()
        return (
            self.sudo()
            .with_context(active_test=True)
            .search(["|", ("user_id", "=", user.id), ("kpi_portal_user_id", "=", user.id)])
        )

    @api.model
    def _kpi_portal_team(self, managers, user=None):
        """Employees whose manager chain leads to ``managers`` (themselves excluded), when
        ``user`` is a KPI Team Manager; else none. Same scope as the backend team rule.
        """
        user = user or self.env.user
        if not managers or not user.has_group("kpi_callcenter.group_kpi_team_manager"):
            return self.sudo().browse()
        return self.sudo().search([("id", "child_of", managers.ids)]) - managers

    # ------------------------------------------------------------------
    # Budget
    # ------------------------------------------------------------------
    def _kpi_get_call_budget(self):
        """The monthly call budget: the employee's, else the job position's; 0 is no limit."""
        self.ensure_one()
        return self.kpi_call_budget or self.job_id.kpi_call_budget or 0.0

    def _kpi_call_month(self, when=None):
        """First day of the month of ``when`` (naive UTC, default now) in the employee's time zone."""
        self.ensure_one()
        when = when or fields.Datetime.now()
        local = pytz.utc.localize(when).astimezone(pytz.timezone(self.tz or "UTC"))
        return local.date().replace(day=1)

    @api.model
    def _kpi_call_costs(self, employee_ids, month):
        """``{employee_id: outbound call cost}`` of ``month``, in each employee's time zone.

        One query for all employees; the UTC window around the month keeps it on the
        (employee_id, start) index.
        """
        if not employee_ids:
            return {}
        first = datetime.combine(month, time.min)
        self.env["kpi.call"].flush_model(["employee_id", "direction", "start", "cost"])
        self.env["hr.employee"].flush_model(["resource_id"])
        self.env["resource.resource"].flush_model(["tz"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT c.employee_id, COALESCE(SUM(c.cost), 0)
                  FROM kpi_call c
                  JOIN hr_employee e ON e.id = c.employee_id
                  JOIN resource_resource r ON r.id = e.resource_id
                 WHERE c.employee_id IN %(employees)s
                   AND c.direction = 'outbound'
                   AND c.start >= %(low)s AND c.start < %(high)s
                   AND date_trunc('month', timezone(COALESCE(r.tz, 'UTC'), c.start AT TIME ZONE 'UTC'))::date
                       = %(month)s
              GROUP BY c.employee_id
                """,
                employees=tuple(employee_ids),
                low=first - timedelta(days=1),
                high=first + relativedelta(months=1, days=1),
                month=month,
            )
        )
        return {employee_id: float(cost) for employee_id, cost in rows}

    def _kpi_call_budget_status(self, when=None):
        """May the agent still place outbound calls this month? What is left?"""
        self.ensure_one()
        month = self._kpi_call_month(when)
        budget = self._kpi_get_call_budget()
        consumed = self._kpi_call_costs(self.ids, month).get(self.id, 0.0)
        return {
            "month": month,
            "budget": budget,
            "consumed": consumed,
            "remaining": max(budget - consumed, 0.0) if budget else None,
            "allowed": not budget or self.currency_id.compare_amounts(consumed, budget) < 0,
        }

    @api.model
    def _kpi_check_call_budgets(self, calls, consumption=None):
        """Warn managers of the budgets that the new outbound ``calls`` made reach 80 % or 100 %.

        Called by whoever created the calls; the warnings are system messages, written
        as superuser.

        :param consumption: optional ``{(employee_id, month): cost}`` kept by the caller
            across batches (an import run): the month totals it already holds are moved on
            by the new calls instead of being summed again from the database, so that a
            long import does not re-read the month at each batch.
        """
        calls = calls.filtered(lambda call: call.direction == "outbound" and call.cost)
        if not calls:
            return
        consumption = {} if consumption is None else consumption
        new_costs = defaultdict(float)
        for call in calls.sudo():
            new_costs[(call.employee_id.id, call.employee_id._kpi_call_month(call.start))] += call.cost
        missing = defaultdict(list)
        for key, cost in new_costs.items():
            if key in consumption:
                consumption[key] += cost
            else:
                missing[key[1]].append(key[0])
        for month, employee_ids in missing.items():
            costs = self._kpi_call_costs(employee_ids, month)
            consumption.update({(employee_id, month): costs.get(employee_id, 0.0) for employee_id in employee_ids})
        employees_by_month = defaultdict(set)
        for employee_id, month in new_costs:
            employees_by_month[month].add(employee_id)
        for month, employee_ids in employees_by_month.items():
            employees_sudo = self.sudo().browse(employee_ids)
            costs = {employee_id: consumption[(employee_id, month)] for employee_id in employee_ids}
            employees_sudo._kpi_send_call_budget_warnings(month, costs)

    def _kpi_send_call_budget_warnings(self, month, costs=None):
        """Send the warnings of ``month`` not sent yet (self: employees, as superuser).

        :param costs: ``{employee_id: outbound cost of the month}``; read when not given
        """
        budgets = {employee.id: employee._kpi_get_call_budget() for employee in self}
        employees = self.filtered(lambda employee: budgets[employee.id])
        if not employees:
            return
        warnings = self.env["kpi.call.budget.warning"].search(
            [("employee_id", "in", employees.ids), ("month", "=", month)]
        )
        sent = {(warning.employee_id.id, warning.threshold) for warning in warnings}
        employees = employees.filtered(
            lambda employee: any((employee.id, threshold) not in sent for threshold in CALL_BUDGET_THRESHOLDS)
        )
        if costs is None:
            costs = self._kpi_call_costs(employees.ids, month)
        for employee in employees:
            budget = budgets[employee.id]
            consumed = costs.get(employee.id, 0.0)
            reached = [
                threshold
                for threshold in CALL_BUDGET_THRESHOLDS
                if (employee.id, threshold) not in sent
                and employee.currency_id.compare_amounts(consumed, budget * threshold / 100.0) >= 0
            ]
            if reached:
                employee._kpi_warn_call_budget(month, reached, consumed, budget)

    def _kpi_warn_call_budget(self, month, thresholds, consumed, budget):
        """Record the warnings of ``thresholds`` and notify the manager in one message."""
        self.ensure_one()
        manager = self.parent_id
        try:
            with self.env.cr.savepoint():
                warnings = self.env["kpi.call.budget.warning"].create(
                    [
                        {
                            "employee_id": self.id,
                            "month": month,
                            "threshold": threshold,
                            "consumed": consumed,
                            "budget": budget,
                            "manager_id": manager.id,
                        }
                        for threshold in thresholds
                    ]
                )
        except psycopg2.errors.UniqueViolation:
            return  # another transaction sent them meanwhile
        partner = manager.user_id.partner_id or manager.work_contact_id
        body = self.env._(
            "Call budget of %(employee)s for %(month)s: %(threshold)s %% reached, %(consumed)s spent "
            "on outbound calls out of %(budget)s.",
            employee=self.name,
            month=month.strftime("%m/%Y"),
            threshold=max(thresholds),
            consumed=format_amount(self.env, consumed, self.currency_id),
            budget=format_amount(self.env, budget, self.currency_id),
        )
        message = self.message_post(
            body=body,
            partner_ids=partner.ids,
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
        warnings.message_id = message
