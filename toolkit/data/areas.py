"""Areas files: read an areas table, or files of the English Indices of Deprivation, joined.

:func:`read_areas` is the one entry point. Each file is opened (unpacked from a ``.gz`` or
``.zip``, its data sheet found) and, when it is an indices file, mapped to the contract's
columns (:mod:`toolkit.data.iod`); several files are checked one by one and joined on LSOA
code (:func:`_combine_areas`), then the whole table is validated.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit._words import listed
from toolkit.data import iod
from toolkit.data.columns import contract_names, normalise_name
from toolkit.data.contract import AREA_REQUIRED
from toolkit.data.files import checked_path, read_table, unpacked_file, written_blank_notes
from toolkit.data.problems import MAX_EXAMPLES, Problem, fail, raise_problems, show_value
from toolkit.data.schemas import AREAS_RULES, to_text
from toolkit.data.validation import validate_areas_table


@dataclass(frozen=True)
class _AreasFile:
    """One file given to :func:`read_areas`, read but not yet standardised.

    ``raw`` has the contract's names when the file is an indices file (``layout`` then says
    where each came from) and the file's own names otherwise.
    """

    raw: pd.DataFrame
    first_row: int
    label: str
    source: str
    edition: str | None
    layout: dict[str, Any]
    notes: tuple[str, ...]
    blanks: tuple[str, ...] = ()
    #: How the file's edition is known, for a message ("its LSOA code column ...").
    edition_from: str = ""


def _read_areas_file(
    path: Any, *, encoding: str, sheet: str | int | None, label: str, source: str
) -> _AreasFile:
    """Read one (unpacked) areas file: find its data sheet, and map an indices file."""
    notes: list[str] = []
    chosen: str | int = 0 if sheet is None else sheet
    if sheet is None and Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        found = iod.find_data_sheet(Path(path))
        if found is not None:
            chosen, names = found
            if len(names) > 1:
                notes.append(iod.sheet_note(chosen, names))
    raw, first_row, label, source = read_table(
        path,
        table="areas",
        function="read_areas",
        encoding=encoding,
        sheet=chosen,
        label=label,
        source=source,
    )
    if first_row > 2:  # the header was found below title rows
        above = first_row - 2
        left = "the row above it (a title) was" if above == 1 else f"the {above} rows above it were"
        notes.append(f"the header is row {first_row - 1}: {left} left out")
    read = raw
    layout = iod.imd_layout(list(raw.columns))
    names = {normalise_name(column) for column in raw.columns}
    if "lsoa" in layout and not set(AREA_REQUIRED) <= names:
        edition = iod.edition_of_layout(layout)
        edition_from = f"its LSOA code column is '{layout['lsoa']}'"
        raw = iod.imd_frame(raw, layout)
        for column in ("lad_name", "lad_code"):
            if column in raw:
                raw[column] = to_text(raw[column])[0]
    else:
        layout = {}
        # A Parquet file or GeoPackage the toolkit wrote records its edition in its metadata.
        stored = iod.edition_of_value(raw.attrs.get(iod.EDITION_KEY))
        edition = stored or iod.edition_of_name(label)
        edition_from = "as the file records" if stored else "as its name says"
    # Text such as "NA" or "NULL" read as blank is said, where it was (never silently): in
    # an indices file, in the columns taken.
    blanks = tuple(written_blank_notes(read, first_row, columns=list(layout.values()) or None))
    return _AreasFile(
        raw, first_row, label, source, edition, layout, (*notes, *blanks), blanks, edition_from
    )


def _open_areas_file(
    path: Any, *, encoding: str, sheet: str | int | None, function: str
) -> _AreasFile:
    """Check one path given to :func:`read_areas` and read it, unpacking a .gz or .zip."""
    resolved, label = checked_path(path, function=function, table="areas", packed=True)
    source = str(path)
    if not iod.is_packed(resolved):
        return _read_areas_file(
            resolved, encoding=encoding, sheet=sheet, label=label, source=source
        )
    with unpacked_file(resolved, label=label, source=source) as (inner, inner_label):
        read = _read_areas_file(
            inner.path, encoding=encoding, sheet=sheet, label=inner_label, source=source
        )
    edition, edition_from = read.edition, read.edition_from
    if edition is None:
        edition, edition_from = iod.edition_of_name(inner.name), f"as the name '{inner.name}' says"
    notes = (f"read '{inner.name}' from {label}", *read.notes)
    return replace(read, edition=edition, notes=notes, edition_from=edition_from)


def _check_imd_fields(files: Sequence[_AreasFile]) -> None:
    """Refuse indices files that together do not make an areas table, saying what to add."""
    if not any(file.layout for file in files):
        return
    have = {normalise_name(column) for file in files for column in file.raw.columns}
    needed = {"lsoa_name": "lsoa_name", "place": "lad_name", "imd_decile": "imd_decile"}
    missing = [field for column, field in needed.items() if column not in have]
    if not missing:
        return
    described = [iod.IMD_DESCRIPTIONS[field] for field in missing]
    listed = (
        f"column {described[0]}"
        if len(described) == 1
        else f"columns {', '.join(described[:-1])} and {described[-1]}"
    )
    first = files[0]
    if len(files) == 1:
        edition = f" {first.edition}" if first.edition else ""
        sentence = (
            f"this looks like {iod.kind_of_file(first.layout)} of the English Indices of "
            f"Deprivation{edition}, but it has no {listed}."
        )
    else:
        sentence = f"none of these files of the English Indices of Deprivation has {listed}."
    if "imd_decile" in missing:
        sentence += (
            " Give it together with File 1 (the Index of Multiple Deprivation), File 2, 3 or 7 "
            "of the same edition, which have the IMD decile: for example "
            "read_areas([file_1, file_6]) for File 1's deciles with File 6's population (on "
            "the command line, both files: pophealth validate --kind areas FILE_1 FILE_6; in "
            'a report\'s configuration, areas = ["FILE_1", "FILE_6"]).'
        )
    label = " and ".join(file.label for file in files)
    fail(label, "imd_columns", sentence, source="; ".join(file.source for file in files))


def _combine_areas(
    files: Sequence[_AreasFile], *, repair_geometry: bool
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Join several areas files on LSOA code: the first file's LSOAs, the others' columns.

    Each file is checked on its own first (so that messages name its rows). Returns the
    joined table (standardised), the notes, and the notes that also warrant a warning.
    """
    problems: list[Problem] = []
    for file in files:
        names = {normalise_name(column) for column in file.raw.columns}
        if "lsoa" not in names:
            problems.append(
                Problem(
                    column="lsoa",
                    check="column_present",
                    sentence=(
                        f"{file.label} has no LSOA code column ('LSOA code (2011)', 'LSOA code "
                        "(2021)' or 'lsoa'): the files are joined on LSOA code."
                    ),
                )
            )
        if file is not files[0] and "geometry" in names:
            problems.append(
                Problem(
                    column="geometry",
                    check="geometry_first",
                    sentence=(
                        f"{file.label} has shapes: give the file with the shapes first, since "
                        "the first file's rows and shapes are the table's."
                    ),
                )
            )
    editions = {file.edition for file in files if file.edition}
    if len(editions) > 1:
        listed = ", ".join(
            f"{file.label} is IoD{file.edition} (LSOA {iod.LSOA_VINTAGE[file.edition]} codes)"
            for file in files
            if file.edition
        )
        problems.append(
            Problem(
                column="lsoa",
                check="one_edition",
                sentence=f"the files mix editions of the indices: {listed}. Use one edition.",
            )
        )
    label = " with ".join(file.label for file in files)
    source = "; ".join(file.source for file in files)
    if problems:
        raise_problems(problems, label=label, source=source, first_row=2)

    checked = [
        validate_areas_table(
            file.raw,
            source=file.source,
            label=file.label,
            first_row=file.first_row,
            skip_empty_rows=True,
            repair_geometry=repair_geometry and file is files[0],
            function="read_areas",
            notes=[],
            partial=True,
        )
        for file in files
    ]
    notes = [note for file in files for note in (f"{file.label}: {n}" for n in file.notes)]
    for file, table in zip(files, checked, strict=True):
        notes.extend(f"{file.label}: {note}" for note in table.attrs.get("notes", []))
    warned: list[str] = []
    result = checked[0].reset_index(drop=True)
    codes = result["lsoa"]
    for file, other in zip(files[1:], checked[1:], strict=True):
        other = other.reset_index(drop=True)
        absent = ~codes.isin(other["lsoa"]).to_numpy()
        if absent.any():
            problems.append(_codes_problem(files[0].label, file.label, codes[absent]))
        unused = ~other["lsoa"].isin(codes).to_numpy()
        if unused.any():
            shown = _codes_shown(other["lsoa"][unused])
            count = int(unused.sum())
            warned.append(
                f"{file.label}: {count:,} LSOA{'s' if count != 1 else ''} that "
                f"{files[0].label} does not have {'were' if count != 1 else 'was'} not used "
                f"({shown})"
            )
        aligned = other.set_index("lsoa").reindex(codes.to_numpy())
        for column in aligned.columns:
            values = aligned[column].reset_index(drop=True)
            if column not in result:
                result[column] = values
            elif column in iod.NUMERIC_AREA_COLUMNS:
                if _differ(result[column], values).any():
                    problems.append(
                        _disagree_problem(column, files[0].label, file.label, codes, result, values)
                    )
            else:
                result[column] = result[column].where(result[column].notna(), values)
    if problems:
        raise_problems(problems, label=label, source=source, first_row=2)
    order = [column for column in iod.IMD_COLUMN_ORDER if column in result]
    rest = [c for c in result.columns if c not in order and c != "geometry"]
    geometry = ["geometry"] if "geometry" in result else []
    result = result[[*order, *rest, *geometry]]
    result.attrs = {"repaired_geometry": checked[0].attrs.get("repaired_geometry", [])}
    return result, notes + warned, warned


def _differ(mine: pd.Series, theirs: pd.Series) -> np.ndarray:
    """Where two aligned columns both have a value and the values differ."""
    both = mine.notna().to_numpy(dtype=bool) & theirs.notna().to_numpy(dtype=bool)
    left = mine.astype("float64").to_numpy(na_value=np.nan)
    right = theirs.astype("float64").to_numpy(na_value=np.nan)
    return both & ~np.isclose(left, right, rtol=0.0, atol=0.0, equal_nan=True)


def _codes_shown(codes: pd.Series) -> str:
    return listed(
        codes.iloc[:MAX_EXAMPLES],
        most=MAX_EXAMPLES,
        total=len(codes),
        final_and=False,
        last_sep="; and ",
    )


def _codes_problem(first: str, other: str, codes: pd.Series) -> Problem:
    count = len(codes)
    noun = "1 LSOA code" if count == 1 else f"{count:,} LSOA codes"
    return Problem(
        column="lsoa",
        check="lsoa_in_every_file",
        sentence=(
            f"column 'lsoa': {noun} of {first} {'is' if count == 1 else 'are'} not in {other} "
            f"({_codes_shown(codes)}). Every LSOA of the first file must be in the others: "
            "check that the files are of the same edition (IoD2019 has LSOA 2011 codes, "
            "IoD2025 LSOA 2021 codes) and that none was cut to fewer LSOAs."
        ),
        failing_rows=count,
    )


def _disagree_problem(
    column: str, first: str, other: str, codes: pd.Series, result: pd.DataFrame, values: pd.Series
) -> Problem:
    mine = result[column]
    differ = _differ(mine, values)
    count = int(differ.sum())
    shown = listed(
        (
            f"{code}: {show_value(a)} and {show_value(b)}"
            for code, a, b in zip(
                codes[differ].iloc[:MAX_EXAMPLES],
                mine[differ].iloc[:MAX_EXAMPLES],
                values[differ].iloc[:MAX_EXAMPLES],
                strict=True,
            )
        ),
        most=MAX_EXAMPLES,
        total=count,
        final_and=False,
        sep="; ",
    )
    noun = "1 LSOA" if count == 1 else f"{count:,} LSOAs"
    return Problem(
        column=column,
        check="files_agree",
        sentence=(
            f"column '{column}': {first} and {other} disagree for {noun} ({shown}). Use "
            "files of one edition and release."
        ),
        failing_rows=count,
    )


def _apply_places(areas: pd.DataFrame, places: Mapping[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """Set ``place`` from ``places``, keyed by LSOA code or else by district code.

    Codes are matched without regard to case or surrounding spaces. An LSOA that ``places``
    covers neither by its own code nor by its district's keeps its ``place`` (the district
    name, in an indices file). The values are looked up as plain Python objects: a column
    of text held by pyarrow cannot take the all-blank result of a lookup that matched none.

    Returns the table and the keys of ``places`` (as given) that matched no LSOA and no
    district, so that they can be reported rather than ignored.
    """
    lookup = {str(key).strip().upper(): value for key, value in places.items()}
    used: set[str] = set()

    def looked_up(column: str) -> np.ndarray:
        codes = areas[column].astype("string").str.strip().str.upper()
        keys = codes.to_numpy(dtype=object, na_value=None)
        used.update(key for key in keys if key is not None and key in lookup)
        return np.array([lookup.get(key) if key is not None else None for key in keys], object)

    place = looked_up("lsoa")
    if "lad_code" in areas:
        place = np.where(pd.isna(place), looked_up("lad_code"), place)
    kept = areas["place"].to_numpy(dtype=object, na_value=None)
    place = np.where(pd.isna(place), kept, place)
    unused = [str(key) for key in places if str(key).strip().upper() not in used]
    return areas.assign(place=pd.Series(place, index=areas.index, dtype=object)), unused


def _area_paths(path: Any) -> list[Any]:
    if isinstance(path, str | os.PathLike):
        return [path]
    if isinstance(path, Sequence) and all(isinstance(item, str | os.PathLike) for item in path):
        if not path:
            raise ValueError("The 'path' parameter of read_areas must name at least one file.")
        return list(path)
    raise TypeError(
        "The 'path' parameter of read_areas must be a str or a path, or a list of them. "
        f"Got {type(path).__name__} instead."
    )


def read_areas(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    places: Mapping[str, str] | None = None,
    encoding: str = "utf-8",
    sheet: str | int | None = None,
    repair_geometry: bool = False,
    imd_edition: int | str | None = None,
) -> pd.DataFrame:
    """Read an areas table, or English Indices of Deprivation files, into the contract.

    Two layouts are recognised from the header row:

    - the contract's own columns (``lsoa``, ``lsoa_name``, ``imd_decile``, ``place``, and
      optionally ``imd_score``, ``population``, ``imd_rank``) in CSV, Parquet, Excel or a
      GeoPackage/GeoJSON/Shapefile;
    - the files of the English Indices of Deprivation as government publishes them, 2019
      ("LSOA code (2011)", ...) or 2025 ("LSOA code (2021)", ...): File 1 (the Index of
      Multiple Deprivation: rank and decile), File 2 (domains), File 3 (supplementary
      indices), File 5 (scores), File 6 (population denominators) and File 7 (all of
      them), as CSV or Excel (see :mod:`toolkit.data.iod`).

    Any of these may be packed in a ``.gz`` file or a ``.zip`` holding one data file. In a
    workbook, the data sheet is found (the first sheet with an LSOA code column), so a
    "Notes" sheet first is fine. Numbers written with thousands separators ("1,296") are
    read as numbers, and counted in a note. Text such as "NA", "N/A" or "NULL" in a CSV or
    Excel cell is read as blank, as an empty cell is, and where it was is said in a
    ``UserWarning`` and a note; so is Excel's error value #N/A, while any other error
    value (#DIV/0!, #REF!...) is refused, with its column and rows.

    Several files are joined on LSOA code: ``read_areas([file_1, file_6])`` takes File 1's
    IMD rank and decile and File 6's population. The first file's LSOAs, in its order, are
    the table's; every one must be in each other file (an error lists those that are not).
    A later file may have more LSOAs (all of England, say): those are not used, and a
    warning and a note count them. A column in two files must agree (an error lists the
    LSOAs where it does not); descriptive columns (names, place) come from the first file
    that has them. The files must be of one edition.

    From an indices file, ``place`` is the local authority district name unless ``places``
    maps the LSOA (or its district code) to another place; ``lad_code``, ``lad_name`` and
    ``imd_rank`` are kept as extra columns. ``imd_score`` and ``population`` are optional:
    File 1 alone is an areas table. What a table without them leaves out is said in a
    ``UserWarning`` and in ``attrs["notes"]`` ("no IMD score: the place-level mean IMD score
    is not available ..."; "no population: the persons registered in each area give its
    population ...").

    Parameters
    ----------
    path : str or path, or a list of them
        The file, or the files to join on LSOA code (the first gives the rows).
    places : mapping of str to str, optional
        Place names keyed by LSOA code or by local authority district code (LSOA first;
        case and surrounding spaces do not matter). LSOAs it does not cover keep their
        district name (their ``place``, in a table with its own columns). A code that is
        neither an LSOA nor a district of the table is named in a ``UserWarning`` and a
        note, as its place is not used.
    encoding : str, default "utf-8"
        Text encoding of a CSV file.
    sheet : str or int, optional
        The sheet of every workbook to read. By default, each workbook's first sheet with an
        LSOA code column among its first 10 rows (the first sheet when none has one); which
        sheet was read is said in ``attrs["notes"]``.
    repair_geometry : bool, default False
        In a geographic file, repair invalid geometry (a self-intersecting polygon, say)
        with shapely's ``make_valid``, keeping only the polygonal parts, instead of refusing
        the file. The rows repaired are named in a ``UserWarning`` and listed in
        ``attrs["repaired_geometry"]``. A geometry with no area left after the repair is
        still refused.
    imd_edition : {2019, 2025}, optional
        The edition of the indices the deciles are of (a number or text), for a file that
        does not say: a CSV or Excel file in the contract's own layout, or a GeoPackage not
        written by the toolkit. A file that says (an indices file by its LSOA code column,
        a file the toolkit wrote by what it records, a name such as "IMD2019") keeps its
        own, and an ``imd_edition`` that differs from it is refused.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        The areas table in the contract's dtypes (a GeoDataFrame in EPSG:27700 when read
        from a geographic file, whose ``attrs["repaired_geometry"]`` lists the spreadsheet
        row numbers of the geometries repaired: feature 1 is row 2).
        ``attrs["imd_edition"]`` is ``"2019"`` or ``"2025"`` (from the LSOA code column's
        year, 2011 or 2021; from what a Parquet file or GeoPackage records, as those
        ``pophealth synth`` writes do; or from the file name, such as "IMD2019"), else
        ``imd_edition``, else None (unknown);
        ``attrs["notes"]`` lists what was noted while reading (the sheet read, a file
        unpacked, numbers read with thousands separators, LSOAs of a later file not used,
        what is left out); ``attrs["source"]`` names the file (or files) as messages name
        it, so that :func:`toolkit.data.make_demo_system` can name it too.

    Raises
    ------
    DataContractError
        For any problem with the files or their values, including a missing or invalid
        geometry (the message names the rows and the reason, such as
        "Self-intersection[0.5 0.5]", and offers the repair), an indices file without an
        IMD decile given alone (File 5 or 6: give it with File 1), files that do not cover
        the same LSOAs, disagree, or mix editions, or are of another edition than
        ``imd_edition``.
    ValueError
        If ``imd_edition`` is not 2019 or 2025.
    """
    if places is not None and not isinstance(places, Mapping):
        raise TypeError(
            "The 'places' parameter of read_areas must be a mapping of LSOA or district codes "
            f"to place names, or None. Got {type(places).__name__} instead."
        )
    if sheet is not None and (not isinstance(sheet, str | int) or isinstance(sheet, bool)):
        raise TypeError(
            "The 'sheet' parameter of read_areas must be a sheet name (str) or position (int), "
            f"or None to find the data sheet. Got {type(sheet).__name__} instead."
        )
    iod.edition_given(imd_edition, "read_areas")  # refused before any file is read
    files = [
        _open_areas_file(item, encoding=encoding, sheet=sheet, function="read_areas")
        for item in _area_paths(path)
    ]
    _check_imd_fields(files)
    blanks = [
        f"{file.label}: {note}" if len(files) > 1 else note
        for file in files
        for note in file.blanks
    ]
    if blanks:
        label = " with ".join(file.label for file in files) if len(files) > 1 else files[0].label
        warnings.warn(f"{label}: " + "; ".join(blanks) + ".", UserWarning, stacklevel=2)
    if len(files) == 1:
        file = files[0]
        raw, first_row, label, source = file.raw, file.first_row, file.label, file.source
        notes, warned = list(file.notes), []
        skip_empty_rows = True
    else:
        raw, notes, warned = _combine_areas(files, repair_geometry=repair_geometry)
        first_row, skip_empty_rows = 2, False
        label = " with ".join(file.label for file in files)
        source = "; ".join(file.source for file in files)
    if warned:
        warnings.warn(f"{label}: " + "; ".join(warned) + ".", UserWarning, stacklevel=2)
    if places:
        renamed = raw.rename(columns=contract_names(list(raw.columns), AREAS_RULES))
        if {"lsoa", "place"} <= set(renamed.columns):
            raw, unused = _apply_places(renamed, places)
            if unused:
                count = len(unused)
                note = (
                    f"{count:,} code{'s' if count != 1 else ''} of 'places' "
                    f"match{'es' if count == 1 else ''} no LSOA and no local authority district "
                    f"of the table ({_codes_shown(pd.Series(unused))}), so "
                    f"{'its place was' if count == 1 else 'their places were'} not used"
                )
                notes.append(note)
                warnings.warn(f"{label}: {note}.", UserWarning, stacklevel=2)
    editions = {file.edition for file in files if file.edition}
    said = next((file for file in files if file.edition), None)
    repaired = raw.attrs.get("repaired_geometry") if len(files) > 1 else None
    result = validate_areas_table(
        raw,
        source=source,
        label=label,
        first_row=first_row,
        skip_empty_rows=skip_empty_rows,
        repair_geometry=repair_geometry,
        function="read_areas",
        notes=notes,
        edition=editions.pop() if len(editions) == 1 else None,
        warn=True,
        imd_edition=imd_edition,
        edition_from=None if said is None else said.edition_from,
    )
    if repaired is not None and "repaired_geometry" in result.attrs:
        result.attrs["repaired_geometry"] = repaired
    result.attrs["source"] = label
    return result


__all__ = ["read_areas"]
