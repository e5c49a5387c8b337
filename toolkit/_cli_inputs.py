"""What the ``pophealth`` commands read, and the notes said about it.

Areas files; persons at a reference date, or joined to their areas (``--areas``); and what
``pophealth validate`` says of a persons file a cube cannot be built from as it stands.
:mod:`toolkit.cli` runs the commands.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit.errors import DataContractError


def read_areas_files(paths: Sequence[str], repair_geometry: bool) -> tuple[Any, list[str]]:
    """Read one areas file, or several combined (IoD File 1 with File 6, say), as given.

    Returns the table and the reader's warnings, shown as notes on stderr as they came.
    """
    from toolkit.data.readers import read_areas

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            table = read_areas(
                paths[0] if len(paths) == 1 else list(paths), repair_geometry=repair_geometry
            )
    finally:  # what the reader noted is said even when it then refuses the file
        for warning in caught:
            warnings.showwarning(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    return table, [str(warning.message) for warning in caught]


def print_areas_notes(label: str, table: Any, shown: Sequence[str] = ()) -> None:
    """Print what the areas reader noted (read as numbers, sheet read ...) and repaired.

    A note already shown as a warning (``shown``) is not printed again.
    """
    for note in table.attrs.get("notes") or []:
        if not any(note.rstrip(".") in message for message in shown):
            print(f"{label}: {note}")
    repaired = table.attrs.get("repaired_geometry") or []
    if repaired:
        rows = ", ".join(str(row) for row in repaired)
        print(f"{label}: geometry repaired with make_valid in {len(repaired):,} row(s): {rows}.")


def reference_date_option(text: str) -> str:
    """Read ``--reference-date``: a date written YYYY-MM-DD, returned as written."""
    import re
    from datetime import date

    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(
        f"must be a date written YYYY-MM-DD, such as 2025-03-31 (got {text!r})"
    )


def ages_at_reference_date(path: str, reference_date: str | None) -> bool:
    """Whether ages are to be counted from ``date_of_birth`` at ``--reference-date``.

    False when the option was not given, or when the file has an ``age`` column of its own
    (its ages are used, and a note says so): the command then reads the path as it does
    without the option. A folder or glob is refused (ValueError): ages are derived in one
    file.
    """
    if reference_date is None:
        return False
    if set("*?[").intersection(path) or Path(path).is_dir():  # a glob or a folder
        raise ValueError(
            f"--reference-date {reference_date}: ages are counted from date_of_birth in one "
            f"persons file read whole, and {path} is a folder or a glob: give one file (or "
            "give the files an age column)."
        )
    if "age" in header_names(path):
        warnings.warn(
            f"{Path(path).name} has an age column: its ages are used, and --reference-date is not.",
            UserWarning,
            stacklevel=3,
        )
        return False
    return True


def persons_at_reference_date(path: str, reference_date: str | None) -> Any:
    """Read one persons file with age derived from ``date_of_birth`` at ``--reference-date``.

    Returns the table :func:`toolkit.data.read_persons` reads, with ``age`` in whole years at
    the date; None when :func:`_ages_at_reference_date` says ages are not counted. A date of
    birth after the date, or more than 120 years before it, is refused as the readers refuse
    it, their message naming the date.
    """
    if not ages_at_reference_date(path, reference_date):
        return None
    from toolkit.data.readers import read_persons

    return read_persons(path, reference_date=reference_date, label=path)


def age_counted(label: str, reference_date: str) -> str:
    return f"{label}: age counted from date_of_birth in whole years at {reference_date}."


def header_names(path: str) -> set[str]:
    """Return a Parquet or CSV file's column names as the contract spells them (or none)."""
    from toolkit.data.columns import normalise_name
    from toolkit.segment._sources import csv_header, parquet_columns

    try:
        if path.lower().endswith((".parquet", ".pq")):
            names = (parquet_columns([path]) or [[]])[0]
        elif path.lower().endswith(".csv"):
            names = csv_header(path)
        else:
            return set()
    except (OSError, ValueError, UnicodeDecodeError):
        return set()
    return {normalise_name(name) for name in names}


def with_kind_hint(error: DataContractError, path: str) -> DataContractError:
    """Add "check it with --kind areas" to a persons refusal of what looks like an areas file.

    A file without ``person_id`` but with an LSOA code and an IMD decile (as ``pophealth
    synth`` writes ``areas.parquet`` beside the persons) is probably an areas table.
    """
    failures = getattr(error, "failures", None)
    missing = set()
    if failures is not None and len(failures):
        missing = set(failures.loc[failures["check"] == "column_present", "column"].dropna())
    if "person_id" not in missing or not {"age", "sex"} <= missing:
        return error
    if not {"lsoa", "imd_decile"} <= header_names(path):
        return error  # no person, but no area either: nothing to suggest
    return DataContractError(
        f"{error}\nIt looks like an areas table (no person_id, age or sex): check it with "
        f"`pophealth validate --kind areas {path}`.",
        failures=failures,
        source=getattr(error, "source", None),
    )


def read_persons_whole(path: str) -> Any:
    """Read a persons file, folder or glob whole with :func:`toolkit.data.read_persons`.

    Messages name the path as given (a folder's or glob's files each by their own path).
    """
    from toolkit.segment._duckdb_files import read_with_readers
    from toolkit.segment._sources import GLOB_CHARACTERS, resolve_files

    if not GLOB_CHARACTERS.intersection(path) and not Path(path).is_dir():
        from toolkit.data.readers import read_persons

        return read_persons(path, label=path)
    files, _ = resolve_files(path)
    return read_with_readers(files, f"{path} ({len(files)} files)", path, reason="")


def join_to_areas(label: str, persons: Any, areas: Any, areas_label: str) -> tuple[Any, list[str]]:
    """Give each person their neighbourhood's IMD decile and place from ``areas``, by LSOA.

    As the board report joins them (:func:`toolkit.data.join_persons_to_areas`): every
    person is kept; a decile the persons file has is kept and only its blanks are filled;
    the areas' place replaces any place of the persons' own (blank where a person has no
    neighbourhood), as the board report's maps and place table use the areas' places.
    Returns the joined table and the lines said about the join: how many persons matched
    a neighbourhood, the blank deciles filled, the persons left with a blank decile, the
    deciles that differ from the areas' and the places replaced.
    """
    from dataclasses import replace

    from toolkit.data import join_persons_to_areas
    from toolkit.data.problems import fail

    if "lsoa" not in persons.columns:
        fail(
            label,
            "column_present",
            "--areas gives each person their neighbourhood's IMD decile by LSOA code, and "
            "the persons have no lsoa column: add it, or give the decile (imd_decile) "
            "instead of --areas.",
            source=label,
        )
    own_decile = "imd_decile" in persons.columns
    blank_before = int(persons["imd_decile"].isna().sum()) if own_decile else len(persons)
    joined, report = join_persons_to_areas(persons, areas, columns=("imd_decile",), existing="fill")
    said = replace(report, differing={})  # said below in the command's words
    lines = [f"{label} joined to {areas_label} by LSOA: {said.summary()}"]
    blank_after = int(joined["imd_decile"].isna().sum())
    if own_decile and blank_before > blank_after:
        filled = blank_before - blank_after
        lines.append(
            f"{label}: {filled:,} blank IMD {'decile was' if filled == 1 else 'deciles were'} "
            f"taken from {areas_label}."
        )
    if blank_after:
        lines.append(
            f"{label}: {blank_after:,} {'person has' if blank_after == 1 else 'persons have'} "
            f"no IMD decile (no neighbourhood in {areas_label}, and none in the file): the "
            "cube counts them with the decile blank (deprivation unknown)."
        )
    kept_own = report.unmatched + report.without_lsoa - blank_after
    if kept_own > 0:
        lines.append(
            f"{label}: {kept_own:,} {'person' if kept_own == 1 else 'persons'} with no "
            f"neighbourhood in {areas_label} {'keeps' if kept_own == 1 else 'keep'} the "
            "file's own IMD decile."
        )
    differ = report.differing.get("imd_decile", 0)
    if differ:
        lines.append(
            f"{label}: the file's own IMD decile differs from {areas_label}'s for {differ:,} of "
            f"the {report.matched:,} persons matched: the file's deciles are kept (the areas "
            "fill only blank ones); check that both use the same IMD edition."
        )
    if "place" in areas.columns:
        placed, check = join_persons_to_areas(
            persons[["lsoa", *(["place"] if "place" in persons.columns else [])]],
            areas,
            columns=("place",),
            existing="replace",
        )
        joined["place"] = placed["place"]
        moved = check.differing.get("place", 0)
        if moved:
            lines.append(
                f"{label}: the file's own place was replaced by {areas_label}'s, as the board "
                f"report's maps and place table use them, for {moved:,} of the "
                f"{check.matched:,} persons matched."
            )
    return joined, lines


def decile_note(label: str, columns: Sequence[str]) -> str | None:
    """Say that a persons file without ``imd_decile`` needs ``--areas`` to build a cube.

    (The contract asks for one of ``lsoa`` and ``imd_decile``: a file without the decile
    has the LSOA.)
    """
    if "imd_decile" in columns:
        return None
    return (
        f"{label} has no imd_decile column: `pophealth cube` needs `--areas FILE` to give "
        "each person their neighbourhood's decile."
    )


def cube_persons(
    path: str,
    reference_date: str | None,
    areas_files: Sequence[str] | None,
    repair_geometry: bool = False,
) -> tuple[Any, bool, list[str]]:
    """Return what a command builds its cube from, whether to check it, and what to say after.

    The persons file, folder or glob as given (checked as the cube scans it); or, with
    ``--reference-date``, the table read at the date; or, with ``--areas``, the persons
    read whole and joined to their areas (:func:`join_to_areas`, whose lines are printed
    here, after the areas reader's notes). Files of a folder or glob, read one by one, are
    checked again as one table (a ``person_id`` in two of them, say).
    """
    areas = None
    if areas_files:
        areas_label = " + ".join(areas_files)
        areas, shown = read_areas_files(areas_files, repair_geometry)
        print_areas_notes(areas_label, areas, shown)
    elif repair_geometry:
        raise ValueError("--repair-geometry applies only with --areas (the file it repairs).")
    table = persons_at_reference_date(path, reference_date)
    after = [] if table is None else [age_counted(path, str(reference_date))]
    if areas is None:
        return (path if table is None else table), table is None, after
    several = table is None and (set("*?[").intersection(path) or Path(path).is_dir())
    persons = read_persons_whole(path) if table is None else table
    joined, lines = join_to_areas(path, persons, areas, areas_label)
    for line in lines:
        print(line)
    return joined, bool(several), after
