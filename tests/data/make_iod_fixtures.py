"""Write small English Indices of Deprivation files, with the real published header rows.

Run ``python tests/data/make_iod_fixtures.py`` to rewrite the CSV files in ``tests/data/iod/``;
the tests build the workbooks, ``.gz`` and ``.zip`` files from the same tables in a temporary
folder (so that no binary file with a timestamp is committed). A test checks the committed
CSV files are what this script writes.

Each file holds five LSOAs of the City of London and Barking and Dagenham, with the same
values in every file of an edition (a File 1 rank is the File 2 and File 7 rank).

Where the header rows come from (checked on 2025-12-06)
    - IoD2019 File 1 and File 6: the published workbooks
      ``File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx`` (sheets "Notes", "IMD2019")
      and ``File_6_-_IoD2019_Population_Denominators.xlsx`` (sheets "Terms & Conditions",
      "Population Denominators"), and the published ``File_6_-_IoD2019_Population_
      Denominators.csv``, as copied in the rcpch/rcpch-census-platform repository
      (``deprivation_scores/imd_data/``). Their first rows are the real ones: E01000001 has
      IMD rank 29,199, decile 9, and a population of 1,296.
    - IoD2019 File 2: the sheet name "IoD2019 Domains" and the headers of the IMD, income,
      employment, health and living environment columns from several analysts' scripts that
      read the published workbook; the column order (IMD then the seven domains, rank then
      decile) from rcpch-census-platform's loader. The wording of the other domains' headers
      is File 7's: NOT checked against the published File 2 itself.
    - IoD2019 File 5: the sheet name "IoD2019 Scores", "LSOA code (2011)" first, the IMD
      score fifth and "Income Score (rate)" sixth, from analysts' scripts; the other columns
      follow the IoD2025 File 5 (checked): NOT checked against the published IoD2019 File 5.
    - IoD2019 File 7: the header of ``File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_
      Population_Denominators_3.csv`` as this repository's ``tests/data/fixtures/
      imd2019_file7_sample.csv`` has it (the last name ends in a space, as published), whose
      names agree with analysts' scripts that read the published file.
    - IoD2025 Files 1, 2, 5, 6 and 7: the published CSV files as copied in rcpch/rcpch-
      census-platform (``deprivation_scores/imd_data/2025/``), word for word, including
      File 1's decile header cut short at "10% of LSOA" and File 7's at "10% of LSO" for the
      children and young people sub-domain, and File 7 without "Population aged 16-59".
    - IoD2025 workbooks: the data sheet names ("IMD25", ...) are those given in issue 14;
      NOT checked against the published workbooks (the tests only need a "Notes" sheet
      before the data sheet). Nor are the sheet names of the File 7 workbooks (File 7 is read
      here as published, a CSV; its workbook is built only to test a workbook of it).
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).parent
IOD = HERE / "iod"

_RANK = "Rank (where 1 is most deprived)"
_DECILE = "Decile (where 1 is most deprived 10% of LSOAs)"
_DOMAINS = (
    "Income",
    "Employment",
    "Education, Skills and Training",
    "Health Deprivation and Disability",
    "Crime",
    "Barriers to Housing and Services",
    "Living Environment",
)
_DOMAIN_SCORES = (
    "Income Score (rate)",
    "Employment Score (rate)",
    "Education, Skills and Training Score",
    "Health Deprivation and Disability Score",
    "Crime Score",
    "Barriers to Housing and Services Score",
    "Living Environment Score",
)
_SUPPLEMENTARY_SCORES = (
    "Income Deprivation Affecting Children Index (IDACI) Score (rate)",
    "Income Deprivation Affecting Older People (IDAOPI) Score (rate)",
)
_SUBDOMAINS = (
    "Children and Young People Sub-domain",
    "Adult Skills Sub-domain",
    "Geographical Barriers Sub-domain",
    "Wider Barriers Sub-domain",
    "Indoors Sub-domain",
    "Outdoors Sub-domain",
)


def _ids(lsoa_year: str, lad_year: str) -> list[str]:
    return [
        f"LSOA code ({lsoa_year})",
        f"LSOA name ({lsoa_year})",
        f"Local Authority District code ({lad_year})",
        f"Local Authority District name ({lad_year})",
    ]


def _domains_header(lsoa_year: str, lad_year: str) -> list[str]:
    header = _ids(lsoa_year, lad_year)
    header += [
        f"Index of Multiple Deprivation (IMD) {_RANK}",
        f"Index of Multiple Deprivation (IMD) {_DECILE}",
    ]
    for domain in _DOMAINS:
        header += [f"{domain} {_RANK}", f"{domain} {_DECILE}"]
    return header


def _scores_header(lsoa_year: str, lad_year: str) -> list[str]:
    header = _ids(lsoa_year, lad_year) + ["Index of Multiple Deprivation (IMD) Score"]
    header += [*_DOMAIN_SCORES, *_SUPPLEMENTARY_SCORES]
    return header + [f"{subdomain} Score" for subdomain in _SUBDOMAINS]


def _file7_header(lsoa_year: str, lad_year: str, *, edition: str) -> list[str]:
    header = _ids(lsoa_year, lad_year)
    header += [
        "Index of Multiple Deprivation (IMD) Score",
        f"Index of Multiple Deprivation (IMD) {_RANK}",
        f"Index of Multiple Deprivation (IMD) {_DECILE}",
    ]
    supplementary = (
        "Income Deprivation Affecting Children Index (IDACI)",
        "Income Deprivation Affecting Older People (IDAOPI)",
    )
    for score, domain in zip(_DOMAIN_SCORES, _DOMAINS, strict=True):
        header += [score, f"{domain} {_RANK}", f"{domain} {_DECILE}"]
    for score, index in zip(_SUPPLEMENTARY_SCORES, supplementary, strict=True):
        header += [score, f"{index} {_RANK}", f"{index} {_DECILE}"]
    for subdomain in _SUBDOMAINS:
        decile = f"{subdomain} {_DECILE}"
        if edition == "2025" and subdomain.startswith("Children"):
            decile = decile[: -len("As)")]  # published cut short: "... 10% of LSO"
        header += [f"{subdomain} Score", f"{subdomain} {_RANK}", decile]
    if edition == "2019":
        return header + [
            "Total population: mid 2015 (excluding prisoners)",
            "Dependent Children aged 0-15: mid 2015 (excluding prisoners)",
            "Population aged 16-59: mid 2015 (excluding prisoners)",
            "Older population aged 60 and over: mid 2015 (excluding prisoners)",
            "Working age population 18-59/64: for use with Employment Deprivation Domain "
            "(excluding prisoners) ",
        ]
    return header + [
        "Total population: mid 2022",
        "Dependent Children aged 0-15: mid 2022",
        "Older population aged 60 and over: mid 2022",
        "Working age population 18-66 (for use with Employment Deprivation Domain): mid 2022",
    ]


#: The header row of each file: (edition, file) -> names.
HEADERS: dict[tuple[str, int], list[str]] = {
    ("2019", 1): [
        *_ids("2011", "2019"),
        "Index of Multiple Deprivation (IMD) Rank",
        "Index of Multiple Deprivation (IMD) Decile",
    ],
    ("2019", 2): _domains_header("2011", "2019"),
    ("2019", 5): _scores_header("2011", "2019"),
    ("2019", 6): [
        *_ids("2011", "2019"),
        "Total population: mid 2015 (excluding prisoners)",
        "Dependent Children aged 0-15: mid 2015 (excluding prisoners)",
        "Population aged 16-59: mid 2015 (excluding prisoners)",
        "Older population aged 60 and over: mid 2015 (excluding prisoners)",
        "Working age population 18-59/64: for use with Employment Deprivation Domain "
        "(excluding prisoners)",
    ],
    ("2019", 7): _file7_header("2011", "2019", edition="2019"),
    ("2025", 1): [
        *_ids("2021", "2024"),
        f"Index of Multiple Deprivation (IMD) {_RANK}",
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOA",
    ],
    ("2025", 2): _domains_header("2021", "2024"),
    ("2025", 5): _scores_header("2021", "2024"),
    ("2025", 6): [
        *_ids("2021", "2024"),
        "Total population: mid 2022",
        "Dependent Children aged 0-15: mid 2022",
        "Population aged 16-59: mid 2022",
        "Older population aged 60 and over: mid 2022",
        "Working age population 18-66 (for use with Employment Deprivation Domain): mid 2022",
    ],
    ("2025", 7): _file7_header("2021", "2024", edition="2025"),
}

#: Published file names (the CSV's; a workbook's ends in .xlsx).
NAMES: dict[tuple[str, int], str] = {
    ("2019", 1): "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv",
    ("2019", 2): "File_2_-_IoD2019_Domains_of_Deprivation.csv",
    ("2019", 5): "File_5_-_IoD2019_Scores.csv",
    ("2019", 6): "File_6_-_IoD2019_Population_Denominators.csv",
    ("2019", 7): "File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_Population_Denominators_3.csv",
    ("2025", 1): "File_1_IoD2025_Index_of_Multiple_Deprivation.csv",
    ("2025", 2): "File_2_IoD2025_Domains_of_Deprivation.csv",
    ("2025", 5): "File_5_IoD2025_Scores_for_the_Indices_of_Deprivation.csv",
    ("2025", 6): "File_6_IoD2025_Population_Denominators.csv",
    ("2025", 7): "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
}

#: Data sheet of each workbook (IoD2019: published; IoD2025: from issue 14, not checked).
SHEETS: dict[tuple[str, int], str] = {
    ("2019", 1): "IMD2019",
    ("2019", 2): "IoD2019 Domains",
    ("2019", 5): "IoD2019 Scores",
    ("2019", 6): "Population Denominators",
    ("2019", 7): "IoD2019 Scores Ranks Deciles",
    ("2025", 1): "IMD25",
    ("2025", 2): "IoD25 Domains",
    ("2025", 5): "IoD25 Scores",
    ("2025", 6): "Population Denominators",
    ("2025", 7): "IoD25 All",
}

#: The sheet published before the data sheet ("Notes"; File 6 2019: "Terms & Conditions").
FIRST_SHEETS: dict[tuple[str, int], str] = {key: "Notes" for key in HEADERS} | {
    ("2019", 6): "Terms & Conditions"
}

#: The LSOAs: code, name, district code, district name, IMD score, rank, decile, population.
LSOAS: dict[str, list[tuple[str, str, str, str, float, int, int, int]]] = {
    "2019": [
        ("E01000001", "City of London 001A", "E09000001", "City of London", 6.208, 29199, 9, 1296),
        ("E01000002", "City of London 001B", "E09000001", "City of London", 5.143, 30379, 10, 1156),
        ("E01000003", "City of London 001C", "E09000001", "City of London", 19.402, 14915, 5, 1350),
        ("E01000005", "City of London 001E", "E09000001", "City of London", 28.652, 8678, 3, 1121),
        (
            "E01000006",
            "Barking and Dagenham 016A",
            "E09000002",
            "Barking and Dagenham",
            19.837,
            14486,
            5,
            1939,
        ),
    ],
    "2025": [
        ("E01000001", "City of London 001A", "E09000001", "City of London", 8.742, 26525, 8, 1795),
        ("E01000002", "City of London 001B", "E09000001", "City of London", 4.722, 31203, 10, 1671),
        ("E01000003", "City of London 001C", "E09000001", "City of London", 9.25, 25913, 8, 1896),
        ("E01000005", "City of London 001E", "E09000001", "City of London", 19.884, 14807, 5, 1737),
        (
            "E01000006",
            "Barking and Dagenham 016A",
            "E09000002",
            "Barking and Dagenham",
            25.307,
            10917,
            4,
            1837,
        ),
    ],
}


def _value(name: str, lsoa: tuple, position: int) -> str:
    """The value of one column for one LSOA (the IMD's own columns from ``LSOAS``)."""
    score, rank, decile, population = lsoa[4:]
    lowered = name.lower()
    if lowered.startswith("index of multiple deprivation (imd) score"):
        return f"{score:g}"
    if lowered.startswith("index of multiple deprivation (imd) rank"):
        return str(rank)
    if lowered.startswith("index of multiple deprivation (imd) decile"):
        return str(decile)
    if lowered.startswith("total population"):
        return str(population)
    if " rank" in lowered:
        return str(1000 + 37 * position + rank % 997)
    if " decile" in lowered:
        return str(1 + (rank + position) % 10)
    if "population" in lowered or " aged " in lowered:
        return str(population // (2 + position % 3))
    return f"{(rank % 50) / 100 + position / 1000:.3f}"


def rows(edition: str, number: int) -> list[list[str]]:
    """Return the data rows of one file (every value as text).

    Parameters
    ----------
    edition : {"2019", "2025"}
        The edition.
    number : int
        The file (1, 2, 5, 6 or 7).

    Returns
    -------
    list of list of str
        One row per LSOA.
    """
    header = HEADERS[edition, number]
    table = []
    for lsoa in LSOAS[edition]:
        row = list(lsoa[:4])
        row += [_value(name, lsoa, position) for position, name in enumerate(header[4:])]
        table.append(row)
    return table


def csv_text(header: Sequence[str], table: Sequence[Sequence[str]]) -> str:
    """Return a table as CSV text (Windows line endings, as the published files have).

    Parameters
    ----------
    header : sequence of str
        The header row.
    table : sequence of sequences of str
        The data rows.

    Returns
    -------
    str
        The CSV text.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(table)
    return out.getvalue()


def write_workbook(
    path: Path, edition: str, number: int, table: Sequence[Sequence[str]] | None = None
) -> Path:
    """Write one file as a workbook: a notes sheet first, then the data sheet (numbers as numbers).

    Parameters
    ----------
    path : pathlib.Path
        Where to write the ``.xlsx`` file.
    edition : {"2019", "2025"}
        The edition.
    number : int
        The file.
    table : sequence of sequences of str, optional
        The data rows (default: :func:`rows`); text that reads as a number is written as one.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    import openpyxl

    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = FIRST_SHEETS[edition, number]
    notes["A1"] = f"English Indices of Deprivation {edition}"
    notes["A3"] = "This workbook holds the data sheet that follows. LSOA code (2011) is the key."
    data = workbook.create_sheet(SHEETS[edition, number])
    data.append(HEADERS[edition, number])
    for row in rows(edition, number) if table is None else table:
        data.append([_cell(value) for value in row])
    workbook.save(path)
    return path


def _cell(value: str) -> object:
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in value else number


def gzip_file(path: Path, target: Path) -> Path:
    """Write ``path`` compressed with gzip to ``target``.

    Parameters
    ----------
    path, target : pathlib.Path
        The file and the ``.gz`` file to write.

    Returns
    -------
    pathlib.Path
        ``target``.
    """
    target.write_bytes(gzip.compress(path.read_bytes(), mtime=0))
    return target


def zip_files(
    paths: Sequence[Path], target: Path, *, extra: dict[str, bytes] | None = None
) -> Path:
    """Write a zip holding ``paths`` (and ``extra`` name -> bytes) to ``target``.

    Parameters
    ----------
    paths : sequence of pathlib.Path
        The files to put in the zip, by their names.
    target : pathlib.Path
        The ``.zip`` file to write.
    extra : dict, optional
        More members: name to content.

    Returns
    -------
    pathlib.Path
        ``target``.
    """
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, arcname=path.name)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return target


def _thousands() -> str:
    """IoD2019 File 7 with every number of 1,000 or more written with a separator."""
    header = HEADERS["2019", 7]
    table = [
        [value if not value.isdigit() or int(value) < 1000 else f"{int(value):,}" for value in row]
        for row in rows("2019", 7)
    ]
    return csv_text(header, table)


def text_files() -> dict[str, str]:
    """Return every committed fixture: file name -> CSV text.

    Returns
    -------
    dict of str to str
        One CSV per (edition, file), and ``thousands_File_7_IoD2019.csv``.
    """
    files = {NAMES[key]: csv_text(HEADERS[key], rows(*key)) for key in HEADERS}
    # As published: the IoD2019 File 6 CSV starts with a byte-order mark and writes every
    # count with two decimals ("1296.00").
    key = ("2019", 6)
    decimals = [[*row[:4], *(f"{float(value):.2f}" for value in row[4:])] for row in rows(*key)]
    files[NAMES[key]] = "\ufeff" + csv_text(HEADERS[key], decimals)
    files["thousands_File_7_IoD2019.csv"] = _thousands()
    return files


def write_fixtures(folder: Path = IOD) -> list[Path]:
    """Write the CSV fixtures into ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Where to write (created if needed).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in text_files().items():
        path = folder / name
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_fixtures(Path(sys.argv[1]) if len(sys.argv) > 1 else IOD):
        print(written_path)
