"""Files: check a path, find its kind, and read it into a table of text (or typed) columns.

:func:`read_table` is the one entry point: it checks the path (:func:`checked_path`) and
reads a CSV (every value as text, UTF-8 unless told otherwise), an Excel sheet (its header
found among the first rows), a Parquet file or a geographic file, turning each library's
errors into a plain :class:`~toolkit.errors.DataContractError` that names the line.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from toolkit.data import iod
from toolkit.data.columns import Table, normalise_name
from toolkit.data.problems import fail
from toolkit.data.schemas import AREAS_RULES, CUBE_RULES, PERSONS_RULES, blank_mask, default_text

#: How many rows at the top of an Excel sheet are searched for the header row.
HEADER_SEARCH_ROWS: Final[int] = 10

#: Cell texts read as blank in a CSV file (pandas' defaults, used by both CSV readers).
BLANK_TEXT: Final[tuple[str, ...]] = (
    "",
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "<NA>",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "None",
    "n/a",
    "nan",
    "null",
)

_FORMATS: Final[dict[str, str]] = {
    ".csv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".gpkg": "geo",
    ".geojson": "geo",
    ".json": "geo",
    ".shp": "geo",
}


def checked_path(
    path: Any,
    *,
    function: str,
    table: Table,
    packed: bool = False,
    label: str | None = None,
    source: str | None = None,
) -> tuple[Path, str]:
    """Check a file exists and is of a kind read; return it and its label for messages.

    With ``packed``, a ``.gz`` or ``.zip`` file is accepted (it is unpacked by the caller).
    ``label`` and ``source`` name a file unpacked from another in messages.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(
            f"The 'path' parameter of {function} must be a str or a path. "
            f"Got {type(path).__name__} instead."
        )
    resolved = Path(path)
    label = label or resolved.name or str(resolved)
    source = source or str(path)
    if not resolved.exists():
        fail(label, "exists", f"there is no such file ({resolved}).", source=source)
    if resolved.is_dir():
        fail(
            label,
            "is_file",
            f"this is a folder, not a file ({resolved}). Give the path of the {table} file "
            "inside it.",
            source=source,
        )
    suffix = resolved.suffix.lower()
    if suffix == ".xls":
        fail(
            label,
            "format",
            "old Excel .xls workbooks are not read. Open it in Excel and save it as .xlsx, or "
            "as CSV UTF-8.",
            source=source,
        )
    allowed = {key for key, kind in _FORMATS.items() if kind != "geo" or table == "areas"}
    if packed:
        allowed |= set(iod.PACKED_SUFFIXES)
    if suffix not in allowed:
        kinds = "CSV (.csv), Parquet (.parquet) or Excel (.xlsx)"
        if table == "areas":
            kinds += ", or a GeoPackage, GeoJSON or Shapefile (or a .gz or .zip of one)"
        fail(
            label,
            "format",
            f"the {table} table must be {kinds}; files ending '{resolved.suffix}' are not read.",
            source=source,
        )
    if resolved.stat().st_size == 0:
        fail(label, "not_empty", "the file is empty (0 bytes).", source=source)
    return resolved, label


def _encoding_name(encoding: str) -> str:
    return "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def _csv_encoding(encoding: str) -> str:
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def _first_bad_line(path: Path, encoding: str) -> tuple[int, int, bytes]:
    """Line number, column and bytes of the first text that does not decode."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode(encoding)
            except UnicodeDecodeError as error:
                return number, error.start + 1, line[error.start : error.end]
    return 0, 0, b""


def _line_count(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def _check_truncated_csv(path: Path, encoding: str, width: int, label: str, source: str) -> None:
    """Refuse a CSV whose last line has fewer values than the header and no final line break."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 65536))
        tail = handle.read()
    if tail.endswith((b"\n", b"\r")):
        return
    last_line = tail.rsplit(b"\n", 1)[-1].decode(encoding, errors="replace")
    fields = next(csv.reader([last_line]), [])
    if 0 < len(fields) < width:
        line = _line_count(path) + 1
        fail(
            label,
            "complete_last_line",
            f"the last line (line {line}) has {len(fields)} of the {width} values the header "
            "names and does not end with a line break: the file looks truncated (cut short "
            "while it was written or copied). Export or copy it again.",
            source=source,
            line=line,
        )


def _not_text_error(path: Path, encoding: str, label: str, source: str) -> None:
    line, column, found = _first_bad_line(path, _csv_encoding(encoding))
    fail(
        label,
        "encoding",
        f"line {line} is not {_encoding_name(encoding)} text (byte {found.hex(' ')} at "
        f"character {column}). The file was probably saved by Excel as plain 'CSV', which uses "
        "the Windows-1252 encoding. Save it as 'CSV UTF-8 (comma delimited)', or read it with "
        "encoding='cp1252'.",
        source=source,
        line=line,
    )


def _csv_header(path: Path, *, encoding: str, label: str, source: str, table: Table) -> list[str]:
    """Read and check the header line: not blank, no repeated names, comma-separated."""
    try:
        with path.open("r", encoding=_csv_encoding(encoding), newline="") as handle:
            header_line = handle.readline()
            if not header_line.strip():
                rest = handle.read(1 << 20)
                if not rest.strip() and not handle.read(1):
                    fail(label, "not_empty", "the file holds only blank lines.", source=source)
                fail(
                    label,
                    "header",
                    "line 1 is blank: the header row must be the first line.",
                    source=source,
                    line=1,
                )
    except UnicodeDecodeError:
        _not_text_error(path, encoding, label, source)
    except LookupError:
        raise ValueError(
            f"The 'encoding' parameter of read_{table} must name a text encoding such as "
            f"'utf-8' or 'cp1252'. Got {encoding!r} instead."
        ) from None
    header = next(csv.reader([header_line.rstrip("\r\n")]), [])
    stripped = [name.strip() for name in header]
    duplicated = sorted({name for name in stripped if name and stripped.count(name) > 1})
    if duplicated:
        described = []
        for name in duplicated:
            where = " and ".join(str(i + 1) for i, found in enumerate(stripped) if found == name)
            described.append(f"'{name}' (columns {where})")
        fail(
            label,
            "unique_column",
            f"the header repeats {', '.join(described)}: keep one of each.",
            source=source,
            line=1,
        )
    if len(header) == 1:
        for separator, word in ((";", "';'"), ("\t", "tab"), ("|", "'|'")):
            if separator in header[0]:
                fail(
                    label,
                    "delimiter",
                    f"the header row has no commas but {header[0].count(separator)} {word} "
                    f"characters: the file looks {word}-separated. Save it comma-separated "
                    f"(CSV UTF-8 in Excel), or read it with pandas.read_csv(path, "
                    f"sep={separator!r}) and pass the table to validate_{table}.",
                    source=source,
                    line=1,
                )
    return header


def _csv_with_pyarrow(path: Path, header: Sequence[str], encoding: str) -> pd.DataFrame | None:
    """Read a well-formed CSV fast (every column as text); None if pyarrow finds anything odd.

    pyarrow's reader is several times faster than pandas' for text columns. Blank lines are
    kept as rows so that row numbers stay those of the file. Anything it refuses (a short or
    long line, a line break inside quotes, bytes that are not text) is read again by pandas,
    whose errors name the line.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(encoding=_csv_encoding(encoding)),
            parse_options=pa_csv.ParseOptions(ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                null_values=list(BLANK_TEXT),
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    if table.num_columns != len(header) or not all(
        pa.types.is_string(column.type) for column in table.schema
    ):
        return None  # a header pyarrow split differently: let pandas read it
    text_dtype = default_text(pd.Series([], dtype="string")).dtype
    if isinstance(text_dtype, pd.api.extensions.ExtensionDtype):
        return table.to_pandas(types_mapper={pa.string(): text_dtype}.get)
    return table.to_pandas()


def _read_csv(path: Path, *, encoding: str, label: str, source: str, table: Table) -> pd.DataFrame:
    header = _csv_header(path, encoding=encoding, label=label, source=source, table=table)
    raw = _csv_with_pyarrow(path, header, encoding)
    if raw is None:
        raw = _csv_with_pandas(path, encoding=encoding, label=label, source=source)
    _check_truncated_csv(path, _csv_encoding(encoding), raw.shape[1], label, source)
    raw.columns = [str(column).strip() for column in raw.columns]
    return drop_blank_unnamed(raw)


def _csv_with_pandas(path: Path, *, encoding: str, label: str, source: str) -> pd.DataFrame:
    """Read a CSV with pandas, turning its parser errors into plain messages naming the line."""
    try:
        return pd.read_csv(
            path,
            dtype=str,
            encoding=_csv_encoding(encoding),
            skip_blank_lines=False,
            keep_default_na=False,
            na_values=list(BLANK_TEXT),
        )
    except UnicodeDecodeError:
        _not_text_error(path, encoding, label, source)
    except pd.errors.EmptyDataError:
        fail(label, "not_empty", "the file is empty: it has no header row.", source=source)
    except pd.errors.ParserError as error:
        message = str(error)
        fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
        quote = re.search(r"EOF inside string starting at row (\d+)", message)
        if fields:
            expected, line, seen = (int(group) for group in fields.groups())
            fail(
                label,
                "field_count",
                f"line {line} has {seen} values but the header names {expected}. A value that "
                "contains a comma must be in double quotes.",
                source=source,
                line=line,
            )
        if quote:
            line = int(quote.group(1)) + 1
            fail(
                label,
                "closed_quote",
                f"a quoted value that starts on line {line} is never closed: the file may be "
                "truncated, or a value contains a stray double quote.",
                source=source,
                line=line,
            )
        fail(label, "parse", f"could not be read as CSV ({message}).", source=source)


def drop_blank_unnamed(raw: pd.DataFrame) -> pd.DataFrame:
    """Drop columns with no header name and no values (spreadsheet formatting leftovers)."""
    keep = [
        column
        for column in raw.columns
        if not (str(column).startswith("Unnamed: ") and blank_mask(raw[column]).all())
    ]
    return raw[keep]


def _known_header_score(cells: Sequence[Any]) -> int:
    known = set(PERSONS_RULES) | set(AREAS_RULES) | set(CUBE_RULES)
    score = 0
    for cell in cells:
        if cell is None or (isinstance(cell, float) and np.isnan(cell)):
            continue
        if normalise_name(cell) in known:
            score += 1
        elif any(re.search(pattern, iod.header_name(cell)) for pattern in iod.IMD_HEADERS.values()):
            score += 1
    return score


def _read_excel(
    path: Path, *, sheet: str | int, label: str, source: str
) -> tuple[pd.DataFrame, int]:
    damaged = (
        "It may be damaged or cut short, or another kind of file renamed .xlsx: open it in "
        "Excel and save it again as .xlsx."
    )
    try:
        raw = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object)
    except ValueError as error:
        if str(error).startswith("Worksheet"):
            fail(label, "sheet", f"the workbook has no sheet {sheet!r}.", source=source)
        fail(label, "excel", f"could not be read as an Excel workbook. {damaged}", source=source)
    except IndexError:
        fail(label, "sheet", f"the workbook has no sheet {sheet!r}.", source=source)
    except Exception as error:  # openpyxl and zipfile raise many types for damaged files
        fail(
            label,
            "excel",
            f"could not be read as an Excel workbook ({type(error).__name__}: {error}). " + damaged,
            source=source,
        )
    if raw.empty:
        fail(label, "not_empty", "the sheet is empty.", source=source)
    scores = [
        _known_header_score(list(raw.iloc[row])) for row in range(min(HEADER_SEARCH_ROWS, len(raw)))
    ]
    best = int(np.argmax(scores)) if max(scores) >= 2 else 0
    header = list(raw.iloc[best])
    names = [
        f"Unnamed: {position}"
        if cell is None or (isinstance(cell, float) and np.isnan(cell))
        else str(cell).strip()
        for position, cell in enumerate(header)
    ]
    stripped = [name for name in names if not name.startswith("Unnamed: ")]
    duplicated = sorted({name for name in stripped if stripped.count(name) > 1})
    if duplicated:
        listed = ", ".join(f"'{name}'" for name in duplicated)
        fail(
            label,
            "unique_column",
            f"the header (row {best + 1}) repeats {listed}: keep one of each.",
            source=source,
            line=best + 1,
        )
    data = raw.iloc[best + 1 :].set_axis(names, axis=1).reset_index(drop=True)
    return drop_blank_unnamed(data), best + 2


def _read_parquet(path: Path, *, label: str, source: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError and others
        fail(
            label,
            "parquet",
            f"could not be read as Parquet ({type(error).__name__}: {error}). The file may be "
            "truncated (cut short while it was written or copied) or not a Parquet file.",
            source=source,
        )


def _read_geo(path: Path, *, label: str, source: str) -> pd.DataFrame:
    import geopandas

    try:
        return geopandas.read_file(path)
    except Exception as error:  # pyogrio raises DataSourceError and others
        fail(
            label,
            "geo",
            f"could not be read as a geographic file ({type(error).__name__}: {error}).",
            source=source,
        )


@contextmanager
def unpacked_file(resolved: Path, *, label: str, source: str) -> Iterator[tuple[iod.Unpacked, str]]:
    """Unpack a ``.gz`` file, or a ``.zip`` holding one data file, for reading.

    Shared by :func:`toolkit.data.read_persons` and :func:`toolkit.data.read_areas`.

    Parameters
    ----------
    resolved : pathlib.Path
        The packed file, as :func:`checked_path` returns it.
    label : str
        What messages call the packed file.
    source : str
        The packed file's path as given, kept on the error.

    Yields
    ------
    inner : toolkit.data.iod.Unpacked
        The unpacked file (deleted when the context ends).
    inner_label : str
        What messages call it: ``label`` for a ``.gz`` file, ``"label (name)"`` for a
        file from a ``.zip``.

    Raises
    ------
    DataContractError
        If the file cannot be unpacked, or a zip holds no data file or more than one.
    """
    try:
        with iod.unpacked(resolved) as inner:
            yield inner, label if resolved.suffix.lower() == ".gz" else f"{label} ({inner.name})"
    except iod.PackedFileError as error:
        fail(label, error.check, error.sentence, source=source)


def read_table(
    path: Any,
    *,
    table: Table,
    function: str,
    encoding: str,
    sheet: str | int,
    label: str | None = None,
    source: str | None = None,
) -> tuple[pd.DataFrame, int, str, str]:
    """Check and read one file; return its table, first data row, label and source.

    ``function`` names the caller in messages about its parameters; ``label`` and
    ``source`` name a file unpacked from another (see :func:`checked_path`).
    """
    if not isinstance(encoding, str):
        raise TypeError(
            f"The 'encoding' parameter of {function} must be a str. "
            f"Got {type(encoding).__name__} instead."
        )
    if not isinstance(sheet, str | int) or isinstance(sheet, bool):
        raise TypeError(
            f"The 'sheet' parameter of {function} must be a sheet name (str) or position (int). "
            f"Got {type(sheet).__name__} instead."
        )
    resolved, label = checked_path(path, function=function, table=table, label=label, source=source)
    source = source or str(path)
    kind = _FORMATS[resolved.suffix.lower()]
    first_row = 2
    if kind == "csv":
        raw = _read_csv(resolved, encoding=encoding, label=label, source=source, table=table)
    elif kind == "excel":
        raw, first_row = _read_excel(resolved, sheet=sheet, label=label, source=source)
    elif kind == "parquet":
        raw = _read_parquet(resolved, label=label, source=source)
    else:
        raw = _read_geo(resolved, label=label, source=source)
    return raw, first_row, label, source


__all__ = ["BLANK_TEXT", "HEADER_SEARCH_ROWS", "read_table", "unpacked_file"]
