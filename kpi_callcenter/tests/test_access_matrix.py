# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The role × model × operation matrix of ``access_matrix.csv``, one assertion per cell.

Each cell is tried for real over the ORM as the role's user, on a record in the role's
scope, in a savepoint rolled back afterwards: the KPI User on their own records, the
Team Manager on a team member's (agent 2), the Officer, Manager and Administrator on an
employee of another team (agent 3). Allowed means the operation succeeds; refused means
an AccessError. The README's access table is rendered from the same file."""

from datetime import date, datetime
from pathlib import Path

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .access_matrix import OPERATIONS, ROLES, WORKFLOW_CELLS, load_matrix, render_table
from .common import KpiCommon


class _Rollback(Exception):
    """Raised to roll a successful attempt back."""


@tagged("post_install", "-at_install", "access_rights")
class TestAccessMatrix(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        companies = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.user_other_manager = new_test_user(
            cls.env, "kpi_matrix_other_manager", groups="base.group_user,kpi_callcenter.group_kpi_team_manager",
            **companies,
        )
        other_manager = cls._create_employee("Other manager", cls.user_other_manager)
        cls.agents[2].parent_id = other_manager
        cls.user_portal = new_test_user(cls.env, "kpi_matrix_portal", groups="base.group_portal", **companies)
        cls.agents[0].kpi_portal_user_id = cls.user_portal
        cls.user_admin = new_test_user(
            cls.env, "kpi_matrix_admin",
            groups="base.group_user,base.group_system,kpi_callcenter.group_kpi_manager", **companies,
        )
        cls.role_users = {
            "portal": cls.user_portal,
            "user": cls.agent_users[0],
            "team_manager": cls.user_manager,
            "officer": cls.user_officer,
            "manager": cls.user_hr_manager,
            "admin": cls.user_admin,
        }
        # the employee whose records are in the role's scope
        cls.role_subjects = {
            "portal": cls.agents[0],
            "user": cls.agents[0],
            "team_manager": cls.agents[1],
            "officer": cls.agents[2],
            "manager": cls.agents[2],
            "admin": cls.agents[2],
        }
        cls.csat = cls._create_definition("CSAT_MX")
        cls.qual = cls._create_definition("QUAL_MX")
        cls.spare = cls._create_definition("SPARE_MX")
        cls.plan = cls._create_plan([(cls.csat, 60, 4), (cls.qual, 40, 10)], name="Matrix plan")
        cls.draft_plan = cls._create_plan([(cls.csat, 100, 4)], activate=False, name="Draft plan")
        cls.draft_plan_line = cls.draft_plan.line_ids
        cls.cards = cls._generate(cls.plan)
        # February, paid: corrections after payment
        cls.paid_cards = cls._generate(cls.plan, date(2027, 2, 1), date(2027, 2, 28))
        cls.paid_cards.action_confirm()
        cls.paid_cards._write_workflow({"state": "paid"})
        cls.scale = cls._create_payout_scale([(50, 50), (100, 100)])
        cls.source = cls.env["kpi.call.source"].create(
            {"name": "Matrix PBX", "company_id": cls.company.id, "tz": "UTC"}
        )
        cls.mapping = cls.env["kpi.call.mapping"].create(
            {"name": "Matrix CSV", "code": "matrix_csv", "company_id": cls.company.id, "col_start": "start"}
        )
        cls.call_import = cls.env["kpi.call.import"].create({"source_id": cls.source.id})
        cls.department = cls.env["hr.department"].create({"name": "Matrix department", "company_id": cls.company.id})
        cls.simulation = cls.env["kpi.plan.simulation"].create(
            {"plan_id": cls.plan.id, "date_from": cls.date_from, "date_to": cls.date_to}
        )
        # one call per agent: rows of the call statistics and agent activity reports
        for index, agent in enumerate(cls.agents):
            cls.env["kpi.call"].create(cls._call_vals(agent, f"fixture-{index}"))
        cls.env.flush_all()
        cls.department = cls.env["hr.department"].create({"name": "Matrix department", "company_id": cls.company.id})
        cls.calibration = cls.env["kpi.plan.calibration"].create(
            {"plan_id": cls.plan.id, "plan_line_id": cls.plan.line_ids[0].id}
        )
        cls.matrix = load_matrix()

    # ------------------------------------------------------------------
    # Per model: values of a record of ``employee``, and a harmless write
    # ------------------------------------------------------------------
    @classmethod
    def _call_vals(cls, employee, uid):
        return {
            "employee_id": employee.id, "direction": "outbound", "start": datetime(2027, 3, 10, 9, 0),
            "talk_seconds": 60, "disposition": "answered", "source_id": cls.source.id,
            "external_uid": uid, "company_id": cls.company.id,
        }

    def _card(self, employee):
        return self.cards.filtered(lambda c: c.employee_id == employee)

    def _line(self, employee, definition):
        return self._card(employee).line_ids.filtered(lambda line: line.definition_id == definition)

    def _paid_card(self, employee):
        return self.paid_cards.filtered(lambda c: c.employee_id == employee)

    def _paid_line(self, employee):
        return self._paid_card(employee).line_ids.filtered(lambda line: line.definition_id == self.csat)

    def _specs(self):
        """``{model: (vals(employee), write vals)}``; reports: None (rows exist)."""
        company = {"company_id": self.company.id}
        return {
            "kpi.objective": (lambda e: {"name": "Matrix objective", **company}, {"name": "Renamed"}),
            "kpi.definition": (
                lambda e: {"name": "Matrix KPI", "code": "NEW_MX", "source": "manual", "measure": "manual",
                           "explanation": "x", **company},
                {"name": "Renamed"},
            ),
            "kpi.plan": (lambda e: {"name": "Matrix plan 2", **company}, {"name": "Renamed"}),
            "kpi.plan.line": (
                lambda e: {"plan_id": self.draft_plan.id, "definition_id": self.spare.id, "weight": 0,
                           "target": 1},
                {"target": 5},
            ),
            "kpi.target": (
                lambda e: {"plan_line_id": self.plan.line_ids[0].id, "employee_id": e.id,
                           "date_from": date(2027, 5, 1), "date_to": date(2027, 5, 31), "target": 3,
                           "note": "Matrix"},
                {"target": 5},
            ),
            "kpi.payout.scale": (lambda e: {"name": "Matrix scale", **company}, {"name": "Renamed"}),
            "kpi.payout.scale.tier": (
                lambda e: {"scale_id": self.scale.id, "achievement": 120, "payout": 120}, {"payout": 110}
            ),
            "kpi.helpdesk.resolution.time": (lambda e: {"hours": 8, **company}, {"hours": 4}),
            "kpi.employee.transfer": (
                lambda e: {"employee_id": e.id, "date": date(2027, 3, 16), "department_id": self.department.id},
                {"note": "Renamed"},
            ),
            "kpi.scorecard": (
                lambda e: {"employee_id": e.id, "plan_id": self.plan.id, "date_from": date(2027, 4, 1),
                           "date_to": date(2027, 4, 30), **company},
                None,
            ),
            "kpi.scorecard.line": (
                lambda e: {"scorecard_id": self._card(e).id, "definition_id": self.spare.id}, None
            ),
            "kpi.manual.value": (
                lambda e: {"employee_id": e.id, "definition_id": self.csat.id, "date": date(2027, 3, 12),
                           "value": 4},
                {"value": 3},
            ),
            "kpi.review.line": (
                lambda e: {"scorecard_line_id": self._line(e, self.csat).id, "definition_id": self.csat.id,
                           "manager_id": e.parent_id.id},
                {"reason": "training"},
            ),
            "kpi.scorecard.adjustment": (
                lambda e: {"scorecard_line_id": self._line(e, self.qual).id, "field": "target",
                           "new_value": 8, "reason": "Matrix"},
                {"reason": "Changed"},
            ),
            "kpi.scorecard.advance": (
                lambda e: {"scorecard_id": self._card(e).id, "date_from": date(2027, 3, 1),
                           "date_to": date(2027, 3, 31), "amount": 1000},
                {"amount": 5},
            ),
            "kpi.scorecard.correction": (
                lambda e: {"scorecard_id": self._paid_card(e).id, "reason": "Matrix",
                           "line_ids": [Command.create({"scorecard_line_id": self._paid_line(e).id,
                                                        "field": "actual", "new_value": 5})]},
                {"write_off_reason": "Matrix"},
            ),
            "kpi.scorecard.correction.line": (
                lambda e: {"correction_id": self.env["kpi.scorecard.correction"].create(
                    {"scorecard_id": self._paid_card(e).id, "reason": "Matrix"}).id,
                    "scorecard_line_id": self._paid_line(e).id, "field": "actual", "new_value": 5},
                {"new_value": 6},
            ),
            "kpi.plan.announcement": (
                lambda e: {"plan_id": self.plan.id, "version": 99, "employee_id": e.id, "subject": "Plan"},
                {"subject": "Changed"},
            ),
            "kpi.plan.calibration": (
                lambda e: {"plan_id": self.plan.id, "plan_line_id": self.plan.line_ids[0].id},
                {"employee_count": 2},
            ),
            "kpi.plan.calibration.employee": (
                lambda e: {"calibration_id": self.calibration.id, "employee_id": e.id, "suggested_target": 3},
                {"suggested_target": 4},
            ),
            "kpi.plan.health.issue": (
                lambda e: {"plan_id": self.plan.id, "rule": "weights", "severity": "warning",
                           "message": "Matrix", "key": "matrix"},
                {"message": "Changed"},
            ),
            "kpi.plan.acknowledgement": (
                lambda e: {"plan_id": self.plan.id, "version": 99, "issue_keys": "matrix",
                           "summary": "Matrix"},
                {"summary": "Changed"},
            ),
            "kpi.plan.simulation": (
                lambda e: {"plan_id": self.plan.id, "date_from": self.date_from, "date_to": self.date_to},
                {"file_name": "changed.xlsx"},
            ),
            "kpi.plan.simulation.line": (
                lambda e: {"simulation_id": self.simulation.id, "employee_id": e.id,
                           "date_from": self.date_from, "date_to": self.date_to},
                {"current_plan_names": "Changed"},
            ),
            "kpi.call": (lambda e: self._call_vals(e, f"matrix-{e.id}"), {"talk_seconds": 90}),
            "kpi.call.source": (lambda e: {"name": "Matrix PBX 2", "tz": "UTC", **company}, {"name": "Renamed"}),
            "kpi.call.rate": (
                lambda e: {"source_id": self.source.id, "prefix": "+849", "rate": 1000}, {"name": "Renamed"}
            ),
            "kpi.call.mapping": (
                lambda e: {"name": "Matrix CSV 2", "code": "matrix_csv_2", "col_start": "start", **company},
                {"name": "Renamed"},
            ),
            "kpi.call.import": (lambda e: {"source_id": self.source.id}, {"file_name": "changed.csv"}),
            "kpi.call.import.line": (
                lambda e: {"import_id": self.call_import.id, "line_no": 7, "reason": "Matrix"},
                {"reason": "Changed"},
            ),
            "kpi.call.budget.warning": (
                lambda e: {"employee_id": e.id, "month": self.date_from, "threshold": 80}, {"threshold": 100}
            ),
            "kpi.call.report": None,
            "kpi.agent.activity.report": None,
            # the audit trail: its rows are the chatter of the plans (the matrix plan's)
            "kpi.audit.report": None,
        }

    # ------------------------------------------------------------------
    # One cell
    # ------------------------------------------------------------------
    def _try(self, operation):
        """True if ``operation()`` succeeds (then rolled back), False on AccessError."""
        try:
            with self.env.cr.savepoint():
                operation()
                self.env.flush_all()
                raise _Rollback()
        except _Rollback:
            return True
        except AccessError:
            return False
        finally:
            self.env.invalidate_all(flush=False)

    def _attempt(self, model, spec, role, op):
        user = self.role_users[role]
        subject = self.role_subjects[role]
        Model = self.env[model]
        if spec is None:  # a report: its row of the subject
            if model == "kpi.audit.report":
                row = Model.search([("res_model", "=", "kpi.plan"), ("res_id", "=", self.plan.id)], limit=1)
                row_vals = {"note": "changed"}
            else:
                row = Model.search([("employee_id", "=", subject.id)], limit=1)
                row_vals = {"employee_id": subject.id}
            self.assertTrue(row, f"{model}: no row of {subject.name}")
            operations = {
                "c": lambda: Model.with_user(user).create(row_vals),
                "r": lambda: row.with_user(user).read(["company_id"]),
                "w": lambda: row.with_user(user).write(row_vals),
                "u": lambda: row.with_user(user).unlink(),
            }
            return self._try(operations[op])
        vals, write_vals = spec
        if op == "c":
            return self._try(lambda: Model.with_user(user).create(vals(subject)))

        def run():
            record = Model.create(vals(subject))
            as_user = record.with_user(user)
            if op == "r":
                as_user.read(["company_id"])
            elif op == "w":
                as_user.write(write_vals)
            else:
                as_user.unlink()

        return self._try(run)

    def test_matrix(self):
        specs = self._specs()
        self.assertEqual(set(specs), set(self.matrix), "every KPI model of the matrix has a spec")
        models = set(self.env["ir.model"].search([("model", "=like", "kpi.%"), ("transient", "=", False)])
                     .filtered(lambda m: m.model in self.env and self.env[m.model]._auto is not None
                               and not self.env[m.model]._abstract).mapped("model"))
        self.assertEqual(models - set(self.matrix), set(), "every stored KPI model is in the matrix")
        wrong = []
        actual_table = {}
        for model, expected in self.matrix.items():
            for role in ROLES:
                allowed = set()
                for op, op_name in OPERATIONS.items():
                    if (model, op) in WORKFLOW_CELLS:
                        allowed |= {op} & expected[role]
                        continue
                    with self.subTest(model=model, role=role, operation=op_name):
                        is_allowed = self._attempt(model, specs[model], role, op)
                        if is_allowed:
                            allowed.add(op)
                        self.assertEqual(
                            is_allowed, op in expected[role],
                            f"{model} / {ROLES[role]} / {op_name}",
                        )
                        if is_allowed != (op in expected[role]):
                            wrong.append(f"{model} / {ROLES[role]} / {op_name}")
                actual_table.setdefault(model, {})[role] = allowed
        if wrong:
            self.fail(
                "Cells differing from access_matrix.csv: " + ", ".join(wrong)
                + "\nAs tried:\n" + render_table(actual_table)
            )

    def test_readme_table_is_generated_from_the_matrix(self):
        readme = Path(__file__).resolve().parents[1] / "readme" / "CONFIGURE.md"
        if not readme.exists():
            self.skipTest("readme/CONFIGURE.md is not shipped with the addon here")
        self.assertIn(
            render_table(), readme.read_text(encoding="utf-8"),
            "readme/CONFIGURE.md's access table differs from kpi_callcenter/tests/access_matrix.csv: "
            "replace it with the output of setup/access_table",
        )
