# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Data-quality gate of the call log: working days on which a PBX sent no call.

A PBX that exported nothing on a working day almost always means a broken export (a
full disk, a changed password, a cron that stopped), not a silent call center. Call KPIs
of that period would then punish the agents for missing data, so confirming the period
asks for an acknowledgement first.
"""

from datetime import timedelta


def missing_days(source_ids, working_days, days_with_calls):
    """The ``(source id, day)`` pairs of working days on which a source has no call.

    :param source_ids: the sources to check
    :param working_days: the days on which calls are expected
    :param days_with_calls: ``(source id, day)`` pairs that have at least one call

    >>> from datetime import date
    >>> days = [date(2027, 3, 1), date(2027, 3, 2), date(2027, 3, 3)]
    >>> seen = {(1, date(2027, 3, 1)), (1, date(2027, 3, 3)), (2, date(2027, 3, 5))}
    >>> missing_days([2, 1], days, seen)  # doctest: +NORMALIZE_WHITESPACE
    [(1, datetime.date(2027, 3, 2)), (2, datetime.date(2027, 3, 1)),
     (2, datetime.date(2027, 3, 2)), (2, datetime.date(2027, 3, 3))]
    >>> missing_days([1], [], seen)
    []
    """
    seen = set(days_with_calls)
    return [
        (source_id, day)
        for source_id in sorted(set(source_ids))
        for day in sorted(set(working_days))
        if (source_id, day) not in seen
    ]


def day_runs(days, working_days=None):
    """Sorted ``days`` grouped into runs: ``[(first, last)]``.

    Days are consecutive when they follow each other in ``working_days`` (so a PBX
    down from a Friday to the next Tuesday is one run) or, without it, on the calendar.

    >>> from datetime import date
    >>> day_runs([date(2027, 3, 5), date(2027, 3, 1), date(2027, 3, 2), date(2027, 3, 3)])
    [(datetime.date(2027, 3, 1), datetime.date(2027, 3, 3)), (datetime.date(2027, 3, 5), datetime.date(2027, 3, 5))]
    >>> weekdays = [date(2027, 3, 4), date(2027, 3, 5), date(2027, 3, 8), date(2027, 3, 9)]
    >>> day_runs([date(2027, 3, 5), date(2027, 3, 8), date(2027, 3, 9)], weekdays)
    [(datetime.date(2027, 3, 5), datetime.date(2027, 3, 9))]
    >>> day_runs([])
    []
    """
    order = {day: index for index, day in enumerate(sorted(set(working_days or ())))}

    def follows(previous, day):
        if previous in order and day in order:
            return order[day] == order[previous] + 1
        return previous + timedelta(days=1) == day

    runs = []
    for day in sorted(set(days)):
        if runs and follows(runs[-1][1], day):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs
