# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The role × model × operation access matrix: one source of truth for the README's
access table and for ``test_access_matrix`` (no Odoo import: ``python3 access_matrix.py``
prints the table).

``access_matrix.csv`` has a row per KPI model and a column per role; a cell lists the
operations allowed on a record in the role's scope: ``c`` create, ``r`` read, ``w`` write,
``u`` unlink (delete), ``-`` none.
"""

import csv
import sys
from pathlib import Path

MATRIX_FILE = Path(__file__).with_name("access_matrix.csv")
OPERATIONS = {"c": "create", "r": "read", "w": "write", "u": "unlink"}
ROLES = {
    "portal": "Portal user",
    "user": "KPI User",
    "team_manager": "Team Manager",
    "officer": "Officer",
    "manager": "Manager",
    "admin": "Administrator",
}
# Cells decided by the scorecard workflow (state machine), not by access rights: they
# are in the table but asserted by the workflow's own tests.
WORKFLOW_CELLS = {("kpi.scorecard", "w"), ("kpi.scorecard.line", "w")}
TABLE_BEGIN = "<!-- access-matrix: generated from kpi_callcenter/tests/access_matrix.csv -->"
TABLE_END = "<!-- /access-matrix -->"


def load_matrix(path=MATRIX_FILE):
    """``{model: {role: set of operation letters}}`` in file order."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    matrix = {}
    for row in rows:
        matrix[row["model"]] = {
            role: set(row[role].strip()) - {"-"} for role in ROLES
        }
        unknown = set().union(*matrix[row["model"]].values()) - set(OPERATIONS)
        if unknown:
            raise ValueError(f"{path}: model {row['model']}: unknown operations {sorted(unknown)}")
    return matrix


def render_cell(model, letters):
    text = "".join(op for op in OPERATIONS if op in letters) or "—"
    if any((model, op) in WORKFLOW_CELLS for op in letters):
        text += "*"
    return text


def render_table(matrix=None):
    """The markdown table of the README, between its two markers."""
    matrix = matrix if matrix is not None else load_matrix()
    lines = [
        TABLE_BEGIN,
        "| model | " + " | ".join(ROLES.values()) + " |",
        "| --- |" + " :-: |" * len(ROLES),
    ]
    for model, cells in matrix.items():
        lines.append(
            f"| `{model}` | " + " | ".join(render_cell(model, cells[role]) for role in ROLES) + " |"
        )
    lines.append(TABLE_END)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render_table() + "\n")
