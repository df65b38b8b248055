#!/usr/bin/env python3
"""Merge a freshly exported Odoo .pot into an addon's i18n/<addon>.pot and i18n/<lang>.po.

Usage: i18n_merge.py [--check] [--lang vi] ADDON_DIR NEW_POT [ADDON_DIR NEW_POT ...]

- <addon>.pot is replaced by NEW_POT, unless only its dates changed (then left alone, so that
  re-running makes no diff).
- <lang>.po gets every entry of the template, in the template's order and with its references;
  existing translations are kept (an entry that had left and comes back gets its old
  translation back); new msgids are added untranslated and listed; translated entries whose
  msgid is gone are kept at the end as obsolete (#~) entries, which Odoo ignores.
- Pairs written by developers in ADDON_DIR/i18n/<lang>_*_notes.txt, one per line as
  ``msgid "English" → msgstr "Vietnamese"`` (po escapes), fill untranslated entries of any of
  the addons (msgids compared with their whitespace squashed); delete the notes file once its
  pairs are in the po files.
- The header follows Odoo's (Language, Plural-Forms for the language).

Prints one summary line per addon: entries, new, obsolete, untranslated. With --check, exits 1
when an entry is untranslated or a translation does not keep the placeholders or inline tags
of its msgid.
"""

import argparse
import datetime
import os
import re
import sys
from pathlib import Path

import polib

PLURAL_FORMS = {"vi": "nplurals=1; plural=0;"}
NOTE_LINE = re.compile(r'^msgid "((?:[^"\\]|\\.)*)"\s*→\s*msgstr "((?:[^"\\]|\\.)*)"\s*$')
# Python %-placeholders as used by Odoo's _(): %(name)s, %s, %d, %%; and str.format's {}/{name}.
PLACEHOLDER = re.compile(
    r"%\([^)]*\)[-#0+]*\d*(?:\.\d+)?[sdifr]|%[-#0+]*\d*(?:\.\d+)?[sdifr]|%%|\{[\w.]*\}"
)


TAG = re.compile(r"<[^>]+>")


def placeholders(text):
    """The sorted printf / format placeholders and inline tags of text (with repeats)."""
    return sorted(PLACEHOLDER.findall(text)) + sorted(TAG.findall(text))


def key(entry):
    return (entry.msgctxt or "", entry.msgid)


def same_entries(a, b):
    """True when two catalogs hold the same entries (dates and header aside)."""

    def shape(po):
        return [(key(e), e.msgstr, e.comment, e.occurrences, e.flags, e.obsolete) for e in po]

    return shape(a) == shape(b)


def squash(text):
    """text with its runs of whitespace made single spaces (view terms keep the XML's
    line breaks and indentation; notes are written on one line)."""
    return " ".join(text.split())


def read_notes(addon_dirs, lang):
    """{path: {squashed msgid: msgstr}} of the <lang>_*_notes.txt files of the addons."""
    notes = {}
    for addon_dir in addon_dirs:
        for path in sorted((addon_dir / "i18n").glob(f"{lang}_*_notes.txt")):
            pairs = notes[path] = {}
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip() or line.startswith("#"):
                    continue
                match = NOTE_LINE.match(line)
                if not match:
                    sys.exit(f'{path}:{n}: not a \'msgid "…" → msgstr "…"\' line')
                pairs[squash(polib.unescape(match.group(1)))] = polib.unescape(match.group(2))
    return notes


def header(pot, old, lang, changed):
    """Odoo's header for a catalog: the template's, plus Language and Plural-Forms; the
    revision date moves only when the entries changed."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M+0000")
    meta = dict(pot.metadata)
    old_meta = old.metadata if old is not None else {}
    meta["PO-Revision-Date"] = (
        now if changed or "PO-Revision-Date" not in old_meta else old_meta["PO-Revision-Date"]
    )
    for field in ("Last-Translator", "Language-Team"):
        if old_meta.get(field):
            meta[field] = old_meta[field]
    meta["Language"] = lang
    meta["Plural-Forms"] = PLURAL_FORMS.get(lang, old_meta.get("Plural-Forms", ""))
    return meta  # polib writes the usual fields in gettext's order


def merge(addon_dir, new_pot_path, lang, check, notes, used_notes):
    """Merge one addon's catalog; True when it passes --check."""
    addon = addon_dir.name
    i18n_dir = addon_dir / "i18n"
    i18n_dir.mkdir(exist_ok=True)
    pot_path, po_path = i18n_dir / f"{addon}.pot", i18n_dir / f"{lang}.po"

    pot = polib.pofile(str(new_pot_path))
    if pot_path.exists() and same_entries(polib.pofile(str(pot_path)), pot):
        pot = polib.pofile(str(pot_path))  # keep the old dates: no diff
    else:
        pot_path.write_bytes(Path(new_pot_path).read_bytes())

    old = polib.pofile(str(po_path)) if po_path.exists() else None
    old_active = {key(e): e for e in old or () if not e.obsolete}
    old_gone = {key(e): e for e in old or () if e.obsolete}
    note_pairs = {}
    for pairs in notes.values():
        note_pairs.update(pairs)

    po = polib.POFile(wrapwidth=78)
    po.header = pot.header
    new, from_notes = [], 0
    for src in pot:
        entry = polib.POEntry(
            msgid=src.msgid,
            msgctxt=src.msgctxt,
            msgstr="",
            comment=src.comment,
            occurrences=list(src.occurrences),
            flags=list(src.flags),
        )
        previous = old_active.get(key(src)) or old_gone.get(key(src))
        if previous is not None:
            entry.msgstr = previous.msgstr
        else:
            new.append(entry)
        squashed = squash(src.msgid)
        if squashed in note_pairs:
            used_notes.add(squashed)
            if not entry.msgstr:
                entry.msgstr = note_pairs[squashed]
                from_notes += 1
        po.append(entry)
    current = {key(e) for e in pot}
    for k, e in list(old_active.items()) + list(old_gone.items()):
        if k not in current and e.msgstr:
            e.obsolete = True
            po.append(e)
    obsolete = sum(1 for e in po if e.obsolete)

    changed = old is None or not same_entries(old, po)
    po.metadata = header(pot, old, lang, changed)
    text = str(po) + "\n"
    if not po_path.exists() or po_path.read_text(encoding="utf-8") != text:
        po_path.write_text(text, encoding="utf-8")

    active = [e for e in po if not e.obsolete]
    untranslated = [e for e in active if not e.msgstr]
    bad = [e for e in active if e.msgstr and placeholders(e.msgid) != placeholders(e.msgstr)]
    print(
        f"{addon}: {len(active)} entries in {po_path.relative_to(addon_dir.parent)}, "
        f"{len(new)} new, {from_notes} filled from notes, {obsolete} obsolete, "
        f"{len(untranslated)} untranslated"
    )
    for e in new if old is not None else ():
        print(f"  new{'' if e.msgstr else ', untranslated'}: {e.msgid[:120]!r}")
    for e in bad:
        print(f"  placeholders or tags differ: {e.msgid[:80]!r} -> {e.msgstr[:80]!r}")
    if check:
        new_ids = {id(e) for e in new}
        for e in untranslated:
            if id(e) not in new_ids:
                print(f"  untranslated: {e.msgid[:120]!r}")
    return not (check and (untranslated or bad))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "pairs", nargs="+", metavar="ADDON_DIR NEW_POT", help="an addon and its exported template"
    )
    parser.add_argument("--lang", default="vi")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if len(args.pairs) % 2:
        parser.error("give ADDON_DIR NEW_POT pairs")
    pairs = [
        (Path(args.pairs[i]).resolve(), Path(args.pairs[i + 1]))
        for i in range(0, len(args.pairs), 2)
    ]
    # Notes of any addon may hold strings of another (e.g. the payroll bridge's).
    notes = read_notes([addon_dir for addon_dir, _pot in pairs], args.lang)
    used_notes = set()
    ok = True
    for addon_dir, new_pot in pairs:
        ok = merge(addon_dir, new_pot, args.lang, args.check, notes, used_notes) and ok
    for path, note_pairs in notes.items():
        unknown = [m for m in note_pairs if m not in used_notes]
        print(
            f"notes {path.parent.parent.name}/i18n/{path.name}: merged; delete it once reviewed"
            + (f"; {len(unknown)} of its msgids are in no template:" if unknown else "")
        )
        for msgid in unknown:
            print(f"  {msgid[:120]!r}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    os.umask(0o022)
    main()
