"""From CDR files and pushed JSON to one shape of call values, resumably.

:mod:`.cdr` parses rows and merges legs; this module adds what an importer
needs around it, still without any Odoo import:

- *resumable reading*: :func:`iter_file_events` reads a binary stream from a
  byte offset and tells, after each event, where a later run may start again
  (a call boundary), so a big file is imported in batches over several cron
  runs without ever sitting in memory;
- *one shape of values* for an Asterisk call, a mapped CSV row or a pushed
  JSON item (:data:`VALUE_KEYS`), so that the same validation applies to all.

Values (a dict):

==================  ============================================================
``external_uid``    the PBX's id of the call (text)
``start``           naive datetime; in UTC when ``utc`` is true, else in the
                    PBX's local time
``utc``             see ``start``
``talk_seconds``    seconds talked (Asterisk ``billsec``)
``ring_duration``   seconds before the answer (or the whole unanswered call)
``direction``       inbound / outbound / internal / unknown
``disposition``     answered / no_answer / busy / failed
``extension``       the agent's PBX extension
``phone``           the outside party's number, as the PBX wrote it
``src``, ``dst``    the raw source and destination numbers
``lines``           the file's line numbers of the call (empty for JSON)
==================  ============================================================
"""

import hashlib
import itertools
from collections import namedtuple
from datetime import datetime, timezone

from . import cdr

# The keys a mapped CSV or a pushed item may give, plus what reading adds.
VALUE_KEYS = (*cdr.MAPPED_KEYS, "csat", "utc", "lines")
# A pushed item may also carry the post-call survey score the caller gave.
PUSH_KEYS = (*cdr.MAPPED_KEYS, "csat")
CSAT_MIN, CSAT_MAX = 1, 5
EXTERNAL_UID_MAX_LENGTH = 128
TEXT_MAX_LENGTH = 128
RAW_LINE_MAX_LENGTH = 500
# Calls outside these dates (PBX time) are clock or export faults, never stored.
START_MIN = datetime(2000, 1, 1)
START_MAX = datetime(2100, 1, 1)

FileEvent = namedtuple("FileEvent", "line_no values error raw resume")
FileEvent.__doc__ = """One call or one unreadable line of a CDR file.

``line_no`` is the call's first line (1-based, in the whole file);
``values`` the call's values (see the module doc) or ``None``; ``error`` the
reason a line could not be read, or ``None``; ``raw`` that line's text;
``resume`` ``(offset, line_no)`` from which reading may start again once this
event and all before it are handled (``None`` when it may not: a call is
still pending).
"""


# ---------------------------------------------------------------------------
# Reading a stream from an offset
# ---------------------------------------------------------------------------


class LineTracker:
    """Iterate the byte lines of a stream, knowing where each one starts.

    ``offset`` and ``line_no`` are those of the stream's current position
    (the caller has seeked there): the first line read is ``line_no + 1``.

    >>> import io
    >>> tracker = LineTracker(io.BytesIO(b"ab\\ncd\\n"), offset=10, line_no=4)
    >>> [(raw, tracker.line_no, tracker.line_start, tracker.offset) for raw in tracker]
    [(b'ab\\n', 5, 10, 13), (b'cd\\n', 6, 13, 16)]
    >>> tracker.exhausted
    True

    A line longer than :data:`.cdr.LINE_MAX_BYTES` is cut, the rest skipped:

    >>> data = b"x" * (cdr.LINE_MAX_BYTES * 2) + b"\\nnext\\n"
    >>> tracker = LineTracker(io.BytesIO(data))
    >>> [(len(raw), type(raw).__name__, tracker.offset) for raw in tracker]
    [(500, 'OverlongLine', 131073), (5, 'bytes', 131078)]
    """

    def __init__(self, stream, offset=0, line_no=0):
        self.stream = stream
        self.offset = offset
        self.line_no = line_no
        self.line_start = offset
        self.last_raw = b""
        self.exhausted = False

    def __iter__(self):
        readline, limit = self.stream.readline, cdr.LINE_MAX_BYTES
        while True:
            raw = readline(limit + 1)
            if not raw:
                break
            size = len(raw)
            if size > limit and not raw.endswith(b"\n"):
                # Not a CDR line: skip to its end without holding it.
                while True:
                    rest = readline(limit)
                    size += len(rest)
                    if not rest or rest.endswith(b"\n"):
                        break
                raw = cdr.OverlongLine(raw[:RAW_LINE_MAX_LENGTH])
            self.line_start = self.offset
            self.offset += size
            self.line_no += 1
            self.last_raw = raw
            yield raw
        self.exhausted = True

    def last_text(self):
        """The last line read, decoded and cut to :data:`RAW_LINE_MAX_LENGTH`."""
        return cdr.decode_line(self.last_raw).rstrip("\r\n")[:RAW_LINE_MAX_LENGTH]


def iter_file_events(tracker, fmt="asterisk_csv", mapping=None, **options):
    """Events (:data:`FileEvent`) of a CDR file read through ``tracker``.

    ``tracker`` is a :class:`LineTracker` on a binary file positioned at its
    ``offset``, after its ``line_no`` lines (0 and 0 for a new file; a
    previous event's ``resume`` to go on); once the events are exhausted, it
    tells how far the file was read. ``fmt`` is ``asterisk_csv``
    (``Master.csv``) or ``mapped`` (a CSV described by ``mapping``,
    ``options`` being :func:`.cdr.iter_mapped_rows`' ``has_header``,
    ``delimiter`` and ``date_format``). A mapping that does not fit the file
    raises :class:`.cdr.CdrError` when iteration starts.

    Reading a file in one go, or in two runs from the resume point of an
    event, gives the same events:

    >>> import io
    >>> def line(uid, dst, disposition, billsec):
    ...     return ('"","0912345678","400","q","","SIP/trunk-01","SIP/%s-02","Queue","",'
    ...             '"2024-03-04 08:00:00",,"2024-03-04 08:01:00",60,%d,"%s","DOCUMENTATION",'
    ...             '"%s",""\\n' % (dst, billsec, disposition, uid)).encode()
    >>> data = (line("1.1", "101", "NO ANSWER", 0) + line("1.1", "102", "ANSWERED", 50)
    ...         + b"garbage\\n" + line("2.2", "103", "ANSWERED", 10))
    >>> tracker = LineTracker(io.BytesIO(data))
    >>> events = list(iter_file_events(tracker))
    >>> [(e.line_no, e.values and e.values["extension"], e.error, e.resume) for e in events]
    [(3, None, 'columns: expected 16 to 21, got 1', None), (1, '102', None, (318, 3)), (4, '103', None, (473, 4))]
    >>> tracker.offset, tracker.line_no
    (473, 4)

    The first call ended when line 4 was read: a second run starts there.

    >>> stream = io.BytesIO(data)
    >>> _ = stream.seek(318)
    >>> events = iter_file_events(LineTracker(stream, offset=318, line_no=3))
    >>> [(e.line_no, e.values["extension"]) for e in events]
    [(4, '103')]

    A mapped file read again from the middle reads its header first:

    >>> data = b"id,when,ext,number,talk\\n" + b"".join(
    ...     b"c%d,2024-03-04 08:0%d:00,101,0912345678,%d\\n" % (n, n, n * 10) for n in (1, 2, 3))
    >>> mapping = {"external_uid": "id", "start": "when", "extension": "ext",
    ...            "phone": "number", "talk_seconds": "talk"}
    >>> events = list(iter_file_events(LineTracker(io.BytesIO(data)), "mapped", mapping))
    >>> [(e.line_no, e.values["external_uid"], e.resume) for e in events]
    [(2, 'c1', (65, 2)), (3, 'c2', (106, 3)), (4, 'c3', (147, 4))]
    >>> stream = io.BytesIO(data)
    >>> _ = stream.seek(106)
    >>> events = iter_file_events(LineTracker(stream, 106, 3), "mapped", mapping)
    >>> [(e.line_no, e.values["external_uid"], e.values["talk_seconds"]) for e in events]
    [(4, 'c3', 30)]
    """
    if fmt == "asterisk_csv":
        return _iter_asterisk_events(tracker)
    if fmt == "mapped":
        return _iter_mapped_events(tracker, mapping or {}, **options)
    raise ValueError(f"unknown CDR format {fmt!r}")


def _iter_asterisk_events(tracker):
    base = tracker.line_no
    for first, call, line_nos, error in cdr.iter_asterisk_calls(tracker):
        if error:
            yield FileEvent(first + base, None, error, tracker.last_text(), None)
            continue
        values = asterisk_call_values(call, [number + base for number in line_nos])
        if tracker.exhausted:
            resume = (tracker.offset, tracker.line_no)
        else:
            # The call ended because the line just read starts another one:
            # the next run reads that line again.
            resume = (tracker.line_start, tracker.line_no - 1)
        yield FileEvent(first + base, values, None, None, resume)


def _iter_mapped_events(tracker, mapping, has_header=True, delimiter=",", date_format=None):
    date_format = date_format or cdr.ASTERISK_DATE_FORMAT
    lines, delta = tracker, tracker.line_no
    if has_header and tracker.offset:
        # Going on in the middle of a file: read its header again first.
        stream = tracker.stream
        stream.seek(0)
        header = stream.readline()
        stream.seek(tracker.offset)
        lines, delta = itertools.chain([header], tracker), tracker.line_no - 1
    utc = "%z" in date_format
    rows = cdr.iter_mapped_rows(
        lines, mapping, has_header=has_header, delimiter=delimiter, date_format=date_format
    )
    for local_no, values, error in rows:
        resume = (tracker.offset, tracker.line_no)
        if error:
            yield FileEvent(local_no + delta, None, error, tracker.last_text(), resume)
            continue
        values = complete_values(dict(values, utc=utc, lines=[local_no + delta]))
        yield FileEvent(local_no + delta, values, None, None, resume)


# ---------------------------------------------------------------------------
# One shape of values
# ---------------------------------------------------------------------------


def asterisk_call_values(call, line_nos=()):
    """Values of a call merged by :func:`.cdr.merge_legs`.

    The talk time is the answered leg's ``billsec``; Asterisk dates are the
    PBX's local time (``utc`` false).

    >>> call = {"external_uid": "1709515800.5", "start": datetime(2024, 3, 4, 8, 30),
    ...         "billsec": 240, "ring_duration": 18, "direction": "inbound",
    ...         "disposition": "answered", "extension": "103", "phone": "02838221234",
    ...         "src": "02838221234", "dst": "400"}
    >>> values = asterisk_call_values(call, [3, 4])
    >>> values["talk_seconds"], values["ring_duration"], values["lines"], values["utc"]
    (240, 18, [3, 4], False)
    """
    return {
        "external_uid": call["external_uid"],
        "start": call["start"],
        "utc": False,
        "talk_seconds": call["billsec"],
        "ring_duration": call["ring_duration"],
        "direction": call["direction"],
        "disposition": call["disposition"],
        "extension": call["extension"],
        "phone": call["phone"],
        "src": call["src"],
        "dst": call["dst"],
        "lines": list(line_nos),
    }


def complete_values(values):
    """Fill what a CSV export or a push left out, from what it gave.

    - ``direction`` from ``src`` and ``dst`` (:func:`.cdr.call_direction`);
    - ``extension`` and ``phone`` from ``src`` / ``dst`` by direction;
    - ``disposition``: answered when talked, else no_answer;
    - ``ring_duration`` 0, ``talk_seconds`` 0;
    - ``external_uid``: a digest of the call's data, so that the same row
      imported twice is still recognised.

    >>> values = complete_values({"start": datetime(2024, 3, 4, 8), "src": "101",
    ...                           "dst": "0912345678", "talk_seconds": 30})
    >>> [values[key] for key in ("direction", "extension", "phone", "disposition", "ring_duration")]
    ['outbound', '101', '0912345678', 'answered', 0]
    >>> values["external_uid"][:5], len(values["external_uid"])
    ('sha1:', 45)
    >>> complete_values({"start": datetime(2024, 3, 4, 8), "direction": "inbound",
    ...                  "src": "0912345678", "dst": "102"})["disposition"]
    'no_answer'
    """
    values = {key: values.get(key) for key in VALUE_KEYS}
    for key in ("external_uid", "extension", "phone", "src", "dst"):
        values[key] = str(values[key] or "").strip()
    values["talk_seconds"] = values["talk_seconds"] or 0
    values["ring_duration"] = values["ring_duration"] or 0
    values["utc"] = bool(values["utc"])
    values["lines"] = list(values["lines"] or [])
    src, dst = values["src"], values["dst"]
    if not values["direction"]:
        values["direction"] = cdr.call_direction(src, dst)
    outbound = values["direction"] == "outbound"
    if not values["extension"]:
        candidate = src if outbound else dst
        values["extension"] = candidate if cdr._is_extension(candidate) else ""
    if not values["phone"] and values["direction"] in ("inbound", "outbound"):
        values["phone"] = dst if outbound else src
    if not values["disposition"]:
        values["disposition"] = "answered" if values["talk_seconds"] > 0 else "no_answer"
    if not values["external_uid"]:
        values["external_uid"] = _digest_uid(values)
    return values


def _digest_uid(values):
    """A stable id for a call without one: a digest of its data."""
    start = values["start"].isoformat() if values["start"] else ""
    data = "|".join(
        str(part)
        for part in (
            start,
            values["direction"],
            values["extension"],
            values["phone"],
            values["src"],
            values["dst"],
            values["talk_seconds"],
        )
    )
    return "sha1:" + hashlib.sha1(data.encode()).hexdigest()


def check_text(field, value, max_length=TEXT_MAX_LENGTH):
    """Raise :class:`.cdr.CdrError` unless ``value`` is text a database can store.

    No NUL character, no lone surrogate (JSON's ``\\ud800``), at most
    ``max_length`` characters; ``None`` and numbers pass.

    >>> check_text("phone", "0912345678"), check_text("phone", None), check_text("phone", 42)
    (None, None, None)
    >>> for value in ("a" + chr(0), chr(0xD800), "9" * 200):
    ...     try:
    ...         check_text("phone", value)
    ...     except cdr.CdrError as error:
    ...         print(error)
    phone: invalid characters
    phone: invalid characters
    phone: longer than 128 characters
    """
    if not isinstance(value, str):
        return
    if len(value) > max_length:
        raise cdr.CdrError(f"{field}: longer than {max_length} characters")
    if "\x00" in value:
        raise cdr.CdrError(f"{field}: invalid characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise cdr.CdrError(f"{field}: invalid characters") from None


def check_values(values):
    """Raise :class:`.cdr.CdrError` unless a call's values can be stored as they are.

    The last check before storing, for files and pushes alike: a start
    between :data:`START_MIN` and :data:`START_MAX`, talk and ring seconds
    in 0 … :data:`.cdr.SECONDS_MAX`, storable texts.

    >>> good = complete_values({"external_uid": "x", "start": datetime(2024, 3, 4), "src": "101",
    ...                         "dst": "0912345678", "talk_seconds": 30})
    >>> check_values(good)
    >>> for change in ({"start": datetime(1, 1, 1)}, {"start": datetime(9999, 12, 31)},
    ...                {"ring_duration": -5}, {"talk_seconds": 10**9}, {"phone": "0" * 500}):
    ...     try:
    ...         check_values(dict(good, **change))
    ...     except cdr.CdrError as error:
    ...         print(error)
    start: 0001-01-01 00:00:00 is not between 2000 and 2099
    start: 9999-12-31 00:00:00 is not between 2000 and 2099
    ring_duration: not a duration -5
    talk_seconds: more than 604800 seconds 1000000000
    phone: longer than 128 characters
    """
    start = values["start"]
    if not isinstance(start, datetime) or not START_MIN <= start < START_MAX:
        raise cdr.CdrError(
            f"start: {start} is not between {START_MIN.year} and {START_MAX.year - 1}"
        )
    for key in ("talk_seconds", "ring_duration"):
        cdr.check_seconds(key, values[key] or 0)
    check_text("external_uid", values["external_uid"], EXTERNAL_UID_MAX_LENGTH)
    for key in ("extension", "phone", "src", "dst"):
        check_text(key, values[key])
    if values.get("csat") is not None:
        parse_push_csat(values["csat"])


# ---------------------------------------------------------------------------
# Pushed JSON items
# ---------------------------------------------------------------------------


def parse_push_datetime(value):
    """``(naive datetime, utc)`` from a pushed ``start``.

    ISO 8601 with an offset or ``Z`` is converted to UTC; without one it is
    the PBX's local time (``utc`` false); a number is a Unix time (UTC).

    >>> parse_push_datetime("2024-03-04T08:00:05+07:00")
    (datetime.datetime(2024, 3, 4, 1, 0, 5), True)
    >>> parse_push_datetime("2024-03-04 08:00:05")
    (datetime.datetime(2024, 3, 4, 8, 0, 5), False)
    >>> parse_push_datetime("2024-03-04T01:00:05Z"), parse_push_datetime(1709514005)
    ((datetime.datetime(2024, 3, 4, 1, 0, 5), True), (datetime.datetime(2024, 3, 4, 1, 0, 5), True))
    >>> for value in ("04/03/2024", "0001-01-01T00:00:00+07:00", float("nan"), 1e400, {}):
    ...     try:
    ...         parse_push_datetime(value)
    ...     except cdr.CdrError as error:
    ...         print(error)
    start: invalid date '04/03/2024'
    start: invalid date '0001-01-01T00:00:00+07:00'
    start: invalid date nan
    start: invalid date inf
    start: invalid date an object
    """
    if value is None or value == "":
        raise cdr.CdrError("start: missing date")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            date = datetime.fromtimestamp(value, timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise cdr.CdrError(f"start: invalid date {cdr.shown(value)}") from None
        return date.replace(tzinfo=None), True
    if not isinstance(value, str) or len(value) > 64:
        raise cdr.CdrError(f"start: invalid date {cdr.shown(value)}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        date = datetime.fromisoformat(text)
        if date.tzinfo is None:
            return date, False
        return date.astimezone(timezone.utc).replace(tzinfo=None), True
    except (ValueError, OverflowError):
        raise cdr.CdrError(f"start: invalid date {cdr.shown(value)}") from None


def parse_push_seconds(field, value):
    """Seconds of a pushed duration: a number, or text as in CSV files.

    >>> parse_push_seconds("talk_seconds", 75), parse_push_seconds("talk_seconds", 74.6)
    (75, 75)
    >>> parse_push_seconds("talk_seconds", "1:15"), parse_push_seconds("talk_seconds", None)
    (75, None)
    >>> try:
    ...     parse_push_seconds("ring_duration", -1)
    ... except cdr.CdrError as error:
    ...     print(error)
    ring_duration: not a duration -1
    >>> for value in (float("nan"), float("inf"), 10**30, True, [1]):
    ...     try:
    ...         parse_push_seconds("talk_seconds", value)
    ...     except cdr.CdrError as error:
    ...         print(error)
    talk_seconds: not a duration nan
    talk_seconds: not a duration inf
    talk_seconds: more than 604800 seconds 1000000000000000000000000000000
    talk_seconds: not a duration True
    talk_seconds: not a duration a list
    """
    if value is None or value == "":
        return None
    if isinstance(value, str) and len(value) <= 64:
        return cdr._parse_seconds(field, value)
    return cdr.check_seconds(field, value)


def parse_push_csat(value):
    """The post-call survey score of a pushed call: a number from :data:`CSAT_MIN` to
    :data:`CSAT_MAX` (``4``, ``4.5``, ``"4"``), or ``None`` when the caller gave none.

    >>> parse_push_csat(4), parse_push_csat("4.5"), parse_push_csat(None), parse_push_csat("")
    (4.0, 4.5, None, None)
    >>> for value in (0, 6, "great", float("nan"), True, [5]):
    ...     try:
    ...         parse_push_csat(value)
    ...     except cdr.CdrError as error:
    ...         print(error)
    csat: not a survey score from 1 to 5: 0
    csat: not a survey score from 1 to 5: 6
    csat: not a survey score from 1 to 5: 'great'
    csat: not a survey score from 1 to 5: nan
    csat: not a survey score from 1 to 5: True
    csat: not a survey score from 1 to 5: a list
    """
    if value is None or value == "":
        return None
    score = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        score = float(value)
    elif isinstance(value, str) and len(value) <= 16:
        try:
            score = float(value.strip())
        except ValueError:
            score = None
    if score is None or not CSAT_MIN <= score <= CSAT_MAX:
        raise cdr.CdrError(f"csat: not a survey score from {CSAT_MIN} to {CSAT_MAX}: {cdr.shown(value)}")
    return score


def _push_talk_seconds(item):
    """The talk seconds of a pushed item: ``talk_seconds``, else its older name ``duration``
    (an error names the key the PBX sent).

    >>> _push_talk_seconds({"talk_seconds": 61}), _push_talk_seconds({"duration": "1:01"})
    (61, 61)
    """
    key = "talk_seconds" if item.get("talk_seconds") is not None else "duration"
    return parse_push_seconds(key, item.get(key))


def parse_push_item(item):
    """Values of one pushed call (a JSON object); raises :class:`.cdr.CdrError`.

    Keys: ``external_uid`` and ``start`` (required), ``talk_seconds`` (or its
    older name ``duration``, :data:`.cdr.KEY_ALIASES`), ``ring_duration``,
    ``direction``, ``disposition``, ``extension``,
    ``phone``, ``src``, ``dst`` (see :func:`complete_values` for what is
    derived when missing), ``csat`` (the post-call survey score, 1 to 5,
    :func:`parse_push_csat`). Unknown keys are an error, so that a typo does
    not silently lose data.

    >>> values = parse_push_item({"external_uid": "pbx1-42", "start": "2024-03-04T08:00:00+07:00",
    ...     "direction": "out", "extension": "101", "phone": "0912345678", "talk_seconds": 61,
    ...     "disposition": "ANSWERED"})
    >>> [values[key] for key in ("external_uid", "start", "utc", "direction", "talk_seconds")]
    ['pbx1-42', datetime.datetime(2024, 3, 4, 1, 0), True, 'outbound', 61]
    >>> for item in ({"start": "2024-03-04 08:00:00"}, {"external_uid": "x", "start": "2024-03-04",
    ...              "agent": "101"}, ["not", "an", "object"]):
    ...     try:
    ...         parse_push_item(item)
    ...     except cdr.CdrError as error:
    ...         print(error)
    external_uid: missing value
    agent: unknown key
    item: expected a JSON object
    """
    if not isinstance(item, dict):
        raise cdr.CdrError("item: expected a JSON object")
    unknown = sorted(set(item) - set(PUSH_KEYS) - set(cdr.KEY_ALIASES))
    if unknown:
        key = unknown[0]
        shown_key = key if len(key) <= 40 and key.isprintable() else cdr.shown(key)
        raise cdr.CdrError(f"{shown_key}: unknown key")
    uid = item.get("external_uid")
    if isinstance(uid, int) and not isinstance(uid, bool):
        uid = str(uid)
    if not isinstance(uid, str) or not uid.strip():
        raise cdr.CdrError("external_uid: missing value")
    for key in ("direction", "disposition", "extension", "phone", "src", "dst"):
        value = item.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int))):
            raise cdr.CdrError(f"{key}: expected text, got {cdr.shown(value)}")
    start, utc = parse_push_datetime(item.get("start"))
    for key in ("external_uid", "extension", "phone", "src", "dst", "direction", "disposition"):
        check_text(key, uid if key == "external_uid" else item.get(key))
    return complete_values(
        {
            "external_uid": uid,
            "start": start,
            "utc": utc,
            "talk_seconds": _push_talk_seconds(item),
            "ring_duration": parse_push_seconds("ring_duration", item.get("ring_duration")),
            "direction": cdr.normalize_direction(str(item.get("direction") or "")),
            "disposition": cdr.normalize_disposition(str(item.get("disposition") or "")),
            "extension": item.get("extension"),
            "phone": item.get("phone"),
            "src": item.get("src"),
            "dst": item.get("dst"),
            "csat": parse_push_csat(item.get("csat")),
        }
    )
