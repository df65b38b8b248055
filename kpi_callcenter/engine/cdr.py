"""Call detail records: Asterisk cdr-csv (``Master.csv``) and mapped CSV files.

Everything here streams: files are read line by line from a binary stream
(or any iterable of byte lines), so a multi-GB ``Master.csv`` never sits in
memory. Parsing errors are raised per row as :class:`CdrError` (or yielded
per row), so that an importer can log the line and carry on.

Asterisk cdr-csv columns
------------------------
``cdr/cdr_csv.c`` (``build_csv_record``) writes one line per CDR, no header,
strings double-quoted (inner quotes doubled), numbers bare, an unset date as
an empty bare field, dates as ``"%Y-%m-%d %T"`` in the PBX's local time (or
GMT with ``usegmtime``). The 16 base columns are always written::

    accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp,
    lastdata, start, answer, end, duration, billsec, disposition, amaflags

then, in this order, the optional ones switched on in ``cdr.conf`` ``[csv]``:
``uniqueid`` (``loguniqueid``), ``userfield`` (``loguserfield``) and, since
Asterisk 12, ``peeraccount, linkedid, sequence`` (``newcdrcolumns``). Hence
16 to 21 columns:

== ==================================================================
16 base
17 base + uniqueid, or base + userfield (told apart by the value)
18 base + uniqueid + userfield (the sample ``cdr.conf`` settings)
19 base + peeraccount, linkedid, sequence
20 base + uniqueid (or userfield) + peeraccount, linkedid, sequence
21 base + uniqueid + userfield + peeraccount, linkedid, sequence
== ==================================================================

A call through a queue or a ring group writes one row per ringing leg, all
sharing the caller's ``uniqueid`` / ``linkedid``; :func:`merge_legs` makes
one call of them.
"""

import codecs
import contextlib
import csv
import math
import re
from datetime import datetime, timezone

ASTERISK_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
ASTERISK_BASE_COLUMNS = (
    "accountcode",
    "src",
    "dst",
    "dcontext",
    "clid",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
)
ASTERISK_NEW_COLUMNS = ("peeraccount", "linkedid", "sequence")
ASTERISK_COLUMNS = ASTERISK_BASE_COLUMNS + ("uniqueid", "userfield") + ASTERISK_NEW_COLUMNS
ASTERISK_VARIANTS = {
    16: ASTERISK_BASE_COLUMNS,
    17: ASTERISK_BASE_COLUMNS + ("uniqueid",),
    18: ASTERISK_BASE_COLUMNS + ("uniqueid", "userfield"),
    19: ASTERISK_BASE_COLUMNS + ASTERISK_NEW_COLUMNS,
    20: ASTERISK_BASE_COLUMNS + ("uniqueid",) + ASTERISK_NEW_COLUMNS,
    21: ASTERISK_COLUMNS,
}
MAPPED_KEYS = (
    "external_uid",
    "start",
    "talk_seconds",
    "ring_duration",
    "direction",
    "disposition",
    "extension",
    "phone",
    "src",
    "dst",
)
# Older names a mapping or a pushed call may still use: ``duration`` was the talk time's
# name before it became ``talk_seconds`` (PBX integrations written then keep working).
KEY_ALIASES = {"duration": "talk_seconds"}
EXTENSION_MAX_DIGITS = 6
# The longest call we believe (a week); anything longer is a PBX or export fault.
SECONDS_MAX = 7 * 24 * 3600
# A line of a CDR file longer than this is not a call: it is reported, not read.
LINE_MAX_BYTES = 64 * 1024
SHOWN_MAX_LENGTH = 60

_UNIQUEID = re.compile(r"^(?:\S+-)?\d+\.\d+$")
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_ASTERISK_DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})$")
_DISPOSITIONS = {
    "answered": "answered",
    "answer": "answered",
    "connected": "answered",
    "completed": "answered",
    "no_answer": "no_answer",
    "noanswer": "no_answer",
    "null": "no_answer",
    "missed": "no_answer",
    "unanswered": "no_answer",
    "abandoned": "no_answer",
    "busy": "busy",
    "failed": "failed",
    "congestion": "failed",
    "error": "failed",
}
_DIRECTIONS = {
    "inbound": "inbound",
    "in": "inbound",
    "incoming": "inbound",
    "outbound": "outbound",
    "out": "outbound",
    "outgoing": "outbound",
    "internal": "internal",
    "local": "internal",
}
_FALLBACK_ERRORS = "kpi_callcenter.cp1258_fallback"


class CdrError(ValueError):
    """A row that cannot be read; the message names the field at fault."""


def shown(value):
    """``value`` as an error message may show it: a short repr, never a whole structure.

    >>> shown("2024-13-45"), shown(12), shown(float("nan")), shown([1, [2]])
    ("'2024-13-45'", '12', 'nan', 'a list')
    >>> len(shown("x" * 100)), shown("x" * 100)[-2:], shown(chr(0)) == repr(chr(0))
    (58, 'x…', True)
    """
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (str, int, float, bool)) or value is None:
        text = repr(value) if not isinstance(value, int) or abs(value) < 10**40 else "a huge number"
    else:
        text = type(value).__name__
    return text if len(text) <= SHOWN_MAX_LENGTH else text[: SHOWN_MAX_LENGTH - 3] + "…"


# ---------------------------------------------------------------------------
# Reading lines
# ---------------------------------------------------------------------------


def _byte_as_text(byte):
    """One undecodable byte read as Windows-1258 (Vietnamese), else Latin-1.

    >>> _byte_as_text(0xEA), _byte_as_text(0xE3), _byte_as_text(0x81)
    ('ê', 'ă', '\\x81')
    """
    try:
        return bytes([byte]).decode("cp1258")
    except UnicodeDecodeError:
        return chr(byte)


def _fallback(error):
    """Codec error handler: decode the offending bytes one by one."""
    bad = error.object[error.start : error.end]
    return "".join(_byte_as_text(byte) for byte in bad), error.end


codecs.register_error(_FALLBACK_ERRORS, _fallback)


def decode_line(raw):
    """Text of a line: UTF-8, with stray non-UTF-8 bytes read as cp1258/latin-1.

    >>> decode_line("Lê Văn C".encode())
    'Lê Văn C'
    >>> decode_line(b"L\\xea V\\xe3n C")
    'Lê Văn C'
    >>> decode_line("Nguyễn ".encode() + b"\\xea")
    'Nguyễn ê'
    >>> decode_line("already text")
    'already text'
    """
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors=_FALLBACK_ERRORS)


class OverlongLine(bytes):
    """The start of a line longer than :data:`LINE_MAX_BYTES`, the rest left unread."""


def iter_csv_rows(stream, delimiter=","):
    """Yield ``(line_no, fields)`` for each non-blank line of a CSV stream.

    ``stream`` is a binary file or any iterable of byte (or text) lines; it
    is read lazily, one physical line at a time, so a record is one line
    (Asterisk never writes line breaks inside a field) and a broken line
    cannot swallow the rest of the file. Quoted fields may hold commas and
    doubled quotes. Line numbers count from 1, blank lines included; a UTF-8
    byte order mark is dropped. A line that cannot be read (longer than
    :data:`LINE_MAX_BYTES`, NUL characters) comes as ``(line_no, CdrError)``
    instead of its fields.

    >>> caller_id = b'"Nguyen, Van A" <0912345678>'.replace(b'"', b'""')
    >>> lines = [
    ...     b'\\xef\\xbb\\xbf"a","' + caller_id + b'",3\\r\\n',
    ...     b"\\n",
    ...     b'"b","L\\xea V\\xe3n C",,4\\n',
    ... ]
    >>> for line_no, fields in iter_csv_rows(lines):
    ...     print(line_no, fields)
    1 ['a', '"Nguyen, Van A" <0912345678>', '3']
    3 ['b', 'Lê Văn C', '', '4']
    >>> [str(fields) for _no, fields in iter_csv_rows([b"a,b" + bytes(1) + b"\\n"])]
    ['line: contains NUL characters']
    """
    for line_no, raw in enumerate(stream, 1):
        if isinstance(raw, OverlongLine) or len(raw) > LINE_MAX_BYTES:
            yield line_no, CdrError(f"line: longer than {LINE_MAX_BYTES} bytes")
            continue
        text = decode_line(raw).rstrip("\r\n")
        if line_no == 1:
            text = text.lstrip("\ufeff")
        if not text.strip():
            continue
        if "\x00" in text:
            yield line_no, CdrError("line: contains NUL characters")
            continue
        try:
            yield line_no, next(csv.reader([text], delimiter=delimiter))
        except csv.Error as error:
            yield line_no, CdrError(f"line: {error}")


# ---------------------------------------------------------------------------
# Field parsers
# ---------------------------------------------------------------------------


def _parse_date(field, value, date_format=ASTERISK_DATE_FORMAT, required=False):
    """Naive datetime from ``value``; ``None`` when empty and not required.

    A date with a time zone (``%z``) is converted to naive UTC.

    >>> _parse_date("start", "2024-03-04 08:00:05")
    datetime.datetime(2024, 3, 4, 8, 0, 5)
    >>> _parse_date("answer", "") is None
    True
    >>> _parse_date("start", "2024-03-04T08:00:05+0700", "%Y-%m-%dT%H:%M:%S%z")
    datetime.datetime(2024, 3, 4, 1, 0, 5)
    >>> try:
    ...     _parse_date("start", "", required=True)
    ... except CdrError as error:
    ...     print(error)
    start: missing date
    """
    value = (value or "").strip()
    if not value:
        if required:
            raise CdrError(f"{field}: missing date")
        return None
    if date_format == ASTERISK_DATE_FORMAT and _ASTERISK_DATE.match(value):
        # The format Asterisk writes, read in C (strptime is most of a row's parsing time);
        # an impossible date (month 13) gets strptime's verdict below.
        with contextlib.suppress(ValueError):
            return datetime.fromisoformat(value)
    try:
        date = datetime.strptime(value, date_format)
        if date.tzinfo is not None:
            date = date.astimezone(timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise CdrError(f"{field}: invalid date {shown(value)}") from None
    return date


def _parse_int(field, value):
    """Integer written by Asterisk (``%d``).

    >>> _parse_int("billsec", " 42 ")
    42
    >>> try:
    ...     _parse_int("duration", "x12")
    ... except CdrError as error:
    ...     print(error)
    duration: not an integer 'x12'
    """
    try:
        number = int((value or "").strip())
    except ValueError:
        raise CdrError(f"{field}: not an integer {shown(value)}") from None
    if abs(number) > 2**31 - 1:
        raise CdrError(f"{field}: out of range {shown(value)}")
    return number


def _parse_seconds(field, value):
    """Seconds from "75", "75.4", "1:15" or "0:01:15"; ``None`` when empty.

    At most :data:`SECONDS_MAX` (a week): longer is a fault, as are NaN and infinities.

    >>> [_parse_seconds("duration", v) for v in ("75", "75.4", "1:15", "0:01:15", "")]
    [75, 75, 75, 75, None]
    >>> for value in ("-3", "nan", "inf", "1e400", "999999:00:00"):
    ...     try:
    ...         _parse_seconds("duration", value)
    ...     except CdrError as error:
    ...         print(error)
    duration: not a duration '-3'
    duration: not a duration 'nan'
    duration: not a duration 'inf'
    duration: not a duration '1e400'
    duration: more than 604800 seconds '999999:00:00'
    """
    value = (value or "").strip()
    if not value:
        return None
    clock = _CLOCK.match(value)
    if clock:
        hours, minutes, seconds = (int(part or 0) for part in clock.groups())
        return check_seconds(field, hours * 3600 + minutes * 60 + seconds, value)
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    return check_seconds(field, number, value)


def check_seconds(field, number, shown_value=None):
    """``number`` (int or float) as whole seconds, in 0 … :data:`SECONDS_MAX`; else CdrError.

    >>> check_seconds("duration", 74.6), check_seconds("duration", 0)
    (75, 0)
    >>> try:
    ...     check_seconds("ring_duration", float("inf"))
    ... except CdrError as error:
    ...     print(error)
    ring_duration: not a duration inf
    """
    shown_value = number if shown_value is None else shown_value
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        raise CdrError(f"{field}: not a duration {shown(shown_value)}")
    if isinstance(number, float) and not math.isfinite(number) or number < 0:
        raise CdrError(f"{field}: not a duration {shown(shown_value)}")
    if number > SECONDS_MAX:
        raise CdrError(f"{field}: more than {SECONDS_MAX} seconds {shown(shown_value)}")
    return round(number)


def _normalize_choice(field, value, choices):
    """Map a free-text value to our selection value; ``None`` when empty."""
    key = re.sub(r"[\s\-]+", "_", (value or "").strip().lower())
    if not key:
        return None
    if key not in choices:
        raise CdrError(f"{field}: unknown value {shown(value)}")
    return choices[key]


def normalize_disposition(value):
    """answered / no_answer / busy / failed from Asterisk's or a CSV's wording.

    >>> asterisk = ("ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION")
    >>> [normalize_disposition(value) for value in asterisk]
    ['answered', 'no_answer', 'busy', 'failed', 'failed']
    >>> normalize_disposition("missed"), normalize_disposition("") is None
    ('no_answer', True)
    >>> try:
    ...     normalize_disposition("HELD")
    ... except CdrError as error:
    ...     print(error)
    disposition: unknown value 'HELD'
    """
    return _normalize_choice("disposition", value, _DISPOSITIONS)


def normalize_direction(value):
    """inbound / outbound / internal from a CSV's wording; ``None`` when empty.

    >>> [normalize_direction(v) for v in ("in", "Outgoing", "internal", "")]
    ['inbound', 'outbound', 'internal', None]
    """
    return _normalize_choice("direction", value, _DIRECTIONS)


# ---------------------------------------------------------------------------
# Asterisk rows
# ---------------------------------------------------------------------------


def asterisk_columns(count, fields=None):
    """Column names of an Asterisk cdr-csv row of ``count`` columns.

    17 and 20 columns are ambiguous (``uniqueid`` or ``userfield``): with the
    row's ``fields`` the 17th value decides, a uniqueid looking like
    ``[system-]1709514005.12``; without them ``uniqueid`` is assumed.

    >>> asterisk_columns(21) == ASTERISK_COLUMNS
    True
    >>> asterisk_columns(19)[-4:]
    ('amaflags', 'peeraccount', 'linkedid', 'sequence')
    >>> asterisk_columns(17)[-1], asterisk_columns(17, [""] * 16 + ["vip"])[-1]
    ('uniqueid', 'userfield')
    >>> asterisk_columns(20, [""] * 16 + ["pbx1-1709514005.12", "", "", ""])[16]
    'uniqueid'
    >>> try:
    ...     asterisk_columns(10)
    ... except CdrError as error:
    ...     print(error)
    columns: expected 16 to 21, got 10
    """
    if count not in ASTERISK_VARIANTS:
        raise CdrError(f"columns: expected 16 to 21, got {count}")
    names = ASTERISK_VARIANTS[count]
    if count in (17, 20) and fields is not None and not _UNIQUEID.match(fields[16].strip()):
        names = tuple("userfield" if name == "uniqueid" else name for name in names)
    return names


def parse_asterisk_row(fields):
    """Dict of one Asterisk cdr-csv row (a list of 16 to 21 strings).

    Keys: uniqueid, linkedid, sequence, src, dst, clid, channel, dstchannel,
    start, answer, end, duration, billsec, disposition, accountcode,
    userfield, and also dcontext, lastapp, lastdata, amaflags, peeraccount.
    Dates are naive, in the time zone the PBX wrote them in (its local time
    unless ``usegmtime``): converting them to UTC is the caller's job.
    ``linkedid`` falls back on ``uniqueid``, and a missing ``uniqueid`` is
    made of the start and the channel name; ``sequence`` is ``None`` when not
    logged. Raises :class:`CdrError` on a wrong column count, a bad date or
    duration, or an unknown disposition.

    >>> row = parse_asterisk_row([
    ...     "", "0912345678", "400", "from-trunk", '"Nguyen, Van A" <0912345678>',
    ...     "SIP/viettel-00000005", "Local/101@from-queue-00000006;1", "Queue", "400,t",
    ...     "2024-03-04 08:30:00", "", "2024-03-04 08:30:25", "25", "0", "NO ANSWER",
    ...     "DOCUMENTATION", "1709515800.5", "", "", "1709515800.5", "5"])
    >>> row["start"], row["answer"], row["duration"], row["disposition"], row["sequence"]
    (datetime.datetime(2024, 3, 4, 8, 30), None, 25, 'no_answer', 5)
    >>> row["clid"], extension_from_channel(row["dstchannel"])
    ('"Nguyen, Van A" <0912345678>', '101')

    Without uniqueid nor linkedid (16 columns):

    >>> old = parse_asterisk_row(["", "101", "102", "from-internal", "", "SIP/101-0000000a",
    ...     "SIP/102-0000000b", "Dial", "", "2024-03-04 09:00:00", "2024-03-04 09:00:03",
    ...     "2024-03-04 09:01:03", "63", "60", "ANSWERED", "DOCUMENTATION"])
    >>> old["uniqueid"], old["linkedid"], old["sequence"]
    ('2024-03-04 09:00:00|SIP/101-0000000a', '2024-03-04 09:00:00|SIP/101-0000000a', None)

    >>> try:
    ...     parse_asterisk_row(["x"] * 15)
    ... except CdrError as error:
    ...     print(error)
    columns: expected 16 to 21, got 15
    """
    raw = dict(zip(asterisk_columns(len(fields), fields), (field.strip() for field in fields)))
    start = _parse_date("start", raw["start"], required=True)
    row = {name: raw.get(name, "") for name in ASTERISK_COLUMNS}
    row.update(
        start=start,
        answer=_parse_date("answer", raw["answer"]),
        end=_parse_date("end", raw["end"]),
        duration=_parse_int("duration", raw["duration"]),
        billsec=_parse_int("billsec", raw["billsec"]),
        disposition=normalize_disposition(raw["disposition"]),
        sequence=_parse_int("sequence", raw["sequence"]) if raw.get("sequence") else None,
    )
    if not row["disposition"]:
        raise CdrError("disposition: missing value")
    if not row["uniqueid"]:
        row["uniqueid"] = f"{raw['start']}|{raw['channel']}"
    row["linkedid"] = row["linkedid"] or row["uniqueid"]
    return row


def extension_from_channel(channel):
    """Extension (device or agent) of an Asterisk channel name.

    >>> extension_from_channel("SIP/101-0000002a")
    '101'
    >>> extension_from_channel("PJSIP/agent102-00000001")
    'agent102'
    >>> extension_from_channel("Local/103@from-queue-0000;1")
    '103'
    >>> extension_from_channel("PJSIP/viettel-trunk-0000000f"), extension_from_channel("SIP/104")
    ('viettel-trunk', '104')
    >>> extension_from_channel(""), extension_from_channel(None)
    ('', '')
    """
    if not channel:
        return ""
    name = channel.split("/", 1)[-1]
    if "@" in name:
        return name.split("@", 1)[0]
    base, dash, suffix = name.rpartition("-")
    if dash and base and _HEX.match(suffix):
        return base
    return name


def _is_extension(number):
    """True for a short all-digit number (an internal extension or a queue)."""
    return bool(number) and number.isdigit() and len(number) <= EXTENSION_MAX_DIGITS


def call_direction(src, dst):
    """inbound / outbound / internal / unknown from the source and destination numbers.

    An extension is up to 6 digits; anything longer is an outside number.

    >>> call_direction("0912345678", "400"), call_direction("101", "0912345678")
    ('inbound', 'outbound')
    >>> call_direction("101", "102"), call_direction("", "s")
    ('internal', 'unknown')
    """
    src, dst = (src or "").strip(), (dst or "").strip()
    if _is_extension(src):
        return "internal" if _is_extension(dst) else "outbound"
    if _is_extension(dst) or src.lstrip("+").isdigit():
        return "inbound"
    return "unknown"


def call_key(row):
    """The key that groups a call's legs: ``linkedid``, else ``uniqueid``."""
    return row.get("linkedid") or row.get("uniqueid")


def merge_legs(rows):
    """One call from the parsed rows (legs) of a call, counted once.

    The answered leg wins (the longest answered one if several): its
    channels, answer and billsec are the call's; without one, the leg that
    rang longest wins. The call starts at the earliest leg's start and lasts
    until the latest leg's end. Added keys: ``external_uid`` (the call key),
    ``legs``, ``direction``, ``extension`` (the agent: the source channel's
    extension for outbound and internal calls, the destination channel's
    otherwise), ``phone`` (the outside number, '' for internal calls) and
    ``ring_duration`` (seconds before the answer, or the whole call when
    unanswered).

    >>> from datetime import datetime as dt
    >>> def leg(dstchannel, start, duration, billsec, disposition):
    ...     return {"uniqueid": "1709515800.5", "linkedid": "1709515800.5", "src": "0281234567",
    ...             "dst": "400", "channel": "SIP/viettel-00000005", "dstchannel": dstchannel,
    ...             "start": start, "answer": None, "end": None, "duration": duration,
    ...             "billsec": billsec, "disposition": disposition}
    >>> call = merge_legs([
    ...     leg("Local/101@from-queue-00000006;1", dt(2024, 3, 4, 8, 30, 0), 25, 0, "no_answer"),
    ...     leg("Local/103@from-queue-00000008;1", dt(2024, 3, 4, 8, 30, 2), 256, 240, "answered"),
    ... ])
    >>> call["extension"], call["disposition"], call["billsec"], call["legs"]
    ('103', 'answered', 240, 2)
    >>> call["start"], call["duration"], call["ring_duration"], call["direction"], call["phone"]
    (datetime.datetime(2024, 3, 4, 8, 30), 258, 18, 'inbound', '0281234567')
    """
    rows = list(rows)
    if not rows:
        raise ValueError("merge_legs needs at least one row")
    answered = [row for row in rows if row["disposition"] == "answered"]
    if answered:
        winner = max(answered, key=lambda row: row["billsec"])
    else:
        winner = max(rows, key=lambda row: row["duration"])
    start = min(row["start"] for row in rows)
    ends = [row["end"] for row in rows if row.get("end")]

    def offset(row):
        return int((row["start"] - start).total_seconds())

    call = dict(winner)
    call.update(
        external_uid=call_key(rows[0]),
        uniqueid=rows[0]["uniqueid"],
        legs=len(rows),
        start=start,
        end=max(ends) if ends else None,
        duration=max(row["duration"] + offset(row) for row in rows),
        direction=call_direction(winner["src"], winner["dst"]),
    )
    if answered:
        call["ring_duration"] = winner["duration"] - winner["billsec"] + offset(winner)
    else:
        call["ring_duration"] = call["duration"]
    agent_side = call["direction"] in ("outbound", "internal")
    call["extension"] = extension_from_channel(
        winner["channel"] if agent_side else winner["dstchannel"]
    )
    if call["direction"] == "internal":
        call["phone"] = ""
    else:
        call["phone"] = winner["dst"] if agent_side else winner["src"]
    return call


class _CallGrouper:
    """Collects consecutive legs sharing a call key; hands back finished calls."""

    def __init__(self):
        self.key, self.rows, self.line_nos = None, [], []

    def add(self, line_no, row):
        """Add a leg; return the previous call ``(line_no, call, line_nos)`` if it ended."""
        key = call_key(row)
        finished = self.flush() if self.rows and key != self.key else None
        self.key = key
        self.rows.append(row)
        self.line_nos.append(line_no)
        return finished

    def flush(self):
        """The pending call ``(first_line_no, call, line_nos)``, or ``None``."""
        if not self.rows:
            return None
        finished = (self.line_nos[0], merge_legs(self.rows), self.line_nos)
        self.rows, self.line_nos = [], []
        return finished


def iter_calls(rows):
    """Group consecutive ``(line_no, parsed_row)`` sharing a call key into calls.

    Yields ``(first_line_no, merged_call, [line_nos])``, lazily. Asterisk
    writes a call's legs together, so consecutive grouping is enough; the
    same key seen again later is a new call (a duplicate to be detected by
    ``external_uid``).

    >>> from datetime import datetime as dt
    >>> def row(uid, disposition="answered"):
    ...     return {"uniqueid": uid, "linkedid": uid, "src": "0912345678", "dst": "400",
    ...             "channel": "SIP/trunk-01", "dstchannel": "SIP/101-02",
    ...             "start": dt(2024, 3, 4), "end": None, "duration": 10, "billsec": 5,
    ...             "disposition": disposition}
    >>> rows = [(1, row("a")), (2, row("b", "no_answer")), (3, row("b")), (5, row("a"))]
    >>> [(first, call["external_uid"], lines) for first, call, lines in iter_calls(rows)]
    [(1, 'a', [1]), (2, 'b', [2, 3]), (5, 'a', [5])]
    """
    grouper = _CallGrouper()
    for line_no, row in rows:
        finished = grouper.add(line_no, row)
        if finished:
            yield finished
    finished = grouper.flush()
    if finished:
        yield finished


def iter_asterisk_calls(stream):
    """Calls of an Asterisk ``Master.csv`` stream, with per-line errors.

    Yields ``(first_line_no, call, line_nos, None)`` for each call (see
    :func:`iter_calls`) and ``(line_no, None, [line_no], message)`` for each
    line that cannot be parsed; an error is yielded as soon as it is read,
    possibly before the call pending before it.

    >>> lines = [
    ...     b'"","101","102","from-internal","","SIP/101-01","SIP/102-02","Dial","",'
    ...     b'"2024-03-04 09:00:00","2024-03-04 09:00:03","2024-03-04 09:01:03",63,60,'
    ...     b'"ANSWERED","DOCUMENTATION","1709542800.1",""\\n',
    ...     b'"truncated","line"\\n',
    ... ]
    >>> for line_no, call, line_nos, error in iter_asterisk_calls(lines):
    ...     print(line_no, call and call["external_uid"], line_nos, error)
    2 None [2] columns: expected 16 to 21, got 2
    1 1709542800.1 [1] None
    """
    grouper = _CallGrouper()
    for line_no, fields in iter_csv_rows(stream):
        if isinstance(fields, CdrError):
            yield line_no, None, [line_no], str(fields)
            continue
        try:
            row = parse_asterisk_row(fields)
        except CdrError as error:
            yield line_no, None, [line_no], str(error)
            continue
        finished = grouper.add(line_no, row)
        if finished:
            yield finished + (None,)
    finished = grouper.flush()
    if finished:
        yield finished + (None,)


# ---------------------------------------------------------------------------
# Mapped CSV files (other PBXs, exports)
# ---------------------------------------------------------------------------


def _column_index(key, column, header):
    """0-based index of ``column`` (a header name or an index) for ``key``."""
    if isinstance(column, int):
        index = column
    elif header is None and str(column).strip().isdigit():
        index = int(column)
    elif header is None:
        raise CdrError(f"{key}: column {column!r} needs a header line")
    else:
        names = [name.strip().lower() for name in header]
        wanted = str(column).strip().lower()
        if wanted not in names:
            raise CdrError(f"{key}: no column {column!r} in the header")
        index = names.index(wanted)
    if index < 0:
        raise CdrError(f"{key}: invalid column index {column!r}")
    return index


def _resolve_mapping(mapping, header):
    """``{our key: column index}`` for the mapped (non-empty) keys."""
    indexes = {}
    for key, column in mapping.items():
        if column is None or column is False or column == "":
            continue
        key = KEY_ALIASES.get(key, key)
        if key not in MAPPED_KEYS:
            raise CdrError(f"mapping: unknown key {key!r}")
        indexes[key] = _column_index(key, column, header)
    if "start" not in indexes:
        raise CdrError("mapping: the 'start' column is required")
    return indexes


def _mapped_values(fields, indexes, date_format):
    """The dict of one mapped row; raises :class:`CdrError`."""
    raw = {key: fields[index].strip() for key, index in indexes.items()}
    if "external_uid" in raw and not raw["external_uid"]:
        raise CdrError("external_uid: missing value")
    return {
        "external_uid": raw.get("external_uid", ""),
        "start": _parse_date("start", raw["start"], date_format, required=True),
        "talk_seconds": _parse_seconds("talk_seconds", raw.get("talk_seconds")) or 0,
        "ring_duration": _parse_seconds("ring_duration", raw.get("ring_duration")),
        "direction": normalize_direction(raw.get("direction")),
        "disposition": normalize_disposition(raw.get("disposition")),
        "extension": raw.get("extension", ""),
        "phone": raw.get("phone", ""),
        "src": raw.get("src", ""),
        "dst": raw.get("dst", ""),
    }


def iter_mapped_rows(
    stream, mapping, has_header=True, delimiter=",", date_format=ASTERISK_DATE_FORMAT
):
    """Rows of any call CSV whose columns are described by ``mapping``.

    ``mapping`` maps our keys (external_uid, start, talk_seconds, ring_duration,
    direction, disposition, extension, phone, src, dst) to a column: a
    header name (matched case-insensitively) or a 0-based index; empty
    values (``None``, ``False``, ``""``) mean "not in this file"; ``start``
    is required. ``duration`` is read as ``talk_seconds`` (its name before the
    merge of legs was named; see :data:`KEY_ALIASES`).

    Yields ``(line_no, values, None)`` for a good row and ``(line_no, None,
    message)`` for a bad one, so the caller can log it and carry on.
    ``values`` holds every key: ``start`` a naive datetime (in UTC when the
    format has ``%z``), ``talk_seconds`` (0 when empty; "75", "75.4",
    "1:15" and "0:01:15" are read), ``ring_duration`` seconds or ``None``,
    ``direction`` inbound/outbound/internal or ``None``, ``disposition``
    answered/no_answer/busy/failed or ``None``, the others text ('' when
    not mapped). A mapping that does not fit the file (unknown key, column
    missing from the header) is not a row error: :class:`CdrError` is raised
    when iteration starts.

    >>> lines = [
    ...     b"Call ID;Date;Talk;Ext;Customer;Status\\n",
    ...     b"c-1;04/03/2024 08:00;0:03:00;101;0912 345 678;Answered\\n",
    ...     b"c-2;31/02/2024 08:05;0;102;0987654321;Missed\\n",
    ...     b"c-3;04/03/2024 08:10;;102;0987654321;Missed\\n",
    ... ]
    >>> mapping = {"external_uid": "call id", "start": "Date", "talk_seconds": "Talk",
    ...            "extension": "Ext", "phone": "Customer", "disposition": "Status", "src": False}
    >>> for line_no, values, error in iter_mapped_rows(lines, mapping, delimiter=";",
    ...                                                date_format="%d/%m/%Y %H:%M"):
    ...     print(line_no, values and (values["external_uid"], values["start"].isoformat(),
    ...           values["talk_seconds"], values["disposition"]), error)
    2 ('c-1', '2024-03-04T08:00:00', 180, 'answered') None
    3 None start: invalid date '31/02/2024 08:05'
    4 ('c-3', '2024-03-04T08:10:00', 0, 'no_answer') None

    Without a header, columns are indexes:

    >>> lines = [b"x,2024-03-04 08:00:00,42\\n"]
    >>> rows = iter_mapped_rows(lines, {"start": 1, "duration": 2}, has_header=False)
    >>> [(line_no, values["talk_seconds"]) for line_no, values, error in rows]
    [(1, 42)]
    >>> try:
    ...     next(iter_mapped_rows([b"a,b\\n"], {"start": "Date"}))
    ... except CdrError as error:
    ...     print(error)
    start: no column 'Date' in the header
    """
    rows = iter_csv_rows(stream, delimiter)
    header = None
    if has_header:
        first = next(rows, None)
        if first is None:
            _resolve_mapping(mapping, [])
            return
        header = first[1]
        if isinstance(header, CdrError):
            raise CdrError(f"header: {header}")
    indexes = _resolve_mapping(mapping, header)
    width = max(indexes.values()) + 1
    for line_no, fields in rows:
        if isinstance(fields, CdrError):
            yield line_no, None, str(fields)
            continue
        if len(fields) < width:
            yield line_no, None, f"columns: expected at least {width}, got {len(fields)}"
            continue
        try:
            yield line_no, _mapped_values(fields, indexes, date_format), None
        except CdrError as error:
            yield line_no, None, str(error)
