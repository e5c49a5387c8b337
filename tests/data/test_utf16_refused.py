"""A CSV file saved as UTF-16 is refused as such, by `validate` and `cube` alike (issue 14).

Excel's "Unicode Text" save writes UTF-16: with a byte-order mark (FF FE), or, from other
tools, without one (every other byte NUL). Both used to get wrong messages: "not UTF-8
text ... probably saved by Excel as plain 'CSV', which uses the Windows-1252 encoding"
for the one with the mark, "the file looks truncated" for the one without. Both commands
must now refuse both files with one message naming the file, saying it is UTF-16 and how
to save it, exit 2, and print no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from toolkit.data import read_areas, read_persons
from toolkit.data.files import looks_utf16
from toolkit.errors import DataContractError

#: What every refusal says after the file's name.
SENTENCE = (
    "the file is saved as UTF-16 text (Excel's 'Unicode Text'), which is not read. "
    "Save it as 'CSV UTF-8 (comma delimited)'."
)


@pytest.fixture(scope="module")
def tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    from toolkit.data import make_demo_system

    persons, areas = make_demo_system(200, seed=1)
    return persons, pd.DataFrame(areas.drop(columns="geometry", errors="ignore"))


@pytest.fixture(scope="module")
def utf16_files(tmp_path_factory, tables) -> dict[str, Path]:
    """The persons saved as UTF-16 with a byte-order mark and without one."""
    folder = tmp_path_factory.mktemp("utf16")
    persons, _ = tables
    files = {"bom": folder / "persons_bom.csv", "no_bom": folder / "persons_no_bom.csv"}
    persons.to_csv(files["bom"], index=False, encoding="utf-16")
    persons.to_csv(files["no_bom"], index=False, encoding="utf-16-le")
    assert files["bom"].read_bytes()[:2] == b"\xff\xfe"
    assert files["no_bom"].read_bytes()[:2] == b"p\x00"
    return files


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "POPHEALTH_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "toolkit.cli", *argv],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


@pytest.mark.parametrize("kind", ["bom", "no_bom"])
def test_validate_refuses_utf16_naming_the_file(utf16_files, kind):
    path = utf16_files[kind]
    result = _run("validate", str(path))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"{path.name}: {SENTENCE}" in result.stderr
    assert "Windows-1252" not in result.stderr
    assert "truncated" not in result.stderr


@pytest.mark.parametrize("kind", ["bom", "no_bom"])
def test_cube_refuses_utf16_in_the_same_words(utf16_files, kind, tmp_path):
    path = utf16_files[kind]
    result = _run("cube", str(path), "--out", str(tmp_path / "cube.parquet"), "--quiet")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"{path}: {SENTENCE}" in result.stderr
    assert "Windows-1252" not in result.stderr
    assert "truncated" not in result.stderr
    assert not (tmp_path / "cube.parquet").exists()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_readers_refuse_utf16_persons_and_areas(tmp_path, tables, encoding):
    persons, areas = tables
    persons_file, areas_file = tmp_path / "persons.csv", tmp_path / "areas.csv"
    persons.head(20).to_csv(persons_file, index=False, encoding=encoding)
    areas.to_csv(areas_file, index=False, encoding=encoding)
    with pytest.raises(DataContractError) as refused:
        read_persons(persons_file)
    assert str(refused.value) == f"persons.csv: {SENTENCE}"
    assert list(refused.value.failures["check"]) == ["encoding"]
    with pytest.raises(DataContractError) as refused:
        read_areas(areas_file)
    assert str(refused.value) == f"areas.csv: {SENTENCE}"
    # Told another encoding, the file is still refused for what it is.
    with pytest.raises(DataContractError, match="UTF-16"):
        read_persons(persons_file, encoding="cp1252")


def test_utf8_and_windows_1252_files_are_not_taken_for_utf16(tmp_path, tables):
    persons, _ = tables
    utf8, cp1252 = tmp_path / "utf8.csv", tmp_path / "cp1252.csv"
    persons.to_csv(utf8, index=False, encoding="utf-8-sig")
    persons.to_csv(cp1252, index=False, encoding="cp1252")
    for path in (utf8, cp1252):
        assert not looks_utf16(path.read_bytes()[:4096])
    assert len(read_persons(utf8)) == len(persons)
    # Nor is a file padded with NUL bytes throughout (a copy cut short), nor plain text.
    assert not looks_utf16(b"\x00" * 4096)
    assert not looks_utf16(b"person_id,age\n1,40\n")
    assert looks_utf16("a\n".encode("utf-16-le"))
    assert looks_utf16("person_id,age\n".encode("utf-16-be"))
