# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.2.0: a call's talk time is ``talk_seconds`` (it was ``duration``), and a CSV
mapping's column for it ``col_talk_seconds`` (it was ``col_duration``).

Plain renames before the module's models are loaded, so that no figure is lost: the
columns, the fields' rows in ``ir_model_fields`` and their XML ids. The old CHECK
constraint is dropped (and its ``ir_model_constraint`` row); the registry creates
``kpi_call_talk_seconds_positive``. Scorecards without a portal token get one.
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, constraint_definition, drop_constraint, rename_column

RENAMES = (
    ("kpi.call", "duration", "talk_seconds"),
    ("kpi.call.mapping", "col_duration", "col_talk_seconds"),
)


def migrate(cr, version):
    if not version:
        return
    for model, old, new in RENAMES:
        table = model.replace(".", "_")
        if not column_exists(cr, table, old) or column_exists(cr, table, new):
            continue
        rename_column(cr, table, old, new)
        cr.execute(
            SQL("UPDATE ir_model_fields SET name = %s WHERE model = %s AND name = %s", new, model, old)
        )
        cr.execute(
            SQL(
                "UPDATE ir_model_data SET name = %s WHERE model = 'ir.model.fields' AND module = 'kpi_callcenter' "
                "AND name = %s",
                f"field_{table}__{new}",
                f"field_{table}__{old}",
            )
        )
    if constraint_definition(cr, "kpi_call", "kpi_call_duration_positive"):
        drop_constraint(cr, "kpi_call", "kpi_call_duration_positive")
    cr.execute(SQL("DELETE FROM ir_model_constraint WHERE name = %s", "kpi_call_duration_positive"))
    # A scorecard's portal token is created with it (a GET never writes): give one to
    # every scorecard that has none yet.
    cr.execute(SQL("UPDATE kpi_scorecard SET access_token = gen_random_uuid()::text WHERE access_token IS NULL"))
