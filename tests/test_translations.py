"""The shipped translations: complete, reviewed, compiled from their sources, up to date.

`make messages` gathers the strings into locale/<lang>/LC_MESSAGES/django.po and compiles
the .mo files Django loads; translators fill in the .po files. These tests need GNU gettext
(msgfmt, xgettext), which CI installs.
"""

import ast
import shutil
import subprocess
from dataclasses import dataclass, field
from gettext import GNUTranslations
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.translation import to_locale

from tests.helpers import require

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
# What `make messages` leaves out (its I18N_IGNORE): not shipped, not translated.
NOT_OURS = {".git", ".venv", "locale", "tests", "staticfiles", "var", "bench", "test-output"}


@dataclass
class Entry:
    """One message of a .po file: its flags and its fields (msgid, msgstr[0], ...)."""

    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return self.fields.get("msgctxt", ""), self.fields.get("msgid", "")

    def translations(self) -> list[str]:
        return [text for name, text in self.fields.items() if name.startswith("msgstr")]


def po_entries(path: Path) -> list[Entry]:
    """The live entries of a .po file as gettext's tools write it: one blank line between
    entries, obsolete ones commented out with "#~" (left out here)."""
    entries: list[Entry] = []
    current: Entry | None = None
    name = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            current = None
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith('"'):
            current.fields[name] += ast.literal_eval(line)
        elif not line.startswith("#"):
            name, _space, text = line.partition(" ")
            current.fields[name] = ast.literal_eval(text)
    return [entry for entry in entries if "msgid" in entry.fields]


def catalog(mo: Path) -> dict:
    with mo.open("rb") as handle:
        return GNUTranslations(handle)._catalog


def label(path: Path) -> str:
    return str(path.relative_to(settings.BASE_DIR))


def needs_gettext() -> None:
    require(shutil.which("msgfmt") is not None, "GNU gettext's msgfmt is not installed")


def test_every_language_but_english_has_a_catalog():
    shipped = {path.parts[-3] for path in LOCALE.glob("*/LC_MESSAGES/django.po")}
    offered = {to_locale(code) for code, _name in settings.LANGUAGES if code != "en"}

    assert {code for code, _name in settings.LANGUAGES} == {"en", "el", "be", "he", "ru", "zh-hans"}
    assert shipped == offered


@pytest.mark.parametrize("po", CATALOGS, ids=label)
def test_the_shipped_mo_is_compiled_from_the_po(po, tmp_path):
    needs_gettext()
    fresh = tmp_path / "fresh.mo"
    # What compilemessages runs; --check-format also refuses a mangled %(name)s.
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(fresh), str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr

    shipped = po.with_suffix(".mo")
    assert shipped.exists(), f"{label(shipped)} is missing: run `make messages`"
    assert catalog(shipped) == catalog(fresh), f"{label(shipped)} is stale: run `make messages`"


@pytest.mark.parametrize("po", CATALOGS, ids=label)
def test_every_message_is_translated_and_reviewed(po):
    entries = [entry for entry in po_entries(po) if entry.key != ("", "")]
    fuzzy = [f"line {e.line}: {e.key[1]!r}" for e in entries if "fuzzy" in e.flags]
    empty = [f"line {e.line}: {e.key[1]!r}" for e in entries if not all(e.translations())]

    assert entries
    assert not fuzzy, f"{label(po)} has guesses to review (#, fuzzy):\n" + "\n".join(fuzzy)
    assert not empty, f"{label(po)} has messages to translate:\n" + "\n".join(empty)


def test_the_catalogs_hold_every_string_of_the_code(tmp_path, monkeypatch):
    """A string added since the last `make messages` would stay English in every language."""
    needs_gettext()
    require(shutil.which("xgettext") is not None, "GNU gettext's xgettext is not installed")
    for source in Path(settings.BASE_DIR).iterdir():
        if source.is_dir() and source.name not in NOT_OURS:
            (tmp_path / source.name).symlink_to(source)
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [tmp_path / "locale"])

    # "*/locale": an app's own locale directory would be written through its symlink.
    call_command(
        "makemessages",
        all=True,
        keep_pot=True,
        symlinks=True,
        ignore_patterns=["*/locale"],
        verbosity=0,
    )

    wanted = {entry.key for entry in po_entries(tmp_path / "locale" / "django.pot")}
    for po in LOCALE.glob("*/LC_MESSAGES/django.po"):
        missing = sorted(wanted - {entry.key for entry in po_entries(po)})
        assert not missing, f"{label(po)} lacks {len(missing)} strings: run `make messages`\n" + (
            "\n".join(repr(msgid) for _context, msgid in missing[:20])
        )
