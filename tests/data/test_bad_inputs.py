"""Every malformed input in tests/data/bad_inputs/ gives one clear DataContractError.

Each case names the file, the column (where there is one) and the spreadsheet row numbers
(header = row 1) or file line that the message must name. The corpus is written by
``make_bad_inputs.py``; a test below checks the committed text files are what it writes.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from toolkit.data.readers import join_persons_to_areas, read_areas, read_persons
from toolkit.errors import DataContractError

HERE = Path(__file__).parent
BAD = HERE / "bad_inputs"
GOOD_AREAS = HERE / "fixtures" / "areas_good.csv"


@dataclass(frozen=True)
class Case:
    """A malformed file and what its message must say."""

    file: str
    column: str | None = None
    rows: tuple[int, ...] = ()
    says: tuple[str, ...] = ()
    kind: str = "persons"
    line: int | None = None
    problems: int | None = None
    also: dict[str, tuple[int, ...]] = field(default_factory=dict)


CASES = [
    Case("missing_column.csv", "cost_gbp", says=("column 'cost_gbp' is missing",)),
    Case(
        "misspelt_column.csv",
        "gp_appointments",
        says=("The table has 'gp_apointments': did you mean 'gp_appointments'?",),
    ),
    Case("age_not_a_number.csv", "age", (4,), ("is not a whole number", "'forty'")),
    Case("negative_counts.csv", "ae_attendances", (3, 10), ("2 rows are below 0",)),
    Case("age_over_120.csv", "age", (6, 20), ("2 rows are outside 0 to 120",)),
    Case("duplicate_ids.csv", "person_id", (5, 8, 11, 12), ("share a person_id",)),
    Case("imd_decile_out_of_range.csv", "imd_decile", (2, 7), ("outside 1 to 10",)),
    Case("bad_sex_code.csv", "sex", (5, 9), ("not F or M", "'X'", "'U'")),
    Case("flag_maybe.csv", "diabetes", (7,), ("not a yes/no value", "'maybe'")),
    Case("flag_blank.csv", "asthma", (15,), ("1 row is blank",)),
    Case("efi_too_high.csv", "efi", (11,), ("outside 0 to 1", "1.7")),
    Case("cause_of_death_alive.csv", "cause_of_death", (13,), ("did not die",)),
    Case("cause_of_death_unknown.csv", "cause_of_death", (12,), ("'old_age'", "circulatory")),
    Case("negative_cost.csv", "cost_gbp", (16,), ("below 0", "-12.5")),
    Case("blank_person_id.csv", "person_id", (19,), ("1 row is blank",)),
    Case("bad_lsoa.csv", "lsoa", (10, 12), ("not LSOA codes", "'S01006506'")),
    Case("bad_date.csv", "date_of_death", (15,), ("dd/mm/yyyy", "'12/31/2024'")),
    Case("blank_rows_then_bad_age.csv", "age", (12,), ("outside 0 to 120", "200")),
    Case(
        "cause_admissions_negative.csv",
        "emergency_admissions_respiratory",
        (12,),
        ("1 problem found", "1 row is below 0 (row 12: -1)"),
    ),
    Case(
        "cause_admissions_above_total.csv",
        "emergency_admissions_falls",
        (4, 8),
        (
            "1 problem found",
            "2 rows have more emergency_admissions_falls than emergency_admissions",
            "(row 4: 1; row 8: 3)",
        ),
    ),
    Case(
        "smoker_flag_bad.csv",
        "smoker",
        (6, 20),
        ("1 problem found", "2 rows are not yes/no values", "'sometimes'", "row 20: '2'"),
    ),
    Case(
        "bp_controlled_without_hypertension.csv",
        "bp_controlled",
        (5, 11),
        (
            "1 problem found",
            "2 rows are true for a person without hypertension",
            "leave it blank for others",
        ),
    ),
    Case(
        "several_problems.csv",
        "age",
        (5, 17),
        ("outside 0 to 120",),
        problems=3,
        also={"sex": (9,), "person_id": (2, 3, 11, 12)},
    ),
    Case("no_area_column.csv", says=("neither an 'lsoa' nor an 'imd_decile' column",)),
    Case("header_only.csv", says=("header row but no data rows",)),
    Case("empty.csv", says=("the file is empty",)),
    Case("whitespace_only.csv", says=("only blank lines",)),
    Case("semicolon_separated.csv", says=("looks ';'-separated", "sep=';'"), line=1),
    Case("truncated.csv", says=("last line (line 31)", "truncated"), line=31),
    Case("unclosed_quote.csv", says=("starts on line 12 is never closed",), line=12),
    Case("extra_field.csv", says=("line 8 has 40 values but the header names 39",), line=8),
    Case("trailing_comma.csv", says=("line 8 has 40 values but the header names 39",), line=8),
    Case("duplicate_header.csv", says=("repeats 'age' (columns 2 and 40)",), line=1),
    Case("not_utf8.csv", says=("line 14 is not UTF-8", "encoding='cp1252'"), line=14),
    Case(
        "excel_title_row_bad_age.xlsx",
        "age",
        (8,),
        ("the header is row 3", "outside 0 to 120", "130"),
    ),
    Case(
        "wrong_schema.parquet",
        "age",
        (4,),
        ("column 'cost_gbp' is missing", "not a whole number", "'unknown'"),
        problems=2,
    ),
    Case("truncated.parquet", says=("could not be read as Parquet", "truncated")),
    Case("corrupt.xlsx", says=("could not be read as an Excel workbook",)),
    Case("old_excel.xls", says=("save it as .xlsx",)),
    Case("persons.sav", says=("files ending '.sav' are not read",)),
    Case("does_not_exist.csv", says=("there is no such file",)),
    Case("areas_duplicate_lsoa.csv", "lsoa", (2, 4), ("share an LSOA code",), kind="areas"),
    Case(
        "areas_bad_values.csv",
        "imd_score",
        (3,),
        ("below 0",),
        kind="areas",
        problems=3,
        also={"imd_decile": (4,), "place": (4,)},
    ),
    # imd2019_file1_no_population.csv is no longer malformed: File 1 alone is an areas table
    # (issue 14; tests/data/test_iod_files.py reads it).
    Case(
        "areas_self_intersecting.geojson",
        "geometry",
        (5,),
        (
            "1 problem found",
            "1 row has invalid geometry (row 5: Self-intersection[443500 350500])",
            "--repair-geometry",
        ),
        kind="areas",
    ),
]


def _read(case: Case, path: Path):
    return read_areas(path) if case.kind == "areas" else read_persons(path)


def _line_of(message: str, column: str) -> str:
    lines = [line for line in message.splitlines() if f"column '{column}'" in line]
    assert lines, f"no line names column {column!r} in:\n{message}"
    return "\n".join(lines)


@pytest.mark.parametrize("case", CASES, ids=[case.file for case in CASES])
def test_malformed_input_gives_one_clear_error(case):
    path = BAD / case.file
    with pytest.raises(DataContractError) as caught:
        _read(case, path)
    error = caught.value
    message = str(error)
    assert message.startswith(f"{case.file}: "), message  # names the file first
    assert str(error.source).endswith(case.file)  # the full path, for programs
    assert "Traceback" not in message
    for text in case.says:
        assert text in message, f"{text!r} not in:\n{message}"
    failures = error.failures
    assert list(failures.columns) == ["column", "check", "failing_rows", "example_rows", "message"]
    if case.problems is not None:
        assert f"{case.problems} problems found" in message
        assert len(failures) == case.problems
    expected = {case.column: case.rows, **case.also} if case.column else {}
    for column, rows in expected.items():
        line = _line_of(message, column)
        for row in rows:
            assert f"row {row}" in line or f", {row}" in line, f"row {row} not in: {line}"
        named = failures[failures["column"] == column]
        assert len(named) >= 1
        if rows:
            shown = set().union(*map(set, named["example_rows"]))
            assert shown == set(rows)
            assert int(named["failing_rows"].max()) == len(rows)
    if case.line is not None:
        assert failures["example_rows"].iloc[0] == [case.line]


def test_directory_instead_of_a_file():
    with pytest.raises(DataContractError) as caught:
        read_persons(BAD)
    assert str(caught.value).startswith("bad_inputs: this is a folder, not a file")


def test_excel_title_rows_above_the_header_are_read_correctly():
    persons = read_persons(BAD / "excel_title_row.xlsx")
    assert len(persons) == 30
    assert persons["person_id"].iloc[0] == "P100001"
    assert persons["age"].dtype == "int64"


def test_unknown_lsoa_is_reported_by_the_join_not_dropped():
    persons = read_persons(BAD / "unknown_lsoa.csv").drop(columns=["imd_decile", "place"])
    joined, report = join_persons_to_areas(persons, read_areas(GOOD_AREAS))
    assert len(joined) == len(persons) == 30
    assert report.unmatched == 1
    assert report.unmatched_person_ids == ("P100008",)  # row 9 of the file
    assert list(report.unmatched_lsoas["lsoa"]) == ["E01099999"]
    assert joined["imd_decile"].isna().sum() == 1


def test_optional_columns_in_a_good_file_are_read():
    # The base of the four malformed optional-column files above is itself valid.
    persons = read_persons(BAD / "optional_columns_good.csv")
    assert len(persons) == 30
    assert persons["emergency_admissions_falls"].dtype == "int64"
    assert persons["emergency_admissions_falls"].sum() == 2
    assert str(persons["smoker"].dtype) == "boolean"
    assert persons["smoker"].isna().sum() == 3  # the three children
    assert persons["bp_controlled"].notna().sum() == 2  # the two people with hypertension
    assert persons.loc[persons["hypertension"], "bp_controlled"].tolist() == [True, False]


def test_the_corpus_has_at_least_twenty_malformed_inputs():
    assert len(CASES) + 1 >= 20
    names = {case.file for case in CASES} - {"does_not_exist.csv"}
    assert names <= {path.name for path in BAD.iterdir()}


def test_committed_corpus_is_what_the_script_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_bad_inputs", HERE / "make_bad_inputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.write_corpus(tmp_path)
    assert {path.name for path in written} == {
        path.name for path in BAD.iterdir() if path.is_file()
    }
    # Workbooks and Parquet files carry timestamps and library versions: compare text only.
    for name in [*module.TEXT_FILES, "not_utf8.csv", "empty.csv", "persons.sav"]:
        assert (tmp_path / name).read_bytes() == (BAD / name).read_bytes(), name
