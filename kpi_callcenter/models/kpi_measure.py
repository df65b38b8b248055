# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Measure providers: one abstract model per KPI source.

A provider answers one question: *what are the values of these definitions for these
employees in this period?* — with one grouped query for all employees, and where it can
for all its definitions together (all measures of a source read in one pass, like
mis_builder's expression collection), never one query per employee.

A definition with ``source = 'sale'`` is measured by ``kpi.measure.sale``. Each provider
declares its measures and their aggregation (``_measure_aggregations``): together they
are the one registry of measures (``_get_measure_registry``). Adding a source means
adding one provider model (``_name = 'kpi.measure.<source>'``) and one ``selection_add``
on ``kpi.definition.source`` and ``measure``.
"""

from odoo import api, models


class KpiMeasure(models.AbstractModel):
    _name = "kpi.measure"
    _description = "KPI Measure Provider"

    @api.model
    def _measure_aggregations(self):
        """``{measure: aggregation}`` of this provider's measures: ``count`` and ``sum``
        targets are prorated for leave, ``avg`` and ``ratio`` targets are not; ``None``
        when the definition chooses (manual values, domains)."""
        return {}

    @api.model
    def _get_measure_registry(self):
        """``{measure: (source, aggregation)}`` declared by every provider
        (``kpi.measure.<source>``): the one registry of measures."""
        registry = {}
        prefix = "kpi.measure."
        for model_name in self.env.registry:
            if model_name.startswith(prefix):
                source = model_name[len(prefix):]
                for measure, aggregation in self.env[model_name]._measure_aggregations().items():
                    registry[measure] = (source, aggregation)
        return registry

    @api.model
    def _get_values_batch(self, definitions, employees, date_from, date_to):
        """``{definition id: {employee_id: value}}`` of ``definitions`` (all of this
        provider's source) over ``[date_from, date_to]``.

        Employees without data may be missing (their value is 0). A provider overrides
        this method to read all the definitions in one query where their filters allow,
        or only ``_get_values`` (then they are measured one by one). Either way the
        number of queries must not depend on ``len(employees)``.
        """
        return {
            definition.id: self._get_values(definition, employees, date_from, date_to)
            for definition in definitions
        }

    @api.model
    def _get_values(self, definition, employees, date_from, date_to):
        """``{employee_id: value}`` of one ``definition`` (see ``_get_values_batch``)."""
        return self._get_values_batch(definition, employees, date_from, date_to)[definition.id]

    @api.model
    def _get_records_domain(self, definition, employee, date_from, date_to):
        """``(model name, domain)`` selecting exactly the records behind the actual of
        ``definition`` for ``employee`` in the period (the drill-down), with the filter
        of :meth:`_get_values`. For a rate or an average, the records it is taken over.
        """
        raise NotImplementedError()

    # ------------------------------------------------------------------
    # Helpers shared by providers
    # ------------------------------------------------------------------
    @api.model
    def _period_bounds(self, date_from, date_to, company=None):
        """Naive UTC datetimes ``[start, stop)`` covering the business days of the period.

        The one period clock of the module (``res.company._kpi_period_bounds``): the time
        zone of the company's working schedule and its business-day start, never the
        time zone of the user who computes (nor UTC for the cron).
        """
        return (company or self.env.company)._kpi_period_bounds(date_from, date_to)

    @api.model
    def _employees_by_user(self, employees):
        """``{user_id: employee_id}`` for employees linked to a user (one per user)."""
        return {emp.user_id.id: emp.id for emp in employees if emp.user_id}

    @api.model
    def _user_period(self, employees, date_from, date_to):
        """``(by_user, start, stop)`` for providers that attribute records through the
        employee's user, or ``None`` when no employee has a user."""
        by_user = self._employees_by_user(employees)
        if not by_user:
            return None
        return (by_user, *self._period_bounds(date_from, date_to, employees.company_id[:1]))
