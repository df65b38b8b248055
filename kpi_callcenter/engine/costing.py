"""Phone numbers and call costs: normalisation, classification, billing, rates.

Numbers are normalised to E.164 (``+84912345678``) so that one customer has
one number whatever the PBX or the CRM wrote; short internal extensions stay
as they are (``101``). Costs follow the carrier's billing increment: per
minute (60), per 6 seconds (6), with an optional minimum (e.g. "60/6": the
first minute is always billed, then 6-second steps).
"""

import math
import re

from .cdr import EXTENSION_MAX_DIGITS, _is_extension

CATEGORIES = ("internal", "mobile", "landline", "international", "unknown")
VN_MOBILE_FIRST_DIGITS = "35789"
VN_LANDLINE_FIRST_DIGITS = "2"
_SEPARATORS = re.compile(r"[\s.\-()/]")


def normalize_phone(raw, country_code="84"):
    """Normalise a dialled or caller number to E.164, or keep an extension.

    Spaces, dots, dashes, slashes and parentheses are removed.

    >>> normalize_phone("+84 912 345 678")
    '+84912345678'
    >>> normalize_phone("0084912345678"), normalize_phone("84912345678")
    ('+84912345678', '+84912345678')
    >>> normalize_phone("0912.345.678"), normalize_phone("(028) 3822-1234")
    ('+84912345678', '+842838221234')

    The national trunk 0 written after the country code is dropped:

    >>> normalize_phone("+84 (0) 912 345 678")
    '+84912345678'

    Other countries keep their own code:

    >>> normalize_phone("+65 9123 4567"), normalize_phone("0065 9123 4567")
    ('+6591234567', '+6591234567')

    Short internal extensions (up to 6 digits) and anything that is not a
    number (anonymous callers, feature codes) are kept as they are; so are
    national service numbers (1800/1900) and numbers without a trunk 0:

    >>> normalize_phone("101"), normalize_phone(" 4001 "), normalize_phone("anonymous")
    ('101', '4001', 'anonymous')
    >>> normalize_phone("1900 1234")
    '19001234'
    >>> normalize_phone(None), normalize_phone(""), normalize_phone(False)
    ('', '', '')

    Normalising twice changes nothing:

    >>> normalize_phone(normalize_phone("0912 345 678"))
    '+84912345678'
    """
    if not raw:
        return ""
    number = _SEPARATORS.sub("", str(raw))
    if number.startswith("+"):
        digits, international = number[1:], True
    elif number.startswith("00"):
        digits, international = number[2:], True
    else:
        digits, international = number, False
    if not digits.isdigit():
        return number
    if international:
        return "+" + _drop_trunk_zero(digits, country_code)
    if len(digits) <= EXTENSION_MAX_DIGITS:
        return digits
    national_lengths = (len(country_code) + 9, len(country_code) + 10)
    if digits.startswith(country_code) and len(digits) in national_lengths:
        return "+" + digits
    if digits.startswith("0"):
        return "+" + country_code + digits[1:]
    return digits


def _drop_trunk_zero(digits, country_code):
    """Remove a "0" written right after our country code ("+84 (0) 912...").

    >>> _drop_trunk_zero("840912345678", "84"), _drop_trunk_zero("6591234567", "84")
    ('84912345678', '6591234567')
    """
    if digits.startswith(country_code + "0"):
        return country_code + digits[len(country_code) + 1 :]
    return digits


def classify_number(e164, country_code="84"):
    """Category of a number: internal, mobile, landline, international or unknown.

    The number is normalised first (see :func:`normalize_phone`). In Vietnam
    the national significant number starts with 3, 5, 7, 8 or 9 for mobiles
    and with 2 for landlines.

    >>> [classify_number(n) for n in ("+84912345678", "+84387654321", "+842838221234")]
    ['mobile', 'mobile', 'landline']
    >>> classify_number("101"), classify_number("+6591234567")
    ('internal', 'international')
    >>> classify_number("0243 999 8888")
    'landline'
    >>> classify_number("19001234"), classify_number("+8419001234"), classify_number("")
    ('unknown', 'unknown', 'unknown')
    """
    number = normalize_phone(e164, country_code)
    if not number:
        return "unknown"
    if _is_extension(number):
        return "internal"
    if not number.startswith("+"):
        return "unknown"
    if not number.startswith("+" + country_code):
        return "international"
    national = number[1 + len(country_code) :]
    if national[:1] and national[0] in VN_MOBILE_FIRST_DIGITS:
        return "mobile"
    if national[:1] and national[0] in VN_LANDLINE_FIRST_DIGITS:
        return "landline"
    return "unknown"


def billed_seconds(duration, increment=60, minimum=0):
    """Seconds billed for a call of ``duration`` seconds.

    The duration is rounded up to the ``increment`` and is at least
    ``minimum`` once the call lasted at all; an unconnected call bills 0.

    Per minute (60), per 6 seconds (6/6), and 60/6 (first minute, then 6 s):

    >>> [billed_seconds(d) for d in (0, 1, 60, 61, 125)]
    [0, 60, 60, 120, 180]
    >>> [billed_seconds(d, 6) for d in (0, 1, 6, 7, 125)]
    [0, 6, 6, 12, 126]
    >>> [billed_seconds(d, 6, minimum=60) for d in (0, 7, 60, 61)]
    [0, 60, 60, 66]

    Per second (increment 1, or 0), fractions rounded up:

    >>> billed_seconds(61.2, 1), billed_seconds(61, 0), billed_seconds(None)
    (62, 61, 0)
    """
    duration = float(duration or 0)
    if duration <= 0:
        return 0
    increment = max(1, int(increment or 1))
    steps = -(-math.ceil(duration) // increment)
    return max(steps * increment, int(minimum or 0))


def call_cost(duration, rate_per_minute, increment=60, minimum=0):
    """Cost of a call: billed seconds / 60 * the rate per minute.

    >>> call_cost(61, 1000.0)
    2000.0
    >>> call_cost(61, 1000.0, increment=6)
    1100.0
    >>> call_cost(0, 1000.0), call_cost(30, 0)
    (0.0, 0.0)
    """
    return billed_seconds(duration, increment, minimum) / 60.0 * float(rate_per_minute or 0.0)


def _rule_prefix(rule):
    """The ``prefix`` of a dict or an object (a record); falsy becomes ''."""
    prefix = rule.get("prefix") if isinstance(rule, dict) else getattr(rule, "prefix", "")
    return (prefix or "").strip()


def match_rate(e164, rules, country_code="84"):
    """The rate rule for a number: the longest matching ``prefix`` wins.

    A rule's ``prefix`` is either a number prefix ("+849", "+8428", "00")
    compared with the normalised number, or a category keyword ("mobile",
    "landline", "international", "internal") that matches any number of that
    category and loses against every matching number prefix (even "+84").
    On a tie the first rule wins. No match gives ``None``.

    >>> rules = [
    ...     {"prefix": "international", "rate": 9000},
    ...     {"prefix": "mobile", "rate": 1200},
    ...     {"prefix": "landline", "rate": 900},
    ...     {"prefix": "+849", "rate": 1100},
    ...     {"prefix": "+8428", "rate": 800},
    ... ]
    >>> numbers = ("0912345678", "0387654321", "02838221234", "02439998888", "+6591234567")
    >>> [match_rate(n, rules)["rate"] for n in numbers]
    [1100, 1200, 800, 900, 9000]
    >>> match_rate("0387654321", rules + [{"prefix": "+84", "rate": 1000}])["rate"]
    1000
    >>> match_rate("101", rules) is None
    True

    Rules can be objects, for instance Odoo records:

    >>> from types import SimpleNamespace as Rule
    >>> match_rate("+84912345678", [Rule(prefix="mobile"), Rule(prefix=False)]).prefix
    'mobile'
    """
    number = normalize_phone(e164, country_code)
    category = classify_number(number, country_code)
    best, best_length = None, -1
    for rule in rules:
        prefix = _rule_prefix(rule)
        if not prefix:
            continue
        if prefix in CATEGORIES:
            length = 0 if prefix == category else -1
        else:
            length = len(prefix) if number.startswith(prefix) else -1
        if length > best_length:
            best, best_length = rule, length
    return best
