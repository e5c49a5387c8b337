"""Every settings file the toolkit reads says the same thing, in the same words, when it is
not UTF-8 text or not valid TOML: the file's name, the line, and what to check (issue 17,
"one vocabulary"; before, seven readers each worded it their own way and two let Python's
bare error through).
"""

from __future__ import annotations

import importlib
import pickle
import re
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


#: Each reader and the error it raises, as before the shared reader (callers catch these).
READERS: dict[str, tuple[Callable[[Path], object], str]] = {
    "report configuration": (
        _reader("toolkit.report.config", "load_config"),
        "toolkit._toml.TomlFileError",
    ),
    "quarterly update configuration": (
        _reader("toolkit.report.update_config", "load_update_config"),
        "toolkit._toml.TomlFileError",
    ),
    "workshop configuration": (_reader("toolkit.workshop", "load_workshop"), "ValueError"),
    "theme file": (
        _reader("toolkit.prioritise", "load_theme"),
        "toolkit.prioritise.themes.ThemeError",
    ),
    "filled criteria template": (
        _reader("toolkit.prioritise", "read_criteria_scores", pd.DataFrame({"candidate": ["a"]})),
        # (a DataContractError, headed as the criteria scores file's on the command line)
        "toolkit.prioritise.templates.CriteriaScoresError",
    ),
    "segmentation model": (
        _reader("toolkit.segment", "load_rules"),
        "toolkit.segment.rules.RuleError",
    ),
    "cohorts catalogue": (
        _reader("toolkit.segment", "load_cohorts"),
        "toolkit.segment.rules.RuleError",
    ),
    "cohorts named by themes": (
        _reader("toolkit.prioritise", "known_cohort_ids"),
        "toolkit._toml.TomlFileError",
    ),
}


def _message(reader: tuple[Callable[[Path], object], str], path: Path) -> str:
    """The reader's message for ``path``, after checking the error is the reader's own."""
    read, expected = reader
    with pytest.raises(ValueError) as caught:
        read(path)
    kind = type(caught.value)
    assert (kind.__name__ if kind is ValueError else f"{kind.__module__}.{kind.__name__}") == (
        expected
    )
    return str(caught.value)


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_a_file_that_is_not_toml_is_named_with_its_line_and_what_to_check(reader, tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text(BROKEN, encoding="utf-8")
    message = _message(reader, path)
    assert "settings.toml" in message
    # "is not valid TOML at line 3, column 9", or, where the message names the line first
    # (a theme file's list of problems), "line 3: is not valid TOML (column 9)".
    named = r"is not valid TOML at line 3, column \d+|line 3: is not valid TOML \(column"
    assert re.search(named, message)
    assert TOML_HINT in message


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_a_file_that_is_not_utf8_is_named_with_its_line(reader, tmp_path):
    path = tmp_path / "settings.toml"
    path.write_bytes(LATIN_1)
    message = _message(reader, path)
    assert "settings.toml" in message
    assert re.search(r"is not UTF-8 text \(line 2: |line 2: is not UTF-8 text \(", message)
    assert "save it as UTF-8" in message


def test_the_error_pickles_with_its_facts(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(TomlFileError) as caught:
        read_toml(path)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (str(copy), copy.path, copy.line, copy.column, copy.at_line) == (
        str(caught.value),
        path,
        3,
        caught.value.column,
        caught.value.at_line,
    )
    assert copy.at_line.startswith("is not valid TOML (column ")


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


def test_a_byte_order_mark_is_not_content(tmp_path):
    """Windows editors start a UTF-8 file with a byte-order mark: read past it, changing
    nothing; positions of later problems are unchanged."""
    path = tmp_path / "a.toml"
    path.write_bytes(b"\xef\xbb\xbf" + 'a = 1\nb = "\xc3\xa9"\n'.encode("latin-1"))
    assert read_toml(path) == {"a": 1, "b": "é"}
    path.write_bytes(b"\xef\xbb\xbf" + BROKEN.encode("utf-8"))
    with pytest.raises(TomlFileError) as caught:
        read_toml(path)
    assert caught.value.line == 3


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_no_reader_calls_a_byte_order_mark_invalid(reader, tmp_path):
    """Each reader may refuse the (deliberately incomplete) document, but not its first line."""
    path = tmp_path / "settings.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BROKEN.encode("utf-8"))
    message = _message(reader, path)
    assert "line 1" not in message and "Invalid statement" not in message
    assert re.search(r"is not valid TOML at line 3, column \d+|line 3: is not valid TOML", message)
