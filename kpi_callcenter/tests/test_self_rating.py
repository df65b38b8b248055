# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue #11, items 3 to 5, each problem reproduced over the ORM as the user in question:
nobody rates or excuses themselves, manual values and due dates are audited whatever the
context, due dates are moved only by helpdesk managers and KPI Officers, and domain KPIs
read with their author's rights."""

from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import KpiCommon

SILENT = {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True}


@tagged("post_install", "-at_install", "access_rights")
class TestSelfRating(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.csat = cls._create_definition("CSAT_SELF", name="CSAT")
        # the team manager and the KPI Manager are scored too
        cls.hr_manager = cls._create_employee("HR Manager", cls.user_hr_manager)
        cls.manager.parent_id = cls.hr_manager
        cls.plan = cls._create_plan(
            [{"definition_id": cls.csat.id, "weight": 100, "target": 5, "threshold": 80}],
            employees=cls.agents | cls.manager | cls.hr_manager,
        )

    def _track_commit(self):
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written at commit time

    def _tracked(self, record, field_name):
        return self.env["mail.tracking.value"].search(
            [("mail_message_id.model", "=", record._name), ("mail_message_id.res_id", "=", record.id),
             ("field_id.name", "=", field_name)]
        )

    # ------------------------------------------------------------------
    # Manual values
    # ------------------------------------------------------------------
    def test_team_manager_cannot_enter_own_value(self):
        Value = self.env["kpi.manual.value"].with_user(self.user_manager)
        vals = {"employee_id": self.manager.id, "definition_id": self.csat.id, "date": date(2027, 3, 10), "value": 5}
        with self.assertRaises(AccessError) as caught:
            Value.create(vals)
        self.assertIn("Manual value of Team Manager for KPI [CSAT_SELF] CSAT on 2027-03-10, field Employee",
                      str(caught.exception))
        # neither change nor delete one entered by someone else, nor move a colleague's onto oneself
        own = self._add_manual_values(self.csat, {self.manager: 3.0})
        with self.assertRaises(AccessError):
            own.with_user(self.user_manager).write({"value": 5})
        with self.assertRaises(AccessError):
            own.with_user(self.user_manager).unlink()
        team_value = self._add_manual_values(self.csat, {self.agent1: 3.0})
        with self.assertRaises(AccessError):
            team_value.with_user(self.user_manager).write({"employee_id": self.manager.id})
        self.assertEqual((own.value, team_value.employee_id), (3.0, self.agent1))
        # a KPI Manager neither
        with self.assertRaises(AccessError):
            self.env["kpi.manual.value"].with_user(self.user_hr_manager).create(
                dict(vals, employee_id=self.hr_manager.id)
            )
        # the team's values are entered as before
        entered = Value.create(dict(vals, employee_id=self.agent1.id))
        self.assertEqual(entered.entered_by_id, self.user_manager)

    def test_manual_values_are_tracked_whatever_the_context(self):
        Value = self.env["kpi.manual.value"].with_user(self.user_manager).with_context(**SILENT)
        value = Value.create(
            {"employee_id": self.agent1.id, "definition_id": self.csat.id, "date": date(2027, 3, 10), "value": 2}
        )
        self._track_commit()  # a later transaction changes it (creation's own is not tracked)
        value.write({"value": 5})
        self._track_commit()
        value.invalidate_recordset(["message_ids"])
        creation = value.message_ids.filtered(lambda m: "entered" in (m.body or ""))
        self.assertIn("Value 2.0 of Agent 1 for KPI [CSAT_SELF] CSAT on 2027-03-10 entered.", creation.body)
        tracking = self._tracked(value, "value")
        self.assertEqual((tracking.old_value_float, tracking.new_value_float), (2.0, 5.0))
        self.assertEqual(tracking.mail_message_id.author_id, self.user_manager.partner_id)
        # a deletion is logged on the KPI
        value.with_user(self.user_manager).with_context(**SILENT).unlink()
        self.csat.invalidate_recordset(["message_ids"])
        note = self.csat.message_ids[0]
        self.assertIn("Manual values deleted by", note.body)
        self.assertIn("Agent 1, 2027-03-10: 5.0", note.body)

    def test_values_are_final_once_the_scorecard_is_confirmed(self):
        value = self._add_manual_values(self.csat, {self.agent1: 4.0})
        cards = self._generate(self.plan)
        card1 = cards.filtered(lambda c: c.employee_id == self.agent1)
        card1.with_user(self.user_officer).action_confirm()
        as_manager = value.with_user(self.user_manager)
        for attempt in (
            lambda: as_manager.write({"value": 5}),
            lambda: as_manager.unlink(),
            lambda: self.env["kpi.manual.value"].with_user(self.user_manager).create(
                {"employee_id": self.agent1.id, "definition_id": self.csat.id, "date": date(2027, 3, 31),
                 "value": 5}
            ),
        ):
            with self.assertRaises(UserError) as caught:
                attempt()
            self.assertIn("field Date: scorecard Agent 1 - Test plan - 03/2027 is Confirmed", str(caught.exception))
        self.assertEqual(value.value, 4.0)
        # the next month is open
        april = self.env["kpi.manual.value"].with_user(self.user_manager).create(
            {"employee_id": self.agent1.id, "definition_id": self.csat.id, "date": date(2027, 4, 1), "value": 5}
        )
        self.assertEqual(april.value, 5.0)

    # ------------------------------------------------------------------
    # Reviews and adjustments
    # ------------------------------------------------------------------
    def test_nobody_reviews_or_adjusts_themselves(self):
        self._add_manual_values(self.csat, {self.manager: 2.0, self.agent1: 2.0, self.hr_manager: 2.0})
        cards = self._generate(self.plan)
        cards.filtered(lambda c: c.employee_id in (self.manager | self.agent1)).with_user(
            self.user_officer
        ).action_confirm()
        reviews = self.env["kpi.review.line"].search([("scorecard_id", "in", cards.ids)])
        own_review = reviews.filtered(lambda r: r.employee_id == self.manager)
        team_review = reviews.filtered(lambda r: r.employee_id == self.agent1)
        self.assertTrue(own_review and team_review)
        with self.assertRaises(AccessError) as caught:
            own_review.with_user(self.user_manager).write({"reason": "unforeseen_event"})
        self.assertIn("Review of Team Manager for KPI [CSAT_SELF] CSAT", str(caught.exception))
        self.assertIn("field Reason", str(caught.exception))
        self.assertFalse(own_review.reason)
        # the team's review is filled in, tracked even with tracking_disable
        self._track_commit()
        team_review.with_user(self.user_manager).with_context(**SILENT).write({"reason": "training"})
        self._track_commit()
        self.assertEqual(self._tracked(team_review, "reason").new_value_char, "Training need")
        # a KPI Manager adjusts others' scorecards, never their own
        own_card = cards.filtered(lambda c: c.employee_id == self.hr_manager)
        with self.assertRaises(AccessError) as caught:
            self.env["kpi.scorecard.adjustment"].with_user(self.user_hr_manager).create(
                {"scorecard_line_id": own_card.line_ids.id, "field": "target", "new_value": 1,
                 "reason": "Too hard"}
            )
        self.assertIn("HR Manager - Test plan - 03/2027 / [CSAT_SELF] CSAT, field KPI line", str(caught.exception))
        self.assertEqual(own_card.line_ids.target, 5.0)

    # ------------------------------------------------------------------
    # Ticket due dates
    # ------------------------------------------------------------------
    def test_agent_cannot_move_the_due_date(self):
        agent_user = self.agent1.user_id
        agent_user.groups_id |= self.env.ref("helpdesk_mgmt.group_helpdesk_user")
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "CSKH", "company_id": self.company.id, "user_ids": [Command.set(agent_user.ids)]}
        )
        self.env["kpi.helpdesk.resolution.time"].create({"team_id": team.id, "hours": 24, "company_id": self.company.id})
        Ticket = self.env["helpdesk.ticket"].with_user(agent_user)
        vals = {"name": "Broken headset", "description": "x", "team_id": team.id, "user_id": agent_user.id,
                "company_id": self.company.id}
        ticket = Ticket.create(vals)
        # set at creation from the resolution time: created + 24 h
        due = ticket.kpi_due_date
        self.assertEqual((due - ticket.create_date).total_seconds(), 24 * 3600)
        for context in ({}, SILENT):
            with self.assertRaises(AccessError) as caught:
                ticket.with_context(**context).write({"kpi_due_date": datetime(2099, 1, 1)})
            self.assertIn("Broken headset, field Due date", str(caught.exception))
        with self.assertRaises(AccessError):
            Ticket.create(dict(vals, kpi_due_date=datetime(2099, 1, 1)))
        self.assertEqual(ticket.kpi_due_date, due)
        ticket.write({"name": "Broken headset (2)", "kpi_due_date": ticket.kpi_due_date})  # unchanged: fine
        # a KPI Officer moves it, tracked even with tracking_disable
        self._track_commit()
        self.user_officer.groups_id |= self.env.ref("helpdesk_mgmt.group_helpdesk_user")
        team.user_ids |= self.user_officer
        ticket.with_user(self.user_officer).with_context(**SILENT).write(
            {"kpi_due_date": datetime(2027, 3, 12, 8, 0)}
        )
        self.assertEqual(ticket.kpi_due_date, datetime(2027, 3, 12, 8, 0))
        self._track_commit()
        tracking = self._tracked(ticket, "kpi_due_date")
        self.assertEqual(
            (tracking.old_value_datetime, tracking.new_value_datetime),
            (due, datetime(2027, 3, 12, 8, 0)),
        )
        self.assertEqual(tracking.mail_message_id.author_id, self.user_officer.partner_id)

    # ------------------------------------------------------------------
    # Domain KPIs
    # ------------------------------------------------------------------
    def _domain_vals(self, code, model, **values):
        return {
            "name": code, "code": code, "source": "domain", "measure": "domain", "company_id": self.company.id,
            "explanation": "x", "domain_model_id": self.env["ir.model"]._get(model).id,
            "domain_filter": "[]", **values,
        }

    def test_kpi_manager_creates_a_domain_kpi_over_contacts(self):
        """A KPI Manager who is no Settings administrator picks a model they may read."""
        Definition = self.env["kpi.definition"].with_user(self.user_hr_manager)
        self.assertFalse(self.user_hr_manager.has_group("base.group_system"))
        allowed = Definition.new({"source": "domain"}).domain_allowed_model_ids.mapped("model")
        self.assertIn("res.partner", allowed)
        for secret in ("res.users", "ir.config_parameter", "mail.message", "hr.payslip", "account.move"):
            self.assertNotIn(secret, allowed)
        kpi = Definition.create(
            self._domain_vals("D_CONTACTS", "res.partner", domain_date_field="create_date",
                              domain_employee_field="user_id")
        )
        self.assertEqual(kpi.domain_user_id, self.user_hr_manager)
        self.assertEqual(kpi.domain_model, "res.partner")

    def test_domain_kpi_refuses_system_models_and_what_the_author_may_not_read(self):
        admin = new_test_user(
            self.env, "kpi_self_admin", groups="base.group_user,base.group_system,kpi_callcenter.group_kpi_manager",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaises(ValidationError) as caught:
            self.env["kpi.definition"].with_user(admin).create(
                self._domain_vals("D_USERS", "res.users", domain_date_field="login_date",
                                  domain_employee_field="employee_id")
            )
        self.assertIn("KPI [D_USERS] D_USERS, field Model: res.users is a system or confidential model",
                      str(caught.exception))
        # a KPI Manager without HR rights may not follow a path through employees
        plain = new_test_user(
            self.env, "kpi_self_plain", groups="base.group_user,kpi_callcenter.group_kpi_manager",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaises(ValidationError) as caught:
            self.env["kpi.definition"].with_user(plain).create(
                self._domain_vals("D_VALUES", "kpi.manual.value", domain_date_field="date",
                                  domain_employee_field="employee_id")
            )
        self.assertIn("KPI [D_VALUES] D_VALUES, field Employee path: kpi_self_plain", str(caught.exception))
        self.assertIn("may not read hr.employee (field employee_id)", str(caught.exception))
        # nor a model they may not read
        with self.assertRaises(ValidationError) as caught:
            self.env["kpi.definition"].with_user(plain).create(
                self._domain_vals("D_ORDERS", "sale.order", domain_date_field="date_order",
                                  domain_employee_field="user_id")
            )
        self.assertIn("KPI [D_ORDERS] D_ORDERS, field Model: kpi_self_plain", str(caught.exception))
        self.assertIn("may not read sale.order.", str(caught.exception))
        # the author is never given by the client
        kpi = self.env["kpi.definition"].with_user(self.user_hr_manager).create(
            self._domain_vals("D_PARTNERS", "res.partner", domain_date_field="create_date",
                              domain_employee_field="user_id", domain_user_id=admin.id)
        )
        self.assertEqual(kpi.domain_user_id, self.user_hr_manager)

    def test_domain_kpi_counts_what_its_author_may_read(self):
        """Two orders (agent 1 and agent 2) in March. A salesman who sees only their own
        orders authors a count: 0 and 0. A sales manager authors the same count: 1 and 1."""
        when = datetime(2027, 3, 10, 10, 0)
        self._create_sale_order(self.agent1.user_id, 100.0, when)
        self._create_sale_order(self.agent2.user_id, 100.0, when)
        companies = {"company_id": self.company.id, "company_ids": [Command.set(self.company.ids)]}
        salesman = new_test_user(
            self.env, "kpi_self_salesman",
            groups="base.group_user,sales_team.group_sale_salesman,kpi_callcenter.group_kpi_manager,hr.group_hr_user",
            **companies,
        )
        sales_manager = new_test_user(
            self.env, "kpi_self_sales_manager",
            groups="base.group_user,sales_team.group_sale_manager,kpi_callcenter.group_kpi_manager,hr.group_hr_user",
            **companies,
        )
        common = {"domain_filter": "[('state', '=', 'sale')]", "domain_date_field": "date_order",
                  "domain_employee_field": "user_id"}
        narrow = self.env["kpi.definition"].with_user(salesman).create(self._domain_vals("D_OWN", "sale.order", **common))
        wide = self.env["kpi.definition"].with_user(sales_manager).create(self._domain_vals("D_ALL", "sale.order", **common))
        a1, a2, a3 = self.agents.ids
        # computed by an officer (as scorecards are): the author's rights count, not the officer's
        for kpi, expected in ((narrow, {a1: 0.0, a2: 0.0, a3: 0.0}), (wide, {a1: 1.0, a2: 1.0, a3: 0.0})):
            values = kpi.with_user(self.user_officer)._compute_values(self.agents, self.date_from, self.date_to)
            self.assertEqual(values, expected, kpi.code)
