"""The pt-BR catalogues: complete, compiled, and up to date with the source (no gettext tools needed).

The .po files are the translations people edit; the .mo files Django reads are compiled from them
and committed, so a fresh machine (which may have no gettext) serves Portuguese through `make run`.
These tests fail when a text shown to people has no pt-BR translation, when a translation is fuzzy
or loses a placeholder, and when a committed .mo no longer says what its .po says.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation.template import templatize

from .po_catalog import parse_po

LOCALE = Path(settings.BASE_DIR) / "codevance_api" / "locale" / "pt_BR" / "LC_MESSAGES"
SOURCE = Path(settings.BASE_DIR) / "codevance_api"
DOMAINS = ("django", "djangojs")

# The names makemessages extracts (xgettext's --keyword list for Django) and the position of their
# msgid (and msgid_plural) arguments; pgettext's first argument is the context.
KEYWORDS = {
    "_": (0, None), "gettext": (0, None), "gettext_lazy": (0, None), "gettext_noop": (0, None),
    "ngettext": (0, 1), "ngettext_lazy": (0, 1),
    "pgettext": (1, None), "pgettext_lazy": (1, None), "npgettext": (1, 2), "npgettext_lazy": (1, 2),
}
CONTEXT_KEYWORDS = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]|\{(\w*)\}")


def _entries(domain):
    return [entry for entry in parse_po(LOCALE / f"{domain}.po") if entry.msgid and not entry.obsolete]


def _python_msgids(path: Path) -> set:
    keys = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in KEYWORDS:
            continue
        position, _plural = KEYWORDS[name]
        args = node.args
        if len(args) > position and isinstance(args[position], ast.Constant) and isinstance(args[position].value, str):
            context = args[0].value if name in CONTEXT_KEYWORDS and isinstance(args[0], ast.Constant) else None
            keys.add((context, args[position].value))
    return keys


# What templatize writes for {% translate %} and {% blocktranslate %}: gettext(u'...'), ngettext(u'...', ...),
# each string a Python literal (in double quotes when it holds an apostrophe).
_LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_TEMPLATIZED = re.compile(rf"\b(n?p?gettext)\((?:({_LITERAL}),\s*)?({_LITERAL})")


def _template_msgids(path: Path) -> set:
    keys = set()
    for match in _TEMPLATIZED.finditer(templatize(path.read_text(encoding="utf-8"), origin=str(path))):
        function, first, second = match.groups()
        if function.startswith(("pgettext", "npgettext")):
            keys.add((ast.literal_eval(first), ast.literal_eval(second)))
        else:
            keys.add((None, ast.literal_eval(first if first is not None else second)))
    return keys


_JS_GETTEXT = re.compile(
    r"""\b(?:gettext|ngettext)\(\s*"((?:[^"\\]|\\.)*)"|\b(?:gettext|ngettext)\(\s*'((?:[^'\\]|\\.)*)'"""
)


def _javascript_msgids(path: Path) -> set:
    return {(None, double or single) for double, single in _JS_GETTEXT.findall(path.read_text(encoding="utf-8"))}


def _source_files(pattern):
    return [path for path in SOURCE.rglob(pattern) if "tests" not in path.parts and "migrations" not in path.parts]


def test_every_text_the_code_marks_for_translation_is_in_the_pt_br_catalogue():
    """A text wrapped in gettext/{% translate %} but missing from the .po would be shown in English: run
    makemessages (docs/development.md, "Translations")."""
    django_keys = {entry.key for entry in _entries("django")}
    js_keys = {entry.key for entry in _entries("djangojs")}
    used = set()
    for path in _source_files("*.py"):
        used |= _python_msgids(path)
    for pattern in ("*.html", "*.txt"):
        for path in _source_files(pattern):
            if "templates" in path.parts:
                used |= _template_msgids(path)
    scripts = set()
    for path in _source_files("*.js"):
        scripts |= _javascript_msgids(path)
    assert used, "the extraction found nothing: it is broken"
    assert not sorted(map(str, used - django_keys)), "missing from django.po"
    assert scripts and not sorted(map(str, scripts - js_keys)), "missing from djangojs.po"


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_catalogue_entry_has_a_finished_pt_br_translation(domain):
    """No empty msgstr (the page would fall back to English) and no fuzzy one (gettext ignores it)."""
    entries = _entries(domain)
    assert entries
    untranslated = [entry.msgid for entry in entries if not entry.translated]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_translation_keeps_every_placeholder_of_its_text(domain):
    """A lost or renamed %(name)s would raise KeyError (or drop a value) when the message is formatted."""
    broken = []
    for entry in _entries(domain):
        expected = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for text in entry.msgstr.values():
            if set(PLACEHOLDER.findall(text)) != expected:
                broken.append((entry.msgid, text))
    assert broken == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_committed_mo_says_what_its_po_says(domain):
    """The .mo is compiled from the .po and committed: after editing a .po, run compilemessages and commit both."""
    with open(LOCALE / f"{domain}.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    expected = {}
    for entry in _entries(domain):
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(key, index)] = text
    compiled = {key: value for key, value in compiled.items() if key != ""}  # the header
    assert compiled == expected


def test_the_po_reader_reads_plurals_contexts_continuations_and_flags(tmp_path):
    """The reader these tests rely on, on a catalogue with every construct makemessages writes."""
    path = tmp_path / "sample.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Language: pt_BR\\n"\n\n'
        '#, fuzzy, python-format\nmsgctxt "month"\nmsgid "May"\nmsgstr "Maio"\n\n'
        'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "%(n)s dia"\nmsgstr[1] ""\n"%(n)s dias"\n\n'
        '#~ msgid "Old"\n#~ msgstr "Velho"\n',
        encoding="utf-8",
    )
    header, month, days, old = parse_po(path)
    assert header.msgid == "" and header.msgstr[0] == "Language: pt_BR\n"
    assert (month.key, month.msgstr, "fuzzy" in month.flags) == (("month", "May"), {0: "Maio"}, True)
    assert (days.msgid_plural, days.msgstr, days.translated) == ("%(n)s days", {0: "%(n)s dia", 1: "%(n)s dias"}, True)
    assert old.obsolete and old.msgstr == {0: "Velho"}
