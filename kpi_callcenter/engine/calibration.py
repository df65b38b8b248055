"""Calibration of KPI targets from history, and the pay-impact comparison.

Plain Python, no Odoo import. The models replay the past actuals of a plan's
employees (one sample per employee and period, with the proration factor of
that period) and ask this module for the distribution, a suggested target and
two flags:

- *unrealistic*: fewer than ``unrealistic_share`` % (default 20) of the
  samples reach the line's threshold (100 % when the line has none);
- *too easy*: more than ``easy_share`` % (default 80) of the samples pass
  ``easy_achievement`` % (default 120).

Percentiles interpolate linearly between the sorted values (the
"inclusive" method of spreadsheets' PERCENTILE.INC and numpy's default).
"""

import math

from . import achievement as engine_achievement
from . import proration as engine_proration

EPSILON = 1e-9


def percentile(values, pct):
    """The ``pct``-th percentile (0-100) of ``values``, interpolated linearly.

    >>> percentile([1, 2, 3, 4], 50)
    2.5
    >>> percentile([10, 20, 30, 40, 50], 25), percentile([10, 20, 30, 40, 50], 90)
    (20.0, 46.0)
    >>> percentile([7], 80), percentile([3, 1, 2], 0), percentile([3, 1, 2], 100)
    (7.0, 1.0, 3.0)
    >>> percentile([], 50) is None
    True
    >>> percentile([1, 2], 120)
    Traceback (most recent call last):
    ...
    ValueError: a percentile is between 0 and 100, not 120
    """
    if not 0 <= pct <= 100:
        raise ValueError(f"a percentile is between 0 and 100, not {pct}")
    ordered = sorted(float(value) for value in values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * pct / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def quartiles(values):
    """``(first quartile, median, third quartile)`` of ``values`` (``None``s when empty).

    >>> quartiles([1, 2, 3, 4, 5, 6, 7, 8, 9])
    (3.0, 5.0, 7.0)
    >>> quartiles([])
    (None, None, None)
    """
    return tuple(percentile(values, pct) for pct in (25, 50, 75))


def share_at_least(values, limit):
    """Share (in %) of ``values`` at or above ``limit``; 0 for no values.

    >>> share_at_least([80, 99.99, 100, 130], 100)
    50.0
    >>> share_at_least([0.1 + 0.2 + 99.7], 100)
    100.0
    >>> share_at_least([], 100)
    0.0
    """
    values = list(values)
    if not values:
        return 0.0
    reached = sum(1 for value in values if float(value) >= float(limit) - EPSILON)
    return reached * 100.0 / len(values)


def share_above(values, limit):
    """Share (in %) of ``values`` strictly above ``limit``.

    >>> share_above([120, 120.5, 150, 90], 120)
    50.0
    """
    values = list(values)
    if not values:
        return 0.0
    return sum(1 for value in values if float(value) > float(limit) + EPSILON) * 100.0 / len(values)


def full_period_actual(actual, factor, aggregation):
    """The actual an employee would have made over the whole period.

    Counts and sums of someone who worked a share ``factor`` of the period are
    divided by it; averages and ratios are kept. Nobody worked (factor 0): no
    sample (``None``).

    >>> full_period_actual(75, 0.75, "count"), full_period_actual(90, 0.5, "avg")
    (100.0, 90.0)
    >>> full_period_actual(10, 0.0, "sum") is None
    True
    """
    if aggregation in engine_proration.PRORATED_AGGREGATIONS:
        if float(factor) <= EPSILON:
            return None
        return float(actual) / float(factor)
    return float(actual)


def suggested_target(full_actuals, pct=50, direction="higher"):
    """A target at the ``pct``-th percentile of performance: for "higher" the
    ``pct``-th percentile of the actuals, for "lower" (less is better) the
    ``(100 - pct)``-th, so that in both directions about ``100 - pct`` % of
    the past samples did at least as well.

    >>> actuals = [60, 70, 80, 90, 100]
    >>> suggested_target(actuals, 50), suggested_target(actuals, 75)
    (80.0, 90.0)
    >>> suggested_target([2.0, 3.0, 4.0, 5.0, 6.0], 75, "lower")
    3.0
    """
    if direction == "lower":
        pct = 100 - pct
    return percentile(full_actuals, pct)


def calibrate(
    samples,
    target,
    direction="higher",
    aggregation="count",
    threshold=0.0,
    pct=50,
    unrealistic_share=20.0,
    easy_achievement=120.0,
    easy_share=80.0,
    min_samples=5,
):
    """Statistics of one plan line over past samples.

    ``samples``: ``(actual, prorate factor)`` pairs, one per employee and
    period. Achievements are recomputed against ``target`` (prorated like a
    scorecard, uncapped). Returns a dict: ``count``, ``actual_q1``,
    ``actual_median``, ``actual_q3``, ``achievement_q1``,
    ``achievement_median``, ``achievement_q3``, ``share_target`` (% at
    ≥ 100 %), ``share_threshold`` (% reaching the threshold, 100 % when it
    is 0), ``share_easy`` (% above ``easy_achievement``),
    ``suggested_target``, ``unrealistic``, ``too_easy``. Flags are only
    raised with at least ``min_samples`` samples.

    Ten agents; their calls of a month (target 100, threshold 80 %):

    >>> samples = [(calls, 1.0) for calls in (40, 50, 55, 60, 65, 70, 75, 85, 90, 110)]
    >>> stats = calibrate(samples, 100, threshold=80)
    >>> stats["actual_median"], stats["share_threshold"], stats["unrealistic"]
    (67.5, 30.0, False)
    >>> calibrate(samples, 100, threshold=95)["unrealistic"]
    True
    >>> stats["suggested_target"], round(stats["achievement_q1"], 2), stats["share_target"]
    (67.5, 56.25, 10.0)

    A target of 40 calls: 9 of 10 pass 120 % (48 calls): too easy.

    >>> easy = calibrate(samples, 40)
    >>> easy["share_easy"], easy["too_easy"], easy["unrealistic"]
    (90.0, True, False)

    Sick leave: 60 calls in half a month count as 120 for the suggested
    target, and are measured against a prorated target of 50.

    >>> half = calibrate([(60, 0.5)], 100, min_samples=1)
    >>> half["suggested_target"], half["achievement_median"]
    (120.0, 120.0)

    Too few samples: statistics, no flags.

    >>> few = calibrate([(10, 1.0), (12, 1.0)], 100, threshold=80)
    >>> few["count"], few["share_threshold"], few["unrealistic"]
    (2, 0.0, False)
    >>> calibrate([], 100)["actual_median"] is None
    True
    """
    full_actuals = []
    achievements = []
    for actual, factor in samples:
        full = full_period_actual(actual, factor, aggregation)
        if full is None:
            continue
        full_actuals.append(full)
        prorated = engine_proration.prorate_target(target, factor, aggregation)
        achievements.append(engine_achievement.achievement(actual, prorated, direction, cap=None))
    actual_q1, actual_median, actual_q3 = quartiles(full_actuals)
    ach_q1, ach_median, ach_q3 = quartiles(achievements)
    share_threshold = share_at_least(achievements, float(threshold or 0.0) or 100.0)
    share_easy = share_above(achievements, easy_achievement)
    enough = len(achievements) >= max(int(min_samples or 0), 1)
    return {
        "count": len(achievements),
        "actual_q1": actual_q1,
        "actual_median": actual_median,
        "actual_q3": actual_q3,
        "achievement_q1": ach_q1,
        "achievement_median": ach_median,
        "achievement_q3": ach_q3,
        "share_target": share_at_least(achievements, 100.0),
        "share_threshold": share_threshold,
        "share_easy": share_easy,
        "suggested_target": suggested_target(full_actuals, pct, direction),
        "unrealistic": enough and share_threshold < float(unrealistic_share) - EPSILON,
        "too_easy": enough and share_easy > float(easy_share) + EPSILON,
    }


def pay_drop_pct(old, new):
    """How much lower ``new`` pay is than ``old``, in % of ``old`` (0 when not lower).

    >>> pay_drop_pct(1000, 900), pay_drop_pct(1000, 1100), pay_drop_pct(0, 0)
    (10.0, 0.0, 0.0)
    >>> pay_drop_pct(0, -5)
    100.0
    """
    old, new = float(old or 0.0), float(new or 0.0)
    if new >= old - EPSILON:
        return 0.0
    if old <= EPSILON:
        return 100.0
    return (old - new) * 100.0 / old
