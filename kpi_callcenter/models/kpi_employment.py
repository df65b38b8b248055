# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who was in a plan, on which days: the one helper giving the days of every scorecard.

Plans and scorecards ask two questions, each answered for all employees at once (a
bounded number of queries, whatever their number):

* :meth:`KpiEmployment._get_members`: which employees the plan covers in a period, and
  on which days (from contracts, dated transfers and the plan's assignment);
* :meth:`KpiEmployment._get_days`: the days figures of each of them (working, holiday,
  leave, absent, available days, proration factor, effective dates, bonus base share).
"""

from dateutil.relativedelta import relativedelta

from odoo import api, models

from ..engine import days as engine_days


class KpiEmployment(models.AbstractModel):
    _name = "kpi.employment"
    _description = "KPI Plan Membership and Days"

    @api.model
    def _get_members(self, plan, date_from, date_to, employees=None):
        """``{employee: [(first, last), ...]}``: the employees of the plan's company the
        plan covers in ``[date_from, date_to]`` and the days it covers them.

        A plan by department or job covers an employee on the days their contract (or a
        dated transfer) matched; by ``employee_ids``, on their employed days. Archived
        employees are included for the days they were employed (leavers), never without
        a contract. ``employees`` restricts the candidates (e.g. existing scorecards).
        """
        plan.ensure_one()
        # The caller may read the plan; contracts and employees are HR data read for it.
        plan_sudo = plan.sudo().with_context(active_test=False)
        Employee = self.env["hr.employee"].sudo().with_context(active_test=False)
        departments = (
            self.env["hr.department"]
            .sudo()
            .with_context(active_test=False)
            .search([("id", "child_of", plan_sudo.department_ids.ids)])
            if plan_sudo.department_ids
            else self.env["hr.department"]
        )
        jobs = plan_sudo.job_ids
        named = plan_sudo.employee_ids
        if employees is None:
            candidates = named
            if departments or jobs:
                assignment = []
                if departments:
                    assignment.append([("department_id", "in", departments.ids)])
                if jobs:
                    assignment.append([("job_id", "in", jobs.ids)])
                assignment_domain = ["|"] * (len(assignment) - 1) + [
                    leaf for domain in assignment for leaf in domain
                ]
                contracts_sudo = (
                    self.env["hr.contract"]
                    .sudo()
                    .with_context(active_test=False)
                    .search(
                        [
                            ("state", "in", ("open", "close")),
                            ("date_start", "<=", date_to),
                            "|",
                            ("date_end", "=", False),
                            ("date_end", ">=", date_from),
                        ]
                        + assignment_domain
                    )
                )
                transfers_sudo = (
                    self.env["kpi.employee.transfer"]
                    .sudo()
                    .search([("date", "<=", date_to)] + assignment_domain)
                )
                candidates |= (
                    contracts_sudo.employee_id
                    | transfers_sudo.employee_id
                    | Employee.search([("active", "=", True)] + assignment_domain)
                )
        else:
            candidates = employees.sudo().with_context(active_test=False)
        candidates = candidates.filtered(lambda e: e.company_id == plan_sudo.company_id)
        if not candidates:
            return {}
        segments = self.env["hr.contract"]._kpi_get_segments(candidates, date_from, date_to)
        with_contract = set(
            self.env["hr.contract"]
            .sudo()
            .with_context(active_test=False)
            .search([("employee_id", "in", candidates.ids), ("state", "in", ("open", "close"))])
            .employee_id.ids
        )
        department_ids, job_ids = set(departments.ids), set(jobs.ids)
        result = {}
        for employee_sudo in candidates:
            if not employee_sudo.active and employee_sudo.id not in with_contract:
                continue
            if employee_sudo in named:

                def matches(_department_id, _job_id):
                    return True

            else:

                def matches(department_id, job_id):
                    return department_id in department_ids or job_id in job_ids

            ranges = engine_days.plan_ranges(date_from, date_to, segments[employee_sudo.id], matches)
            if ranges:
                result[employee_sudo.with_env(self.env)] = ranges
        return result

    @api.model
    def _get_days(self, plan, employees, date_from, date_to, members=None):
        """``{employee_id: figures}`` for the scorecards of ``employees`` in ``plan`` over
        the period: ``engine.days.days_figures`` plus ``effective_date_from`` /
        ``effective_date_to`` (``False`` when never in the plan), ``is_assessed``,
        ``target_factor`` (the proration factor, times the probation ramp) and
        ``base_share`` (the share of the bonus base the days in the plan earn).
        """
        plan.ensure_one()
        if members is None:
            members = self._get_members(plan, date_from, date_to, employees=employees)
        members = {employee.id: ranges for employee, ranges in members.items()}
        company = plan.company_id
        shares = self.env["resource.calendar"]._kpi_get_day_shares(employees, date_from, date_to)
        probation = self._get_probation(plan, employees, date_from, date_to)
        result = {}
        for employee in employees:
            ranges = members.get(employee.id, [])
            skipped_until = probation.get(employee.id, {}).get("skip_until")
            if skipped_until:
                ranges = engine_days.clip_segments(
                    skipped_until + relativedelta(days=1), date_to, ranges
                )
            work, holidays, leaves = shares.get(employee.id, ({}, {}, {}))
            figures = engine_days.days_figures(
                work,
                holidays,
                leaves,
                ranges,
                standard_days=company.kpi_standard_days,
                holidays_reduce=plan.holidays_reduce_targets,
            )
            figures["effective_date_from"] = ranges[0][0] if ranges else False
            figures["effective_date_to"] = ranges[-1][1] if ranges else False
            figures["is_assessed"] = engine_days.is_assessed(
                figures["available_days"], company.kpi_min_available_days
            )
            figures["target_factor"] = figures["prorate_factor"] * probation.get(employee.id, {}).get(
                "ramp", 1.0
            )
            figures["base_share"] = engine_days.base_share(
                1.0,
                figures["working_days"],
                figures["absent_days"],
                figures["leave_days"],
                leave_cuts_base=plan.leave_reduces_base,
            )
            result[employee.id] = figures
        return result

    @api.model
    def _get_probation(self, plan, employees, date_from, date_to):
        """``{employee_id: {"skip_until": date} or {"ramp": factor}}`` for employees on
        probation (a contract whose ``trial_date_end`` falls in or after the period),
        following the plan's ``probation_policy`` (nothing when assessed as usual)."""
        if plan.probation_policy == "assess":
            return {}
        contracts_sudo = self.env["hr.contract"].sudo().with_context(active_test=False).search(
            [
                ("employee_id", "in", employees.ids),
                ("state", "in", ("open", "close")),
                ("trial_date_end", ">=", date_from),
                ("date_start", "<=", date_to),
            ],
            order="date_start",
        )
        first_start = {}
        for contract_sudo in contracts_sudo:
            first_start.setdefault(contract_sudo.employee_id.id, contract_sudo.date_start)
        result = {}
        for contract_sudo in contracts_sudo:
            employee_id = contract_sudo.employee_id.id
            if plan.probation_policy == "skip":
                result[employee_id] = {"skip_until": contract_sudo.trial_date_end}
            else:
                tenure = relativedelta(date_from, first_start[employee_id])
                months = max(tenure.years * 12 + tenure.months, 0)
                result[employee_id] = {
                    "ramp": engine_days.ramp_factor(months, plan.probation_ramp_pct)
                }
        return result
