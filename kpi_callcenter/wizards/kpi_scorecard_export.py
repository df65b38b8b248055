# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""XLSX export of the scorecards of a period, for HR (and payroll): one row per employee
and KPI with a total row per scorecard, then a summary sheet with one row per scorecard
and grand totals. Reads as the current user: record rules decide which scorecards.
"""

import base64
import io

import xlsxwriter
from dateutil.relativedelta import relativedelta
from xlsxwriter.utility import xl_rowcol_to_cell

from odoo import api, fields, models
from odoo.exceptions import UserError


class KpiScorecardExport(models.TransientModel):
    _name = "kpi.scorecard.export"
    _description = "KPI Scorecard XLSX Export"

    date_from = fields.Date(required=True, default=lambda self: self._default_date_from())
    date_to = fields.Date(required=True, default=lambda self: self._default_date_to())
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    plan_ids = fields.Many2many("kpi.plan", string="Plans", help="Empty: every plan.")
    department_ids = fields.Many2many("hr.department", string="Departments", help="Empty: every department.")
    file_data = fields.Binary(string="File", readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    # ------------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------------
    @api.model
    def _default_date_from(self):
        return fields.Date.context_today(self).replace(day=1) - relativedelta(months=1)

    @api.model
    def _default_date_to(self):
        return self._default_date_from() + relativedelta(months=1, days=-1)

    @api.model
    def default_get(self, fields_list):
        """From the scorecard list: the period spanned by the selected scorecards."""
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "kpi.scorecard" and context.get("active_ids"):
            selected = self.env["kpi.scorecard"].browse(context["active_ids"])
            if "date_from" in fields_list:
                values["date_from"] = min(selected.mapped("date_from"))
            if "date_to" in fields_list:
                values["date_to"] = max(selected.mapped("date_to"))
        return values

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_export(self):
        self.ensure_one()
        self.env["kpi.scorecard"]._check_period(self.date_from, self.date_to, self.env._("Export"))
        scorecards = self._get_scorecards()
        if not scorecards:
            raise UserError(
                self.env._(
                    "No scorecard from %(start)s to %(end)s matches these filters.",
                    start=self.date_from,
                    end=self.date_to,
                )
            )
        self.write(
            {
                "file_data": base64.b64encode(self._build_xlsx(scorecards)),
                "file_name": f"kpi_scorecards_{self.date_from}_{self.date_to}.xlsx",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/?model={self._name}&id={self.id}&field=file_data"
            "&filename_field=file_name&download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------
    def _get_scorecards_domain(self):
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("date_from", ">=", self.date_from),
            ("date_to", "<=", self.date_to),
        ]
        if self.plan_ids:
            domain.append(("plan_id", "in", self.plan_ids.ids))
        if self.department_ids:
            domain.append(("department_id", "child_of", self.department_ids.ids))
        return domain

    def _get_scorecards(self):
        return self.env["kpi.scorecard"].search(
            self._get_scorecards_domain(), order="date_from, department_id, employee_id, plan_id, id"
        )

    def _line_columns(self):
        """(key, header, width, format key, value getter(line)) of the KPI sheet."""
        return [
            ("employee", self.env._("Employee"), 24, "text", lambda line: line.scorecard_id.employee_id.name),
            ("department", self.env._("Department"), 18, "text", lambda line: line.scorecard_id.department_id.name or ""),
            ("plan", self.env._("Plan"), 18, "text", lambda line: line.scorecard_id.plan_id.name),
            ("period", self.env._("Period"), 10, "text", lambda line: line.scorecard_id._period_label()),
            ("status", self.env._("Status"), 11, "text", lambda line: self._state_label(line.scorecard_id)),
            ("code", self.env._("Code"), 12, "text", lambda line: line.code or ""),
            ("kpi", self.env._("KPI"), 28, "text", lambda line: line.definition_id.name),
            ("unit", self.env._("Unit"), 8, "text", lambda line: line.unit or ""),
            ("weight", self.env._("Weight (%)"), 10, "percent", lambda line: line.weight),
            ("full_target", self.env._("Full target"), 12, "quantity", lambda line: line.target_full),
            ("proration_factor", self.env._("Proration factor"), 10, "factor", lambda line: line.scorecard_id.prorate_factor),
            ("target", self.env._("Target"), 12, "quantity", lambda line: line.target),
            ("actual", self.env._("Actual"), 12, "quantity", lambda line: line.actual),
            ("achievement", self.env._("Achievement (%)"), 12, "percent", lambda line: line.achievement),
            ("score", self.env._("Score"), 10, "number", lambda line: line.score),
            ("payout", self.env._("Payout (%)"), 10, "percent", lambda line: line.payout),
            ("bonus", self.env._("Bonus"), 14, "money", lambda line: line.bonus_amount),
        ]

    def _summary_columns(self):
        return [
            ("employee", self.env._("Employee"), 24, "text", lambda card: card.employee_id.name),
            ("department", self.env._("Department"), 18, "text", lambda card: card.department_id.name or ""),
            ("plan", self.env._("Plan"), 18, "text", lambda card: card.plan_id.name),
            ("period", self.env._("Period"), 10, "text", lambda card: card._period_label()),
            ("status", self.env._("Status"), 11, "text", self._state_label),
            ("working_days", self.env._("Working days"), 10, "number", lambda card: card.working_days),
            ("leave_days", self.env._("Leave days"), 10, "number", lambda card: card.leave_days),
            ("proration_factor", self.env._("Proration factor"), 10, "factor", lambda card: card.prorate_factor),
            ("score", self.env._("Score"), 10, "number", lambda card: card.score),
            ("bonus", self.env._("Bonus"), 14, "money", lambda card: card.bonus_amount),
        ]

    def _state_label(self, card):
        return dict(card._fields["state"]._description_selection(self.env)).get(card.state, card.state)

    def _xlsx_formats(self, workbook):
        currency = self.company_id.currency_id
        money = "#,##0" + ("." + "0" * currency.decimal_places if currency.decimal_places else "")
        base = {"font_size": 10, "valign": "top"}
        formats = {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "subtitle": workbook.add_format({"italic": True, "font_color": "#555555"}),
            "header": workbook.add_format(
                {**base, "bold": True, "bg_color": "#2F7D98", "font_color": "#FFFFFF", "border": 1,
                 "text_wrap": True, "align": "center"}
            ),
        }
        number_formats = {"text": None, "number": "#,##0.00", "integer": "#,##0", "percent": "0.00", "factor": "0.0000", "money": money}
        for key, num_format in number_formats.items():
            for style, extra in (("", {}), ("total_", {"bold": True, "bg_color": "#E8F1F5", "top": 1})):
                values = {**base, **extra}
                if num_format:
                    values["num_format"] = num_format
                formats[style + key] = workbook.add_format(values)
        return formats

    def _build_xlsx(self, scorecards):
        """The workbook as bytes: sheet "KPIs" (one row per employee and KPI, a total row
        per scorecard, a grand total) and sheet "Scorecards" (one row per scorecard, totals
        as SUM formulas whose cached values are written too).
        """
        output = io.BytesIO()
        # Names and labels are text: never a formula or a link (a user named
        # "=HYPERLINK(…)" stays a name).
        workbook = xlsxwriter.Workbook(
            output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
        formats = self._xlsx_formats(workbook)
        title = self.env._(
            "KPI scorecards %(company)s, %(start)s → %(end)s (%(currency)s)",
            company=self.company_id.name,
            start=self.date_from,
            end=self.date_to,
            currency=self.company_id.currency_id.name,
        )
        self._write_lines_sheet(workbook, formats, title, scorecards)
        self._write_summary_sheet(workbook, formats, title, scorecards)
        workbook.close()
        return output.getvalue()

    def _write_header(self, sheet, formats, title, columns):
        sheet.write(0, 0, title, formats["title"])
        sheet.write(
            1, 0,
            self.env._("Exported %(when)s by %(user)s", when=fields.Datetime.now(), user=self.env.user.name),
            formats["subtitle"],
        )
        for col, (_key, header, width, _kind, _getter) in enumerate(columns):
            sheet.set_column(col, col, width)
            sheet.write(3, col, header, formats["header"])
        sheet.freeze_panes(4, 1)

    def _write_lines_sheet(self, workbook, formats, title, scorecards):
        sheet = workbook.add_worksheet(self.env._("KPIs"))
        columns = self._line_columns()
        self._write_header(sheet, formats, title, columns)
        index = {key: col for col, (key, *_rest) in enumerate(columns)}
        score_col, bonus_col = index["score"], index["bonus"]
        row = 4
        for card in scorecards:
            for line in card.line_ids:
                for col, (_key, _header, _width, kind, getter) in enumerate(columns):
                    value = getter(line)
                    cell_format = kind
                    if kind == "quantity":  # counts in whole numbers ("17", not "17.00")
                        whole = line.aggregation == "count" and value == round(value)
                        cell_format = "integer" if whole else "number"
                    sheet.write(row, col, value, formats[cell_format])
                row += 1
            # The scorecard's own totals: its bonus is not always the sum of its lines (gates).
            for col in range(len(columns)):
                sheet.write_blank(row, col, None, formats["total_text"])
            sheet.write(row, 0, self.env._("Total %(name)s", name=card.employee_id.name), formats["total_text"])
            sheet.write(row, index["period"], card._period_label(), formats["total_text"])
            sheet.write(row, score_col, card.score, formats["total_number"])
            sheet.write(row, bonus_col, card.bonus_amount, formats["total_money"])
            row += 1
        for col in range(len(columns)):
            sheet.write_blank(row, col, None, formats["total_text"])
        sheet.write(row, 0, self.env._("Total"), formats["total_text"])
        sheet.write(row, bonus_col, sum(scorecards.mapped("bonus_amount")), formats["total_money"])
        sheet.autofilter(3, 0, row - 1, len(columns) - 1)

    def _write_summary_sheet(self, workbook, formats, title, scorecards):
        sheet = workbook.add_worksheet(self.env._("Scorecards"))
        columns = self._summary_columns()
        self._write_header(sheet, formats, title, columns)
        first = row = 4
        for card in scorecards:
            for col, (_key, _header, _width, kind, getter) in enumerate(columns):
                sheet.write(row, col, getter(card), formats[kind])
            row += 1
        last = row - 1
        for col in range(len(columns)):
            sheet.write_blank(row, col, None, formats["total_text"])
        sheet.write(
            row, 0,
            self.env._("Total: %(count)s scorecard(s), average score, total bonus", count=len(scorecards)),
            formats["total_text"],
        )
        index = {key: col for col, (key, *_rest) in enumerate(columns)}
        score_col, bonus_col = index["score"], index["bonus"]
        scores = scorecards.mapped("score")
        sheet.write_formula(
            row, score_col,
            f"=AVERAGE({xl_rowcol_to_cell(first, score_col)}:{xl_rowcol_to_cell(last, score_col)})",
            formats["total_number"], sum(scores) / len(scores),
        )
        sheet.write_formula(
            row, bonus_col,
            f"=SUM({xl_rowcol_to_cell(first, bonus_col)}:{xl_rowcol_to_cell(last, bonus_col)})",
            formats["total_money"], sum(scorecards.mapped("bonus_amount")),
        )
        sheet.autofilter(3, 0, last, len(columns) - 1)
