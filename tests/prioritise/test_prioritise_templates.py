"""The analysts' criteria template: written, filled in, read back and checked."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import DataContractError
from toolkit.prioritise import (
    ANALYST_CRITERIA,
    THEME_ANALYST_CRITERIA,
    read_criteria_scores,
    score_priorities,
    write_criteria_template,
)

CANDIDATES = pd.DataFrame(
    {
        "candidate": ["frailty/emergency_admissions", "healthy/ae_attendances", "eol/bed_days"],
        "label": [
            'Emergency admissions, "frail"',
            "A&E use, healthy segment",
            "Bed days at end of life",
        ],
    }
)
FILLED = {
    "evidence": [3, 1, 2],
    "core20plus5": [1, 0, 1],
    "community_voice": [2, 0, 3],
    "feasibility": [4, 5, 1],
}


def _fill_csv(path, values=FILLED, extra_rows=()):
    lines = path.read_text(encoding="utf-8").splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("candidate,"))
    table = pd.read_csv(path, skiprows=header_at, dtype=str, keep_default_na=False)
    for name, column in values.items():
        table[name] = [str(v) for v in column]
    table = pd.concat([table, pd.DataFrame(list(extra_rows))], ignore_index=True).fillna("")
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\n".join(lines[:header_at]) + "\n")
        table.to_csv(handle, index=False, lineterminator="\n")
    return header_at


def _fill_toml(path, values=FILLED):
    text = path.read_text(encoding="utf-8")
    for row in range(len(CANDIDATES)):
        for name, column in values.items():
            marker = f'{name} = ""'
            position = text.index(marker)
            text = text[:position] + f"{name} = {column[row]}" + text[position + len(marker) :]
    path.write_text(text, encoding="utf-8")


def test_csv_template_states_scales_and_round_trips(tmp_path):
    path = write_criteria_template(CANDIDATES, tmp_path / "scores.csv")
    text = path.read_text(encoding="utf-8")
    assert "# evidence: " in text and "whole number from 0 to 3" in text
    assert "core20plus5: " in text and "Scale: 0 or 1" in text
    assert "whole number from 1 to 5" in text
    _fill_csv(path)
    scores = read_criteria_scores(path, CANDIDATES)
    assert scores["candidate"].tolist() == CANDIDATES["candidate"].tolist()
    assert scores["evidence"].tolist() == [3.0, 1.0, 2.0]
    assert scores["feasibility"].tolist() == [4.0, 5.0, 1.0]
    joined = CANDIDATES.merge(scores, on="candidate")
    scored = score_priorities(joined, criteria=[spec.criterion for spec in ANALYST_CRITERIA])
    # eol: evidence .5, core20 1, voice 1, feasibility 0 -> 2.5/4; frailty: 1, 1, 2/3, 3/4
    assert scored["candidate"].iloc[0] == "frailty/emergency_admissions"
    assert scored["score"].iloc[0] == pytest.approx((1 + 1 + 2 / 3 + 0.75) / 4)


def test_trailing_empty_columns_a_spreadsheet_adds_are_left_out(tmp_path):
    # A spreadsheet adds ",," to every row when cells right of the table were touched.
    path = write_criteria_template(CANDIDATES, tmp_path / "scores.csv")
    header_at = _fill_csv(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[header_at:] = [line + ",," for line in lines[header_at:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scores = read_criteria_scores(path, CANDIDATES)
    assert scores["evidence"].tolist() == [3.0, 1.0, 2.0]
    # A trailing column with a value in it is not empty: it is named, not dropped.
    lines[header_at + 2] = lines[header_at + 2] + "x"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataContractError):
        read_criteria_scores(path, CANDIDATES)


def test_toml_template_round_trips(tmp_path):
    path = write_criteria_template(CANDIDATES, tmp_path / "scores.toml")
    text = path.read_text(encoding="utf-8")
    assert text.count("[[candidate]]") == 3
    assert 'label = "Emergency admissions, \\"frail\\""' in text
    with pytest.raises(DataContractError, match="missing value"):
        read_criteria_scores(path, CANDIDATES)
    _fill_toml(path)
    scores = read_criteria_scores(path, CANDIDATES)
    assert scores["community_voice"].tolist() == [2.0, 0.0, 3.0]


def test_every_problem_is_reported_at_once_with_column_and_rows(tmp_path):
    path = write_criteria_template(CANDIDATES, tmp_path / "scores.csv")
    bad = {
        "evidence": [4, "", 2],  # off the scale; missing
        "core20plus5": [1, 0, 0.5],  # not a whole number
        "community_voice": [2, "lots", 3],  # not a number
        "feasibility": [4, 5, 0],  # off the scale
    }
    header_at = _fill_csv(
        path,
        bad,
        extra_rows=[{"candidate": "nobody/deaths", "evidence": "1", "core20plus5": "0",
                     "community_voice": "1", "feasibility": "3"}],
    )  # fmt: skip
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, CANDIDATES)
    message = str(caught.value)
    first = header_at + 2  # file line of the first candidate row
    assert str(path) in message
    assert (
        f"column 'evidence': off the scale (whole number from 0 to 3); 1 row (line {first})"
        in message
    )
    assert f"column 'evidence': missing value; 1 row (line {first + 1})" in message
    assert "column 'core20plus5': not a whole number" in message
    assert "column 'community_voice': not a number; 1 row " in message and "'lots'" in message
    assert "column 'feasibility': off the scale (whole number from 1 to 5)" in message
    assert f"column 'candidate': unknown candidate id; 1 row (line {first + 3})" in message
    assert "'nobody/deaths'" in message
    failures = caught.value.failures
    assert set(failures["column"]) == {
        "evidence",
        "core20plus5",
        "community_voice",
        "feasibility",
        "candidate",
    }


def test_missing_candidates_duplicates_and_columns_are_named(tmp_path):
    path = tmp_path / "scores.csv"
    pd.DataFrame(
        {"candidate": ["eol/bed_days", "eol/bed_days"], "evidence": [1, 1], "mood": ["x", "y"]}
    ).to_csv(path, index=False)
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, CANDIDATES)
    message = str(caught.value)
    assert "column 'core20plus5': column is missing" in message
    assert "column 'mood': unexpected column" in message
    path.write_text(
        "candidate,evidence,core20plus5,community_voice,feasibility\n"
        "eol/bed_days,1,1,1,1\neol/bed_days,1,1,1,1\n",
        encoding="utf-8",
    )
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, CANDIDATES)
    message = str(caught.value)
    assert "id given more than once; 2 rows (lines 2 and 3)" in message
    assert "candidate has no row" in message and "'frailty/emergency_admissions'" in message


def test_template_is_not_overwritten_and_input_is_unchanged(tmp_path):
    before = CANDIDATES.copy(deep=True)
    path = write_criteria_template(CANDIDATES, tmp_path / "scores.csv")
    with pytest.raises(FileExistsError, match="already exists"):
        write_criteria_template(CANDIDATES, path)
    write_criteria_template(CANDIDATES, path, overwrite=True)
    pd.testing.assert_frame_equal(CANDIDATES, before)
    with pytest.raises(FileNotFoundError):
        read_criteria_scores(tmp_path / "absent.csv", CANDIDATES)


def test_notes_are_kept(tmp_path):
    path = write_criteria_template(CANDIDATES, tmp_path / "scores.csv")
    _fill_csv(path, {**FILLED, "notes": ["residents' panel, May", "", "hospice data"]})
    scores = read_criteria_scores(path, CANDIDATES)
    assert scores["notes"].tolist() == ["residents' panel, May", "", "hospice data"]
    assert np.isfinite(scores[["evidence", "feasibility"]].to_numpy()).all()


# --------------------------------------------------------------------------------------
# Files the reader cannot take apart: one error naming the file (and line), saying what to do
# --------------------------------------------------------------------------------------
HEADER = "candidate,label,evidence,core20plus5,community_voice,feasibility,notes\n"
ROWS = [
    "frailty/emergency_admissions,Frail people,3,1,2,4,\n",
    "healthy/ae_attendances,Healthy people,1,0,0,5,\n",
    "eol/bed_days,End of life,2,1,3,1,\n",
]
#: The first bytes of an xlsx workbook (a zip file), then bytes that are not UTF-8.
WORKBOOK = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x80\x9c\xe5"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.csv", b"", ["holds nothing", "no header row", "pophealth candidates"]),
        (
            "comments.csv",
            b"# Analyst criteria\n# evidence: ...\n",
            ["holds only comments", "no header row"],
        ),
        (
            "comma.csv",
            ("# a comment\n" + HEADER + "".join(ROWS[:2])).encode()
            + b"eol/bed_days,End of life, at home,2,1,3,1,\n",
            ["line 5 has more fields than the header (line 2, 7 fields)", "double quotes"],
        ),
        (
            "workbook.csv",
            WORKBOOK,
            ["spreadsheet workbook", "save it from the spreadsheet as CSV (comma separated"],
        ),
        (
            "workbook.xlsx",
            WORKBOOK,
            ["ends in '.xlsx'", ".csv", ".toml", "save it from the spreadsheet as CSV"],
        ),
        ("scores", HEADER.encode(), ["has no ending", ".csv", ".toml"]),
        (
            # 0x81 is neither UTF-8 nor Windows-1252 (which leaves it undefined): refused.
            "not_cp1252.csv",
            (HEADER + ROWS[0]).encode() + b"eol/bed_days,End\x81,2,1,3,1,\n",
            ["line 3 is not UTF-8 text", "save it from the spreadsheet as CSV"],
        ),
        (
            # UTF-8 cut short in its last character ("\xc2\xa3", a pound sign, lost its end):
            # truncated, not Windows-1252 (which would read it as another letter).
            "truncated.csv",
            (HEADER + "".join(ROWS)).encode() + b"# \xc2",
            ["line 5 is not UTF-8 text", "save it from the spreadsheet as CSV"],
        ),
        (
            # A byte-order mark says UTF-8: a byte that is not is a fault, not Windows-1252.
            "bom_then_cp1252.csv",
            b"\xef\xbb\xbf"
            + (HEADER + ROWS[0] + "eol/bed_days,Caf\xe9,2,1,3,1,\n").encode("cp1252"),
            ["line 3 is not UTF-8 text", "save it from the spreadsheet as CSV"],
        ),
        (
            "unclosed.csv",
            (HEADER + ROWS[0] + 'healthy/ae_attendances,"Healthy,1,0,0,5,\n' + ROWS[2]).encode(),
            ["the double quote opened on line 3 is never closed"],
        ),
        (
            "semicolons.csv",
            HEADER.replace(",", ";").encode(),
            ["separated by semicolons, not commas"],
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_file_the_reader_cannot_parse_is_named_with_what_to_do(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, CANDIDATES)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    for word in words:
        assert word in message, message
    # Not pandas' or Python's words.
    for raw in ("No columns to parse", "Error tokenizing", "codec can't decode", "C error"):
        assert raw not in message
    assert caught.value.source == str(path)


#: A template saved by Excel as plain "CSV (Comma delimited)": Windows-1252, not UTF-8.
EXCEL_CSV = (
    HEADER + ROWS[0] + ROWS[1] + "eol/bed_days,Caf\xe9 at home,2,1,3,1,Caf\xe9 costs \xa35 a head\n"
).encode("cp1252")


def test_a_windows_1252_csv_is_read_as_such_with_a_note(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(EXCEL_CSV)
    with pytest.warns(UserWarning) as caught:
        scores = read_criteria_scores(path, CANDIDATES)
    assert scores["notes"].tolist() == ["", "", "Caf\xe9 costs \xa35 a head"]
    assert scores["feasibility"].tolist() == [4.0, 5.0, 1.0]
    [note] = scores.attrs["notes"]
    assert [str(warning.message) for warning in caught] == [note]
    assert caught[0].filename == __file__  # points at the user's call
    assert note.startswith(f"{path}: not UTF-8 text, so it was read as Windows-1252")
    assert "'CSV (Comma delimited)'" in note
    assert "Saving it as 'CSV UTF-8 (Comma delimited)' instead avoids the question" in note


def test_a_utf8_csv_has_no_note(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_bytes(EXCEL_CSV.decode("cp1252").encode("utf-8"))
    scores = read_criteria_scores(path, CANDIDATES)
    assert scores["notes"].iloc[-1] == "Caf\xe9 costs \xa35 a head"
    assert "notes" not in scores.attrs


def test_the_command_line_shows_the_windows_1252_note(tmp_path, monkeypatch, capsys):
    from toolkit import cli

    path = tmp_path / "criteria.csv"
    path.write_bytes(EXCEL_CSV)

    def handler(args) -> int:  # noqa: ANN001 - stands in for `pophealth report`
        read_criteria_scores(path, CANDIDATES)
        return 0

    monkeypatch.setattr(cli, "_cmd_report", handler)
    assert cli.main(["report", "--config", str(tmp_path / "report.toml")]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"pophealth report: note: {path}: not UTF-8 text, so it was read as ")
    assert "Windows-1252" in err and "'CSV UTF-8 (Comma delimited)'" in err


def test_the_windows_1252_note_is_said_when_the_scores_are_then_refused(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(EXCEL_CSV.replace(b",1,3,1,Caf", b",1,3,9,Caf"))
    with pytest.warns(UserWarning, match="read as Windows-1252"):
        with pytest.raises(DataContractError, match="off the scale"):
            read_criteria_scores(path, CANDIDATES)


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        (
            # UTF-8 ("Môn", "£5") apart from one stray Windows-1252 byte: not read wholly as
            # Windows-1252, which would garble every correct character before it.
            "mixed.csv",
            (
                HEADER + ROWS[0] + "healthy/ae_attendances,Ynys M\xf4n,1,0,0,5,\xa35 a head\n"
            ).encode()
            + b"eol/bed_days,Caf\xe9,2,1,3,1,\n",
            4,
        ),
        (
            # Excel's "Unicode Text" save: UTF-16 with a byte-order mark, either way round.
            "utf16_le.csv",
            (HEADER + "".join(ROWS)).encode("utf-16"),
            1,
        ),
        ("utf16_be.csv", b"\xfe\xff" + (HEADER + "".join(ROWS)).encode("utf-16-be"), 1),
        (
            # UTF-16 without a byte-order mark: NUL bytes, which no text template holds.
            "utf16_no_bom.csv",
            (HEADER + "".join(ROWS).replace("End of life", "Caf\xe9")).encode("utf-16-le"),
            4,
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_file_partly_utf8_or_in_utf16_is_refused_not_read_as_windows_1252(
    tmp_path, name, content, line
):
    path = tmp_path / name
    path.write_bytes(content)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no note about Windows-1252
        with pytest.raises(DataContractError) as caught:
            read_criteria_scores(path, CANDIDATES)
    message = str(caught.value)
    assert message.startswith(f"{path}: cannot be read as a criteria template: "), message
    assert f": line {line} is not UTF-8 text (" in message, message
    assert "save it from the spreadsheet as CSV" in message
    assert "Windows-1252" not in message


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            ROWS[0] + 'healthy/ae_attendances,"Caf\xe9,1,0,0,5,\n' + ROWS[2],
            "the double quote opened on line 3 is never closed",
        ),
        (
            ROWS[0] + ROWS[1] + "eol/bed_days,Caf\xe9, at home,2,1,3,1,\n",
            "line 4 has more fields than the header",
        ),
    ],
    ids=["unclosed_quote", "long_row"],
)
def test_the_windows_1252_note_is_said_when_the_file_is_then_refused(tmp_path, body, words):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + body).encode("cp1252"))
    with pytest.warns(UserWarning, match="read as Windows-1252") as caught:
        with pytest.raises(DataContractError, match=words):
            read_criteria_scores(path, CANDIDATES)
    assert len(caught) == 1
    assert caught[0].filename == __file__  # points at the user's call


def test_rows_are_read_with_their_file_lines_and_quoted_commas(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text(
        "\ufeff# comment\n\n"
        + HEADER
        + ROWS[0]
        + '"healthy/ae_attendances","Healthy, mostly",1,0,0,5\n'  # no notes field: blank
        + "\n"
        + "eol/bed_days,End of life,2,1,3,9,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, CANDIDATES)
    # The blank line before it counts: the third candidate is on line 7.
    assert "column 'feasibility': off the scale (whole number from 1 to 5); 1 row (line 7)" in str(
        caught.value
    )
    path.write_text(path.read_text(encoding="utf-8").replace(",9,", ",4,"), encoding="utf-8")
    scores = read_criteria_scores(path, CANDIDATES)
    assert scores["feasibility"].tolist() == [4.0, 5.0, 4.0]
    assert scores["notes"].tolist() == ["", "", ""]


def test_counts_are_worded_in_the_singular_and_lists_in_words(tmp_path):
    path = write_criteria_template(CANDIDATES, tmp_path / "scores.toml")
    _fill_toml(path, {**FILLED, "feasibility": ['""', '""', '""']})
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, CANDIDATES)
    message = str(caught.value)
    assert "(1 problem):" in message
    assert "column 'feasibility': missing value; 3 rows (entries 1, 2 and 3)" in message
    assert "entrys" not in message and "1 problems" not in message
    _fill_csv(path := write_criteria_template(CANDIDATES, tmp_path / "s.csv"), FILLED)
    path.write_text(path.read_text(encoding="utf-8").replace(",4,", ",7,"), encoding="utf-8")
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, CANDIDATES)
    assert "; 1 row (line " in str(caught.value) and "1 rows" not in str(caught.value)


def test_a_number_in_quotes_in_a_toml_template_is_refused(tmp_path):
    path = write_criteria_template(CANDIDATES, tmp_path / "scores.toml")
    _fill_toml(path, {**FILLED, "feasibility": ['"2"', '"two"', "4"]})
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, CANDIDATES)
    message = str(caught.value)
    assert str(path) in message
    assert (
        "column 'feasibility': a number in quotes, which is text: write it without quotes "
        "(feasibility = 2); 1 row (entry 1)" in message
    )
    assert "column 'feasibility': not a number; 1 row (entry 2); for example 'two'" in message
    failures = caught.value.failures
    assert set(failures["column"]) == {"feasibility"}


def _theme_table(ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"candidate": ids, "label": ids, "theme": [i.split("/")[0] for i in ids]})


def _theme_rows(path, ids: list[str]) -> None:
    lines = ["candidate,label,community_voice,feasibility,notes"]
    lines += [f"{candidate},x,2,3," for candidate in ids]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_library_theme_not_measured_is_not_called_unknown(tmp_path):
    from toolkit.prioritise import ThemeCandidates

    measured = ["high_blood_pressure", "cancer_early_diagnosis"]
    path = tmp_path / "scores.csv"
    _theme_rows(path, [*measured, "childrens_asthma", "no_such_theme"])
    table = _theme_table(measured)
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, table, criteria=THEME_ANALYST_CRITERIA)
    message = str(caught.value)
    assert "column 'candidate': a theme of the library not measured on these data" in message
    assert "1 row (line 4); for example 'childrens_asthma'" in message
    assert "column 'candidate': unknown candidate id; 1 row (line 5)" in message
    # Given the measured themes themselves, the reason they give is quoted.
    excluded = pd.DataFrame(
        {
            "theme": ["childrens_asthma"],
            "label": ["Help children with asthma"],
            "reason": ["fewer than 10 events over the period: too few to assess"],
        }
    )
    whole = ThemeCandidates(table=table, excluded=excluded, within=None, years=1.0, library=())
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, whole, criteria=THEME_ANALYST_CRITERIA)
    assert (
        "a theme of the library not measured on these data (fewer than 10 events over the "
        "period: too few to assess); 1 row (line 4)"
    ) in str(caught.value)


def test_an_unknown_theme_id_says_how_to_measure_the_analysts_own_themes(tmp_path):
    """Issue 11: the analyst's own themes, when the report was not told their folder."""
    from toolkit.prioritise.templates import CriteriaScoresError

    measured = ["high_blood_pressure", "cancer_early_diagnosis"]
    path = tmp_path / "scores.csv"
    _theme_rows(path, [*measured, "care_home_falls", "copd_flu_vaccination"])
    with pytest.raises(CriteriaScoresError) as caught:
        read_criteria_scores(path, _theme_table(measured), criteria=THEME_ANALYST_CRITERIA)
    assert isinstance(caught.value, DataContractError)
    assert (
        "- column 'candidate': unknown candidate id; 2 rows (lines 4 and 5); for example "
        "'care_home_falls', 'copd_flu_vaccination'. If these are your own themes, name their "
        "folder with the 'themes' key of the configuration (themes = [\"folder\"]) or with "
        "--themes where the command has it (in Python: "
        'themes=load_themes([THEME_LIBRARY, "folder"])).'
    ) in str(caught.value).splitlines()
    # Candidates that are not themes get no word about themes.
    _theme_rows(path, ["nobody/deaths"])
    with pytest.raises(CriteriaScoresError) as caught:
        read_criteria_scores(path, CANDIDATES, criteria=THEME_ANALYST_CRITERIA)
    assert "unknown candidate id" in str(caught.value)
    assert "your own themes" not in str(caught.value)


def test_a_template_of_another_split_is_named_as_such(tmp_path):
    path = tmp_path / "scores.csv"
    _theme_rows(path, ["high_blood_pressure/Wyvendale"])
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(
            path, _theme_table(["high_blood_pressure"]), criteria=THEME_ANALYST_CRITERIA
        )
    message = str(caught.value)
    assert (
        "a candidate of a template written for places or for England's most deprived fifth"
        in message
    )
    assert "write the template without --within" in message
    _theme_rows(path, ["high_blood_pressure"])
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(
            path, _theme_table(["high_blood_pressure/Wyvendale"]), criteria=THEME_ANALYST_CRITERIA
        )
    assert "a whole-system candidate" in str(caught.value)


@pytest.mark.parametrize("name", ["scores.xlsx", "scores", "scores.txt"])
def test_the_template_is_written_only_as_csv_or_toml(tmp_path, name):
    with pytest.raises(ValueError, match=r"must be a file name ending in \.csv or \.toml"):
        write_criteria_template(CANDIDATES, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_a_template_in_a_missing_folder_names_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError) as caught:
        write_criteria_template(CANDIDATES, tmp_path / "nodir" / "scores.csv")
    assert f"the folder {tmp_path / 'nodir'} does not exist" in str(caught.value)
    assert "Errno" not in str(caught.value)
