"""The days of a scorecard: who was employed and in the plan, on which days.

A scorecard stores five figures (see the HR guide in the README):

* ``working_days`` S: working days of the employee's schedule in the period, public
  holidays *not* removed (or the company's fixed standard days, e.g. 26);
* ``holiday_days``: public holidays on those days (0 when the plan keeps full targets
  on public holidays, as a 24/7 hotline does);
* ``leave_days``: validated time off of a prorating type on those days;
* ``absent_days``: working days outside the employee's employment or time in the plan;
* ``available_days`` A = S - the three; ``prorate_factor`` = A / S.

Employment and plan membership are *segments* of days, built from contracts: a
contract covers ``[date_start, date_end]`` (no end: open) with a department and a job.
Days are plain ``datetime.date`` objects; nothing here reads the database.
"""

from datetime import date, timedelta  # noqa: F401 (date: the doctests)


def clip_segments(date_from, date_to, segments):
    """Segments ``(start, end, *payload)`` cut to ``[date_from, date_to]``, sorted, the
    ones outside dropped. ``start``/``end`` may be ``None`` (open).

    >>> clip_segments(date(2026, 9, 1), date(2026, 9, 30), [
    ...     (date(2026, 9, 16), None, "CSKH"),
    ...     (date(2025, 1, 1), date(2026, 9, 15), "Telesales"),
    ...     (date(2026, 10, 1), None, "Later"),
    ... ])  # doctest: +NORMALIZE_WHITESPACE
    [(datetime.date(2026, 9, 1), datetime.date(2026, 9, 15), 'Telesales'),
     (datetime.date(2026, 9, 16), datetime.date(2026, 9, 30), 'CSKH')]
    """
    result = []
    for start, end, *payload in segments:
        start = max(start or date_from, date_from)
        end = min(end or date_to, date_to)
        if start <= end:
            result.append((start, end, *payload))
    return sorted(result, key=lambda segment: (segment[0], segment[1]))


def merge_ranges(ranges):
    """Union of date ranges ``(start, end)`` as sorted disjoint ranges (adjacent ones
    merged).

    >>> merge_ranges([(date(2026, 9, 16), date(2026, 9, 30)), (date(2026, 9, 1), date(2026, 9, 15))])
    [(datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))]
    >>> merge_ranges([(date(2026, 9, 1), date(2026, 9, 5)), (date(2026, 9, 10), date(2026, 9, 12))])
    [(datetime.date(2026, 9, 1), datetime.date(2026, 9, 5)), (datetime.date(2026, 9, 10), datetime.date(2026, 9, 12))]
    >>> merge_ranges([])
    []
    """
    merged = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def gaps(date_from, date_to, ranges):
    """Days of ``[date_from, date_to]`` that no range covers, as ranges.

    >>> gaps(date(2026, 9, 1), date(2026, 9, 30), [(date(2026, 9, 1), date(2026, 9, 10)),
    ...                                             (date(2026, 9, 21), date(2026, 9, 30))])
    [(datetime.date(2026, 9, 11), datetime.date(2026, 9, 20))]
    >>> gaps(date(2026, 9, 1), date(2026, 9, 30), [])
    [(datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))]
    """
    result = []
    cursor = date_from
    for start, end in merge_ranges(clip_segments(date_from, date_to, ranges)):
        if start > cursor:
            result.append((cursor, start - timedelta(days=1)))
        cursor = max(cursor, end + timedelta(days=1))
    if cursor <= date_to:
        result.append((cursor, date_to))
    return result


def inner_gaps(date_from, date_to, ranges):
    """Gaps *between* ranges inside the period (not before the first nor after the last):
    the days an active employee has no contract, to warn about before confirming.

    >>> inner_gaps(date(2026, 9, 1), date(2026, 9, 30), [(date(2026, 9, 5), date(2026, 9, 10)),
    ...                                                   (date(2026, 9, 21), None)])
    [(datetime.date(2026, 9, 11), datetime.date(2026, 9, 20))]
    >>> inner_gaps(date(2026, 9, 1), date(2026, 9, 30), [(date(2026, 9, 5), date(2026, 9, 10))])
    []
    """
    covered = merge_ranges([(s, e) for s, e, *_rest in clip_segments(date_from, date_to, ranges)])
    return [
        (covered[index][1] + timedelta(days=1), covered[index + 1][0] - timedelta(days=1))
        for index in range(len(covered) - 1)
    ]


def fill_inner_gaps(segments):
    """Segments ``(start, end, *payload)`` (sorted) with the days between two of them
    given to the earlier one: an active employee between two contracts stays employed
    (the gap is warned about, never silently zeroed).

    >>> fill_inner_gaps([(date(2026, 9, 1), date(2026, 9, 10), "A"), (date(2026, 9, 21), None, "B")])
    [(datetime.date(2026, 9, 1), datetime.date(2026, 9, 20), 'A'), (datetime.date(2026, 9, 21), None, 'B')]
    """
    result = []
    for index, (start, end, *payload) in enumerate(segments):
        if index + 1 < len(segments) and end is not None:
            next_start = segments[index + 1][0]
            if next_start and next_start > end + timedelta(days=1):
                end = next_start - timedelta(days=1)
        result.append((start, end, *payload))
    return result


def apply_transfers(segments, transfers):
    """Segments ``(start, end, department_id, job_id)`` split by dated transfers
    ``(date, department_id, job_id)`` recorded without a new contract: from its date,
    a transfer's department and job (``None``: unchanged) replace the contract's, until
    the next transfer or the next contract.

    >>> contract = [(date(2026, 9, 1), date(2026, 9, 30), 1, 10)]
    >>> apply_transfers(contract, [(date(2026, 9, 16), 2, None)])  # doctest: +NORMALIZE_WHITESPACE
    [(datetime.date(2026, 9, 1), datetime.date(2026, 9, 15), 1, 10),
     (datetime.date(2026, 9, 16), datetime.date(2026, 9, 30), 2, 10)]

    A transfer older than the contract is overridden by it:

    >>> apply_transfers(contract, [(date(2026, 8, 1), 2, 20)])
    [(datetime.date(2026, 9, 1), datetime.date(2026, 9, 30), 1, 10)]
    """
    result = []
    for start, end, department_id, job_id in segments:
        inside = sorted(t for t in transfers if start < t[0] and (end is None or t[0] <= end))
        cursor, current = start, (department_id, job_id)
        for _when, new_department, new_job in sorted(t for t in transfers if t[0] == start):
            current = (new_department or current[0], new_job or current[1])
        for when, new_department, new_job in inside:
            result.append((cursor, when - timedelta(days=1), *current))
            current = (new_department or current[0], new_job or current[1])
            cursor = when
        result.append((cursor, end, *current))
    return result


def plan_ranges(date_from, date_to, segments, matches):
    """Ranges of the period the employee was employed *and* in the plan.

    ``segments`` are ``(start, end, department_id, job_id)`` (contracts; ``None`` as a
    department or job when unknown); ``matches(department_id, job_id)`` tells whether
    the plan covers that assignment. A transfer from Telesales to CSKH on the 16th:

    >>> contracts = [(date(2025, 1, 1), date(2026, 9, 15), 1, 10), (date(2026, 9, 16), None, 2, 10)]
    >>> plan_ranges(date(2026, 9, 1), date(2026, 9, 30), contracts, lambda dep, job: dep == 1)
    [(datetime.date(2026, 9, 1), datetime.date(2026, 9, 15))]
    >>> plan_ranges(date(2026, 9, 1), date(2026, 9, 30), contracts, lambda dep, job: dep == 2)
    [(datetime.date(2026, 9, 16), datetime.date(2026, 9, 30))]

    A plan by job keeps the agent the whole month:

    >>> plan_ranges(date(2026, 9, 1), date(2026, 9, 30), contracts, lambda dep, job: job == 10)
    [(datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))]
    """
    return merge_ranges(
        (start, end)
        for start, end, department_id, job_id in clip_segments(date_from, date_to, segments)
        if matches(department_id, job_id)
    )


def in_ranges(day, ranges):
    """Whether ``day`` is in one of ``ranges``.

    >>> in_ranges(date(2026, 9, 15), [(date(2026, 9, 1), date(2026, 9, 15))])
    True
    >>> in_ranges(date(2026, 9, 16), [(date(2026, 9, 1), date(2026, 9, 15))])
    False
    """
    return any(start <= day <= end for start, end in ranges)


def days_figures(
    work, holidays, leaves, ranges, standard_days=0.0, holidays_reduce=True
):
    """The five day figures and the proration factor of one scorecard.

    ``work``, ``holidays`` and ``leaves`` map each day to the share of the schedule's
    day it is (1 for a full day, 0.5 for a half day): ``work`` the schedule without any
    time off, ``holidays`` the public holidays on it, ``leaves`` the prorating time off
    on it that is not a public holiday. ``ranges`` are the days the employee was
    employed and in the plan (:func:`plan_ranges`).

    Mon-Fri, September 2026 (22 working days), hired on the 15th: 12 / 22.

    >>> sep = [date(2026, 9, d) for d in range(1, 31) if date(2026, 9, d).weekday() < 5]
    >>> work = dict.fromkeys(sep, 1.0)
    >>> hired = [(date(2026, 9, 15), date(2026, 9, 30))]
    >>> figures = days_figures(work, {}, {}, hired)
    >>> figures["working_days"], figures["absent_days"], figures["available_days"]
    (22.0, 10.0, 12.0)
    >>> round(figures["prorate_factor"], 4)
    0.5455

    Left on the 10th, and three days of sick leave before (8 - 3 = 5 available):

    >>> left = [(date(2026, 9, 1), date(2026, 9, 10))]
    >>> sick = dict.fromkeys([date(2026, 9, 2), date(2026, 9, 3), date(2026, 9, 4)], 1.0)
    >>> figures = days_figures(work, {}, sick, left)
    >>> figures["leave_days"], figures["absent_days"], figures["available_days"]
    (3.0, 14.0, 5.0)

    Tết in February 2027 (20 working days, public holidays Mon 8 - Fri 12): 15 / 20,
    or 20 / 20 on a plan that keeps full targets on public holidays.

    >>> feb = [date(2027, 2, d) for d in range(1, 29) if date(2027, 2, d).weekday() < 5]
    >>> tet = dict.fromkeys([date(2027, 2, d) for d in range(8, 13)], 1.0)
    >>> whole = [(date(2027, 2, 1), date(2027, 2, 28))]
    >>> figures = days_figures(dict.fromkeys(feb, 1.0), tet, {}, whole)
    >>> figures["working_days"], figures["holiday_days"], figures["prorate_factor"]
    (20.0, 5.0, 0.75)
    >>> days_figures(dict.fromkeys(feb, 1.0), tet, {}, whole, holidays_reduce=False)["prorate_factor"]
    1.0

    A fixed standard of 26 days (*ngày công chuẩn*) whatever the schedule says:

    >>> figures = days_figures(work, {}, {}, hired, standard_days=26)
    >>> figures["working_days"], figures["available_days"], round(figures["prorate_factor"], 4)
    (26.0, 16.0, 0.6154)

    Sick the whole month: nothing available, factor 0.

    >>> days_figures(work, {}, dict(work), [(date(2026, 9, 1), date(2026, 9, 30))])["prorate_factor"]
    0.0

    No working day at all (no schedule): nothing to prorate against, factor 0.

    >>> days_figures({}, {}, {}, [])["prorate_factor"]
    0.0
    """
    working = sum(work.values())
    holiday_days = absent_days = leave_days = 0.0
    for day, share in work.items():
        if not in_ranges(day, ranges):
            absent_days += share
            continue
        if holidays_reduce:
            holiday_days += min(holidays.get(day, 0.0), share)
        leave_days += min(leaves.get(day, 0.0), share - holidays.get(day, 0.0))
    if standard_days:
        working = float(standard_days)
    working = round(working, 3)
    available = round(max(working - holiday_days - leave_days - absent_days, 0.0), 3)
    return {
        "working_days": working,
        "holiday_days": round(holiday_days, 3),
        "leave_days": round(max(leave_days, 0.0), 3),
        "absent_days": round(absent_days, 3),
        "available_days": available,
        "prorate_factor": min(available / working, 1.0) if working > 0 else 0.0,
    }


def base_share(base, working_days, absent_days, leave_days=0.0, leave_cuts_base=False):
    """The bonus base of a scorecard: the base × the share of the period in the plan.

    The base follows the days in the plan, not the days of leave: a hire on the 25th
    or each half of a transfer earns a share of one base, never a full one.

    >>> base_share(2_000_000, 22, 11)
    1000000.0
    >>> base_share(2_000_000, 22, 0, leave_days=5)
    2000000.0
    >>> base_share(2_000_000, 20, 0, leave_days=5, leave_cuts_base=True)
    1500000.0
    >>> base_share(2_000_000, 0, 0)
    0.0
    """
    working_days = float(working_days or 0.0)
    if working_days <= 0:
        return 0.0
    kept = working_days - float(absent_days or 0.0)
    if leave_cuts_base:
        kept -= float(leave_days or 0.0)
    return float(base or 0.0) * min(max(kept, 0.0), working_days) / working_days


def is_assessed(available_days, minimum_days=1.0):
    """No work, no bonus: a scorecard is assessed only with at least ``minimum_days``
    available days (and at least some).

    >>> is_assessed(0), is_assessed(0.5), is_assessed(1), is_assessed(0.5, minimum_days=0.5)
    (False, False, True, True)
    >>> is_assessed(0.0, minimum_days=0)
    False
    """
    available_days = float(available_days or 0.0)
    return available_days > 0 and available_days >= float(minimum_days or 0.0)


def ramp_factor(months_of_tenure, ramp_pct):
    """Target multiplier of an employee on probation with ramped targets: ``ramp_pct``
    per started month of tenure, at most 1.

    >>> ramp_factor(0, 25), ramp_factor(1, 25), ramp_factor(3, 25), ramp_factor(7, 25)
    (0.25, 0.5, 1.0, 1.0)
    """
    return min(1.0, max(0.0, (int(months_of_tenure) + 1) * float(ramp_pct or 0.0) / 100.0))
