"""Analysts' own criteria: a template to fill in per candidate, and its validation.

Some criteria cannot come from the data: the evidence that interventions work, how well a
candidate fits Core20PLUS5, what communities said, how feasible action is. The toolkit
writes a template (CSV, or TOML when the path ends in ``.toml``) with one row per
candidate and a column per criterion, each with its scale stated; analysts fill it in and
:func:`read_criteria_scores` checks every entry before the scores join the candidates.
"""

from __future__ import annotations

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
)
from toolkit._toml import TomlFileError, read_toml
from toolkit.errors import DataContractError
from toolkit.prioritise.criteria import CANDIDATE_COLUMN, LABEL_COLUMN, Criterion

#: Free-text column analysts may add to record why they scored as they did; kept as is.
NOTES_COLUMN = "notes"


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
    reserved = {CANDIDATE_COLUMN, LABEL_COLUMN, NOTES_COLUMN}
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
    return pd.DataFrame({CANDIDATE_COLUMN: ids.to_numpy(), LABEL_COLUMN: labels.to_numpy()})


def _header_lines(specs: Sequence[AnalystCriterion]) -> list[str]:
    lines = [
        "Analyst criteria for candidate priorities: score every candidate on every criterion.",
        "Keep the candidate ids as they are; the label is for reading only.",
        f"An optional '{NOTES_COLUMN}' column records why; it is kept with the scores.",
    ]
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
        "criteria": _ANALYST_CRITERIA,
        "overwrite": ["boolean"],
    }
)
def write_criteria_template(
    candidates: pd.DataFrame,
    path: str | Path,
    *,
    criteria: Sequence[AnalystCriterion] = ANALYST_CRITERIA,
    overwrite: bool = False,
) -> Path:
    """Write a template for analysts to score each candidate on their own criteria.

    CSV by default: a few lines starting with ``#`` state each criterion's scale, then a
    header ``candidate,label,<criteria...>,notes`` and one row per candidate with the
    scores blank. When ``path`` ends in ``.toml``: the same as a TOML array of
    ``[[candidate]]`` tables, with each score an empty string to replace.

    Parameters
    ----------
    candidates : pandas.DataFrame
        One row per candidate with a ``candidate`` id and, ideally, a ``label``.
    path : str or pathlib.Path
        Where to write; ``.toml`` for TOML, anything else for CSV.
    criteria : sequence of AnalystCriterion
        The criteria to score (by default evidence 0-3, core20plus5 0/1,
        community_voice 0-3 and feasibility 1-5).
    overwrite : bool
        Replace an existing file (False by default, so that scores are never lost).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    caller = "write_criteria_template"
    _check_specs(criteria, caller)
    specs = tuple(criteria)
    table = _candidate_table(candidates, caller)
    target = Path(path)
    if target.exists() and not overwrite:
        raise FileExistsError(
            f"{caller}: {target} already exists and may hold scores; pass overwrite=True or "
            "choose another path."
        )
    header = _header_lines(specs)
    if target.suffix.lower() == ".toml":
        lines = [f"# {line}" for line in header]
        lines.append('# Replace each "" with the score.')
        for candidate, label in zip(table[CANDIDATE_COLUMN], table[LABEL_COLUMN], strict=True):
            lines += ["", "[[candidate]]", f"id = {json.dumps(candidate)}"]
            lines.append(f"label = {json.dumps(label)}")
            lines += [f'{spec.name} = ""  # {spec.range_text}' for spec in specs]
            lines.append(f'{NOTES_COLUMN} = ""')
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return target
    blank = {spec.name: pd.Series([""] * len(table), dtype=object) for spec in specs}
    body = table.assign(**blank, **{NOTES_COLUMN: ""})
    with target.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(f"# {line}\n" for line in header)
        body.to_csv(handle, index=False, lineterminator="\n")
    return target


def _read_csv(path: Path) -> tuple[pd.DataFrame, int]:
    """Read the CSV template; return the table and the file line number of its first row."""
    with path.open(encoding="utf-8-sig") as handle:
        lines = handle.readlines()
    skip = 0
    while skip < len(lines) and lines[skip].lstrip().startswith("#"):
        skip += 1
    table = pd.read_csv(path, skiprows=skip, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return table, skip + 2


def _read_toml(path: Path) -> pd.DataFrame:
    try:
        document = read_toml(path)
    except TomlFileError as error:
        raise DataContractError(str(error), source=str(path)) from None
    entries = document.get("candidate")
    if not isinstance(entries, list) or not all(isinstance(item, dict) for item in entries):
        raise DataContractError(
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
    return pd.DataFrame(rows, dtype=object).fillna("")


@validate_params({"path": ["path"], "candidates": ["data-frame"], "criteria": _ANALYST_CRITERIA})
def read_criteria_scores(
    path: str | Path,
    candidates: pd.DataFrame,
    *,
    criteria: Sequence[AnalystCriterion] = ANALYST_CRITERIA,
) -> pd.DataFrame:
    """Read a filled-in criteria template and check every score.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV or TOML file written by :func:`write_criteria_template` and filled in.
    candidates : pandas.DataFrame
        The candidates the scores are for (with a ``candidate`` id column).
    criteria : sequence of AnalystCriterion
        The criteria and their scales.

    Returns
    -------
    pandas.DataFrame
        One row per candidate, in the order of ``candidates``: ``candidate``, a float
        column per criterion and ``notes`` (text, possibly empty). Join it to the
        candidates on ``candidate``.

    Raises
    ------
    DataContractError
        Listing every problem at once, naming the file, column and rows: a candidate id
        that is not a candidate, a candidate with no row, an id given twice, a missing
        criterion column, an unexpected column, a blank or non-numeric score, a score off
        its scale or not a whole number where one is required. ``failures`` holds them as
        a table (column, check, rows, examples).
    """
    caller = "read_criteria_scores"
    _check_specs(criteria, caller)
    specs = tuple(criteria)
    expected = _candidate_table(candidates, caller)
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"{caller}: no such file: {source}")
    if source.suffix.lower() == ".toml":
        table = _read_toml(source)
        first_line, unit = 1, "entry"
    else:
        table, first_line = _read_csv(source)
        unit = "line"
    failures: list[dict[str, object]] = []

    def fail(column: str, check: str, positions: Sequence[int], examples: Sequence[str]) -> None:
        failures.append(
            {
                "column": column,
                "check": check,
                "rows": len(positions),
                "where": [int(position) + first_line for position in positions],
                "examples": list(examples),
            }
        )

    names = [spec.name for spec in specs]
    allowed = {CANDIDATE_COLUMN, LABEL_COLUMN, NOTES_COLUMN, *names}
    absent = [column for column in [CANDIDATE_COLUMN, *names] if column not in table.columns]
    for column in absent:
        fail(column, "column is missing", [], [])
    for column in [column for column in table.columns if column not in allowed]:
        fail(str(column), "unexpected column (not a declared criterion)", [], [])
    if absent:
        raise _error(source, failures, unit)
    table = table.reset_index(drop=True)
    ids = table[CANDIDATE_COLUMN].astype(str).str.strip()
    numeric = {}
    for name in names:
        text = table[name].astype(str).str.strip()
        blank = np.flatnonzero((text == "").to_numpy())
        if blank.size:
            fail(name, "missing value", blank, ids.iloc[blank].tolist())
        values = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = np.flatnonzero((values.isna() & (text != "")).to_numpy())
        if bad.size:
            fail(name, "not a number", bad, text.iloc[bad].tolist())
        numeric[name] = values.astype("float64")
    scores = pd.DataFrame({CANDIDATE_COLUMN: ids, **numeric})
    schema = pa.DataFrameSchema(
        {
            CANDIDATE_COLUMN: pa.Column(
                str,
                pa.Check.isin(expected[CANDIDATE_COLUMN].tolist(), error="unknown candidate id"),
                unique=True,
                report_duplicates="all",
            ),
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
            fail(str(column), label, positions, group["failure_case"].astype(str).tolist())
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
        raise _error(source, failures, unit)
    notes = (
        table[NOTES_COLUMN].astype(str).to_numpy(dtype=object)
        if NOTES_COLUMN in table.columns
        else np.full(len(table), "", dtype=object)
    )
    result = scores.assign(**{NOTES_COLUMN: notes}).set_index(CANDIDATE_COLUMN)
    result = result.loc[expected[CANDIDATE_COLUMN].tolist()].reset_index()
    return result


def _error(source: Path, failures: list[dict[str, object]], unit: str) -> DataContractError:
    """One error listing every problem, in words an analyst can act on."""
    lines = [f"{source}: the criteria scores need fixing ({len(failures)} problems):"]
    for item in failures:
        text = f"- column '{item['column']}': {item['check']}"
        where = item["where"]
        if where:
            shown = ", ".join(str(w) for w in where[:5]) + (" ..." if len(where) > 5 else "")
            text += f"; {item['rows']} rows ({unit}s {shown})"
        examples = item["examples"]
        if examples:
            text += "; for example " + ", ".join(repr(e) for e in list(examples)[:5])
        lines.append(text)
    table = pd.DataFrame(failures)
    return DataContractError("\n".join(lines), failures=table, source=str(source))
