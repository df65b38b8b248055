# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Seeded bodies for fuzzing ``POST /kpi_callcenter/api/v1/calls``.

Shared by the fuzz test (``test_call_api_input.py``, 2,000 bodies) and the benchmark
``tests/bench_api_fuzz.py`` (20,000). Pure Python: :func:`generate_bodies` yields
``(body bytes, item count)``, the count being the number of calls the answer must
account for (``None`` when the body is not a batch of calls: broken JSON, wrong shape,
too large). :func:`check_answer` says what is wrong with an answer, or nothing.
"""

import json
import random

GOOD_EXTENSIONS = ("101", "102", "103")
_BAD_VALUES = (
    float("nan"),
    float("inf"),
    float("-inf"),
    "NaN",
    "Infinity",
    "1e400",
    -1,
    -0.5,
    10**20,
    2**31,
    1e300,
    True,
    False,
    None,
    "",
    " ",
    [],
    {},
    [1, 2],
    {"a": 1},
    "0001-01-01T00:00:00+07:00",
    "9999-12-31T23:59:59-05:00",
    "0001-01-01 00:00:00",
    "9999-12-31 23:59:59",
    "1970-01-01T00:00:00Z",
    -(10**12),
    10**12,
    "2027-02-30T10:00:00",
    "x" * 10_000,
    "\x00",
    "101\x00",
    "\ud800",
    "\udfff\ud800",
    "١٠١",
    "Nguyễn Văn A",
    "=HYPERLINK(\"http://x\",\"y\")",
    "'; DROP TABLE kpi_call; --",
    "%s%s%(x)s",
    "99:99:99",
    "1:2:3:4",
    "-0:01:00",
)
_FIELDS = ("external_uid", "start", "direction", "extension", "phone", "talk_seconds", "ring_duration",
           "disposition", "src", "dst")


def good_call(rng, uid):
    """A call the API stores: an agent 101–103, a start in March 2027."""
    outbound = rng.random() < 0.5
    return {
        "external_uid": uid,
        "start": f"2027-03-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+07:00",
        "direction": "outbound" if outbound else "inbound",
        "extension": rng.choice(GOOD_EXTENSIONS),
        "phone": f"09{rng.randrange(10**8):08d}",
        "talk_seconds": rng.randint(0, 900),
        "ring_duration": rng.randint(0, 40),
        "disposition": "answered",
    }


def _nested(depth, leaf=1):
    return "[" * depth + json.dumps(leaf) + "]" * depth


def _bad_call(rng, uid):
    item = good_call(rng, uid)
    for _change in range(rng.randint(1, 3)):
        roll = rng.random()
        if roll < 0.75:
            item[rng.choice(_FIELDS)] = rng.choice(_BAD_VALUES)
        elif roll < 0.85:
            if item:
                del item[rng.choice(list(item))]
        elif roll < 0.95:
            item[rng.choice(("agent", "x" * 300, "", "\ud800", "start "))] = 1
        else:
            item[rng.choice(_FIELDS)] = json.loads(_nested(rng.randint(2, 200)))
    return item


def _dumps(payload):
    # allow_nan: NaN and Infinity as JavaScript writes them, as a careless PBX would.
    return json.dumps(payload, allow_nan=True).encode("utf-8", "surrogatepass")


def _raw_body(rng):
    """A body that is not a batch of calls."""
    kind = rng.randrange(12)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
    if kind == 1:
        return _nested(rng.choice((1_000, 10_000, 100_000))).encode()
    if kind == 2:
        return ('{"calls": ' + _nested(rng.randint(10, 50_000), {"external_uid": "n"}) + "}").encode()
    if kind == 3:
        return rng.choice((b"", b"null", b"true", b"42", b'"calls"', b"[]", b"{}", b'{"calls": {}}',
                           b'{"calls": null}', b'{"calls": "x"}', b"NaN", b"Infinity", b"[NaN]"))
    if kind == 4:
        body = _dumps([good_call(rng, "t-1")])
        return body[: rng.randint(1, len(body) - 1)]
    if kind == 5:
        return b'[{"external_uid": "' + b"9" * 5000 + b'"}]'
    if kind == 6:
        return b'[{"external_uid": 1' + b"0" * 5000 + b', "start": 1}]'
    if kind == 7:
        return "[\"\\ud800\", \"caf\xe9\"]".encode("latin-1")
    if kind == 8:
        return b'{"calls": [' + b",".join([b"{}"] * 1001) + b"]}"
    if kind == 9:
        return b"\xef\xbb\xbf" + _dumps([good_call(rng, "bom-1")])
    if kind == 10:
        return b'{"external_uid": "dup", "external_uid": 5, "start": "2027-03-04"}'
    return _dumps({"calls": [[1]] * rng.randint(1, 5)})


def generate_bodies(seed, count, big_every=500):
    """``count`` bodies ``(bytes, item count or None)`` from ``seed``; the same each time.

    Half are batches of 1 to 6 calls mixing good and bad ones (``item count`` is the
    batch's size), a third are raw bodies that are not batches of calls, the rest single
    call objects; every ``big_every``-th body is over the 2 MiB limit.
    """
    rng = random.Random(seed)
    for number in range(count):
        if big_every and number % big_every == big_every - 1:
            yield _dumps([good_call(rng, f"big-{seed}-{number}")] * 2) + b" " * (2 * 1024 * 1024), None
            continue
        roll = rng.random()
        if roll < 0.5:
            size = rng.randint(1, 6)
            items = [
                good_call(rng, f"fz-{seed}-{number}-{index}") if rng.random() < 0.4
                else _bad_call(rng, f"fz-{seed}-{number}-{index}")
                for index in range(size)
            ]
            payload = {"calls": items} if rng.random() < 0.5 else items
            yield _dumps(payload), size
        elif roll < 0.83:
            yield _raw_body(rng), None
        else:
            item = _bad_call(rng, f"fz-{seed}-{number}-0")
            yield _dumps(item), 1


def check_answer(status, body, item_count):
    """What is wrong with an answer of the API to a fuzz body (``None``: nothing)."""
    if status >= 500:
        return f"status {status}"
    if status not in (200, 400, 413):
        return f"unexpected status {status}"
    if not isinstance(body, dict):
        return "the answer is not a JSON object"
    if "results" not in body:
        if item_count is not None and status != 413 and body.get("error") != "no_calls":
            return f"no per-call results for a batch of {item_count}: {body}"
        return None if body.get("error") and body.get("message") else f"no error code or message: {body}"
    results = body["results"]
    if item_count is not None and len(results) != item_count:
        return f"{len(results)} results for {item_count} calls"
    if [result.get("index") for result in results] != list(range(len(results))):
        return "results out of order"
    for result in results:
        status_ = result.get("status")
        if status_ not in ("created", "duplicate", "skipped", "rejected"):
            return f"unknown status {status_!r}"
        if status_ == "rejected" and not result.get("error"):
            return f"rejected without a reason: {result}"
        for word in ("psycopg2", "violates", "DETAIL:", "Traceback", "out of range for type"):
            if word in json.dumps(result):
                return f"database or Python error text in the answer: {result}"
    counts = {name: sum(r["status"] == name for r in results) for name in ("created", "duplicate", "rejected")}
    if (body.get("created"), body.get("duplicates"), body.get("rejected")) != (
        counts["created"], counts["duplicate"], counts["rejected"]
    ):
        return "counters do not match the results"
    if (status == 400) != bool(counts["rejected"]):
        return f"status {status} with {counts['rejected']} rejected"
    return None
