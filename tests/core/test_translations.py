"""The Urdu catalogue is complete, reviewed, compiled, and used: every string a person reads has an Urdu
translation, and a page asked for in Urdu comes back right-to-left in Urdu."""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ehsaas.settings import PACKAGE_DIR

CATALOGUE_DIR = PACKAGE_DIR / "locale" / "ur" / "LC_MESSAGES"
PO_FILE = CATALOGUE_DIR / "django.po"
MO_FILE = CATALOGUE_DIR / "django.mo"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]")
URDU_LETTER = re.compile(r"[\u0600-\u06ff]")
MSGFMT = shutil.which("msgfmt")


@dataclass
class Entry:
    """One message of a .po file: its source text, its translation(s) and its flags."""

    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included; obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    entry, target = Entry(), None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, target = _close(entries, entry), None
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(entry, target, ast.literal_eval(line))
        else:
            keyword, _, text = line.partition(" ")
            if keyword == "msgid":
                entry.line = number
            target = keyword
            _append(entry, target, ast.literal_eval(text))
    _close(entries, entry)
    return entries


def _append(entry: Entry, target: str | None, text: str) -> None:
    if target == "msgid":
        entry.msgid += text
    elif target == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    elif target and target.startswith("msgstr"):
        index = int(target[7:-1]) if target.startswith("msgstr[") else 0
        entry.msgstr[index] = entry.msgstr.get(index, "") + text
    else:
        raise AssertionError(f"{PO_FILE}: text outside a msgid or msgstr: {text!r}")


def _close(entries: list[Entry], entry: Entry) -> Entry:
    if entry.line:
        entries.append(entry)
    return Entry()


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return read_po(PO_FILE)


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    """The messages proper, without the header entry."""
    return [entry for entry in entries if entry.msgid]


def where(entry: Entry) -> str:
    return f"{PO_FILE.name} line {entry.line}: {entry.msgid!r}"


def test_the_urdu_catalogue_has_messages(messages):
    assert len(messages) > 100


def test_every_message_has_an_urdu_translation(messages):
    untranslated = [
        where(entry)
        for entry in messages
        if not entry.msgstr or any(not text.strip() for text in entry.msgstr.values())
    ]
    assert untranslated == []


def test_every_plural_message_has_both_urdu_forms(messages):
    incomplete = [where(entry) for entry in messages if entry.msgid_plural and sorted(entry.msgstr) != [0, 1]]
    assert incomplete == []


def test_no_message_is_left_fuzzy(entries):
    assert [where(entry) if entry.msgid else "header" for entry in entries if "fuzzy" in entry.flags] == []


def test_translations_keep_the_placeholders_of_the_english(messages):
    broken = []
    for entry in messages:
        expected = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in entry.msgstr.values():
            if sorted(PLACEHOLDER.findall(text)) != expected:
                broken.append(f"{where(entry)} -> {text!r}")
    assert broken == []


def test_the_header_declares_urdu_with_two_plural_forms(entries):
    header = next(entry.msgstr[0] for entry in entries if not entry.msgid)
    assert "Language: ur\n" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header


@pytest.mark.skipif(MSGFMT is None, reason="msgfmt (GNU gettext) is not installed")
def test_the_compiled_catalogue_matches_the_po_file(tmp_path):
    """The committed .mo is what compiling the committed .po gives. Byte-identical output is the usual
    case; when it differs (another gettext version lays the hash table out otherwise) the two catalogues
    must still hold the same messages, which is what the platform reads."""
    fresh = tmp_path / "django.mo"
    # Our own fixed arguments to the msgfmt found on PATH: nothing here comes from outside.
    subprocess.run([MSGFMT, "--check-format", "-o", str(fresh), str(PO_FILE)], check=True)  # noqa: S603
    if fresh.read_bytes() == MO_FILE.read_bytes():
        return
    with MO_FILE.open("rb") as committed, fresh.open("rb") as compiled:
        stale = gettext.GNUTranslations(committed)._catalog
        current = gettext.GNUTranslations(compiled)._catalog
    differing = sorted(str(key) for key in stale.keys() ^ current.keys()) + sorted(
        str(key) for key in stale.keys() & current.keys() if stale[key] != current[key]
    )
    assert differing == [], "django.mo is older than django.po: run `make messages`"


def test_every_string_of_the_code_and_templates_is_in_the_catalogue(tmp_path):
    """A string added since the catalogue was last made would reach an Urdu reader in English: making
    the catalogue again, from a copy of the package, must find nothing the committed one lacks."""
    package = tmp_path / "ehsaas"
    shutil.copytree(PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "ur", "--no-obsolete", "-v", "0"],
        cwd=package,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ehsaas.settings", "DEBUG": "true"},
        check=True,
    )
    made = {entry.msgid for entry in read_po(package / "locale" / "ur" / "LC_MESSAGES" / "django.po")}
    committed = {entry.msgid for entry in read_po(PO_FILE)}
    assert sorted(made - committed) == [], "strings missing from the Urdu catalogue: run `make messages`"


def test_the_sign_in_page_in_urdu_is_right_to_left_and_in_urdu(client, db, messages):
    urdu = {entry.msgid: entry.msgstr[0] for entry in messages}
    response = client.post("/i18n/setlang/", {"language": "ur", "next": "/"})
    assert response.status_code == 302

    page = client.get("/accounts/login/").content.decode()

    assert '<html lang="ur" dir="rtl">' in page
    assert urdu["Staff sign in"] in page
    assert URDU_LETTER.search(urdu["Staff sign in"])
    assert "Staff sign in" not in page


def test_the_sign_in_page_stays_english_and_left_to_right_by_default(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert "Staff sign in" in page
