"""Achievement of a KPI line: how far an actual value is from its target.

Plain Python, no Odoo import: the models gather the numbers and call these
functions. All values are percents (``100.0`` means "target met") or points.

An achievement is always clipped to ``[0, cap]``; ``cap`` ``None`` or ``0``
means "no upper limit". A target of zero (or less) cannot be divided by, so it
has its own rule in each direction, see :func:`achievement`.
"""

import math

EPSILON = 1e-9
DIRECTIONS = ("higher", "lower")


def _clip(value, cap):
    """Clip ``value`` to ``[0, cap]``; a falsy ``cap`` only keeps the floor.

    >>> _clip(-5.0, 150.0), _clip(170.0, 150.0), _clip(170.0, None)
    (0.0, 150.0, 170.0)
    """
    value = max(0.0, float(value))
    if cap:
        value = min(value, float(cap))
    return value


def _best(cap):
    """The achievement given to a result that cannot be divided: the cap, or 100.0 uncapped.

    >>> _best(150.0), _best(None), _best(0)
    (150.0, 100.0, 100.0)
    """
    return float(cap) if cap else 100.0


def achievement(actual, target, direction="higher", cap=150.0):
    """Achievement in percent of ``actual`` against ``target``.

    ``direction`` "higher" (more is better: sales, calls handled) gives
    ``actual / target * 100``; "lower" (less is better: defect rate, handling
    time) gives ``target / actual * 100``. The result is clipped to
    ``[0, cap]``; ``cap`` ``None`` or ``0`` keeps only the 0 floor.

    >>> achievement(80, 100)
    80.0
    >>> achievement(180, 100)
    150.0
    >>> achievement(180, 100, cap=None)
    180.0
    >>> achievement(2.5, 2.0, "lower")
    80.0
    >>> achievement(1.0, 2.0, "lower")
    150.0
    >>> achievement(1.0, 2.0, "lower", cap=0)
    200.0

    A negative actual (an NPS can be negative) clips to 0:

    >>> achievement(-20, 50)
    0.0

    Lower is better and the actual is 0 (no defect at all): the best score,
    the cap (100.0 when uncapped):

    >>> achievement(0, 2.0, "lower"), achievement(0, 2.0, "lower", cap=None)
    (150.0, 100.0)

    A target of 0 (or less). Higher: met (100) when the actual is 0 or
    less, the cap when anything was achieved. Lower: met (100) when the
    actual is 0 or less, 0 otherwise.

    >>> achievement(0, 0), achievement(3, 0), achievement(3, 0, cap=None)
    (100.0, 150.0, 100.0)
    >>> achievement(0, 0, "lower"), achievement(3, 0, "lower")
    (100.0, 0.0)

    ``None`` values count as 0; an unknown direction is an error:

    >>> achievement(None, 10)
    0.0
    >>> achievement(1, 10, "up")
    Traceback (most recent call last):
    ...
    ValueError: direction must be one of ('higher', 'lower'), not 'up'
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    actual = float(actual or 0.0)
    target = float(target or 0.0)
    if target <= EPSILON:
        if actual <= EPSILON:
            return 100.0
        return _best(cap) if direction == "higher" else 0.0
    if direction == "higher":
        return _clip(actual / target * 100.0, cap)
    if actual <= EPSILON:
        return _best(cap)
    return _clip(target / actual * 100.0, cap)


def line_score(achievement, weight):
    """Points a line adds to the scorecard: ``achievement * weight / 100``.

    >>> line_score(80.0, 70)
    56.0
    >>> line_score(150.0, 30)
    45.0
    >>> line_score(0.0, 30)
    0.0
    """
    return float(achievement or 0.0) * float(weight or 0.0) / 100.0


def total_score(line_scores):
    """Sum of line scores (points), summed exactly; an empty scorecard scores 0.

    >>> total_score([56.0, 45.0])
    101.0
    >>> total_score([])
    0.0
    >>> total_score(x / 10 for x in range(1, 4))
    0.6
    """
    return math.fsum(line_scores)
