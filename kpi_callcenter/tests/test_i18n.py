# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Vietnamese translations load and are used, and both catalogs are complete and keep
the placeholders of their msgids (a wrong placeholder breaks the message at run time).
Regenerate the catalogs with setup/i18n; setup/i18n --check tells what is missing."""

import ast
import re
from pathlib import Path

import polib
from babel.messages.extract import extract_python

from odoo.exceptions import ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path

LANG = "vi_VN"
# %(name)s / %(name)r / %s / %r / %d and %%: what Odoo's _() formats.
PLACEHOLDER = re.compile(r"%\([^)]*\)[sdr]|%[sdr]|%%")
# Inline markup of view terms (<strong>, <code>, <i class="…"/>): Odoo drops a translation
# whose tags differ.
TAG = re.compile(r"<[^>]+>")
ADDONS = ("kpi_callcenter", "kpi_callcenter_payroll")


def code_terms(addon):
    """(path, line, msgid) of every literal passed to _(), _lt() or env._() in the
    addon's Python code (tests aside)."""
    root = Path(get_module_path(addon))
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.relative_to(root).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = getattr(node, "func", None)
            name = getattr(func, "attr", None) or getattr(func, "id", None)
            if (
                isinstance(node, ast.Call)
                and name in ("_", "_lt")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                yield path.relative_to(root), node.lineno, node.args[0].value


@tagged("post_install", "-at_install")
class TestI18n(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang(LANG)
        cls.env["ir.module.module"]._load_module_terms(
            ["kpi_callcenter", "kpi_callcenter_payroll"], [LANG], overwrite=True
        )
        cls.env.invalidate_all()
        cls.env.registry.clear_cache()
        cls.vi = cls.env(context=dict(cls.env.context, lang=LANG))

    def test_field_label(self):
        weight = self.env["kpi.plan.line"]._fields["weight"]
        self.assertEqual(weight.get_description(self.vi)["string"], "Trọng số")
        self.assertEqual(weight.get_description(self.env)["string"], "Weight")

    def test_selection_value(self):
        selection = dict(self.env["kpi.call"]._fields["direction"]._description_selection(self.vi))
        self.assertEqual(selection, {"inbound": "Gọi vào", "outbound": "Gọi ra"})

    def test_error_message(self):
        employees = self.vi["hr.employee"]
        with self.assertRaisesRegex(ValidationError, "mức thưởng KPI cơ sở không được âm"):
            employees.create({"name": "Nguyễn Văn A", "kpi_bonus_base": -1})

    def test_menu_and_model_names(self):
        menu = self.env.ref("kpi_callcenter.kpi_payout_scale_menu")
        self.assertEqual(menu.with_env(self.vi).name, "Thang chi thưởng")
        self.assertEqual(menu.name, "Payout Scales")
        model = self.vi["ir.model"]._get("kpi.scorecard")
        self.assertEqual(model.name, "Bảng điểm KPI")

    def test_view_terms_with_markup(self):
        # Terms holding inline tags are only applied when the translation keeps them.
        statement = self.env.ref("kpi_callcenter.report_kpi_scorecard_statement_document")
        self.assertIn("<strong>Nhân viên:</strong>", statement.with_env(self.vi).arch_db)
        token = self.env.ref("kpi_callcenter.kpi_call_source_token_view_form")
        arch = token.with_env(self.vi).arch_db
        self.assertIn("Cấu hình token này trên tổng đài dưới dạng <code>Authorization", arch)
        self.assertIn("<strong>Quan trọng:</strong>", arch)

    def test_catalogs_complete(self):
        for addon in ADDONS:
            catalog = polib.pofile(file_path(f"{addon}/i18n/vi.po"))
            self.assertEqual(catalog.metadata.get("Language"), "vi")
            self.assertEqual(catalog.metadata.get("Plural-Forms"), "nplurals=1; plural=0;")
            entries = catalog.translated_entries() + catalog.untranslated_entries()
            self.assertGreater(len(entries), 5, addon)
            untranslated = [e.msgid for e in catalog.untranslated_entries()]
            self.assertFalse(untranslated, f"{addon}/i18n/vi.po: untranslated (run setup/i18n)")
            for entry in entries:
                with self.subTest(addon=addon, msgid=entry.msgid):
                    self.assertEqual(
                        sorted(PLACEHOLDER.findall(entry.msgstr)),
                        sorted(PLACEHOLDER.findall(entry.msgid)),
                        "the translation must keep the msgid's placeholders",
                    )
                    self.assertEqual(
                        sorted(TAG.findall(entry.msgstr)),
                        sorted(TAG.findall(entry.msgid)),
                        "the translation must keep the msgid's tags",
                    )

    def test_code_is_readable_by_the_term_export(self):
        # Odoo's export reads the code with babel, which evaluates each argument of a _()
        # call: an f-string there ends the file's export silently (its later messages stay
        # untranslated)
        for addon in ADDONS:
            root = Path(get_module_path(addon))
            for path in sorted(root.rglob("*.py")):
                with path.open("rb") as source, self.subTest(path=str(path.relative_to(root))):
                    list(extract_python(source, {"_": None, "_lt": None}, [], {}))

    def test_code_terms_in_catalogs(self):
        # A message of the code missing from vi.po: the catalog is stale (run setup/i18n), or
        # Odoo's export cannot see it (string literals among the _() call's other arguments:
        # compute them before the call).
        for addon in ADDONS:
            msgids = {
                e.msgid for e in polib.pofile(file_path(f"{addon}/i18n/vi.po")) if not e.obsolete
            }
            missing = [
                f"{path}:{line}: {msgid!r}"
                for path, line, msgid in code_terms(addon)
                if msgid not in msgids
            ]
            self.assertFalse(missing, f"{addon}: messages missing from i18n/vi.po")
