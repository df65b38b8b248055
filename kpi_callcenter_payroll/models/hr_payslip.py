# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.payroll.models.base_browsable import BaseBrowsableObject

KPI_BONUS_CODE = "KPI_BONUS"
# Line values offered to salary rules per KPI code, as payroll.kpi.<name>.<CODE>.
KPI_LINE_VALUES = {
    "achievement": "achievement",
    "actual": "actual",
    "payout": "payout",
    "line_bonus": "bonus_amount",
}


class HrPayslip(models.Model):
    _inherit = "hr.payslip"

    kpi_scorecard_ids = fields.One2many(
        "kpi.scorecard",
        "payslip_id",
        string="KPI scorecards",
        readonly=True,
        groups="kpi_callcenter.group_kpi_officer",
        help="The scorecards whose bonus this payslip paid.",
    )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def write(self, vals):
        """The KPI bonus follows the payslip's state, in the same transaction, whichever
        way the state is written (buttons, the "Change state" wizard, an RPC client):
        done pays the scorecards, cancel releases them; a done payslip holding paid
        scorecards goes nowhere else."""
        state = vals.get("state")
        if state and state not in ("done", "cancel"):
            self._check_kpi_scorecards_not_paid(state)
        res = super().write(vals)
        if state == "done":
            self._pay_kpi_scorecards()
        elif state == "cancel":
            self._release_kpi_scorecards()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def compute_sheet(self):
        """Set the KPI_BONUS input of every payslip of the batch (one search for all of
        them), then compute; salary rules read the same scorecards in ``payroll.kpi``."""
        self.check_access("write")
        scorecards = self._get_kpi_scorecards_to_pay()
        self._set_kpi_bonus_inputs(scorecards)
        ids_by_payslip = {payslip_id: cards.ids for payslip_id, cards in scorecards.items()}
        return super(
            HrPayslip, self.with_context(kpi_scorecard_ids_by_payslip=ids_by_payslip)
        ).compute_sheet()

    # ------------------------------------------------------------------
    # Salary rules: inputs and the payroll dictionary
    # ------------------------------------------------------------------
    @api.model
    def get_inputs(self, contracts, date_from, date_to):
        """Show the KPI_BONUS input's amount as soon as the employee and the period are
        chosen; it is refreshed whenever the sheet is computed."""
        res = super().get_inputs(contracts, date_from, date_to)
        rows = [row for row in res if row.get("code") == KPI_BONUS_CODE]
        if not rows or any(self.mapped("credit_note")):
            return res
        self.env["hr.payslip"].check_access("write")
        bonuses = defaultdict(float)
        scorecards_sudo = self._search_kpi_scorecards_to_pay(
            contracts.employee_id, date_from, date_to
        )
        for card_sudo in scorecards_sudo:
            bonuses[card_sudo.employee_id.id] += card_sudo.bonus_amount
        for row in rows:
            row["amount"] = bonuses[contracts.browse(row["contract_id"]).employee_id.id]
        return res

    def get_payroll_dict(self, contracts):
        """Salary rules read the scorecards this payslip pays as ``payroll.kpi``: see
        :meth:`_get_kpi_payroll_dict`."""
        res = super().get_payroll_dict(contracts)
        res["kpi"] = self._get_kpi_payroll_dict(self._get_kpi_scorecards_for_rules())
        return res

    def _get_kpi_scorecards_for_rules(self):
        """The scorecards (sudo) of this payslip: those ``compute_sheet`` found for the
        whole batch, else a search."""
        self.ensure_one()
        self.check_access("read")
        ids_by_payslip = self.env.context.get("kpi_scorecard_ids_by_payslip") or {}
        if self.id not in ids_by_payslip:
            return self._get_kpi_scorecards_to_pay()[self.id]
        batch_ids = [card_id for card_ids in ids_by_payslip.values() for card_id in card_ids]
        scorecards_sudo = (
            self.env["kpi.scorecard"].sudo().browse(ids_by_payslip[self.id]).with_prefetch(batch_ids)
        )
        # Whatever the context holds, only this employee's scorecards are offered.
        return scorecards_sudo.filtered(lambda card: card.employee_id == self.employee_id)

    @api.model
    def _get_kpi_payroll_dict(self, scorecards):
        """``payroll.kpi`` for salary rules, e.g. ``result = payroll.kpi.achievement.CSAT``:

        - ``bonus``: the bonus of the scorecards (what the KPI_BONUS input holds);
        - ``score``: their total score (the average if several plans score the period);
        - ``count``: how many scorecards;
        - ``achievement.<CODE>``, ``actual.<CODE>``, ``payout.<CODE>``: per KPI code
          (averaged over the scorecards having it); ``line_bonus.<CODE>``: its bonus (summed).

        Anything missing reads 0.0.
        """
        values = defaultdict(lambda: defaultdict(list))
        for line in scorecards.line_ids:
            for name, fname in KPI_LINE_VALUES.items():
                values[name][line.code].append(line[fname])
        per_code = {
            name: BaseBrowsableObject(
                {
                    code: sum(numbers) if name == "line_bonus" else sum(numbers) / len(numbers)
                    for code, numbers in values[name].items()
                }
            )
            for name in KPI_LINE_VALUES
        }
        scores = scorecards.mapped("score")
        return BaseBrowsableObject(
            {
                "count": len(scorecards),
                "bonus": sum(scorecards.mapped("bonus_amount")),
                "score": sum(scores) / len(scores) if scores else 0.0,
                **per_code,
            }
        )

    # ------------------------------------------------------------------
    # Business: which scorecards a payslip pays
    # ------------------------------------------------------------------
    @api.model
    def _search_kpi_scorecards_to_pay(self, employees, date_from, date_to, payslips=None):
        """Scorecards (sudo) of ``employees`` whose last day in the plan
        (``effective_date_to``; the period's end when unknown) falls between ``date_from``
        and ``date_to`` — a leaver's final payslip carries it — that are confirmed and
        unpaid, or already paid by one of ``payslips``; never those of a plan's trial
        period. The callers check their access to the payslips first."""
        domain = [
            ("employee_id", "in", employees.ids),
            "|",
            "&",
            ("effective_date_to", ">=", date_from),
            ("effective_date_to", "<=", date_to),
            "&",
            ("effective_date_to", "=", False),
            "&",
            ("date_to", ">=", date_from),
            ("date_to", "<=", date_to),
            ("is_trial", "=", False),
        ]
        payable = [("state", "=", "confirmed"), ("payslip_id", "=", False)]
        if payslips:
            payable = ["|", "&", *payable, ("payslip_id", "in", payslips.ids)]
        return self.env["kpi.scorecard"].sudo().search(domain + payable)

    def _get_kpi_scorecards_to_pay(self):
        """``{payslip id: scorecards (sudo)}``: for each payslip of ``self``, its employee's
        confirmed scorecards whose last day in the plan falls in its period and that no other payslip
        has paid. One search for the whole batch; a credit note pays no scorecard."""
        self.check_access("read")
        Scorecard = self.env["kpi.scorecard"].sudo()
        result = {payslip.id: Scorecard for payslip in self}
        payslips = self.filtered(lambda p: not p.credit_note and p.date_from and p.date_to)
        if not payslips:
            return result
        scorecards_sudo = self._search_kpi_scorecards_to_pay(
            payslips.employee_id,
            min(payslips.mapped("date_from")),
            max(payslips.mapped("date_to")),
            payslips,
        )
        by_employee = defaultdict(list)
        for card_sudo in scorecards_sudo:
            by_employee[card_sudo.employee_id.id].append(card_sudo)
        for payslip in payslips:
            result[payslip.id] = Scorecard.union(
                *(
                    card_sudo
                    for card_sudo in by_employee[payslip.employee_id.id]
                    if payslip.date_from
                    <= (card_sudo.effective_date_to or card_sudo.date_to)
                    <= payslip.date_to
                    and (not card_sudo.payslip_id or card_sudo.payslip_id == payslip)
                )
            )
        return result

    def _get_kpi_bonus_rule_input(self, cache):
        """The KPI_BONUS input declared by this payslip's salary rules, if any
        (``cache``: by structure, shared across a batch)."""
        self.ensure_one()
        key = self.struct_id.id or ("payslip", self.id)
        if key not in cache:
            cache[key] = self._get_salary_rules().input_ids.filtered(
                lambda rule_input: rule_input.code == KPI_BONUS_CODE
            )[:1]
        return cache[key]

    def _set_kpi_bonus_inputs(self, scorecards_by_payslip):
        """Set each payslip's KPI_BONUS input to the bonus of its scorecards; a payslip
        whose rules declare the input but that has no such line yet (e.g. created by a
        batch) gets one."""
        rule_inputs = {}
        to_create = []
        for payslip in self.filtered(lambda p: not p.credit_note):
            amount = payslip.company_id.currency_id.round(
                sum(scorecards_by_payslip[payslip.id].mapped("bonus_amount"))
            )
            input_lines = payslip.input_line_ids.filtered(lambda line: line.code == KPI_BONUS_CODE)
            if input_lines:
                # a batch's payslips already hold it (get_inputs): no write when unchanged
                changed = input_lines.filtered(lambda line: line.amount != amount)  # noqa: B023
                if changed:
                    changed.write({"amount": amount})
                continue
            rule_input = payslip._get_kpi_bonus_rule_input(rule_inputs)
            contract = payslip.contract_id or payslip._get_employee_contracts()[:1]
            if rule_input and contract:
                to_create.append(
                    {
                        "payslip_id": payslip.id,
                        "contract_id": contract.id,
                        "name": rule_input.name,
                        "code": KPI_BONUS_CODE,
                        "amount": amount,
                    }
                )
        self.env["hr.payslip.input"].create(to_create)

    def _pay_kpi_scorecards(self):
        """Done payslips pay the scorecards their KPI_BONUS input was computed from: those
        become paid, linked and locked. Refused when the input no longer matches them
        (another payslip paid them meanwhile, or a scorecard changed): compute again.
        A payslip without the KPI_BONUS input (its structure does not pay the KPI bonus)
        leaves the scorecards to another one."""
        self.check_access("write")
        payslips = self.filtered(lambda p: p.state == "done" and not p.credit_note)
        scorecards = payslips._get_kpi_scorecards_to_pay()
        for payslip in payslips:
            input_lines = payslip.input_line_ids.filtered(lambda line: line.code == KPI_BONUS_CODE)
            if not input_lines:
                continue
            scorecards_sudo = scorecards[payslip.id]
            expected = sum(scorecards_sudo.mapped("bonus_amount"))
            currency = payslip.company_id.currency_id
            if currency.compare_amounts(input_lines[0].amount, expected):
                raise UserError(
                    self.env._(
                        "Payslip %(payslip)s: its %(code)s input (%(amount)s) no longer matches "
                        "the bonus of the confirmed scorecards it pays (%(expected)s); they "
                        "changed, or another payslip paid them, since it was computed. "
                        "Compute the sheet again.",
                        payslip=payslip.display_name,
                        code=KPI_BONUS_CODE,
                        amount=input_lines[0].amount,
                        expected=expected,
                    )
                )
            if scorecards_sudo:
                scorecards_sudo._mark_paid(payslip)

    def _get_kpi_paid_scorecards(self):
        """The scorecards (sudo) these payslips paid. The callers checked their access to
        the payslips."""
        return self.env["kpi.scorecard"].sudo().search([("payslip_id", "in", self.ids)])

    def _check_kpi_scorecards_not_paid(self, state):
        """A done payslip that paid scorecards is final: it may only be cancelled (which
        releases them), never reset to ``state``."""
        self.check_access("write")
        scorecards_sudo = self.filtered(lambda p: p.state == "done")._get_kpi_paid_scorecards()
        if scorecards_sudo:
            raise UserError(
                self.env._(
                    "Payslip %(payslip)s paid the KPI bonus of %(scorecards)s: it cannot go "
                    "back to %(state)s. Cancel it instead (its scorecards become payable "
                    "again).",
                    payslip=", ".join(scorecards_sudo.payslip_id.mapped("display_name")),
                    scorecards=", ".join(scorecards_sudo.mapped("display_name")),
                    state=dict(self._fields["state"]._description_selection(self.env)).get(
                        state, state
                    ),
                )
            )

    def _release_kpi_scorecards(self):
        """Cancelled payslips no longer pay their scorecards: those return to confirmed,
        unlinked, payable again; their chatter says which payslip was cancelled."""
        self.check_access("write")
        self._get_kpi_paid_scorecards()._mark_unpaid()
