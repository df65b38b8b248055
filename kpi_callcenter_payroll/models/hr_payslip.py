# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from odoo.addons.kpi_callcenter.engine import correction as engine_correction
from odoo.addons.payroll.models.base_browsable import BaseBrowsableObject

KPI_BONUS_CODE = "KPI_BONUS"
KPI_ADVANCE_CODE = "KPI_BONUS_ADVANCE"
KPI_BONUS_ADJ_CODE = "KPI_BONUS_ADJ"
# The payslip line whose total is the net wage (the clawback cap's base), else the gross.
NET_CODES = ("NET", "GROSS")
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
    kpi_correction_payment_ids = fields.One2many(
        "hr.payslip.kpi.correction",
        "payslip_id",
        string="KPI corrections",
        readonly=True,
        copy=False,
        groups="kpi_callcenter.group_kpi_officer,payroll.group_payroll_user",
        help="What this payslip pays of the corrections after payment (KPI_BONUS_ADJ).",
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
            self._pay_kpi_corrections()
        elif state == "cancel":
            self._release_kpi_scorecards()
            self._release_kpi_corrections()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def compute_sheet(self):
        """Set the KPI_BONUS input of every payslip of the batch (one search for all of
        them), then compute; salary rules read the same scorecards in ``payroll.kpi``."""
        self.check_access("write")
        # a done payslip that paid scorecards or corrections is final: refused before
        # anything (OCA's computation starts by deleting the lines)
        self._check_kpi_scorecards_not_paid("verify")
        scorecards = self._get_kpi_scorecards_to_pay()
        self._set_kpi_bonus_inputs(scorecards)
        self._set_kpi_inputs(KPI_ADVANCE_CODE, self._get_kpi_advance_amounts(self._get_kpi_advances_to_pay()))
        corrections = self._get_kpi_corrections_to_pay()
        # first pass: corrections paid and clawbacks offset against the KPI amounts only
        self._set_kpi_correction_payments(scorecards, corrections)
        ids_by_payslip = {payslip_id: cards.ids for payslip_id, cards in scorecards.items()}
        payslips = self.with_context(kpi_scorecard_ids_by_payslip=ids_by_payslip)
        res = super(HrPayslip, payslips).compute_sheet()
        # second pass, for the payslips with an acknowledged clawback left: up to the
        # company's share of the net wage the first pass computed
        caps = self._get_kpi_wage_caps(corrections)
        if caps:
            again = self._set_kpi_correction_payments(scorecards, corrections, caps)
            if again:
                super(HrPayslip, again.with_context(kpi_scorecard_ids_by_payslip=ids_by_payslip)).compute_sheet()
        return res

    # ------------------------------------------------------------------
    # Salary rules: inputs and the payroll dictionary
    # ------------------------------------------------------------------
    @api.model
    def get_inputs(self, contracts, date_from, date_to):
        """Show the KPI_BONUS input's amount as soon as the employee and the period are
        chosen; it is refreshed whenever the sheet is computed."""
        res = super().get_inputs(contracts, date_from, date_to)
        rows = [row for row in res if row.get("code") in (KPI_BONUS_CODE, KPI_ADVANCE_CODE)]
        if not rows or any(self.mapped("credit_note")):
            return res
        self.env["hr.payslip"].check_access("write")
        amounts = {KPI_BONUS_CODE: defaultdict(float), KPI_ADVANCE_CODE: defaultdict(float)}
        scorecards_sudo = self._search_kpi_scorecards_to_pay(
            contracts.employee_id, date_from, date_to
        )
        for card_sudo in scorecards_sudo:
            amounts[KPI_BONUS_CODE][card_sudo.employee_id.id] += card_sudo.settlement_amount
        advances_sudo = self._search_kpi_advances_to_pay(contracts.employee_id, date_from, date_to)
        for advance_sudo in advances_sudo:
            amounts[KPI_ADVANCE_CODE][advance_sudo.employee_id.id] += advance_sudo.amount
        for row in rows:
            row["amount"] = amounts[row["code"]][contracts.browse(row["contract_id"]).employee_id.id]
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

        - ``bonus``: the bonus of the scorecards minus the monthly advances already paid on
          them (what the KPI_BONUS input holds);
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
                "bonus": sum(scorecards.mapped("settlement_amount")),
                "score": sum(scores) / len(scores) if scores else 0.0,
                **per_code,
            }
        )

    # ------------------------------------------------------------------
    # Business: which scorecards a payslip pays
    # ------------------------------------------------------------------
    @api.model
    def _search_kpi_scorecards_to_pay(self, employees, date_from, date_to, payslips=None):
        """Scorecards (sudo) of ``employees`` whose pay day (``pay_date``: the last day in
        the plan, or a yearly bonus's off-cycle date; before it was stored, the last day in
        the plan, else the period's end) falls between ``date_from`` and ``date_to`` — a
        leaver's final payslip carries it — that are confirmed and
        unpaid, or already paid by one of ``payslips``; never those of a plan's trial
        period. The callers check their access to the payslips first."""
        domain = [
            ("employee_id", "in", employees.ids),
            "|",
            "&",
            ("pay_date", ">=", date_from),
            ("pay_date", "<=", date_to),
            "&",
            ("pay_date", "=", False),
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
                    if payslip.date_from <= card_sudo._get_kpi_pay_date() <= payslip.date_to
                    and (not card_sudo.payslip_id or card_sudo.payslip_id == payslip)
                )
            )
        return result

    def _get_kpi_bonus_rule_input(self, cache, code=KPI_BONUS_CODE):
        """The input ``code`` (KPI_BONUS, KPI_BONUS_ADVANCE) declared by this payslip's
        salary rules, if any (``cache``: by structure, shared across a batch)."""
        self.ensure_one()
        key = (self.struct_id.id or ("payslip", self.id), code)
        if key not in cache:
            cache[key] = self._get_salary_rules().input_ids.filtered(
                lambda rule_input: rule_input.code == code
            )[:1]
        return cache[key]

    def _set_kpi_bonus_inputs(self, scorecards_by_payslip):
        """Set each payslip's KPI_BONUS input to what its scorecards pay: their bonus
        minus the monthly advances already paid on them (``settlement_amount``)."""
        self._set_kpi_inputs(
            KPI_BONUS_CODE,
            {
                payslip_id: sum(cards.mapped("settlement_amount"))
                for payslip_id, cards in scorecards_by_payslip.items()
            },
        )

    def _set_kpi_inputs(self, code, amounts_by_payslip):
        """Set each payslip's input ``code`` to ``amounts_by_payslip[payslip id]``; a
        payslip whose rules declare the input but that has no such line yet (e.g. created
        by a batch) gets one."""
        rule_inputs = {}
        to_create = []
        for payslip in self.filtered(lambda p: not p.credit_note):
            amount = payslip.company_id.currency_id.round(amounts_by_payslip.get(payslip.id, 0.0))
            input_lines = payslip.input_line_ids.filtered(lambda line: line.code == code)
            if input_lines:
                # a batch's payslips already hold it (get_inputs): no write when unchanged
                changed = input_lines.filtered(lambda line: line.amount != amount)  # noqa: B023
                if changed:
                    changed.write({"amount": amount})
                continue
            rule_input = payslip._get_kpi_bonus_rule_input(rule_inputs, code)
            contract = payslip.contract_id or payslip._get_employee_contracts()[:1]
            if rule_input and contract:
                to_create.append(
                    {
                        "payslip_id": payslip.id,
                        "contract_id": contract.id,
                        "name": rule_input.name,
                        "code": code,
                        "amount": amount,
                    }
                )
        self.env["hr.payslip.input"].create(to_create)

    # ------------------------------------------------------------------
    # Business: monthly advances of quarterly and yearly plans
    # ------------------------------------------------------------------
    @api.model
    def _search_kpi_advances_to_pay(self, employees, date_from, date_to, payslips=None):
        """Advances (sudo) of ``employees`` whose month ends between ``date_from`` and
        ``date_to``, open and on a scorecard still running (draft or computed: a settled
        period pays no more advance), or already paid by one of ``payslips``. The callers
        check their access to the payslips first."""
        domain = [
            ("employee_id", "in", employees.ids),
            ("date_to", ">=", date_from),
            ("date_to", "<=", date_to),
        ]
        payable = [
            ("state", "=", "open"),
            ("scorecard_id.state", "in", ("draft", "computed")),
            ("scorecard_id.is_trial", "=", False),
        ]
        if payslips:
            payable = ["|", "&", "&", *payable, ("payslip_id", "in", payslips.ids)]
        return self.env["kpi.scorecard.advance"].sudo().search(domain + payable)

    def _get_kpi_advances_to_pay(self):
        """``{payslip id: advances (sudo)}``: one search for the batch, as for scorecards."""
        self.check_access("read")
        Advance = self.env["kpi.scorecard.advance"].sudo()
        result = {payslip.id: Advance for payslip in self}
        payslips = self.filtered(lambda p: not p.credit_note and p.date_from and p.date_to)
        if not payslips:
            return result
        advances_sudo = self._search_kpi_advances_to_pay(
            payslips.employee_id,
            min(payslips.mapped("date_from")),
            max(payslips.mapped("date_to")),
            payslips,
        )
        for payslip in payslips:
            result[payslip.id] = advances_sudo.filtered(
                lambda advance, payslip=payslip: advance.employee_id == payslip.employee_id
                and payslip.date_from <= advance.date_to <= payslip.date_to
                and (not advance.payslip_id or advance.payslip_id == payslip)
            )
        return result

    @api.model
    def _get_kpi_advance_amounts(self, advances_by_payslip):
        return {
            payslip_id: sum(advances.mapped("amount"))
            for payslip_id, advances in advances_by_payslip.items()
        }

    def _pay_kpi_advances(self):
        """Done payslips pay the advances their KPI_BONUS_ADVANCE input was computed from,
        refused when the input no longer matches them (compute again)."""
        payslips = self.filtered(lambda p: p.state == "done" and not p.credit_note)
        advances = payslips._get_kpi_advances_to_pay()
        for payslip in payslips:
            input_lines = payslip.input_line_ids.filtered(lambda line: line.code == KPI_ADVANCE_CODE)
            if not input_lines:
                continue
            advances_sudo = advances[payslip.id]
            expected = sum(advances_sudo.mapped("amount"))
            if payslip.company_id.currency_id.compare_amounts(input_lines[0].amount, expected):
                raise UserError(
                    self.env._(
                        "Payslip %(payslip)s: its %(code)s input (%(amount)s) no longer matches "
                        "the monthly advances it pays (%(expected)s). Compute the sheet again.",
                        payslip=payslip.display_name,
                        code=KPI_ADVANCE_CODE,
                        amount=input_lines[0].amount,
                        expected=expected,
                    )
                )
            advances_sudo.write({"state": "paid", "payslip_id": payslip.id})

    def _pay_kpi_scorecards(self):
        """Done payslips pay the scorecards their KPI_BONUS input was computed from: those
        become paid, linked and locked. Refused when the input no longer matches them
        (another payslip paid them meanwhile, or a scorecard changed): compute again.
        A payslip without the KPI_BONUS input (its structure does not pay the KPI bonus)
        leaves the scorecards to another one."""
        self.check_access("write")
        payslips = self.filtered(lambda p: p.state == "done" and not p.credit_note)
        payslips._pay_kpi_advances()
        scorecards = payslips._get_kpi_scorecards_to_pay()
        for payslip in payslips:
            input_lines = payslip.input_line_ids.filtered(lambda line: line.code == KPI_BONUS_CODE)
            if not input_lines:
                continue
            scorecards_sudo = scorecards[payslip.id]
            expected = sum(scorecards_sudo.mapped("settlement_amount"))
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
                # advances above the period's bonus: taken back as a correction
                self.env["kpi.scorecard.correction"]._create_advance_settlements(scorecards_sudo)

    def _get_kpi_paid_scorecards(self):
        """The scorecards (sudo) these payslips paid. The callers checked their access to
        the payslips."""
        return self.env["kpi.scorecard"].sudo().search([("payslip_id", "in", self.ids)])

    # ------------------------------------------------------------------
    # Business: corrections after payment (KPI_BONUS_ADJ)
    # ------------------------------------------------------------------
    def _get_kpi_corrections_to_pay(self):
        """``{payslip id: corrections (sudo)}``: the open corrections of each payslip's
        employee (company), oldest first, for every payslip but credit notes and done ones.
        One search for the whole batch."""
        self.check_access("read")
        Correction = self.env["kpi.scorecard.correction"].sudo()
        result = {payslip.id: Correction for payslip in self}
        payslips = self.filtered(lambda p: not p.credit_note and p.state in ("draft", "verify"))
        if not payslips:
            return result
        corrections_sudo = Correction.search(
            [("employee_id", "in", payslips.employee_id.ids), ("state", "=", "open")], order="id"
        )
        by_employee = defaultdict(lambda: Correction)
        for correction_sudo in corrections_sudo:
            by_employee[(correction_sudo.employee_id.id, correction_sudo.company_id.id)] |= correction_sudo
        for payslip in payslips:
            result[payslip.id] = by_employee[(payslip.employee_id.id, payslip.company_id.id)]
        return result

    def _get_kpi_adj_rule_input(self, cache):
        """The KPI_BONUS_ADJ input declared by this payslip's salary rules, if any."""
        self.ensure_one()
        key = self.struct_id.id or ("payslip", self.id)
        if key not in cache:
            cache[key] = self._get_salary_rules().input_ids.filtered(
                lambda rule_input: rule_input.code == KPI_BONUS_ADJ_CODE
            )[:1]
        return cache[key]

    def _get_kpi_wage_caps(self, corrections_by_payslip):
        """``{payslip id: the most it may take from wages}``, for the payslips holding an
        acknowledged clawback: the company's share (30 % by default) of the net wage the
        sheet computed (its ``NET`` line, else ``GROSS``, else the contract's wage)."""
        caps = {}
        for payslip in self:
            corrections_sudo = corrections_by_payslip.get(payslip.id)
            if not corrections_sudo or not corrections_sudo.filtered(
                lambda c: c.acknowledged_by_id and c.amount_residual < 0
            ):
                continue
            lines = {line.code: line.total for line in payslip.line_ids}
            net = next((lines[code] for code in NET_CODES if code in lines), None)
            if net is None:
                net = payslip.contract_id.wage
            caps[payslip.id] = engine_correction.wage_cap(
                net, payslip.company_id.kpi_correction_wage_share, payslip.company_id.currency_id.round
            )
        return caps

    def _set_kpi_correction_payments(self, scorecards_by_payslip, corrections_by_payslip, wage_caps=None):
        """Allocate the open corrections to each payslip (``engine/correction.allocate``:
        positive ones in full, clawbacks offset against the payslip's KPI amounts, then,
        acknowledged, from wages up to ``wage_caps``), record the allocation (rows of
        ``hr.payslip.kpi.correction``) and set the KPI_BONUS_ADJ input to its sum, named
        after the reasons. With ``wage_caps``, only those payslips; returns the payslips
        whose input changed (to compute again)."""
        Payment = self.env["hr.payslip.kpi.correction"].sudo()
        rule_inputs = {}
        changed = self.browse()
        to_create, inputs_to_create = [], []
        payslips = self.filtered(lambda p: not p.credit_note and p.state in ("draft", "verify"))
        if wage_caps is not None:
            payslips = payslips.filtered(lambda p: p.id in wage_caps)
        old_rows_by_payslip = Payment.search([("payslip_id", "in", payslips.ids)]).grouped("payslip_id")
        for payslip in payslips:
            rule_input = payslip._get_kpi_adj_rule_input(rule_inputs)
            input_lines = payslip.input_line_ids.filtered(lambda line: line.code == KPI_BONUS_ADJ_CODE)
            contract = payslip.contract_id or payslip._get_employee_contracts()[:1]
            corrections_sudo = corrections_by_payslip.get(payslip.id) or Payment.correction_id
            if not (rule_input or input_lines) or not contract:
                continue
            currency = payslip.company_id.currency_id
            kpi_amount = currency.round(sum(scorecards_by_payslip[payslip.id].mapped("bonus_amount")))
            allocation = engine_correction.allocate(
                kpi_amount,
                [
                    {
                        "id": correction_sudo.id,
                        "residual": correction_sudo.amount_residual,
                        "acknowledged": bool(correction_sudo.acknowledged_by_id),
                    }
                    for correction_sudo in corrections_sudo
                ],
                (wage_caps or {}).get(payslip.id, 0.0),
            )
            rows = [
                {
                    "payslip_id": payslip.id,
                    "correction_id": correction_sudo.id,
                    "amount": currency.round(allocation[correction_sudo.id]["amount"]),
                    "from_kpi": currency.round(allocation[correction_sudo.id]["from_kpi"]),
                    "from_wage": currency.round(allocation[correction_sudo.id]["from_wage"]),
                }
                for correction_sudo in corrections_sudo
                if not currency.is_zero(allocation[correction_sudo.id]["amount"])
            ]
            amount = currency.round(sum(row["amount"] for row in rows))
            paid_ids = {row["correction_id"] for row in rows}
            name = payslip._get_kpi_adj_input_name(
                corrections_sudo.filtered(lambda c, paid_ids=paid_ids: c.id in paid_ids),
                rule_input.name or input_lines[:1].name,
            )
            old_rows = old_rows_by_payslip.get(payslip, Payment)
            old = sorted((row.correction_id.id, row.amount, row.from_wage) for row in old_rows)
            if old != sorted((row["correction_id"], row["amount"], row["from_wage"]) for row in rows):
                changed |= payslip
            old_rows.unlink()
            to_create.extend(rows)
            if input_lines:
                input_lines.write({"amount": amount, "name": name})
            else:
                inputs_to_create.append(
                    {
                        "payslip_id": payslip.id,
                        "contract_id": contract.id,
                        "name": name,
                        "code": KPI_BONUS_ADJ_CODE,
                        "amount": amount,
                    }
                )
        Payment.create(to_create)
        self.env["hr.payslip.input"].create(inputs_to_create)
        return changed

    def _get_kpi_adj_input_name(self, corrections_sudo, default):
        """The KPI_BONUS_ADJ input's (and payslip line's) name: the reasons of the
        corrections it pays, so that the payslip shows why."""
        if not corrections_sudo:
            return default or self.env._("KPI corrections after payment")
        reasons = "; ".join(
            f"{correction_sudo.scorecard_id._period_label()}: {correction_sudo.reason}"
            for correction_sudo in corrections_sudo
        )
        name = self.env._("KPI correction (%(reasons)s)", reasons=reasons)
        return name if len(name) <= 250 else name[:249] + "…"

    def _pay_kpi_corrections(self):
        """Done payslips pay what they allocated of the corrections: each correction's
        paid amount grows, it is paid when nothing is left, and its chatter says which
        payslip paid what (how much from wages). Refused when the KPI_BONUS_ADJ input no
        longer matches the allocation or a correction no longer owes it (another payslip
        paid it meanwhile): compute again."""
        self.check_access("write")
        payslips = self.filtered(lambda p: p.state == "done" and not p.credit_note)
        if not payslips:
            return
        payments_sudo = self.env["hr.payslip.kpi.correction"].sudo().search([("payslip_id", "in", payslips.ids)])
        for payslip in payslips:
            currency = payslip.company_id.currency_id
            rows_sudo = payments_sudo.filtered(lambda row, payslip=payslip: row.payslip_id == payslip)
            input_lines = payslip.input_line_ids.filtered(lambda line: line.code == KPI_BONUS_ADJ_CODE)
            amount = input_lines[:1].amount
            expected = currency.round(sum(rows_sudo.mapped("amount")))
            stale = currency.compare_amounts(amount, expected) or any(
                row.correction_id.state != "open"
                or currency.compare_amounts(abs(row.amount), abs(row.correction_id.amount_residual)) > 0
                or row.amount * row.correction_id.amount_residual < 0
                for row in rows_sudo
            )
            if stale:
                raise UserError(
                    self.env._(
                        "Payslip %(payslip)s: its %(code)s input (%(amount)s) no longer matches "
                        "the open corrections it pays (%(expected)s); they changed, or another "
                        "payslip paid them, since it was computed. Compute the sheet again.",
                        payslip=payslip.display_name,
                        code=KPI_BONUS_ADJ_CODE,
                        amount=amount,
                        expected=expected,
                    )
                )
            if rows_sudo:
                rows_sudo.correction_id._write_workflow({"payslip_id": payslip.id})
        self._refresh_kpi_corrections_paid(payments_sudo.correction_id, payments_sudo, paid=True)

    def _release_kpi_corrections(self):
        """Cancelled payslips no longer pay their corrections: the paid amounts fall back,
        the corrections are open again; their chatter names the cancelled payslip."""
        self.check_access("write")
        payments_sudo = self.env["hr.payslip.kpi.correction"].sudo().search([("payslip_id", "in", self.ids)])
        if payments_sudo:
            corrections_sudo = payments_sudo.correction_id
            corrections_sudo.filtered(lambda c: c.payslip_id in self)._write_workflow({"payslip_id": False})
            self._refresh_kpi_corrections_paid(corrections_sudo, payments_sudo, paid=False)

    def _refresh_kpi_corrections_paid(self, corrections_sudo, moves_sudo, paid):
        """Each correction's paid amount again, from the rows of its done payslips (one
        grouped query), with a chatter note per correction for ``moves_sudo``."""
        if not corrections_sudo:
            return
        totals = dict(
            self.env["hr.payslip.kpi.correction"].sudo()._read_group(
                [("correction_id", "in", corrections_sudo.ids), ("payslip_id.state", "=", "done")],
                ["correction_id"],
                ["amount:sum"],
            )
        )
        notes = {}
        for correction_sudo in corrections_sudo:
            currency = correction_sudo.currency_id
            rows = moves_sudo.filtered(lambda row, c=correction_sudo: row.correction_id == c)
            texts = []
            for row in rows:
                values = {
                    "payslip": row.payslip_id.display_name,
                    "amount": formatLang(self.env, row.amount, currency_obj=currency),
                    "wage": formatLang(self.env, row.from_wage, currency_obj=currency),
                    "user": self.env.user.name,
                }
                if paid:
                    texts.append(
                        self.env._(
                            "Payslip %(payslip)s paid %(amount)s of this correction (%(wage)s from wages).",
                            **values,
                        )
                    )
                else:
                    texts.append(
                        self.env._(
                            "Payslip %(payslip)s was cancelled by %(user)s: its %(amount)s no longer count.",
                            **values,
                        )
                    )
            notes[correction_sudo] = " ".join(texts)
        corrections_sudo._apply_paid(
            {correction_sudo: totals.get(correction_sudo, 0.0) for correction_sudo in corrections_sudo}, notes
        )

    def _check_kpi_scorecards_not_paid(self, state):
        """A done payslip that paid scorecards is final: it may only be cancelled (which
        releases them), never reset to ``state``."""
        self.check_access("write")
        done = self.filtered(lambda p: p.state == "done")
        scorecards_sudo = done._get_kpi_paid_scorecards()
        advances_sudo = self.env["kpi.scorecard.advance"].sudo().search([("payslip_id", "in", done.ids)])
        if advances_sudo and not scorecards_sudo:
            raise UserError(
                self.env._(
                    "Payslip %(payslip)s paid the monthly advances %(advances)s: it cannot go "
                    "back. Cancel it instead (the advances become payable again).",
                    payslip=", ".join(advances_sudo.payslip_id.mapped("display_name")),
                    advances=", ".join(advances_sudo.mapped("display_name")),
                )
            )
        payments_sudo = self.env["hr.payslip.kpi.correction"].sudo().search([("payslip_id", "in", done.ids)])
        if payments_sudo:
            raise UserError(
                self.env._(
                    "Payslip %(payslip)s paid KPI corrections (%(corrections)s): it cannot go "
                    "back to %(state)s. Cancel it instead (the corrections become open again).",
                    payslip=", ".join(payments_sudo.payslip_id.mapped("display_name")),
                    corrections=", ".join(payments_sudo.correction_id.mapped("display_name")),
                    state=dict(self._fields["state"]._description_selection(self.env)).get(state, state),
                )
            )
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
        self.env["kpi.scorecard.advance"].sudo().search([("payslip_id", "in", self.ids)]).write(
            {"state": "open", "payslip_id": False}
        )
