"""Write the malformed-input corpus in tests/data/bad_inputs/ from the good persons fixture.

Run it after changing it, and commit what it writes:

    .venv/bin/python tests/data/make_bad_inputs.py

Each file breaks the data contract in one way (``several_problems.csv`` in several). Row
numbers below are spreadsheet row numbers: the header is row 1, the first person row 2.
``test_bad_inputs.py`` says which file, column and rows each message must name, and checks
that the committed text files are what this script writes.

The script uses only the standard library, pyarrow and openpyxl (not the toolkit), so that
a bug in the readers cannot hide itself in the corpus.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOOD_PERSONS = HERE / "fixtures" / "persons_good.csv"
GOOD_AREAS = HERE / "fixtures" / "areas_good.csv"
BAD_INPUTS = HERE / "bad_inputs"

Rows = list[list[str]]


def read_good() -> tuple[list[str], Rows]:
    """Return the header and rows of the good persons fixture, as text."""
    with GOOD_PERSONS.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


#: Optional columns added by read_good_with_optional: spreadsheet row -> (respiratory, falls)
#: emergency admissions (every other row has none), and the people whose blood pressure is
#: controlled (rows 9 and 16 are the fixture's two people with hypertension).
_CAUSE_COUNTS: dict[int, tuple[str, str]] = {3: ("1", "0"), 8: ("1", "1"), 9: ("0", "1")}
_BP_CONTROLLED_ROWS = (9,)


def read_good_with_optional() -> tuple[list[str], Rows]:
    """Return the good fixture with valid optional columns added.

    ``emergency_admissions_respiratory`` and ``emergency_admissions_falls`` (parts of each
    person's ``emergency_admissions``), ``smoker`` (Y/N for adults, blank for children) and
    ``bp_controlled`` (Y/N for people with hypertension, blank for others).
    """
    header, rows = read_good()
    age, hypertension = header.index("age"), header.index("hypertension")
    header = [
        *header,
        "emergency_admissions_respiratory",
        "emergency_admissions_falls",
        "smoker",
        "bp_controlled",
    ]
    for number, row in enumerate(rows, start=2):
        respiratory, falls = _CAUSE_COUNTS.get(number, ("0", "0"))
        smoker = "" if int(row[age]) < 18 else ("Y" if number % 4 == 0 else "N")
        controlled = ""
        if row[hypertension] == "True":
            controlled = "Y" if number in _BP_CONTROLLED_ROWS else "N"
        row.extend([respiratory, falls, smoker, controlled])
    return header, rows


def _optional_changes(*changes: tuple[int, str, str]) -> Callable[[], str]:
    def build() -> str:
        header, rows = read_good_with_optional()
        for row, column, value in changes:
            set_cell(header, rows, row, column, value)
        return to_csv_text(header, rows)

    return build


def to_csv_text(header: list[str], rows: Rows, *, delimiter: str = ",") -> str:
    """Return header and rows as CSV text with "\\n" line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def set_cell(header: list[str], rows: Rows, row: int, column: str, value: str) -> None:
    """Set the cell of spreadsheet row ``row`` (header = row 1) in ``column``."""
    rows[row - 2][header.index(column)] = value


def drop_column(header: list[str], rows: Rows, column: str) -> tuple[list[str], Rows]:
    """Return header and rows without ``column``."""
    position = header.index(column)
    keep = [i for i in range(len(header)) if i != position]
    return [header[i] for i in keep], [[row[i] for i in keep] for row in rows]


def _one_change(row: int, column: str, value: str) -> Callable[[], str]:
    def build() -> str:
        header, rows = read_good()
        set_cell(header, rows, row, column, value)
        return to_csv_text(header, rows)

    return build


def _missing_column() -> str:
    return to_csv_text(*drop_column(*read_good(), "cost_gbp"))


def _misspelt_column() -> str:
    header, rows = read_good()
    header[header.index("gp_appointments")] = "gp_apointments"
    return to_csv_text(header, rows)


def _negative_counts() -> str:
    header, rows = read_good()
    set_cell(header, rows, 3, "ae_attendances", "-1")
    set_cell(header, rows, 10, "ae_attendances", "-2")
    return to_csv_text(header, rows)


def _age_over_120() -> str:
    header, rows = read_good()
    set_cell(header, rows, 6, "age", "121")
    set_cell(header, rows, 20, "age", "130")
    return to_csv_text(header, rows)


def _duplicate_ids() -> str:
    header, rows = read_good()
    set_cell(header, rows, 8, "person_id", rows[5 - 2][0])
    set_cell(header, rows, 12, "person_id", rows[11 - 2][0])
    return to_csv_text(header, rows)


def _imd_decile_out_of_range() -> str:
    header, rows = read_good()
    set_cell(header, rows, 2, "imd_decile", "0")
    set_cell(header, rows, 7, "imd_decile", "11")
    return to_csv_text(header, rows)


def _bad_sex_code() -> str:
    header, rows = read_good()
    set_cell(header, rows, 5, "sex", "X")
    set_cell(header, rows, 9, "sex", "U")
    return to_csv_text(header, rows)


def _several_problems() -> str:
    header, rows = read_good()
    set_cell(header, rows, 5, "age", "130")
    set_cell(header, rows, 17, "age", "-1")
    set_cell(header, rows, 9, "sex", "X")
    for row in (3, 11, 12):
        set_cell(header, rows, row, "person_id", rows[0][0])
    return to_csv_text(header, rows)


def _no_area_column() -> str:
    header, rows = drop_column(*read_good(), "lsoa")
    return to_csv_text(*drop_column(header, rows, "imd_decile"))


def _bad_lsoa() -> str:
    header, rows = read_good()
    set_cell(header, rows, 10, "lsoa", "S01006506")
    set_cell(header, rows, 12, "lsoa", "E0103300")
    return to_csv_text(header, rows)


def _bad_date() -> str:
    header, rows = read_good()
    died = header.index("died")
    header.append("date_of_death")
    dead_rows = [row for row in rows if row[died] == "True"]
    for row in rows:
        row.append("")
    dead_rows[0][-1] = "17/03/2024"
    dead_rows[1][-1] = "12/31/2024"  # a US month-first date
    return to_csv_text(header, rows)


def _header_only() -> str:
    header, _ = read_good()
    return to_csv_text(header, [])


def _semicolon_separated() -> str:
    return to_csv_text(*read_good(), delimiter=";")


def _truncated() -> str:
    text = to_csv_text(*read_good())
    last_line_start = text.rstrip("\n").rfind("\n") + 1
    return text[: last_line_start + 40]


def _duplicate_header() -> str:
    header, rows = read_good()
    header.append("age")
    for row in rows:
        row.append(row[1])
    return to_csv_text(header, rows)


def _unclosed_quote() -> str:
    header, rows = read_good()
    set_cell(header, rows, 12, "ethnic_group", "PLACEHOLDER")
    text = to_csv_text(header, rows)
    return text.replace("PLACEHOLDER", '"White British')


def _extra_field() -> str:
    header, rows = read_good()
    set_cell(header, rows, 8, "place", "PLACEHOLDER")
    text = to_csv_text(header, rows)
    return text.replace("PLACEHOLDER", "Northgate,Upper")


def _trailing_comma() -> str:
    # One line ends in an extra comma: an empty 40th value, which DuckDB's CSV reader would
    # quietly drop unless told otherwise; every reader must refuse the line, naming it.
    lines = to_csv_text(*read_good()).split("\n")
    lines[7] += ","
    return "\n".join(lines)


def _blank_rows_then_bad_age() -> str:
    header, rows = read_good()
    set_cell(header, rows, 10, "age", "200")
    text = to_csv_text(header, rows)
    lines = text.split("\n")
    # A completely empty line (line 6) and a row of empty cells (line 7) are skipped, yet
    # row numbers stay those of the file: the person with age 200 is on line 12.
    lines.insert(5, "")
    lines.insert(6, "," * (len(header) - 1))
    return "\n".join(lines)


def _areas_self_intersecting() -> str:
    """A valid areas GeoJSON (British National Grid) whose row 5 is a bow-tie polygon.

    Each area of the good areas fixture becomes a 1 km square; the fourth feature
    (spreadsheet row 5, E01033004) joins its corners in the wrong order, so its outline
    crosses itself at (443500, 350500). GDAL reads the file's "crs" member, so the
    coordinates are read as EPSG:27700. One feature per line.
    """
    with GOOD_AREAS.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    numbers = {"imd_score": float, "imd_decile": int, "population": int}
    features = []
    for position, row in enumerate(rows):
        west, south = 440_000 + 1_000 * position, 350_000
        east, north = west + 1_000, south + 1_000
        corners = [[west, south], [east, south], [east, north], [west, north]]
        if position == 3:  # row 5: a bow-tie
            corners = [[west, south], [east, north], [east, south], [west, north]]
        properties = {
            name: numbers[name](value) if name in numbers else value
            for name, value in zip(header, row, strict=True)
        }
        geometry = {"type": "Polygon", "coordinates": [[*corners, corners[0]]]}
        features.append(
            json.dumps({"type": "Feature", "properties": properties, "geometry": geometry})
        )
    crs = '{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}'
    return (
        f'{{"type": "FeatureCollection", "name": "areas", "crs": {crs}, "features": [\n'
        + ",\n".join(features)
        + "\n]}\n"
    )


#: Text files of the corpus: name -> function returning the file's text.
TEXT_FILES: dict[str, Callable[[], str]] = {
    "missing_column.csv": _missing_column,
    "misspelt_column.csv": _misspelt_column,
    "age_not_a_number.csv": _one_change(4, "age", "forty"),
    "negative_counts.csv": _negative_counts,
    "age_over_120.csv": _age_over_120,
    "duplicate_ids.csv": _duplicate_ids,
    "imd_decile_out_of_range.csv": _imd_decile_out_of_range,
    "unknown_lsoa.csv": _one_change(9, "lsoa", "E01099999"),
    "header_only.csv": _header_only,
    "semicolon_separated.csv": _semicolon_separated,
    "truncated.csv": _truncated,
    "bad_sex_code.csv": _bad_sex_code,
    "flag_maybe.csv": _one_change(7, "diabetes", "maybe"),
    "flag_blank.csv": _one_change(15, "asthma", ""),
    "efi_too_high.csv": _one_change(11, "efi", "1.7"),
    "cause_of_death_alive.csv": _one_change(13, "cause_of_death", "cancer"),
    # Rows 12 and 15 are the fixture's two deaths.
    "cause_of_death_unknown.csv": _one_change(12, "cause_of_death", "old age"),
    "negative_cost.csv": _one_change(16, "cost_gbp", "-12.50"),
    "blank_person_id.csv": _one_change(19, "person_id", ""),
    "several_problems.csv": _several_problems,
    "no_area_column.csv": _no_area_column,
    "bad_lsoa.csv": _bad_lsoa,
    "bad_date.csv": _bad_date,
    "duplicate_header.csv": _duplicate_header,
    "unclosed_quote.csv": _unclosed_quote,
    "extra_field.csv": _extra_field,
    "trailing_comma.csv": _trailing_comma,
    "blank_rows_then_bad_age.csv": _blank_rows_then_bad_age,
    "optional_columns_good.csv": _optional_changes(),
    "cause_admissions_negative.csv": _optional_changes(
        (12, "emergency_admissions_respiratory", "-1")
    ),
    # Row 4 had no emergency admission and row 8 had two.
    "cause_admissions_above_total.csv": _optional_changes(
        (4, "emergency_admissions_falls", "1"), (8, "emergency_admissions_falls", "3")
    ),
    "smoker_flag_bad.csv": _optional_changes((6, "smoker", "sometimes"), (20, "smoker", "2")),
    # Rows 5 and 11 are people without hypertension.
    "bp_controlled_without_hypertension.csv": _optional_changes(
        (5, "bp_controlled", "Y"), (11, "bp_controlled", "yes")
    ),
    "whitespace_only.csv": lambda: "\n  \n\n",
    "areas_duplicate_lsoa.csv": lambda: (
        "lsoa,lsoa_name,imd_score,imd_decile,population,place\n"
        "E01033001,Northgate 001A,48.2,1,1612,Northgate\n"
        "E01033002,Northgate 001B,36.9,2,1480,Northgate\n"
        "E01033001,Northgate 001A,48.2,1,1612,Northgate\n"
    ),
    "areas_bad_values.csv": lambda: (
        "lsoa,lsoa_name,imd_score,imd_decile,population,place\n"
        "E01033001,Northgate 001A,48.2,1,1612,Northgate\n"
        "E01033002,Northgate 001B,-3.1,2,1480,Northgate\n"
        "E01033003,Northgate 002A,27.4,0,1733,\n"
    ),
    "areas_self_intersecting.geojson": _areas_self_intersecting,
}


def _not_utf8() -> bytes:
    header, rows = read_good()
    set_cell(header, rows, 14, "place", "Café Quarter")
    return to_csv_text(header, rows).encode("cp1252")


def _excel(with_bad_age: bool) -> bytes:
    from openpyxl import Workbook

    header, rows = read_good()
    if with_bad_age:
        rows[4][header.index("age")] = "130"  # the fifth person: Excel row 3 + 5 = 8
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Persons"
    sheet.append(["Persons extract for Northgate and Southfield ICS, 2024-25"])
    sheet.append([])
    sheet.append(header)
    numeric = {"age", "imd_decile", "efi", "cost_gbp"}
    for row in rows:
        cells: list[object] = []
        for name, value in zip(header, row, strict=True):
            if value in ("True", "False"):
                cells.append(value == "True")
            elif value and (name in numeric or value.lstrip("-").isdigit()) and name != "person_id":
                cells.append(float(value) if "." in value else int(value))
            else:
                cells.append(value or None)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _parquet_table():
    import pyarrow.csv as pacsv

    options = pacsv.ConvertOptions(strings_can_be_null=True)
    return pacsv.read_csv(GOOD_PERSONS, convert_options=options)


def _parquet_bytes(table) -> bytes:
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _wrong_schema_parquet() -> bytes:
    import pyarrow as pa

    table = _parquet_table()
    ages = [str(age) for age in table.column("age").to_pylist()]
    ages[2] = "unknown"  # row 4
    table = table.set_column(table.schema.get_field_index("age"), "age", pa.array(ages))
    table = table.drop_columns(["cost_gbp"])
    return _parquet_bytes(table)


def _truncated_parquet() -> bytes:
    whole = _parquet_bytes(_parquet_table())
    return whole[: len(whole) // 2]


def _imd_file1_without_population() -> bytes:
    header = [
        "LSOA code (2011)",
        "LSOA name (2011)",
        "Local Authority District code (2019)",
        "Local Authority District name (2019)",
        "Index of Multiple Deprivation (IMD) Rank",
        "Index of Multiple Deprivation (IMD) Decile",
    ]
    rows = [
        ["E01033001", "Northgate 001A", "E06000901", "Northgate", "1203", "1"],
        ["E01033002", "Northgate 001B", "E06000901", "Northgate", "4410", "2"],
    ]
    return to_csv_text(header, rows).encode("utf-8")


#: Binary files of the corpus: name -> function returning the file's bytes.
BINARY_FILES: dict[str, Callable[[], bytes]] = {
    "not_utf8.csv": _not_utf8,
    "excel_title_row.xlsx": lambda: _excel(with_bad_age=False),
    "excel_title_row_bad_age.xlsx": lambda: _excel(with_bad_age=True),
    "wrong_schema.parquet": _wrong_schema_parquet,
    "truncated.parquet": _truncated_parquet,
    "empty.csv": lambda: b"",
    "persons.sav": lambda: b"$FL2@(#) SPSS DATA FILE - not read by the toolkit\n",
    "old_excel.xls": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old Excel workbook",
    "corrupt.xlsx": lambda: b"this is not a zip archive, so not an Excel workbook\n",
    "imd2019_file1_no_population.csv": _imd_file1_without_population,
}


def write_corpus(folder: Path) -> list[Path]:
    """Write every file of the corpus into ``folder`` and return their paths.

    Parameters
    ----------
    folder : pathlib.Path
        Where to write; created if missing.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build_text in TEXT_FILES.items():
        path = folder / name
        path.write_bytes(build_text().encode("utf-8"))
        written.append(path)
    for name, build_bytes in BINARY_FILES.items():
        path = folder / name
        path.write_bytes(build_bytes())
        written.append(path)
    return written


if __name__ == "__main__":
    paths = write_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else BAD_INPUTS)
    sys.stdout.write(f"wrote {len(paths)} files to {paths[0].parent}\n")
