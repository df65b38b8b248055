# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plan versions (issue 13, item 5) and the audit trail (item 6): an active plan is never
edited in place; a new version is approved by a second KPI Manager, announced once per
employee and applies from its first period; old scorecards keep their version."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import KpiCommon
from .common_rpc import RpcMixin


@freeze_time("2027-04-05")
@tagged("post_install", "-at_install", "kpi_plan_versions")
class TestPlanVersions(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_manager2 = new_test_user(
            cls.env, "kpi_manager2", groups="base.group_user,hr.group_hr_manager,kpi_callcenter.group_kpi_manager",
            company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)],
        )
        cls.calls = cls._create_definition("CALLS", name="Calls", manual_aggregate="sum")
        # January to March 2027: each agent made 100 calls a month
        for month in (1, 2, 3):
            cls._add_manual_values(cls.calls, dict.fromkeys(cls.agents, 100), day=date(2027, month, 10))
        cls.plan = cls._create_plan([(cls.calls, 100, 100)], bonus_base=1_000_000, name="Telesales")
        # the old period (March 2027) computed under version 1
        cls.march = cls._generate(cls.plan)
        cls.company.kpi_version_notice_days = 15

    def _commit_tracking(self):
        """Tracking values are written at commit time (and not for records created in the
        same transaction)."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _announcements(self, plan):
        return self.env["kpi.plan.announcement"].search([("plan_id", "=", plan.id)])

    # ------------------------------------------------------------------
    # The acceptance scenario
    # ------------------------------------------------------------------
    def test_new_version_approved_by_second_manager(self):
        self.company.kpi_plan_approval = True
        march_bonus = {card.id: card.bonus_amount for card in self.march}
        # 100 calls of 100: 100 % of 1,000,000 for each of the three agents
        self.assertEqual(sorted(march_bonus.values()), [1_000_000.0] * 3)
        # today 2027-04-05 + 15 days notice = 2027-04-20: the first period is May
        version2 = self._new_version(self.plan, bonus_base=1_200_000, discussed_on=date(2027, 4, 2))
        self.assertEqual(
            (version2.version, version2.previous_version_id, version2.state, version2.date_start),
            (2, self.plan, "draft", date(2027, 5, 1)),
        )
        # activating as the author: the approval is requested, the plan stays draft
        action = self._activate_acknowledged(version2)
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(version2.state, "draft")
        self.assertEqual(version2.validation_status, "pending")
        with self.assertRaisesRegex(UserError, "waits for the approval"):
            version2.with_user(self.user_hr_manager).action_activate()
        # the author cannot approve their own version
        self.assertNotIn(self.user_hr_manager, version2.approver_ids)
        with self.assertRaisesRegex(UserError, "you prepared this version"):
            version2.with_user(self.user_hr_manager).validate_tier()
        self.assertEqual(version2.validation_status, "pending")
        # under approval, the version's KPIs are locked too
        with self.assertRaisesRegex(UserError, "under approval"):
            version2.line_ids.with_user(self.user_hr_manager).target = 90
        # a second KPI Manager approves; then the version is activated and announced
        version2.with_user(self.user_manager2).validate_tier()
        self.assertEqual(version2.validation_status, "validated")
        self.assertEqual(version2.review_ids.done_by, self.user_manager2)
        self.assertIs(self._activate_acknowledged(version2), True)
        self.assertEqual(version2.state, "active")
        self.assertEqual(version2.announced_on, date(2027, 4, 5))
        # version 1 ends the day before May; its March scorecards are untouched
        self.assertEqual(self.plan.state, "active")
        self.assertEqual(self.plan.date_end, date(2027, 4, 30))
        self.assertEqual(self.march.exists(), self.march)
        self.assertEqual({card.id: card.bonus_amount for card in self.march}, march_bonus)
        self.assertEqual(self.march.plan_id, self.plan)
        # the announcement: once per employee, also after generating May's scorecards
        self.assertEqual(len(self._announcements(version2)), 3)
        self.assertEqual(self._announcements(version2).employee_id, self.agents)
        self.assertIn("Version 2 replaces version 1 from the period starting 2027-05-01",
                      self._announcements(version2)[0].body)
        may = version2.generate_scorecards(date(2027, 5, 1), date(2027, 5, 31))
        self.assertEqual(may.plan_id, version2)
        self.assertEqual(len(self._announcements(version2)), 3)
        # May is version 2's: version 1 does not apply to it, nor version 2 to March
        with self.assertRaisesRegex(UserError, "applies from"):
            self.plan.generate_scorecards(date(2027, 5, 1), date(2027, 5, 31))
        with self.assertRaisesRegex(UserError, "applies from"):
            version2.generate_scorecards(date(2027, 3, 1), date(2027, 3, 31))

    def test_an_editor_of_the_version_does_not_approve_it(self):
        self.company.kpi_plan_approval = True
        version2 = self._new_version(self.plan, discussed_on=date(2027, 4, 2))
        # a second manager changes the draft's target: they are an author of it now
        version2.line_ids.with_user(self.user_manager2).target = 120
        self.env.cr.flush()
        self.env.cr.precommit.run()
        version2.invalidate_recordset(["approver_ids"])
        self._activate_acknowledged(version2)
        # neither the author nor the editor may approve: it waits for a third manager
        self.assertNotIn(self.user_manager2, version2.approver_ids)
        self.assertNotIn(self.user_hr_manager, version2.approver_ids)
        with self.assertRaisesRegex(UserError, "you prepared this version"):
            version2.with_user(self.user_manager2).validate_tier()
        self.assertNotEqual(version2.validation_status, "validated")
        self.assertEqual(version2.state, "draft")

    def test_cron_follows_the_versions(self):
        version2 = self._new_version(self.plan)
        self.assertIs(self._activate_acknowledged(version2), True)
        # in April, the cron still runs version 1; from May, version 2 and version 1 is archived
        self.env["kpi.plan"]._cron_generate_scorecards()
        Scorecard = self.env["kpi.scorecard"]
        april = Scorecard.search([("plan_id", "in", (self.plan | version2).ids), ("date_from", "=", date(2027, 4, 1))])
        self.assertEqual(april.plan_id, self.plan)
        with freeze_time("2027-05-03"):
            self.env["kpi.plan"]._cron_generate_scorecards()
        may = Scorecard.search([("plan_id", "in", (self.plan | version2).ids), ("date_from", "=", date(2027, 5, 1))])
        self.assertEqual((may.plan_id, len(may)), (version2, 3))
        self.assertEqual(self.plan.state, "archived")
        self.assertEqual(self.march.plan_id, self.plan, "old periods keep their version")

    def test_active_plan_terms_are_locked(self):
        line = self.plan.line_ids
        for vals in ({"target": 50}, {"weight": 50}, {"threshold": 10}, {"cap": 200}):
            with self.assertRaisesRegex(UserError, "Telesales.*New version"):
                line.with_user(self.user_hr_manager).write(vals)
        with self.assertRaisesRegex(UserError, "Bonus Base.*New version"):
            self.plan.with_user(self.user_hr_manager).bonus_base = 1
        with self.assertRaisesRegex(UserError, "New version"):
            line.with_user(self.user_hr_manager).unlink()
        with self.assertRaisesRegex(UserError, "New version"):
            self.plan.with_user(self.user_hr_manager).action_set_draft()
        self.assertEqual((line.target, self.plan.bonus_base), (100.0, 1_000_000.0))
        # its payout scale keeps its tiers while the plan is active
        scale = self._create_payout_scale([(80, 50), (100, 100)])
        version2 = self._new_version(self.plan, payout_scale_id=scale.id)
        scale.tier_ids[0].achievement = 70  # a draft version's scale may still change
        self._activate_acknowledged(version2)
        self.assertEqual(version2.state, "active")
        with self.assertRaisesRegex(UserError, "Payout scale .* is used by the active or approved plan"):
            scale.tier_ids[0].with_user(self.user_hr_manager).payout = 60
        # a draft plan is changed directly
        with self.assertRaisesRegex(UserError, "only an active plan"):
            self._new_version(self._create_plan([(self.calls, 100, 100)], activate=False, name="Draft"))

    def test_notice_period_rule(self):
        # today 2027-04-05; notice 15 days: the earliest first period starts 2027-04-20 → May
        version2 = self._new_version(self.plan, date_start=date(2027, 4, 15))
        with self.assertRaisesRegex(UserError, "not the first day of a period"):
            version2.action_activate()
        version2.date_start = date(2027, 3, 1)
        with self.assertRaisesRegex(UserError, "before the running period"):
            version2.action_activate()
        # April (running): allowed only if nobody's pay can go down. A lower base: the
        # simulation of January-March pays each agent 900,000 instead of 1,000,000.
        version2.write({"date_start": date(2027, 4, 1), "bonus_base": 900_000})
        with self.assertRaisesRegex(UserError, "less than 15 days.*lower pay for Agent 1, Agent 2, Agent 3"):
            version2.action_activate()
        # a higher base (1,100,000 ≥ 1,000,000 for everybody): April is allowed
        version2.bonus_base = 1_100_000
        april = self._generate(self.plan, date(2027, 4, 1), date(2027, 4, 30))
        self.assertIs(self._activate_acknowledged(version2), True)
        self.assertEqual(self.plan.date_end, date(2027, 3, 31))
        # version 1's provisional April scorecards give way to version 2's
        self.assertFalse(april.exists())
        self.assertEqual(
            version2.generate_scorecards(date(2027, 4, 1), date(2027, 4, 30)).plan_id, version2
        )

    def test_line_changes_tracked_and_audited(self):
        version2 = self._new_version(self.plan)
        version2.line_ids.with_user(self.user_hr_manager).write({"target": 120, "weight": 100})
        message = version2.message_ids.filtered(lambda m: "KPI [CALLS] Calls changed." in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.user_hr_manager.partner_id)
        tracking = message.tracking_value_ids
        self.assertEqual(tracking.field_id.mapped("name"), ["target"], "the weight did not change")
        self.assertEqual((tracking.old_value_float, tracking.new_value_float), (100.0, 120.0))
        self._commit_tracking()  # the version was created in this transaction: as at a commit
        version2.with_user(self.user_hr_manager).bonus_base = 1_500_000
        self._commit_tracking()
        # the audit trail lists both, with author, old and new value
        audit = self.env["kpi.audit.report"].with_user(self.user_officer).search(
            [("res_model", "=", "kpi.plan"), ("res_id", "=", version2.id), ("field_name", "!=", False)]
        )
        rows = {(row.field_name, row.old_value, row.new_value, row.author_id) for row in audit}
        self.assertIn(("target", "100", "120", self.user_hr_manager.partner_id), rows)
        self.assertIn(("bonus_base", "1000000", "1500000", self.user_hr_manager.partner_id), rows)
        self.assertIn("Target", audit.mapped("field_label"))
        self.assertEqual(audit[0].period, date(2027, 4, 1))
        self.assertEqual(audit[0].record_name, version2.display_name)
        self.assertEqual(audit.company_id, self.company)
        # a scale's tier change is in the scale's chatter and the audit trail
        scale = self._create_payout_scale([(80, 50)])
        scale.tier_ids.with_user(self.user_hr_manager).payout = 60
        rows = self.env["kpi.audit.report"].search([("res_model", "=", "kpi.payout.scale"), ("res_id", "=", scale.id)])
        self.assertIn(("payout", "50", "60"), {(r.field_name, r.old_value, r.new_value) for r in rows})
        # manual values are in it too
        value = self._add_manual_values(self.calls, {self.agents[0]: 5}, day=date(2027, 4, 2))
        self._commit_tracking()
        value.value = 7
        self._commit_tracking()
        rows = self.env["kpi.audit.report"].search([("res_model", "=", "kpi.manual.value"), ("res_id", "=", value.id)])
        self.assertIn(("value", "5", "7"), {(r.field_name, r.old_value, r.new_value) for r in rows})

    def test_plan_form(self):
        # the form holds the version buttons and the approval's (tier validation) buttons
        arch = self.env["kpi.plan"].with_user(self.user_hr_manager).get_view(view_type="form")["arch"]
        arch = arch.decode() if isinstance(arch, bytes) else arch
        for name in ("action_new_version", "action_print_rules", "date_start", "discussed_on",
                     "validate_tier", "reject_tier", "request_validation"):
            self.assertIn(f'name="{name}"', arch)

    def test_bonus_rules_document(self):
        version2 = self._new_version(self.plan, bonus_base=1_200_000, discussed_on=date(2027, 4, 2))
        html = self.env["ir.actions.report"]._render_qweb_html(
            "kpi_callcenter.report_kpi_plan_rules", version2.ids
        )[0].decode()
        for expected in ("Telesales", 'o_kpi_plan_version">2<', "Calls", "05/01/2027", "04/02/2027",
                         "1,200,000"):
            self.assertIn(expected, html)


@tagged("post_install", "-at_install", "access_rights", "kpi_plan_versions")
class TestPlanVersionRpc(RpcMixin, HttpCase, KpiCommon):
    def test_active_line_write_refused_over_rpc(self):
        calls = self._create_definition("CALLS", name="Calls")
        plan = self._create_plan([(calls, 100, 100)], name="Hotline")
        self._rpc_login("kpi_hr_manager")
        for context in ({}, {"tracking_disable": True}, {"skip_validation_check": True},
                        {"kpi_plan_unlock": True}):
            with self.assertRpcRefused("Hotline.*New version"):
                self._call_kw("kpi.plan.line", "write", plan.line_ids.ids, {"target": 1}, context=context)
            with self.assertRpcRefused("Hotline.*New version"):
                self._call_kw("kpi.plan", "write", plan.ids, {"line_ids": [(1, plan.line_ids.id, {"target": 1})]},
                              context=context)
        self.assertEqual(plan.line_ids.target, 100.0)

    def test_state_moves_only_through_the_buttons(self):
        calls = self._create_definition("CALLS", name="Calls")
        plan = self._create_plan([(calls, 100, 100)], name="Hotline")
        draft = self._create_plan([(calls, 100, 100)], name="Draft plan", activate=False)
        self._rpc_login("kpi_hr_manager")
        # archived → active would skip the health check, the approval and the announcement
        for record, state in ((plan, "archived"), (plan, "draft"), (draft, "active"), (draft, "archived")):
            with self.assertRpcRefused("field Status"):
                self._call_kw("kpi.plan", "write", record.ids, {"state": state})
        with self.assertRpcRefused("created as a draft"):
            self._call_kw("kpi.plan", "create", [{"name": "Born active", "state": "active"}])
        self.assertEqual((plan.state, draft.state), ("active", "draft"))
