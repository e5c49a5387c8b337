"""One reader for the toolkit's settings files (TOML), with one wording for what is wrong.

The report's and the quarterly update's configurations, the workshop's configuration, the
theme files, the filled criteria templates, the segmentation models and the cohorts
catalogue are all TOML files that analysts write by hand. Each reader raises its own error
(its callers catch different types), but the facts and the words come from here: the file
is not UTF-8 text, or it is not valid TOML at a given line and column, and what to check.
A UTF-8 byte-order mark, which Windows editors add, is read past (it is not content).
Written here because ``tomllib`` reports a position only inside its message's text.
"""

from __future__ import annotations

import re
import tomllib
from os import PathLike
from pathlib import Path
from typing import Any

__all__ = ["END_HINT", "TOML_HINT", "TomlFileError", "read_toml"]

#: Where ``tomllib`` says a problem is, at the end of its message.
_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")

#: What to look at on the line named, for someone who has not written TOML before.
TOML_HINT = "Check the quotes (text goes in double quotes), brackets, commas and '=' signs"

#: What to look for when the file ends inside something left open.
END_HINT = "Look for a bracket or quote opened earlier and never closed"


class TomlFileError(ValueError):
    """A settings file that is not UTF-8 text or not valid TOML.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    problem : str
        What is wrong, in words that follow the file's name ("is not valid TOML at line 3,
        column 7: ..."), without a final full stop.
    line, column : int or None
        Where the problem is (1-based), when known. A file that is not UTF-8 text gives the
        line of its first undecodable byte.
    at_line : str
        ``problem`` for a message that names the line already ("is not valid TOML (column
        7): ..."); ``problem`` itself where there is no line to name.
    """

    def __init__(
        self,
        path: Path,
        problem: str,
        line: int | None,
        column: int | None,
        at_line: str | None = None,
    ) -> None:
        super().__init__(f"{path}: {problem}.")
        self.path = path
        self.problem = problem
        self.line = line
        self.column = column
        self.at_line = problem if at_line is None else at_line

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        """Rebuild from the same facts (so the error pickles, as to a worker process)."""
        return type(self), (self.path, self.problem, self.line, self.column, self.at_line)


def read_toml(path: str | PathLike[str]) -> dict[str, Any]:
    """Read a TOML file, or raise :class:`TomlFileError` saying what is wrong and where.

    Parameters
    ----------
    path : str or path-like
        The file. Its existence is the caller's to check (each caller says what file it
        expected).

    Returns
    -------
    dict of str to Any
        The document, as ``tomllib`` reads it (a UTF-8 byte-order mark at the start, which
        some editors add, is not part of it).

    Raises
    ------
    TomlFileError
        The file is not UTF-8 text, or not valid TOML.
    """
    file = Path(path)
    data = file.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise TomlFileError(
            file,
            f"is not UTF-8 text (line {line}: {error.reason}); save it as UTF-8",
            line,
            None,
            f"is not UTF-8 text ({error.reason}); save it as UTF-8",
        ) from None
    # A byte-order mark (which Windows editors add to UTF-8 files) is not content.
    text = text.removeprefix("\ufeff")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _POSITION.search(message)
        what = _POSITION.sub("", message)
        if found and found.group(1):
            line, column = int(found.group(1)), int(found.group(2))
            problem = (
                f"is not valid TOML at line {line}, column {column}: {what}. {TOML_HINT} there"
            )
            at_line = f"is not valid TOML (column {column}): {what}. {TOML_HINT} on that line"
        else:
            line, column = max(1, len(text.splitlines())), None
            problem = f"is not valid TOML at the end of the file: {what}. {END_HINT}"
            at_line = problem
        raise TomlFileError(file, problem, line, column, at_line) from None
