"""Analysts' own criteria: a template to fill in per candidate, and its validation.

Some criteria cannot come from the data: the evidence that interventions work, how well a
candidate fits Core20PLUS5, what communities said, how feasible action is. The toolkit
writes a template (CSV, or TOML when the path ends in ``.toml``) with one row per
candidate and a column per criterion, each with its scale stated, and what the data say about
each candidate beside its label (the theme candidates' facts); analysts fill it in and
:func:`read_criteria_scores` checks every entry before the scores join the candidates.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from toolkit._params import (
    FINITE,
    InstanceOf,
    SequenceOf,
    check_fields,
    invalid_parameter,
    validate_params,
    warn,
)
from toolkit._toml import TomlFileError, read_toml
from toolkit._words import listed
from toolkit.errors import DataContractError
from toolkit.prioritise._template_columns import criteria_hint, unexpected_column
from toolkit.prioritise._template_csv import decode_template, unclosed_quote
from toolkit.prioritise._template_ids import UNKNOWN_ID, unknown_id_checks
from toolkit.prioritise.criteria import (
    CANDIDATE_COLUMN,
    LABEL_COLUMN,
    THEME_COHORT_COLUMN,
    Criterion,
)

#: Free-text column analysts may add to record why they scored as they did; kept as is.
NOTES_COLUMN = "notes"

#: The candidates' column of what the data say about each one (theme candidates have it):
#: written into the template for the scorers to read, and ignored when it is read back.
FACTS_COLUMN = "facts"

#: The endings of the files a template may be written to and read from.
TEMPLATE_SUFFIXES: tuple[str, ...] = (".csv", ".toml")

#: How a spreadsheet's file becomes one the reader takes.
_SAVE_AS_CSV = (
    "save it from the spreadsheet as CSV (comma separated, UTF-8) with a name ending in .csv"
)

#: What to do when an id the toolkit does not know is in a template of themes.
_OWN_THEMES = (
    "If these are your own themes, name their folder with the 'themes' key of the "
    'configuration (themes = ["folder"]) or with --themes where the command has it (in '
    'Python: themes=load_themes([THEME_LIBRARY, "folder"])).'
)


class CriteriaScoresError(DataContractError):
    """A filled criteria template (the criteria scores file) cannot be read or needs fixing."""


#: How the first bytes of a spreadsheet workbook look (xlsx and ods are zip files; xls is OLE).
_WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


#: What the fields of an :class:`AnalystCriterion` may be (and ``low < high``).
_ANALYST_CRITERION_FIELDS = {
    "criterion": [InstanceOf(Criterion, "a Criterion")],
    "low": [FINITE],
    "high": [FINITE],
}


@dataclass(frozen=True)
class AnalystCriterion:
    """A criterion scored by analysts on a stated scale.

    Parameters
    ----------
    criterion : Criterion
        The criterion as scoring sees it (name, direction, normalisation, weight).
    low, high : float
        The ends of the scale, inclusive.
    whole_numbers : bool
        Whether only whole numbers are allowed.
    scale : str
        What the points of the scale mean, for the template's header.
    """

    criterion: Criterion
    low: float
    high: float
    whole_numbers: bool = True
    scale: str = ""

    def __post_init__(self) -> None:
        check_fields(self, _ANALYST_CRITERION_FIELDS)
        if self.high <= self.low:
            raise invalid_parameter(
                "high", type(self).__name__, f"a number above low ({self.low!r})", self.high
            )

    @property
    def name(self) -> str:
        """The criterion's name (the template's column)."""
        return self.criterion.name

    @property
    def range_text(self) -> str:
        """The scale in words, such as "whole number from 0 to 3"."""
        kind = "whole number" if self.whole_numbers else "number"
        if self.whole_numbers and (self.low, self.high) == (0, 1):
            return "0 or 1"
        return f"{kind} from {self.low:g} to {self.high:g}"


#: The analyst criteria the toolkit offers by default, each on a stated scale.
ANALYST_CRITERIA: tuple[AnalystCriterion, ...] = (
    AnalystCriterion(
        Criterion(
            "evidence",
            "benefit",
            "min_max",
            1.0,
            "Evidence that interventions for this cohort and outcome work.",
            "evidence of effective interventions",
        ),
        0,
        3,
        True,
        "0 none, 1 weak, 2 moderate, 3 strong (for example NICE guidance or trials)",
    ),
    AnalystCriterion(
        Criterion(
            "core20plus5",
            "benefit",
            "min_max",
            1.0,
            "Whether the candidate is one of the Core20PLUS5 clinical areas or groups.",
            "Core20PLUS5 alignment",
        ),
        0,
        1,
        True,
        "1 aligned with Core20PLUS5, 0 not",
    ),
    AnalystCriterion(
        Criterion(
            "community_voice",
            "benefit",
            "min_max",
            1.0,
            "How strongly residents and communities raised this in engagement.",
            "what communities said",
        ),
        0,
        3,
        True,
        "0 not raised, 1 raised, 2 a common theme, 3 a top concern",
    ),
    AnalystCriterion(
        Criterion(
            "feasibility",
            "benefit",
            "min_max",
            1.0,
            "How feasible it is for partners to act within the strategy's period.",
            "feasibility",
        ),
        1,
        5,
        True,
        "1 very hard, 3 possible with new resources, 5 within existing means",
    ),
)


#: The analyst criteria for theme candidates: what communities said and feasibility. The
#: evidence and Core20PLUS5 alignment of a theme come from the themes library, with sources.
THEME_ANALYST_CRITERIA: tuple[AnalystCriterion, ...] = tuple(
    spec for spec in ANALYST_CRITERIA if spec.name in ("community_voice", "feasibility")
)


def _check_specs(criteria: Sequence[AnalystCriterion], caller: str) -> None:
    """Refuse analyst criteria whose names repeat or are the template's own columns."""
    names = [item.name for item in criteria]
    reserved = {CANDIDATE_COLUMN, LABEL_COLUMN, NOTES_COLUMN, FACTS_COLUMN}
    if len(set(names)) != len(names) or reserved & set(names):
        raise invalid_parameter(
            "criteria", caller, f"criteria with unique names other than {sorted(reserved)}", names
        )


def _candidate_table(candidates: pd.DataFrame, caller: str) -> pd.DataFrame:
    if CANDIDATE_COLUMN not in candidates.columns:
        raise DataContractError(
            f"{caller}: the candidates table needs a '{CANDIDATE_COLUMN}' column. Its columns "
            f"are {list(candidates.columns)}."
        )
    ids = candidates[CANDIDATE_COLUMN].astype(str)
    if ids.duplicated().any():
        raise DataContractError(
            f"{caller}: column '{CANDIDATE_COLUMN}' must be unique; repeated: "
            f"{ids[ids.duplicated()].unique().tolist()[:5]}."
        )
    labels = candidates[LABEL_COLUMN].astype(str) if LABEL_COLUMN in candidates.columns else ids
    table = pd.DataFrame({CANDIDATE_COLUMN: ids.to_numpy(), LABEL_COLUMN: labels.to_numpy()})
    if FACTS_COLUMN in candidates.columns:
        facts = candidates[FACTS_COLUMN].astype("string").fillna("").str.strip()
        table[FACTS_COLUMN] = facts.to_numpy(dtype=object)
    return table


def _header_lines(specs: Sequence[AnalystCriterion], *, facts: str = "") -> list[str]:
    """Return the template's opening lines: what to do, then each criterion's scale.

    ``facts`` is "csv" or "toml" when the candidates' facts are written beside them (at the
    end of the label in CSV, as a ``facts`` key in TOML), to say where they are.
    """
    lines = [
        "Analyst criteria for candidate priorities: score every candidate on every criterion.",
        "Keep the candidate ids as they are; the label is for reading only.",
        f"An optional '{NOTES_COLUMN}' column records why; it is kept with the scores.",
    ]
    if facts == "csv":
        lines.append(
            "Each label ends with what the data say about the candidate, to read before scoring it."
        )
    elif facts == "toml":
        lines.append(
            f"Each candidate's '{FACTS_COLUMN}' line says what the data show about it, to read "
            "before scoring it; like the label, it is not read back."
        )
    for spec in specs:
        lines.append(
            f"{spec.name}: {spec.criterion.description} Scale: {spec.range_text}"
            + (f" ({spec.scale})." if spec.scale else ".")
        )
    return lines


_ANALYST_CRITERIA = [
    SequenceOf(
        InstanceOf(AnalystCriterion, "an AnalystCriterion"),
        min_length=1,
        description="a non-empty sequence of AnalystCriterion",
    )
]


@validate_params(
    {
        "candidates": ["data-frame"],
        "path": ["path"],
        "criteria": [*_ANALYST_CRITERIA, None],
        "overwrite": ["boolean"],
    }
)
def write_criteria_template(
    candidates: pd.DataFrame,
    path: str | Path,
    *,
    criteria: Sequence[AnalystCriterion] | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a template for analysts to score each candidate on their own criteria.

    CSV by default: a few lines starting with ``#`` state each criterion's scale, then a
    header ``candidate,label,<criteria...>,notes`` and one row per candidate with the
    scores blank. When ``path`` ends in ``.toml``: the same as a TOML array of
    ``[[candidate]]`` tables, with each score an empty string to replace.

    When the candidates have ``facts`` (the plain-English sentence of each theme candidate,
    :func:`~toolkit.prioritise.theme_candidates`), the scorers read them beside the scores:
    in CSV at the end of the label ("Find and treat high blood pressure. People with high
    blood pressure: 2,900 people, ..."), so that the columns stay those above; in TOML as a
    ``facts`` key after the label. Like the label, they are for reading only:
    :func:`read_criteria_scores` ignores them (and a ``facts`` column, if one is added).

    Parameters
    ----------
    candidates : pandas.DataFrame
        One row per candidate with a ``candidate`` id and, ideally, a ``label`` and
        ``facts``.
    path : str or pathlib.Path
        Where to write: a name ending in ``.csv`` for CSV or ``.toml`` for TOML, in a
        folder that exists.
    criteria : sequence of AnalystCriterion, optional
        The criteria to score. By default :data:`THEME_ANALYST_CRITERIA` (community_voice
        0-3 and feasibility 1-5) for theme candidates (a table with a ``theme`` column), as
        :func:`read_criteria_scores` reads them back, else :data:`ANALYST_CRITERIA`
        (evidence 0-3, core20plus5 0/1, community_voice 0-3 and feasibility 1-5).
    overwrite : bool
        Replace an existing file (False by default, so that scores are never lost).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        When ``path`` ends in neither ``.csv`` nor ``.toml`` (a template written as CSV text
        into ``scores.xlsx`` would open as a broken workbook).
    FileNotFoundError
        When the folder of ``path`` does not exist.
    FileExistsError
        When ``path`` exists and ``overwrite`` is False.
    """
    caller = "write_criteria_template"
    if criteria is None:
        themed = THEME_COHORT_COLUMN in getattr(candidates, "columns", ())
        criteria = THEME_ANALYST_CRITERIA if themed else ANALYST_CRITERIA
    _check_specs(criteria, caller)
    specs = tuple(criteria)
    table = _candidate_table(candidates, caller)
    target = Path(path)
    if target.suffix.lower() not in TEMPLATE_SUFFIXES:
        raise invalid_parameter("path", caller, "a file name ending in .csv or .toml", str(path))
    if not target.parent.is_dir():
        raise FileNotFoundError(
            f"{caller}: the folder {target.parent} does not exist; create it or choose "
            "another path."
        )
    if target.exists() and not overwrite:
        raise FileExistsError(
            f"{caller}: {target} already exists and may hold scores; pass overwrite=True or "
            "choose another path."
        )
    toml = target.suffix.lower() == ".toml"
    facts = table.pop(FACTS_COLUMN) if FACTS_COLUMN in table.columns else None
    if facts is not None and not facts.str.len().any():
        facts = None  # no candidate says anything: nothing to point the scorers to
    header = _header_lines(specs, facts="" if facts is None else "toml" if toml else "csv")
    if toml:
        lines = [f"# {line}" for line in header]
        lines.append('# Replace each "" with the score.')
        for row, (candidate, label) in enumerate(
            zip(table[CANDIDATE_COLUMN], table[LABEL_COLUMN], strict=True)
        ):
            lines += ["", "[[candidate]]", f"id = {json.dumps(candidate)}"]
            lines.append(f"label = {json.dumps(label)}")
            if facts is not None and facts.iloc[row]:
                lines.append(f"{FACTS_COLUMN} = {json.dumps(facts.iloc[row], ensure_ascii=False)}")
            lines += [f'{spec.name} = ""  # {spec.range_text}' for spec in specs]
            lines.append(f'{NOTES_COLUMN} = ""')
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return target
    if facts is not None:
        labels = table[LABEL_COLUMN]
        table[LABEL_COLUMN] = labels.where(facts == "", labels + ". " + facts)
    blank = {spec.name: pd.Series([""] * len(table), dtype=object) for spec in specs}
    body = table.assign(**blank, **{NOTES_COLUMN: ""})
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.writelines(f"# {line}\n" for line in header)
        body.to_csv(handle, index=False, lineterminator="\n")
    return target


def _unreadable(path: Path, problem: str) -> CriteriaScoresError:
    """Return the error for a template the reader cannot take apart into rows and columns."""
    return CriteriaScoresError(
        f"{path}: cannot be read as a criteria template: {problem}.",
        failures=pd.DataFrame(
            [{"column": "", "check": problem, "rows": 0, "where": [], "examples": []}]
        ),
        source=str(path),
    )


def _check_kind(path: Path) -> None:
    """Refuse a file that is not a .csv or .toml template, saying what to do instead."""
    suffix = path.suffix.lower()
    if suffix in TEMPLATE_SUFFIXES:
        return
    ending = f"ends in {path.suffix!r}" if path.suffix else "has no ending"
    what = (
        f"it {ending}, and the template must be a CSV (.csv) or TOML (.toml) file as "
        "`pophealth candidates` and write_criteria_template write it"
    )
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods", ".numbers"):
        what += f"; {_SAVE_AS_CSV}"
    raise _unreadable(path, what)


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[int], str | None]:
    """Read the CSV template: the table (all text), each row's line in the file, any note.

    Lines starting with ``#`` and blank lines before the header are skipped, as are blank
    lines between rows; a UTF-8 byte-order mark is not content. A file that is not UTF-8 but
    Windows-1252 (Excel's plain "CSV") is read as such, and the note saying so is given at
    once as a warning (:func:`~toolkit.prioritise._template_csv.decode_template`). Rows with
    fewer fields than the header get blank cells (a blank score is then reported); rows with
    more are refused (a comma in an unquoted label splits it, and every field after it moves).
    """
    data = path.read_bytes()
    if data.startswith(_WORKBOOK_SIGNATURES):
        raise _unreadable(
            path, f"it is a spreadsheet workbook (Excel or similar), not CSV text; {_SAVE_AS_CSV}"
        )
    try:
        text, note = decode_template(path, data)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise _unreadable(
            path, f"line {line} is not UTF-8 text ({error.reason}); {_SAVE_AS_CSV}"
        ) from None
    if note is not None:  # said even when the file or its scores are then refused
        warn(note, UserWarning, to_user=True)
    lines = text.splitlines(keepends=True)
    skip = 0
    while skip < len(lines) and (not lines[skip].strip() or lines[skip].lstrip().startswith("#")):
        skip += 1
    if skip == len(lines):
        content = "only comments" if any(line.strip() for line in lines) else "nothing"
        raise _unreadable(
            path,
            f"it holds {content}: no header row (candidate,label,...) and no candidates; write "
            "the template again with `pophealth candidates` (or write_criteria_template) and "
            "fill it in",
        )
    body = "".join(lines[skip:])
    unclosed = unclosed_quote(body)
    if unclosed is not None:
        raise _unreadable(
            path,
            f"the double quote opened on line {skip + unclosed} is never closed, so every line "
            "after it would be read as one value; close the quote or remove it",
        )
    reader = csv.reader(io.StringIO(body, newline=""))
    header: list[str] | None = None
    rows: list[list[str]] = []
    where: list[int] = []
    long_rows: list[tuple[int, int]] = []
    try:
        while True:
            start = skip + reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            if header is None:
                header = record
                continue
            if not any(cell.strip() for cell in record) and len(record) <= 1:
                continue
            if len(record) > len(header):
                long_rows.append((start, len(record)))
                continue
            rows.append(record + [""] * (len(header) - len(record)))
            where.append(start)
    except csv.Error as error:
        raise _unreadable(path, f"line {skip + reader.line_num}: {error}") from None
    assert header is not None  # the first line after the comments is a record
    # Trailing columns without a name or a value (a spreadsheet adds them when cells to the
    # right of the table were touched) hold nothing: they are left out, as the readers do.
    while len(header) > 1 and not header[-1].strip():
        position = len(header) - 1
        if any(len(row) > position and row[position].strip() for row in rows):
            break
        header = header[:-1]
        rows = [row[:position] for row in rows]
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        mark = "semicolons" if ";" in header[0] else "tabs"
        raise _unreadable(path, f"its columns are separated by {mark}, not commas; {_SAVE_AS_CSV}")
    if long_rows:
        count = len(long_rows)
        raise CriteriaScoresError(
            f"{path}: the criteria scores need fixing: {_lines(count, 'line')} "
            f"{listed([line for line, _ in long_rows])} {'has' if count == 1 else 'have'} more "
            f"fields than the header (line {skip + 1}, {len(header)} fields): a comma inside a "
            "label or note splits it in two. Put that text in double quotes (a spreadsheet does "
            "this when it saves as CSV) or remove the comma.",
            failures=pd.DataFrame(
                [
                    {
                        "column": "",
                        "check": f"more fields than the header's {len(header)}",
                        "rows": len(long_rows),
                        "where": [line for line, _ in long_rows],
                        "examples": [f"{fields} fields" for _, fields in long_rows],
                    }
                ]
            ),
            source=str(path),
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise _unreadable(
            path,
            f"the header (line {skip + 1}) names {listed(repeated, quote=True)} more than "
            "once; keep one column of each",
        )
    table = pd.DataFrame(rows, columns=header, dtype=object)
    return table, where, note


def _read_toml(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the TOML template: the table (all text) and where each value was quoted text."""
    try:
        document = read_toml(path)
    except TomlFileError as error:
        raise CriteriaScoresError(str(error), source=str(path)) from None
    entries = document.get("candidate")
    if not isinstance(entries, list) or not all(isinstance(item, dict) for item in entries):
        raise CriteriaScoresError(
            f"{path}: expected an array of [[candidate]] tables, as the template has.",
            source=str(path),
        )
    rows = [
        {
            ("candidate" if key == "id" else key): "" if value is None else str(value)
            for key, value in item.items()
        }
        for item in entries
    ]
    quoted = [
        {("candidate" if key == "id" else key): isinstance(value, str) for key, value in entry}
        for entry in (item.items() for item in entries)
    ]
    table = pd.DataFrame(rows, dtype=object).fillna("")
    text = pd.DataFrame(quoted, columns=table.columns, dtype=object).fillna(False).astype(bool)
    return table, text


_CANDIDATES = [
    "data-frame",
    InstanceOf("toolkit.prioritise.theme_measures.ThemeCandidates", "a ThemeCandidates"),
]


@validate_params(
    {"path": ["path"], "candidates": _CANDIDATES, "criteria": [*_ANALYST_CRITERIA, None]}
)
def read_criteria_scores(
    path: str | Path,
    candidates: pd.DataFrame,
    *,
    criteria: Sequence[AnalystCriterion] | None = None,
) -> pd.DataFrame:
    """Read a filled-in criteria template and check every score.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV (``.csv``) or TOML (``.toml``) file written by
        :func:`write_criteria_template` and filled in.
    candidates : pandas.DataFrame or ThemeCandidates
        The candidates the scores are for (with a ``candidate`` id column). Given the
        :class:`~toolkit.prioritise.ThemeCandidates` itself, an id of a theme that was not
        measured is refused with the reason it was not.
    criteria : sequence of AnalystCriterion, optional
        The criteria and their scales. By default :data:`THEME_ANALYST_CRITERIA` for theme
        candidates (a ``ThemeCandidates``, or a table with a ``theme`` column), as
        ``pophealth candidates --template`` writes them, else :data:`ANALYST_CRITERIA`.

    Returns
    -------
    pandas.DataFrame
        One row per candidate, in the order of ``candidates``: ``candidate``, a float
        column per criterion and ``notes`` (text, possibly empty). Join it to the
        candidates on ``candidate``. ``attrs["notes"]`` says how the file was read when
        there is anything to note (a CSV read as Windows-1252, Excel's plain "CSV").

    Warns
    -----
    UserWarning
        With the note, when a CSV file that is not UTF-8 was read as Windows-1252.

    Raises
    ------
    FileNotFoundError
        When there is no such file.
    CriteriaScoresError
        A :class:`~toolkit.errors.DataContractError`. A file that cannot be read as a
        template (not ending in .csv or .toml, a spreadsheet workbook, text neither UTF-8
        nor Windows-1252, UTF-8 but for a stray byte or cut short at its end, UTF-16, empty,
        a row with more fields than the header, not valid TOML), naming the file and the
        line where there is one; otherwise listing every problem at once, naming the file,
        column and rows: a candidate id that is not a candidate (saying when it is a theme
        of the library not measured on these data, or one of a template written for another
        split; for themes the toolkit does not know, how to measure the analyst's own), a
        candidate with no row, an id given twice, a missing criterion column, an unexpected
        column, a blank or non-numeric score (in a TOML file, a number in quotes is text and
        refused), a score off its scale or not a whole number where one is required.
        ``failures`` holds them as a
        table (column, check, rows, where, examples).
    """
    caller = "read_criteria_scores"
    given = candidates
    frame = getattr(candidates, "table", candidates)
    themed_candidates = hasattr(candidates, "library") or THEME_COHORT_COLUMN in frame.columns
    if criteria is None:
        criteria = THEME_ANALYST_CRITERIA if themed_candidates else ANALYST_CRITERIA
    _check_specs(criteria, caller)
    specs = tuple(criteria)
    expected = _candidate_table(frame, caller)
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"{caller}: no such file: {source}")
    _check_kind(source)
    if source.suffix.lower() == ".toml":
        table, quoted = _read_toml(source)
        where_of = list(range(1, len(table) + 1))
        unit, note = "entry", None
    else:
        table, where_of, note = _read_csv(source)
        quoted = None
        unit = "line"
    failures: list[dict[str, object]] = []

    def fail(column: str, check: str, positions: Sequence[int], examples: Sequence[str]) -> None:
        failures.append(
            {
                "column": column,
                "check": check,
                "rows": len(positions),
                "where": [where_of[int(position)] for position in positions],
                "examples": list(examples),
            }
        )

    names = [spec.name for spec in specs]
    allowed = [CANDIDATE_COLUMN, LABEL_COLUMN, *names, NOTES_COLUMN, FACTS_COLUMN]
    absent = [column for column in [CANDIDATE_COLUMN, *names] if column not in table.columns]
    for column in absent:
        fail(column, "column is missing", [], [])
    unexpected = [column for column in table.columns if column not in allowed]
    lacking = [column for column in allowed if column not in table.columns]
    for column in unexpected:
        fail(str(column), unexpected_column(column, lacking, notes=NOTES_COLUMN), [], [])
    known = [("THEME_ANALYST_CRITERIA", THEME_ANALYST_CRITERIA)]
    hint = criteria_hint(table, specs, [*known, ("ANALYST_CRITERIA", ANALYST_CRITERIA)])
    if absent or (unexpected and hint):
        raise _error(source, failures, unit, {len(failures) - 1: hint} if hint else None)
    table = table.reset_index(drop=True)
    ids = table[CANDIDATE_COLUMN].astype(str).str.strip()
    numeric = {}
    for name in names:
        text = table[name].astype(str).str.strip()
        blank = np.flatnonzero((text == "").to_numpy())
        if blank.size:
            fail(name, "missing value", blank, ids.iloc[blank].tolist())
        values = pd.to_numeric(text.where(text != ""), errors="coerce")
        if quoted is not None:
            # TOML: "2" in quotes is text, as "two" is; only a bare number is a number.
            in_quotes = quoted[name].to_numpy() & (text != "").to_numpy()
            looks_numeric = in_quotes & values.notna().to_numpy()
            if looks_numeric.any():
                positions = np.flatnonzero(looks_numeric)
                fail(
                    name,
                    f"a number in quotes, which is text: write it without quotes ({name} = "
                    f"{text.iloc[positions[0]]})",
                    positions,
                    text.iloc[positions].tolist(),
                )
            values = values.where(~in_quotes)
            bad = np.flatnonzero(in_quotes & ~looks_numeric)
        else:
            bad = np.flatnonzero((values.isna() & (text != "")).to_numpy())
        if bad.size:
            fail(name, "not a number", bad, text.iloc[bad].tolist())
        numeric[name] = values.astype("float64")
    scores = pd.DataFrame({CANDIDATE_COLUMN: ids, **numeric})
    unknown = np.flatnonzero((~ids.isin(expected[CANDIDATE_COLUMN])).to_numpy())
    checks, themed = unknown_id_checks(ids, unknown, given, frame)
    hints: dict[int, str] = {}  # what to do, by failure, said after it
    for check, positions in checks.items():
        fail(CANDIDATE_COLUMN, check, positions, ids.iloc[positions].tolist())
        if themed and check == UNKNOWN_ID:
            hints[len(failures) - 1] = _OWN_THEMES
    schema = pa.DataFrameSchema(
        {
            CANDIDATE_COLUMN: pa.Column(str, unique=True, report_duplicates="all"),
            **{
                spec.name: pa.Column(
                    float,
                    [
                        pa.Check.in_range(
                            spec.low,
                            spec.high,
                            ignore_na=True,
                            error=f"off the scale ({spec.range_text})",
                        ),
                        *(
                            [
                                pa.Check(
                                    lambda s: s == np.round(s),
                                    ignore_na=True,
                                    error="not a whole number",
                                )
                            ]
                            if spec.whole_numbers
                            else []
                        ),
                    ],
                    nullable=True,
                )
                for spec in specs
            },
        }
    )
    try:
        schema.validate(scores, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        cases = cases[cases["index"].notna()]
        for (column, check), group in cases.groupby(["column", "check"], sort=False):
            positions = sorted({int(i) for i in group["index"]})
            label = "id given more than once" if check == "field_uniqueness" else str(check)
            # Quote each value as the file writes it ('7'), not as the float it was read as.
            written = ids if column == CANDIDATE_COLUMN else table[column].astype(str).str.strip()
            fail(str(column), label, positions, written.iloc[positions].tolist())
    unscored = sorted(set(expected[CANDIDATE_COLUMN]) - set(ids))
    if unscored:
        failures.append(
            {
                "column": CANDIDATE_COLUMN,
                "check": "candidate has no row (every candidate needs scores)",
                "rows": len(unscored),
                "where": [],
                "examples": unscored,
            }
        )
    if failures:
        raise _error(source, failures, unit, hints)
    notes = (
        table[NOTES_COLUMN].astype(str).to_numpy(dtype=object)
        if NOTES_COLUMN in table.columns
        else np.full(len(table), "", dtype=object)
    )
    result = scores.assign(**{NOTES_COLUMN: notes}).set_index(CANDIDATE_COLUMN)
    result = result.loc[expected[CANDIDATE_COLUMN].tolist()].reset_index()
    if note is not None:
        result.attrs["notes"] = [note]
    return result


#: The plural of each unit a message counts.
_PLURALS = {"problem": "problems", "row": "rows", "line": "lines", "entry": "entries"}


def _count(number: int, noun: str) -> str:
    """Count a noun in words: "1 row", "2 rows", "1 entry", "3 entries"."""
    return f"{number:,} {noun if number == 1 else _PLURALS.get(noun, noun + 's')}"


def _lines(number: int, noun: str) -> str:
    """Name the unit without its count: "line" for one, "lines" for more."""
    return noun if number == 1 else _PLURALS.get(noun, noun + "s")


def _error(
    source: Path, failures: list[dict[str, object]], unit: str, hints: dict[int, str] | None = None
) -> CriteriaScoresError:
    """One error listing every problem, in words an analyst can act on (and any hint after)."""
    lines = [f"{source}: the criteria scores need fixing ({_count(len(failures), 'problem')}):"]
    for number, item in enumerate(failures):
        text = f"- column '{item['column']}': {item['check']}"
        where = item["where"]
        if where:
            rows = int(item["rows"])  # type: ignore[call-overload]
            text += f"; {_count(rows, 'row')} ({_lines(len(where), unit)} {listed(where)})"
        examples = item["examples"]
        if examples:
            text += "; for example " + ", ".join(repr(e) for e in list(examples)[:5])
        lines.append(text + (f". {hints[number]}" if hints and number in hints else ""))
    table = pd.DataFrame(failures)
    return CriteriaScoresError("\n".join(lines), failures=table, source=str(source))
