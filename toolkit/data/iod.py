"""The English Indices of Deprivation files as government publishes them.

:func:`toolkit.data.read_areas` reads these files into the areas contract; this module holds
what it knows about them: their header rows, their editions, how they are packed and what each
one leaves out. Nothing here reads a table or raises a contract error itself: the reader does,
so that every message names the file, the column and the rows in one way.

The files (IoD2019: LSOA 2011 codes; IoD2025: LSOA 2021 codes)
    Each file starts with ``LSOA code (YYYY)``, ``LSOA name (YYYY)``, ``Local Authority
    District code (YYYY)`` and ``Local Authority District name (YYYY)``; then

    - File 1, the Index of Multiple Deprivation: its rank and decile (IoD2019's workbook
      words them "Index of Multiple Deprivation (IMD) Rank" and "... Decile"; IoD2025 adds
      "(where 1 is most deprived ...)");
    - File 2, the domains: the IMD's and each domain's rank and decile;
    - File 3, the supplementary indices: the IMD's, IDACI's and IDAOPI's rank and decile;
    - File 5, the scores: the IMD's and each domain's score, no rank or decile;
    - File 6, the population denominators: "Total population: mid 2015 (excluding prisoners)"
      (IoD2019) or "Total population: mid 2022" (IoD2025) and the age groups;
    - File 7, everything: scores, ranks, deciles and the population denominators.

    Workbooks put a "Notes" (or "Terms & Conditions") sheet before the data sheet ("IMD2019",
    "IoD2019 Domains", "IoD2019 Scores", "Population Denominators", ...); the data sheet is the
    first whose header row has an LSOA code column.

Decisions
    - A file is an indices file when its header has an ``LSOA code (2011)`` or ``LSOA code
      (2021)`` column; the edition follows from the year: 2011 codes are IoD2019, 2021 codes
      IoD2025. A file in the contract's own layout takes its edition from its own metadata
      (a Parquet file or GeoPackage the toolkit wrote records it, :data:`EDITION_KEY`), else
      from its name ("IMD2019", "IoD2025", "IMD25", ...), or has none.
    - Only the IMD columns are taken: ``imd_score``, ``imd_rank``, ``imd_decile``,
      ``population`` (total), and ``lad_code`` and ``lad_name``; the district name is the
      default ``place``. Domain, sub-domain and age-group columns are left in the file.
    - Numbers written with thousands separators ("1,296", "29,199", "1,296.00") are read as
      numbers; how many were is counted in a note. Anything else that is not a number is
      still an error.
    - A ``.gz`` file holds one file; a ``.zip`` must hold exactly one CSV or Excel file.
"""

from __future__ import annotations

import gzip
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Final, Literal

import pandas as pd

from toolkit.data.contract import AREA_COLUMNS

Edition = Literal["2019", "2025"]

#: Headers of the indices files, matched ignoring case and repeated spaces (years vary).
IMD_HEADERS: Final[dict[str, str]] = {
    "lsoa": r"^lsoa code \((?P<year>2011|2021)\)$",
    "lsoa_name": r"^lsoa name \((2011|2021)\)$",
    "lad_code": r"^local authority district code \(\d{4}\)$",
    "lad_name": r"^local authority district name \(\d{4}\)$",
    "imd_score": r"^index of multiple deprivation \(imd\) score$",
    "imd_rank": r"^index of multiple deprivation \(imd\) rank\b",
    "imd_decile": r"^index of multiple deprivation \(imd\) decile\b",
    "population": r"^total population: mid \d{4}",
}

#: How each indices header is written, for messages.
IMD_DESCRIPTIONS: Final[dict[str, str]] = {
    "lsoa": "'LSOA code (2011)' or 'LSOA code (2021)'",
    "lsoa_name": "'LSOA name (2011)' or 'LSOA name (2021)'",
    "lad_code": "'Local Authority District code (YYYY)'",
    "lad_name": "'Local Authority District name (YYYY)'",
    "imd_score": "'Index of Multiple Deprivation (IMD) Score'",
    "imd_rank": "'Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)'",
    "imd_decile": "'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of "
    "LSOAs)'",
    "population": "'Total population: mid YYYY ...'",
}

#: The LSOA vintage of each edition, and the edition of each vintage.
LSOA_VINTAGE: Final[dict[str, str]] = {"2019": "2011", "2025": "2021"}
EDITION_OF_VINTAGE: Final[dict[str, Edition]] = {"2011": "2019", "2021": "2025"}

#: Where an areas table records its edition: the key of ``attrs`` (kept in a Parquet file's
#: pandas metadata) and of a GeoPackage layer's metadata.
EDITION_KEY: Final[str] = "imd_edition"

#: Order of the areas columns taken from an indices file (contract columns first).
IMD_COLUMN_ORDER: Final[tuple[str, ...]] = (
    *(name for name in AREA_COLUMNS if name != "imd_rank"),
    "lad_name",
    "lad_code",
    "imd_rank",
)

#: Numeric columns of an areas table in which thousands separators are read.
NUMERIC_AREA_COLUMNS: Final[tuple[str, ...]] = ("imd_score", "imd_decile", "population", "imd_rank")

#: What an areas table without each optional column leaves out (the notes on the table).
MISSING_NOTES: Final[dict[str, str]] = {
    "imd_score": (
        "no IMD score: the place-level mean IMD score is not available (ranks and deciles "
        "are); File 5 or File 7 of the indices has the score"
    ),
    "population": (
        "no population: the persons registered in each area give its population (File 6 or "
        "File 7 of the indices has the published mid-year population)"
    ),
}

#: Suffixes of packed files, and of the data files a zip may hold.
PACKED_SUFFIXES: Final[tuple[str, ...]] = (".gz", ".zip")
DATA_SUFFIXES: Final[tuple[str, ...]] = (".csv", ".xlsx", ".xlsm", ".parquet")

#: How many rows at the top of a sheet are searched for an LSOA code column.
SHEET_SEARCH_ROWS: Final[int] = 10

_EDITION_IN_NAME: Final[re.Pattern[str]] = re.compile(
    r"(?:iod|imd|id)[\s_-]*(?:20)?(?P<year>19|25)(?!\d)", re.IGNORECASE
)
_THOUSANDS: Final[str] = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"
#: The same, of a whole number ("1,296", "1,296.00"; not "29,199.5").
_WHOLE_THOUSANDS: Final[str] = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.0+)?$"


class PackedFileError(Exception):
    """A problem with a ``.gz`` or ``.zip`` file (the reader turns it into a contract error).

    Parameters
    ----------
    check : str
        Short name of the failed check.
    sentence : str
        What is wrong and what to do, in plain English.
    """

    def __init__(self, check: str, sentence: str) -> None:
        super().__init__(sentence)
        self.check = check
        self.sentence = sentence


def header_name(name: Any) -> str:
    """Return a header as matched against :data:`IMD_HEADERS`: trimmed, lower case, one space.

    Parameters
    ----------
    name : object
        A column name.

    Returns
    -------
    str
        The name, normalised.
    """
    return re.sub(r"\s+", " ", str(name).strip().lower())


def imd_layout(columns: Sequence[Any]) -> dict[str, Any]:
    """Find which column of an indices file holds each areas field.

    Parameters
    ----------
    columns : sequence
        The file's column names.

    Returns
    -------
    dict
        Field (``lsoa``, ``imd_decile``, ...) to the first column whose header matches it;
        fields the file does not have are absent.
    """
    found: dict[str, Any] = {}
    for field, pattern in IMD_HEADERS.items():
        for column in columns:
            if re.search(pattern, header_name(column)):
                found[field] = column
                break
    return found


def edition_of_layout(layout: Mapping[str, Any]) -> Edition | None:
    """Return the edition of an indices file from the year of its LSOA code column.

    Parameters
    ----------
    layout : mapping
        As :func:`imd_layout` returns.

    Returns
    -------
    {"2019", "2025"} or None
        ``"2019"`` for LSOA 2011 codes, ``"2025"`` for LSOA 2021 codes; None without an
        LSOA code column.
    """
    if "lsoa" not in layout:
        return None
    match = re.search(IMD_HEADERS["lsoa"], header_name(layout["lsoa"]))
    return EDITION_OF_VINTAGE[match.group("year")] if match else None


def edition_of_name(name: str) -> Edition | None:
    """Return the edition a file's name gives ("IMD2019", "IoD2025", "IMD25"), if any.

    Parameters
    ----------
    name : str
        A file name.

    Returns
    -------
    {"2019", "2025"} or None
        The edition, or None when the name names none or both.
    """
    years = {match.group("year") for match in _EDITION_IN_NAME.finditer(name)}
    if len(years) != 1:
        return None
    return "2019" if years == {"19"} else "2025"


def edition_of_value(value: Any) -> Edition | None:
    """Return the edition a file's own metadata records (:data:`EDITION_KEY`), if valid.

    An areas table written by the toolkit records its edition: a Parquet file in its pandas
    metadata (``attrs``), a GeoPackage in its layer metadata (see
    :func:`toolkit.data.synth.write_demo_system`).

    Parameters
    ----------
    value : object
        The value recorded, such as ``"2025"``.

    Returns
    -------
    {"2019", "2025"} or None
        The edition, or None when nothing (or something else) is recorded.
    """
    text = str(value).strip() if value is not None else ""
    return text if text in LSOA_VINTAGE else None  # type: ignore[return-value]


def edition_given(value: Any, function: str) -> Edition | None:
    """Read an ``imd_edition`` parameter: 2019 or 2025, as a number or as text.

    Parameters
    ----------
    value : int, str or None
        The edition given (``2019``, ``"2025"``), or None for none.
    function : str
        The function it was given to, named in the message.

    Returns
    -------
    {"2019", "2025"} or None
        The edition, as :func:`toolkit.data.read_areas` records it in ``attrs``.

    Raises
    ------
    TypeError
        If ``value`` is not a whole number, text or None.
    ValueError
        If it is not an edition the toolkit reads (the message names them).
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(
            f"The 'imd_edition' parameter of {function} must be a year (int or str) or None. "
            f"Got {type(value).__name__} instead."
        )
    text = str(value).strip()
    if text not in LSOA_VINTAGE:
        raise ValueError(
            f"The 'imd_edition' parameter of {function} must be "
            f"{' or '.join(LSOA_VINTAGE)} (the editions of the English Indices of "
            f"Deprivation, with LSOA {' and '.join(LSOA_VINTAGE.values())} codes). "
            f"Got {value!r} instead."
        )
    return text  # type: ignore[return-value]


def imd_frame(raw: pd.DataFrame, layout: Mapping[str, Any]) -> pd.DataFrame:
    """Take the areas columns out of an indices file, named as the contract names them.

    Parameters
    ----------
    raw : pandas.DataFrame
        The file as read (every value as the file has it).
    layout : mapping
        As :func:`imd_layout` returns for ``raw``.

    Returns
    -------
    pandas.DataFrame
        ``lsoa``, ``lsoa_name``, and those of ``imd_score``, ``imd_decile``,
        ``population``, ``place`` (the district name), ``lad_name``, ``lad_code`` and
        ``imd_rank`` the file has; values unchanged (the reader standardises them).
    """
    columns: dict[str, pd.Series] = {}
    for field in IMD_COLUMN_ORDER:
        if field == "place":
            if "lad_name" in layout:
                columns["place"] = raw[layout["lad_name"]]
            continue
        if field in layout:
            columns[field] = raw[layout[field]]
    return pd.DataFrame(columns, index=raw.index)


def kind_of_file(layout: Mapping[str, Any]) -> str:
    """Describe which indices file a layout looks like, for messages.

    Parameters
    ----------
    layout : mapping
        As :func:`imd_layout` returns.

    Returns
    -------
    str
        Such as "File 6 (population denominators)".
    """
    has = set(layout)
    if {"imd_decile", "population", "imd_score"} <= has:
        return "File 7 (all scores, ranks, deciles and population denominators)"
    if "imd_decile" in has:
        return "File 1, 2 or 3 (ranks and deciles)"
    if "imd_score" in has:
        return "File 5 (scores)"
    if "population" in has:
        return "File 6 (population denominators)"
    return "a file of the indices without the Index of Multiple Deprivation"


def strip_thousands(
    frame: pd.DataFrame, columns: Sequence[Any], *, whole: Collection[Any] = ()
) -> tuple[pd.DataFrame, dict[Any, tuple[int, str]]]:
    """Read numbers written with thousands separators ("1,296") in some columns of a table.

    Only text of the strict form ``1,296`` / ``29,199`` / ``1,296.00`` is changed (commas
    between groups of three digits); anything else is left for the reader to report, as
    written. In a column of whole numbers, so is "29,199.5".

    Parameters
    ----------
    frame : pandas.DataFrame
        A table. Not changed.
    columns : sequence
        Its columns to look at (text columns only are changed).
    whole : collection, optional
        Those of ``columns`` that hold whole numbers.

    Returns
    -------
    table : pandas.DataFrame
        ``frame`` with the separators removed (the same object when nothing changed).
    counts : dict
        For each column changed: how many values had separators and the first one as
        written.
    """
    counts: dict[Any, tuple[int, str]] = {}
    changed: dict[Any, pd.Series] = {}
    for column in columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
            continue
        text = values.astype("string").str.strip()
        pattern = _WHOLE_THOUSANDS if column in whole else _THOUSANDS
        grouped = text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
        if not grouped.any():
            continue
        counts[column] = (int(grouped.sum()), str(text[grouped].iloc[0]))
        stripped = text.str.replace(",", "", regex=False)
        changed[column] = values.where(~grouped, stripped.astype(object))
    if not changed:
        return frame, counts
    result = frame.copy()
    for column, values in changed.items():
        result[column] = values
    return result, counts


def thousands_notes(counts: Mapping[Any, tuple[int, str]]) -> list[str]:
    """Say, column by column, how many numbers were written with thousands separators.

    Parameters
    ----------
    counts : mapping
        As :func:`strip_thousands` returns.

    Returns
    -------
    list of str
        One note per column.
    """
    notes = []
    for column, (count, example) in counts.items():
        noun = "1 value" if count == 1 else f"{count:,} values"
        notes.append(
            f"{column}: {noun} written with thousands separators (such as '{example}') "
            f"{'was' if count == 1 else 'were'} read as numbers"
        )
    return notes


def is_packed(path: Path) -> bool:
    """Whether a path names a ``.gz`` or ``.zip`` file.

    Parameters
    ----------
    path : pathlib.Path
        The path.

    Returns
    -------
    bool
        True for a packed file.
    """
    return path.suffix.lower() in PACKED_SUFFIXES


@dataclass(frozen=True)
class Unpacked:
    """A packed file's content, unpacked into a temporary folder.

    Attributes
    ----------
    path : pathlib.Path
        The unpacked file (deleted when the context ends).
    name : str
        Its name inside the packed file.
    """

    path: Path
    name: str


@contextmanager
def unpacked(path: Path, *, table: Literal["persons", "areas"] = "areas") -> Iterator[Unpacked]:
    """Unpack a ``.gz`` file, or a ``.zip`` holding one data file, into a temporary folder.

    Parameters
    ----------
    path : pathlib.Path
        A ``.gz`` or ``.zip`` file.
    table : {"persons", "areas"}, default "areas"
        The table read from it: a zip of several data files is refused with the advice
        for that table's readers.

    Yields
    ------
    Unpacked
        The unpacked file; it is deleted when the context ends.

    Raises
    ------
    PackedFileError
        The file cannot be unpacked, or a zip holds no data file or more than one.
    """
    with tempfile.TemporaryDirectory(prefix="pophealth-areas-") as folder:
        if path.suffix.lower() == ".gz":
            name = path.name[: -len(path.suffix)]
            target = Path(folder) / name
            try:
                with gzip.open(path, "rb") as packed, target.open("wb") as out:
                    shutil.copyfileobj(packed, out)
            except (OSError, EOFError, zlib.error) as error:
                raise PackedFileError(
                    "gzip",
                    f"could not be unpacked as a gzip file ({type(error).__name__}: {error}). "
                    "It may be cut short: download or copy it again.",
                ) from None
        else:
            name, target = _unzip(path, Path(folder), table)
        yield Unpacked(path=target, name=name)


#: What to do with a zip of several data files read as areas (after "the zip holds ...; ").
_SEVERAL_AREAS_FILES: Final[str] = (
    "read_areas reads one file per path. Unzip it and give the files as a list, for example "
    "read_areas([file_1, file_6]) (on the command line, both files: pophealth validate "
    '--kind areas FILE_1 FILE_6; in a report\'s configuration, areas = ["FILE_1", '
    '"FILE_6"]).'
)

#: What to do with a zip of several data files read as persons: the readers read one file,
#: build_cube and the command line a folder of CSV or Parquet files with the same columns.
_SEVERAL_PERSONS_FILES: Final[str] = (
    "a persons file is one data file. Unzip it and give the persons file itself; persons "
    "split across CSV or Parquet files with the same columns are read together from their "
    "folder (on the command line: pophealth validate FOLDER, pophealth cube FOLDER --out "
    "cube.parquet or pophealth candidates FOLDER; in Python, build_cube(FOLDER)). A report's "
    "persons key takes one file: combine the files into one first."
)


def _unzip(path: Path, folder: Path, table: str) -> tuple[str, Path]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                member
                for member in archive.infolist()
                if not member.is_dir()
                and "__MACOSX" not in PurePosixPath(member.filename).parts
                and not PurePosixPath(member.filename).name.startswith(".")
            ]
            data = [
                member
                for member in members
                if PurePosixPath(member.filename).suffix.lower() in DATA_SUFFIXES
            ]
            if len(data) != 1:
                held = ", ".join(f"'{member.filename}'" for member in members) or "nothing"
                if data:
                    sentence = f"the zip holds {len(data)} data files ({held}); " + (
                        _SEVERAL_PERSONS_FILES if table == "persons" else _SEVERAL_AREAS_FILES
                    )
                else:
                    sentence = (
                        f"the zip holds no CSV or Excel file (it holds {held}). Give the data "
                        "file itself."
                    )
                raise PackedFileError("zip_content", sentence)
            member = data[0]
            name = PurePosixPath(member.filename).name
            target = folder / name
            with archive.open(member) as packed, target.open("wb") as out:
                shutil.copyfileobj(packed, out)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
        raise PackedFileError(
            "zip",
            f"could not be unpacked as a zip file ({type(error).__name__}: {error}). It may be "
            "cut short: download or copy it again.",
        ) from None
    return name, target


def is_lsoa_header(cell: Any) -> bool:
    """Whether a header cell names an LSOA code column (an indices header or ``lsoa``).

    Parameters
    ----------
    cell : object
        A cell of a candidate header row.

    Returns
    -------
    bool
        True for "LSOA code (2011)", "LSOA code (2021)" or "lsoa" (any case).
    """
    if cell is None or not isinstance(cell, str):
        return False
    name = header_name(cell)
    return name == "lsoa" or re.search(IMD_HEADERS["lsoa"], name) is not None


def find_data_sheet(path: Path) -> tuple[str, list[str]] | None:
    """Find the data sheet of a workbook: the first whose header row has an LSOA code column.

    The first :data:`SHEET_SEARCH_ROWS` rows of each sheet are searched, so a title row
    above the header is fine.

    Parameters
    ----------
    path : pathlib.Path
        An Excel workbook.

    Returns
    -------
    tuple of (str, list of str) or None
        The sheet's name and the names of every sheet, in order; None when no sheet has an
        LSOA code column or the workbook cannot be opened (the reader then reads the first
        sheet and reports what it finds).
    """
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl and zipfile raise many types for damaged files
        return None
    try:
        names = list(workbook.sheetnames)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(max_row=SHEET_SEARCH_ROWS, values_only=True):
                if any(is_lsoa_header(cell) for cell in row):
                    return sheet.title, names
    except Exception:  # a damaged sheet: let the reader report it
        return None
    finally:
        workbook.close()
    return None


def sheet_note(sheet: str, names: Sequence[str]) -> str:
    """Say which sheet of a workbook was read, and why.

    Parameters
    ----------
    sheet : str
        The sheet read.
    names : sequence of str
        Every sheet of the workbook.

    Returns
    -------
    str
        Such as "read sheet 'IMD2019', the first with an LSOA code column (the workbook's
        sheets: 'Notes', 'IMD2019')".
    """
    listed = ", ".join(f"'{name}'" for name in names)
    return (
        f"read sheet '{sheet}', the first with an LSOA code column (the workbook's sheets: "
        f"{listed})"
    )


__all__ = [
    "EDITION_KEY",
    "IMD_DESCRIPTIONS",
    "IMD_HEADERS",
    "LSOA_VINTAGE",
    "MISSING_NOTES",
    "NUMERIC_AREA_COLUMNS",
    "Edition",
    "PackedFileError",
    "Unpacked",
    "edition_of_layout",
    "edition_of_name",
    "edition_given",
    "edition_of_value",
    "find_data_sheet",
    "imd_frame",
    "imd_layout",
    "is_packed",
    "kind_of_file",
    "strip_thousands",
    "thousands_notes",
    "unpacked",
]
