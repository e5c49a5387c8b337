"""Every settings file the toolkit reads says the same thing, in the same words, when it is
not UTF-8 text or not valid TOML: the file's name, the line, and what to check (issue 17,
"one vocabulary"; before, seven readers each worded it their own way and two let Python's
bare error through).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from toolkit._toml import TOML_HINT, TomlFileError, read_toml

#: A document that breaks on its third line (an unclosed string).
BROKEN = 'name = "x"\n# a comment\ntitle = "unclosed\n'
#: The same document, valid, with a Latin-1 "é" (0xE9) on its second line.
LATIN_1 = 'name = "x"\ntitle = "Caf\xe9"\n'.encode("latin-1")


def _reader(module: str, function: str, *more: object) -> Callable[[Path], object]:
    """The public reader ``module.function``, called with a path (and ``more``)."""
    return lambda path: getattr(importlib.import_module(module), function)(path, *more)


READERS: dict[str, Callable[[Path], object]] = {
    "report configuration": _reader("toolkit.report.config", "load_config"),
    "quarterly update configuration": _reader("toolkit.report.update_config", "load_update_config"),
    "workshop configuration": _reader("toolkit.workshop", "load_workshop"),
    "theme file": _reader("toolkit.prioritise", "load_theme"),
    "filled criteria template": _reader(
        "toolkit.prioritise", "read_criteria_scores", pd.DataFrame({"candidate": ["a"]})
    ),
    "segmentation model": _reader("toolkit.segment", "load_rules"),
    "cohorts catalogue": _reader("toolkit.segment", "load_cohorts"),
    "cohorts named by themes": _reader("toolkit.prioritise", "known_cohort_ids"),
}


def _message(reader: Callable[[Path], object], path: Path) -> str:
    with pytest.raises(ValueError) as caught:
        reader(path)
    assert not isinstance(caught.value, UnicodeDecodeError)
    return str(caught.value)


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_a_file_that_is_not_toml_is_named_with_its_line_and_what_to_check(reader, tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text(BROKEN, encoding="utf-8")
    message = _message(reader, path)
    assert "settings.toml" in message
    assert "is not valid TOML at line 3, column" in message
    assert TOML_HINT in message


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_a_file_that_is_not_utf8_is_named_with_its_line(reader, tmp_path):
    path = tmp_path / "settings.toml"
    path.write_bytes(LATIN_1)
    message = _message(reader, path)
    assert "settings.toml" in message
    assert "is not UTF-8 text (line 2" in message
    assert "save it as UTF-8" in message


def test_read_toml_gives_the_position_and_reads_a_good_file(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(TomlFileError) as caught:
        read_toml(path)
    assert (caught.value.line, caught.value.path) == (3, path)
    assert caught.value.column is not None
    assert str(caught.value).startswith(f"{path}: is not valid TOML at line 3, column ")
    path.write_text("a = [1,\n", encoding="utf-8")
    with pytest.raises(TomlFileError, match="at the end of the file") as caught:
        read_toml(path)
    assert (caught.value.line, caught.value.column) == (1, None)
    path.write_text('a = 1\nb = "é"\n', encoding="utf-8")
    assert read_toml(path) == {"a": 1, "b": "é"}
