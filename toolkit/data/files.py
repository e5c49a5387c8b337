"""Files: check a path, find its kind, and read it into a table of text (or typed) columns.

:func:`read_table` is the one entry point: it checks the path (:func:`checked_path`) and
reads a CSV (every value as text, UTF-8 unless told otherwise), an Excel sheet (its header
found among the first rows), a Parquet file or a geographic file, turning each library's
errors into a plain :class:`~toolkit.errors.DataContractError` that names the line.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import os
import re
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from toolkit._words import listed
from toolkit.data import iod
from toolkit.data._excel_errors import error_cells, excel_errors
from toolkit.data.columns import Table
from toolkit.data.headers import (
    HEADER_SEARCH_ROWS,
    find_table_sheet,
    header_position,
    known_header_score,
)
from toolkit.data.problems import MAX_EXAMPLES, fail
from toolkit.data.schemas import blank_mask, default_text

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

#: The texts of :data:`BLANK_TEXT` that are not empty ("NA", "NULL", ...): read as blank, and
#: counted where they were, so that the readers can say so.
WRITTEN_BLANKS: Final[tuple[str, ...]] = tuple(text for text in BLANK_TEXT if text)

#: How many bytes at the start of a CSV file are looked at for UTF-16 text (:func:`looks_utf16`).
UTF16_SNIFF_BYTES: Final[int] = 4096

#: Key of a table's ``attrs`` holding, for each column in which :data:`WRITTEN_BLANKS` were
#: read as blank, how many, the first positions (from 0 among the data rows) and the texts.
WRITTEN_BLANKS_KEY: Final[str] = "written_blanks"

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


def looks_utf16(head: bytes) -> bool:
    """Whether the first bytes of a file are UTF-16 text (Excel's "Unicode Text" save).

    A UTF-16 byte-order mark (FF FE or FE FF) says so. Without one, UTF-16 text of Latin
    letters and digits has a NUL byte in every other position, which no CSV text holds:
    more than half the bytes on one side are NUL, and under half as many on the other (so
    that a file filled with NUL bytes, as a copy cut short may be, is not taken for UTF-16).

    Parameters
    ----------
    head : bytes
        The file's first bytes (:data:`UTF16_SNIFF_BYTES` of them, or all of a smaller file).

    Returns
    -------
    bool
        True when the bytes look like UTF-16 text.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return max(even, odd) * 4 > len(head) and min(even, odd) * 2 < max(even, odd)


def _refuse_utf16(path: Path, label: str, source: str) -> None:
    """Refuse a CSV file saved as UTF-16, before its text is read as any other encoding."""
    with path.open("rb") as handle:
        head = handle.read(UTF16_SNIFF_BYTES)
    if looks_utf16(head):
        fail(
            label,
            "encoding",
            "the file is saved as UTF-16 text (Excel's 'Unicode Text'), which is not read. "
            "Save it as 'CSV UTF-8 (comma delimited)'.",
            source=source,
        )


def _not_text_error(path: Path, encoding: str, label: str, source: str) -> None:
    line, column, found = _first_bad_line(path, _csv_encoding(encoding))
    fail(
        label,
        "encoding",
        f"line {line} is not {_encoding_name(encoding)} text (byte {found.hex(' ')} at "
        f"character {column}). The file was probably saved by Excel as plain 'CSV', which uses "
        "the Windows-1252 encoding. Save it as 'CSV UTF-8 (comma delimited)' (in Python, "
        "you may instead read it with encoding='cp1252').",
        source=source,
        line=line,
    )


def _csv_header(
    path: Path, *, encoding: str, label: str, source: str, table: Table
) -> tuple[list[str], int]:
    """Read and check the header line: not blank, no repeated names, comma-separated.

    Returns the header and how many lines are above it: an areas file's header may be
    below title rows, among the first :data:`HEADER_SEARCH_ROWS` lines
    (:func:`toolkit.data.headers.header_position`); a persons file's found there is
    refused, saying where it is, as the DuckDB scan of persons files reads line 1.
    """
    try:
        with path.open("r", encoding=_csv_encoding(encoding), newline="") as handle:
            header_line = handle.readline()
            header = next(csv.reader([header_line.rstrip("\r\n")]), [])
            skip = 0
            # Title rows above the header? (A blank line 1 is refused below.)
            if table in ("persons", "areas") and known_header_score(header) < 2:
                rows = [header, *itertools.islice(csv.reader(handle), HEADER_SEARCH_ROWS - 1)]
                skip = header_position(rows) if header_line.strip() else 0
                header = rows[skip]
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
    if skip and table == "persons":
        named = ", ".join([*(f"'{name.strip()}'" for name in header if name.strip())][:3])
        fail(
            label,
            "header",
            f"the header seems not to be in row 1: row {skip + 1} names the columns ({named} ...). "
            f"Delete the {'row' if skip == 1 else f'{skip} rows'} above it, so that the "
            "header is row 1 (a workbook's header is found below title rows; a CSV file's "
            "must be its first line).",
            source=source,
            line=1,
        )
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
            line=skip + 1,
        )
    if len(header) == 1:
        for separator, word in ((";", "';'"), ("\t", "tab"), ("|", "'|'")):
            if separator in header[0]:
                fail(
                    label,
                    "delimiter",
                    f"the header row has no commas but {header[0].count(separator)} {word} "
                    f"characters: the file looks {word}-separated. Save it comma-separated "
                    f"(CSV UTF-8 in Excel); in Python you may instead read it with "
                    f"pandas.read_csv(path, sep={separator!r}) and pass the table to "
                    f"validate_{table}.",
                    source=source,
                    line=1,
                )
    return header, skip


def _csv_with_pyarrow(
    path: Path, header: Sequence[str], encoding: str, skip: int = 0
) -> pd.DataFrame | None:
    """Read a well-formed CSV fast (every column as text); None if pyarrow finds anything odd.

    pyarrow's reader is several times faster than pandas' for text columns. Blank lines are
    kept as rows so that row numbers stay those of the file. Anything it refuses (a short or
    long line, a line break inside quotes, bytes that are not text) is read again by pandas,
    whose errors name the line. Where the :data:`WRITTEN_BLANKS` were read as blank is
    noted in ``attrs`` (:func:`_written_blanks_arrow`).
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    def read(null_values: Sequence[str], columns: Sequence[str] = ()) -> Any:
        return pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(encoding=_csv_encoding(encoding), skip_rows=skip),
            parse_options=pa_csv.ParseOptions(ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                null_values=list(null_values),
                strings_can_be_null=True,
                include_columns=list(columns),
            ),
        )

    try:
        table = read(BLANK_TEXT)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    if table.num_columns != len(header) or not all(
        pa.types.is_string(column.type) for column in table.schema
    ):
        return None  # a header pyarrow split differently: let pandas read it
    text_dtype = default_text(pd.Series([], dtype="string")).dtype
    if isinstance(text_dtype, pd.api.extensions.ExtensionDtype):
        frame = table.to_pandas(types_mapper={pa.string(): text_dtype}.get)
    else:
        frame = table.to_pandas()
    frame.attrs[WRITTEN_BLANKS_KEY] = _written_blanks_arrow(table, header, read)
    return frame


def _written_blanks_found(positions: np.ndarray, texts: pd.Series) -> dict[str, Any]:
    """Return what is kept of one column's blank texts: count, first positions, texts."""
    counts = texts.value_counts(sort=True)
    return {
        "count": len(positions),
        "positions": [int(position) for position in positions[:MAX_EXAMPLES]],
        "texts": {str(text): int(count) for text, count in counts.items()},
    }


def _written_blanks_arrow(
    table: Any, header: Sequence[str], read: Any
) -> dict[int, dict[str, Any]]:
    """Find where the :data:`WRITTEN_BLANKS` were read as blank in a CSV read by pyarrow.

    Only the columns with a blank can hold one: those are read again as text with only the
    empty text blank (one more scan of the file, converting only those columns; none when
    no column has a blank), and their texts looked up.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    blank = [index for index in range(table.num_columns) if table.column(index).null_count]
    if not blank:
        return {}
    try:
        texts = read([""], [header[index] for index in blank])
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return {}  # read once, so read again; should it not be, nothing is noted
    value_set = pa.array(WRITTEN_BLANKS, type=pa.string())
    found: dict[int, dict[str, Any]] = {}
    for index, column in zip(blank, texts.columns, strict=True):
        mask = pc.fill_null(pc.is_in(column, value_set=value_set), False)
        if not pc.any(mask).as_py():
            continue
        positions = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
        values = pd.Series(pc.filter(column, mask).to_pylist(), dtype=object)
        found[index] = _written_blanks_found(positions, values)
    return found


def blank_written(frame: pd.DataFrame) -> pd.DataFrame:
    """Make the :data:`WRITTEN_BLANKS` in a table's text columns missing, noting where.

    What was found goes in ``attrs[WRITTEN_BLANKS_KEY]``, keyed by column position.
    """
    found: dict[int, dict[str, Any]] = {}
    changed: dict[int, pd.Series] = {}
    for index in range(frame.shape[1]):
        values = frame.iloc[:, index]
        if not (pd.api.types.is_string_dtype(values.dtype) or values.dtype == object):
            continue
        mask = values.isin(WRITTEN_BLANKS).to_numpy(dtype=bool)
        if not mask.any():
            continue
        found[index] = _written_blanks_found(np.flatnonzero(mask), values[mask])
        changed[index] = values.mask(mask)
    if changed:
        frame = frame.copy()
        for index, values in changed.items():
            frame.isetitem(index, values)
    frame.attrs[WRITTEN_BLANKS_KEY] = found
    return frame


def _name_written_blanks(frame: pd.DataFrame) -> pd.DataFrame:
    """Key ``attrs[WRITTEN_BLANKS_KEY]`` by column name (it was keyed by position)."""
    found = frame.attrs.get(WRITTEN_BLANKS_KEY) or {}
    frame.attrs[WRITTEN_BLANKS_KEY] = {
        frame.columns[index]: facts for index, facts in found.items()
    }
    return frame


def written_blank_note(column: str, count: int, rows: Sequence[int], texts: Sequence[str]) -> str:
    """Say where text such as "NA" or "NULL" was read as blank in one column.

    Parameters
    ----------
    column : str
        The column, as the file names it.
    count : int
        How many values were read as blank.
    rows : sequence of int
        Spreadsheet row numbers of the first few (up to five are shown); none when they
        cannot be told.
    texts : sequence of str
        The texts found, most frequent first.

    Returns
    -------
    str
        Such as "column 'place': 2 values written as 'NULL' or 'NA' were read as blank
        (rows 5, 7)".
    """
    quoted = [f"'{text}'" for text in texts]
    written = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    shown_rows = [str(row) for row in rows[:MAX_EXAMPLES]]
    shown = f"row{'s' if len(shown_rows) > 1 else ''} " + listed(
        shown_rows,
        most=MAX_EXAMPLES,
        total=max(count, len(shown_rows)),
        final_and=False,
        last_sep="; and ",
    )
    noun = "1 value" if count == 1 else f"{count:,} values"
    verb = "was" if count == 1 else "were"
    where = f" ({shown})" if shown_rows else ""  # no rows: where they are cannot be told
    return f"column '{column}': {noun} written as {written} {verb} read as blank{where}"


def written_blank_notes(
    frame: pd.DataFrame, first_row: int, *, columns: Collection[Any] | None = None
) -> list[str]:
    """Say, column by column, where text such as "NA" or "NULL" was read as blank.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table as :func:`read_table` returns it (CSV and Excel files note what they read
        as blank in ``attrs``).
    first_row : int
        The spreadsheet row number of the first data row.
    columns : collection, optional
        Only these columns (those a reader takes); every column by default.

    Returns
    -------
    list of str
        One note per column (:func:`written_blank_note`); none when no such text was read.
    """
    notes = []
    found = frame.attrs.get(WRITTEN_BLANKS_KEY) or {}
    for column, facts in found.items():
        if column not in frame.columns or (columns is not None and column not in columns):
            continue  # a column dropped as empty (no header name, no values), or not taken
        rows = [position + first_row for position in facts["positions"]]
        notes.append(written_blank_note(str(column), facts["count"], rows, list(facts["texts"])))
    return notes


def _read_csv(
    path: Path, *, encoding: str, label: str, source: str, table: Table
) -> tuple[pd.DataFrame, int]:
    """Read a CSV file: its table, and how many (title) lines are above its header."""
    _refuse_utf16(path, label, source)  # whatever the encoding given: see looks_utf16
    header, skip = _csv_header(path, encoding=encoding, label=label, source=source, table=table)
    raw = _csv_with_pyarrow(path, header, encoding, skip)
    if raw is None:
        raw = _csv_with_pandas(path, encoding=encoding, label=label, source=source, skip=skip)
    _check_truncated_csv(path, _csv_encoding(encoding), raw.shape[1], label, source)
    raw.columns = [str(column).strip() for column in raw.columns]
    return drop_blank_unnamed(_name_written_blanks(raw)), skip


def _csv_with_pandas(
    path: Path, *, encoding: str, label: str, source: str, skip: int = 0
) -> pd.DataFrame:
    """Read a CSV with pandas, turning its parser errors into plain messages naming the line."""
    try:
        raw = pd.read_csv(
            path,
            dtype=str,
            skiprows=skip,
            encoding=_csv_encoding(encoding),
            skip_blank_lines=False,
            keep_default_na=False,
            na_values=[""],
        )
        return blank_written(raw)
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


def _read_excel(
    path: Path, *, sheet: str | int, label: str, source: str, table: str = "persons"
) -> tuple[pd.DataFrame, int]:
    damaged = (
        "It may be damaged or cut short, or another kind of file renamed .xlsx: open it in "
        "Excel and save it again as .xlsx."
    )
    try:
        raw = pd.read_excel(
            path, sheet_name=sheet, header=None, dtype=object, keep_default_na=False, na_values=[""]
        )
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
    best = header_position(raw.head(HEADER_SEARCH_ROWS).to_numpy(dtype=object).tolist())
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
    errors = error_cells(path, sheet)
    if errors:
        data = excel_errors(data, errors, best + 2, label, source, table=table)
    return drop_blank_unnamed(_name_written_blanks(blank_written(data))), best + 2


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
    """Read a geographic file; the edition its layer metadata records goes in ``attrs``."""
    import geopandas

    try:
        frame = geopandas.read_file(path)
    except Exception as error:  # pyogrio raises DataSourceError and others
        fail(
            label,
            "geo",
            f"could not be read as a geographic file ({type(error).__name__}: {error}).",
            source=source,
        )
    edition = _layer_metadata(path).get(iod.EDITION_KEY)
    if edition is not None:
        frame.attrs[iod.EDITION_KEY] = edition
    return frame


def _layer_metadata(path: Path) -> dict[str, str]:
    """Return the metadata of a geographic file's first layer (a GeoPackage's), or none."""
    import pyogrio

    try:
        return dict(pyogrio.read_info(path).get("layer_metadata") or {})
    except Exception:  # a driver without metadata, or a file read_file already read
        return {}


@contextmanager
def unpacked_file(
    resolved: Path, *, label: str, source: str, table: Literal["persons", "areas"] = "areas"
) -> Iterator[tuple[iod.Unpacked, str]]:
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
    table : {"persons", "areas"}, default "areas"
        The table read from it, whose readers a zip of several data files is told about.

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
        with iod.unpacked(resolved, table=table) as inner:
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
        raw, skip = _read_csv(resolved, encoding=encoding, label=label, source=source, table=table)
        first_row += skip  # title rows above the header (an areas file's)
    elif kind == "excel":
        raw, first_row = _read_excel(
            resolved, sheet=sheet, label=label, source=source, table=str(table)
        )
    elif kind == "parquet":
        raw = _read_parquet(resolved, label=label, source=source)
    else:
        raw = _read_geo(resolved, label=label, source=source)
    return raw, first_row, label, source


__all__ = [
    "BLANK_TEXT",
    "HEADER_SEARCH_ROWS",
    "WRITTEN_BLANKS",
    "blank_written",
    "find_table_sheet",
    "read_table",
    "unpacked_file",
    "written_blank_note",
    "written_blank_notes",
]
