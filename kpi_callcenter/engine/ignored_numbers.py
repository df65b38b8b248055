# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Numbers a PBX source ignores (test calls, internal QA lines): never stored as calls."""

import re

from .costing import normalize_phone


def parse_ignored_numbers(text, country_code="84"):
    """The entries of an ignore list: ``[(number, is_prefix)]``, numbers normalised like
    the calls' (E.164); an entry ending in ``*`` is a prefix. Entries are separated by
    new lines, commas or semicolons.

    >>> parse_ignored_numbers("0912 345 678\\n+84 28 3822*; 1900*")
    [('+84912345678', False), ('+84283822', True), ('1900', True)]
    >>> parse_ignored_numbers("")
    []
    """
    entries = []
    for raw in re.split(r"[\n,;]+", text or ""):
        raw = raw.strip()
        if not raw:
            continue
        is_prefix = raw.endswith("*")
        number = normalize_phone(raw.rstrip("*").strip(), country_code)
        if number:
            entries.append((number, is_prefix))
    return entries


def is_ignored(phone, entries):
    """True when the normalised ``phone`` is on the ignore list ``entries``.

    >>> entries = [("+84912345678", False), ("+84283822", True)]
    >>> is_ignored("+84912345678", entries), is_ignored("+842838221234", entries)
    (True, True)
    >>> is_ignored("+84912345679", entries), is_ignored("", entries)
    (False, False)
    """
    if not phone:
        return False
    return any(phone.startswith(number) if is_prefix else phone == number for number, is_prefix in entries)
