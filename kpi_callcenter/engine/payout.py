"""Payout scales, thresholds, gates and the bonus of a scorecard.

A *scale* turns an achievement (percent of target) into a payout (percent
of the line's share of the bonus). Its tiers are ``(achievement_pct,
payout_pct)`` pairs, in any order:

- "step": the payout of the highest tier reached, 0 below the first tier;
- "linear": straight lines between consecutive tiers, 0 below the first
  tier, the last tier's payout above the last tier.

No tiers means no scale: the payout equals the achievement.

A line's *threshold* is the achievement under which the line pays nothing.
A *gate* line is a line whose threshold closes the whole scorecard: when a
gate is missed, no line pays anything.
"""

import math

EPSILON = 1e-9
MODES = ("step", "linear")


def _get(line, key, default=None):
    """Read ``key`` from a dict or an attribute of an object (e.g. a record).

    >>> _get({"weight": 70}, "weight"), _get({}, "weight", 0)
    (70, 0)
    """
    if isinstance(line, dict):
        return line.get(key, default)
    return getattr(line, key, default)


def _sorted_tiers(tiers):
    """Tiers as a list of float pairs sorted by achievement.

    >>> _sorted_tiers([(120, 130), (80, 50.0)])
    [(80.0, 50.0), (120.0, 130.0)]
    """
    return sorted((float(ach), float(pay)) for ach, pay in tiers or ())


def _step(achievement, tiers):
    """Payout of the highest tier reached, 0 below the first one."""
    payout = 0.0
    for tier_achievement, tier_payout in tiers:
        if tier_achievement > achievement + EPSILON:
            break
        payout = tier_payout
    return payout


def _linear(achievement, tiers):
    """Interpolated payout between the two tiers around ``achievement``."""
    if achievement < tiers[0][0] - EPSILON:
        return 0.0
    low = max(
        i
        for i, (tier_achievement, _pay) in enumerate(tiers)
        if tier_achievement <= achievement + EPSILON
    )
    if low == len(tiers) - 1:
        return tiers[-1][1]
    (a0, p0), (a1, p1) = tiers[low], tiers[low + 1]
    return p0 + (achievement - a0) * (p1 - p0) / (a1 - a0)


def scale_payout(achievement, tiers, mode):
    """Payout percent for ``achievement`` on the scale ``tiers`` in ``mode``.

    >>> tiers = [(120, 150), (80, 50), (100, 100)]

    Step: the payout of the highest tier reached.

    >>> [scale_payout(a, tiers, "step") for a in (79.9, 80, 99.99, 100, 119, 120, 200)]
    [0.0, 50.0, 50.0, 100.0, 100.0, 150.0, 150.0]

    Linear: 0 below the first tier, flat after the last one, straight lines
    in between.

    >>> [scale_payout(a, tiers, "linear") for a in (79.9, 80, 90, 100, 110, 120, 200)]
    [0.0, 50.0, 75.0, 100.0, 125.0, 150.0, 150.0]

    A tier compared with a computed achievement tolerates float noise:

    >>> scale_payout(0.1 + 0.2 + 79.7, tiers, "step")
    50.0

    Two tiers at the same achievement make a jump; the later one counts:

    >>> scale_payout(100, [(80, 50), (100, 60), (100, 100), (120, 120)], "linear")
    100.0

    No tiers, no scale: the payout is the achievement itself (``mode`` may
    then be empty).

    >>> scale_payout(87.5, [], "linear"), scale_payout(87.5, None, False)
    (87.5, 87.5)
    >>> scale_payout(87.5, tiers, "curve")
    Traceback (most recent call last):
    ...
    ValueError: mode must be one of ('step', 'linear'), not 'curve'
    """
    tiers = _sorted_tiers(tiers)
    if mode not in MODES and (mode or tiers):
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    achievement = float(achievement or 0.0)
    if not tiers:
        return achievement
    if mode == "step":
        return _step(achievement, tiers)
    return _linear(achievement, tiers)


def line_bonus(bonus_base, weight, payout, achievement, threshold=0.0):
    """Bonus of one line: ``bonus_base * weight / 100 * payout / 100``.

    Nothing is paid when the achievement is below the line's threshold.

    >>> line_bonus(1000.0, 70, 110.0, 110.0)
    770.0
    >>> line_bonus(1000.0, 70, 75.0, 75.0, threshold=80)
    0.0
    >>> line_bonus(1000.0, 70, 80.0, 80.0, threshold=80)
    560.0
    >>> line_bonus(1000.0, 30, 50.0, 80.0, threshold=None)
    150.0
    """
    if _below_threshold({"achievement": achievement, "threshold": threshold}):
        return 0.0
    return float(bonus_base or 0.0) * float(weight or 0.0) / 100.0 * float(payout or 0.0) / 100.0


def gate_closed(lines):
    """True when a gate line (``is_gate``) is below its ``threshold``.

    ``lines`` are dicts or objects with ``is_gate``, ``achievement`` and
    ``threshold``.

    >>> gate_closed([{"is_gate": True, "achievement": 49.0, "threshold": 50}])
    True
    >>> gate_closed([{"is_gate": True, "achievement": 50.0, "threshold": 50}])
    False
    >>> gate_closed([{"is_gate": False, "achievement": 0.0, "threshold": 50}])
    False
    >>> gate_closed([])
    False
    """
    return any(_get(line, "is_gate") and _below_threshold(line) for line in lines)


def _below_threshold(line):
    """True when the line's ``achievement`` is under its ``threshold``.

    >>> _below_threshold({"achievement": 79.9, "threshold": 80})
    True
    >>> _below_threshold({"achievement": 80.0}), _below_threshold({"achievement": -1.0})
    (False, True)
    """
    threshold = float(_get(line, "threshold") or 0.0)
    return float(_get(line, "achievement") or 0.0) < threshold - EPSILON


def scorecard_bonus(lines, bonus_base):
    """Bonus of a scorecard: ``(total, [bonus of each line])``.

    ``lines`` is a list of dicts (or objects) with ``weight``,
    ``achievement``, ``threshold``, ``payout`` (already scaled, see
    :func:`scale_payout`) and ``is_gate``. A closed gate zeroes every line.

    The tailor example: a tailor's monthly bonus base is 1,000. Volume
    (pieces sewn, higher is better) weighs 70 and has no scale, with a
    threshold of 80 %; defect rate (target 2 %, lower is better) weighs 30,
    pays on a step scale and is a gate at 50 % (more than 4 % defects: no
    bonus at all).

    >>> defect_scale = [(100, 100), (80, 50), (120, 130)]
    >>> def tailor(volume_achievement, defect_achievement):
    ...     lines = [
    ...         {"weight": 70, "achievement": volume_achievement, "threshold": 80,
    ...          "payout": scale_payout(volume_achievement, [], "linear"), "is_gate": False},
    ...         {"weight": 30, "achievement": defect_achievement, "threshold": 50,
    ...          "payout": scale_payout(defect_achievement, defect_scale, "step"), "is_gate": True},
    ...     ]
    ...     return scorecard_bonus(lines, 1000.0)

    220 pieces of 200 (110 %), 2.0 % defects (100 %):

    >>> tailor(110.0, 100.0)
    (1070.0, [770.0, 300.0])

    150 pieces (75 %, under the volume threshold), 2.5 % defects (80 %,
    first step):

    >>> tailor(75.0, 80.0)
    (150.0, [0.0, 150.0])

    180 pieces (90 %), 2.2 % defects (90.9 %, still the first step):

    >>> tailor(90.0, 2.0 / 2.2 * 100)
    (780.0, [630.0, 150.0])

    260 pieces (130 %), 1.6 % defects (125 %, top step):

    >>> tailor(130.0, 125.0)
    (1300.0, [910.0, 390.0])

    200 pieces (100 %) but 5 % defects (40 %): the quality gate is closed.

    >>> tailor(100.0, 40.0)
    (0.0, [0.0, 0.0])
    """
    lines = list(lines)
    if gate_closed(lines):
        return 0.0, [0.0] * len(lines)
    bonuses = [
        line_bonus(
            bonus_base,
            _get(line, "weight"),
            _get(line, "payout"),
            _get(line, "achievement"),
            _get(line, "threshold"),
        )
        for line in lines
    ]
    return math.fsum(bonuses), bonuses


def round_to_step(amount, step=0.0):
    """Rounding hook: ``amount`` rounded half up to a multiple of ``step``.

    Use it for house rules such as "bonuses are paid in thousands"; money is
    otherwise rounded by the currency. A ``step`` of 0 (or less) keeps the
    amount.

    >>> round_to_step(1234567.0, 1000)
    1235000.0
    >>> round_to_step(1234499.0, 1000)
    1234000.0
    >>> round_to_step(1234.5, 0)
    1234.5
    >>> round_to_step(-1500.0, 1000)
    -2000.0
    """
    step = float(step or 0.0)
    if step <= 0:
        return float(amount or 0.0)
    units = abs(float(amount or 0.0)) / step
    return math.copysign(math.floor(units + 0.5 + EPSILON) * step, float(amount or 0.0))
