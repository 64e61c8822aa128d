"""A reader of gettext .po files for the translation tests: no gettext tools, no extra package.

Enough of the format for the catalogues makemessages writes: comments and flags, msgctxt, msgid,
msgid_plural and msgstr / msgstr[n], each string possibly continued over several quoted lines.
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict = field(default_factory=dict)  # plural index (0 for a singular entry) -> text
    flags: set = field(default_factory=set)
    obsolete: bool = False

    @property
    def translated(self) -> bool:
        """Every form has a non-empty translation."""
        return bool(self.msgstr) and all(self.msgstr.values())

    @property
    def key(self):
        """What gettext looks the entry up by: (context, msgid)."""
        return (self.msgctxt, self.msgid)


def _unquote(literal: str) -> str:
    # A .po string is a C string literal; Python's string literal syntax reads the same escapes.
    return ast.literal_eval(literal)


def parse_po(path: Path) -> list[Entry]:
    """The entries of the .po file at `path`, the header (msgid "") included, obsolete ones (#~) marked."""
    entries, entry, current = [], Entry(), None

    def finish():
        nonlocal entry, current
        if current is not None:
            entries.append(entry)
        entry, current = Entry(), None

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line:
                continue
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        elif line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, literal = match.groups()
            if keyword == "msgid" and current not in (None, "msgctxt"):
                finish()
            current = keyword
            text = _unquote(literal)
            if keyword == "msgid":
                entry.msgid = text
            elif keyword == "msgid_plural":
                entry.msgid_plural = text
            elif keyword == "msgctxt":
                entry.msgctxt = text
            else:
                index = int(keyword[7:-1]) if "[" in keyword else 0
                entry.msgstr[index] = text
            continue
        if line.startswith('"') and current is not None:
            text = _unquote(line)
            if current == "msgid":
                entry.msgid += text
            elif current == "msgid_plural":
                entry.msgid_plural += text
            elif current == "msgctxt":
                entry.msgctxt += text
            else:
                index = int(current[7:-1]) if "[" in current else 0
                entry.msgstr[index] += text
            continue
        raise ValueError(f"{path}: cannot read line {raw!r}")
    finish()
    return entries
