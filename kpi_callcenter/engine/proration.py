"""Proration of targets for employees who were on leave part of the period.

Only totals are prorated: an agent who worked half the month is asked for
half the calls ("count") or half the revenue ("sum"), but the same average
handling time ("avg") or the same answer rate ("ratio").
"""

PRORATED_AGGREGATIONS = ("count", "sum")
UNPRORATED_AGGREGATIONS = ("ratio", "avg")


def prorate_factor(working_days, leave_days):
    """Share of the period actually worked: ``(working - leave) / working`` in ``[0, 1]``.

    >>> prorate_factor(20, 5)
    0.75
    >>> prorate_factor(20, 0)
    1.0
    >>> prorate_factor(20, 25)
    0.0
    >>> prorate_factor(22, 5.5)
    0.75

    Negative leave (a data error) cannot raise the target, and a period
    without working days (or unknown) is not prorated:

    >>> prorate_factor(20, -2)
    1.0
    >>> prorate_factor(0, 3), prorate_factor(None, 3)
    (1.0, 1.0)
    """
    working_days = float(working_days or 0.0)
    if working_days <= 0:
        return 1.0
    factor = (working_days - float(leave_days or 0.0)) / working_days
    return min(1.0, max(0.0, factor))


def prorate_target(target, factor, aggregation):
    """Target adjusted by the proration ``factor`` for the given ``aggregation``.

    Totals ("count", "sum") are multiplied by the factor; averages and
    ratios ("avg", "ratio") are not.

    >>> prorate_target(200, 0.75, "count")
    150.0
    >>> prorate_target(1000000, 0.5, "sum")
    500000.0
    >>> prorate_target(180, 0.5, "avg")
    180.0
    >>> prorate_target(95, 0.5, "ratio")
    95.0
    >>> prorate_target(95, 0.5, "max")
    Traceback (most recent call last):
    ...
    ValueError: unknown aggregation 'max'
    """
    if aggregation in PRORATED_AGGREGATIONS:
        return float(target or 0.0) * float(factor)
    if aggregation in UNPRORATED_AGGREGATIONS:
        return float(target or 0.0)
    raise ValueError(f"unknown aggregation {aggregation!r}")
