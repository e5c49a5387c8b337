"""The report's ``themes`` key: the analysts' own theme folders join the built-in library.

The report says so where a board reads where its candidates came from (the provenance box,
the methods and section 4), and shows money it estimated rounded as its text does (issue 11).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from toolkit.data import make_demo_system
from toolkit.prioritise import THEME_LIBRARY
from toolkit.report import TableColumn, board_table, load_config
from toolkit.report import sections as report
from toolkit.report.figures import compute_board_figures


def _own_theme(folder: Path) -> None:
    """A copy of a library theme under a new id and name (an analyst's own theme)."""
    folder.mkdir()
    text = (Path(THEME_LIBRARY) / "high_blood_pressure.toml").read_text(encoding="utf-8")
    text = text.replace('id = "high_blood_pressure"', 'id = "our_blood_pressure_drive"', 1)
    text = text.replace(
        'name = "Find and treat high blood pressure"',
        'name = "Our blood pressure drive in pharmacies"',
        1,
    )
    (folder / "our_blood_pressure_drive.toml").write_text(text, encoding="utf-8")


def _config(tmp_path: Path, themes: str) -> Path:
    system = make_demo_system(persons=20_000, seed=3)
    system.persons.to_parquet(tmp_path / "persons.parquet")
    system.areas.to_file(tmp_path / "areas.gpkg")
    path = tmp_path / "report.toml"
    path.write_text(
        'system_name = "Small system"\npersons = "persons.parquet"\nareas = "areas.gpkg"\n'
        f"synthetic_data = true\n{themes}\n",
        encoding="utf-8",
    )
    return path


def test_own_themes_are_measured_beside_the_library(tmp_path: Path):
    _own_theme(tmp_path / "my_themes")
    config = load_config(_config(tmp_path, 'themes = ["my_themes"]'))
    assert config.themes == [str((tmp_path / "my_themes").resolve())]
    priorities = compute_board_figures(config).priorities
    offered = set(priorities.candidates["theme"]) | set(priorities.excluded["theme"])
    assert {"our_blood_pressure_drive", "high_blood_pressure"} <= offered


def test_a_themes_key_that_is_not_a_list_of_folders_is_refused(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match=r"'themes' names .*nowhere.*: no such folder"):
        load_config(_config(tmp_path, 'themes = ["nowhere"]'))
    with pytest.raises(TypeError, match="themes"):
        load_config(_config(tmp_path, 'themes = "my_themes"'))
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match=r"'themes' names .*empty: the folder holds no"):
        load_config(_config(tmp_path, 'themes = ["empty"]'))
    _own_theme(tmp_path / "my_themes")
    one = next((tmp_path / "my_themes").glob("*.toml"))
    with pytest.raises(FileNotFoundError, match=r"is a file, not a folder: 'themes' takes the"):
        load_config(_config(tmp_path, f'themes = ["my_themes/{one.name}"]'))
    with pytest.raises(ValueError, match="themes"):
        load_config(_config(tmp_path, "themes = []"))


def test_the_candidates_command_writes_own_themes_into_the_template(tmp_path: Path):
    import subprocess
    import sys

    import pandas as pd

    from toolkit.prioritise import load_themes, prioritise_persons

    _own_theme(tmp_path / "my_themes")
    persons = make_demo_system(persons=20_000, seed=3).persons
    persons.to_parquet(tmp_path / "persons.parquet")
    template = tmp_path / "criteria.csv"
    done = subprocess.run(
        [
            sys.executable, "-m", "toolkit.cli", "candidates", str(tmp_path / "persons.parquet"),
            "--template", str(template), "--themes", str(tmp_path / "my_themes"), "--quiet",
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "themes = " in done.stdout  # the report needs the same folders
    rows = pd.read_csv(template, comment="#")
    assert "our_blood_pressure_drive" in set(rows["candidate"])
    # Filled in, it scores the own theme beside the library's.
    rows["community_voice"], rows["feasibility"] = 2, 4
    rows.to_csv(template, index=False)
    themes = load_themes([THEME_LIBRARY, tmp_path / "my_themes"])
    result = prioritise_persons(persons, themes=themes, analyst_scores=template, draws=200)
    scored = result.candidates.set_index("candidate")
    assert scored.loc["our_blood_pressure_drive", "community_voice"] == 2
    missing = tmp_path / "nowhere"
    refused = subprocess.run(
        [
            sys.executable, "-m", "toolkit.cli", "candidates", str(tmp_path / "persons.parquet"),
            "--template", str(tmp_path / "other.csv"), "--themes", str(missing),
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "--themes" in refused.stderr and "Traceback" not in refused.stderr


#: Section 4's opening, word for word as the template's markdown said it before issue 11.
LIBRARY_ONLY_INTRODUCTION = (
    "Each candidate priority is a theme from the toolkit's library (such as finding and treating "
    "high blood pressure), measured on this system's own data: the people it concerns, the events "
    "it acts on, how much more often they happen in the most deprived areas, and what a proven "
    "intervention could avoid, with its published source. Themes are compared on the size of the "
    "prize, inequality, burden, strength of evidence, Core20PLUS5 and time to impact, and, where "
    "the analysts filled in the criteria template, on what communities said and feasibility too; "
    "the note under the table says how the score is made. The shortlist keeps one priority per "
    "theme."
)


def _second_own_theme(folder: Path) -> None:
    """A second folder of two themes (copies of library themes under new ids)."""
    folder.mkdir()
    for theme in ("high_blood_pressure", "falls_and_frailty"):
        text = (Path(THEME_LIBRARY) / f"{theme}.toml").read_text(encoding="utf-8")
        text = text.replace(f'id = "{theme}"', f'id = "local_{theme}"', 1)
        (folder / f"local_{theme}.toml").write_text(text, encoding="utf-8")


def test_the_report_names_the_analysts_theme_folders_and_how_many_themes(evidence, tmp_path):
    _own_theme(tmp_path / "good")
    config = dataclasses.replace(evidence.config, themes=[str(tmp_path / "good")])
    box = report.provenance(config, evidence.inputs)
    rows = {
        row.th.get_text(strip=True): row.td.get_text(strip=True)
        for row in BeautifulSoup(box.html, "html.parser").find_all("tr")
    }
    assert rows["Analysts' own themes"] == "good (1 theme)"
    assert str(tmp_path) not in box.text  # the folder's name, not where it is on a laptop
    assert (
        "Priorities: themes from the toolkit's library and 1 of the analysts' own (from the "
        'folder "good"; each figure with its source), measured on cohorts that overlap'
    ) in box.text
    assert "themes library" not in box.text
    opening = report.priorities_introduction(config).text
    assert opening.startswith(
        "The candidate priorities are themes from the toolkit's library (such as finding and "
        'treating high blood pressure) and 1 of the analysts\' own (from the folder "good"), '
        "each measured on this system's own data: the people it concerns"
    )
    assert opening.endswith("The shortlist keeps one priority per theme.")
    # Two folders: both named, each with its count, and the total said once.
    _second_own_theme(tmp_path / "more")
    both = dataclasses.replace(config, themes=[str(tmp_path / "good"), str(tmp_path / "more")])
    text = report.provenance(both, evidence.inputs).text
    assert "Analysts' own themes: good (1 theme); more (2 themes)" in text
    assert '3 of the analysts\' own (from the folders "good" and "more"; each figure' in text
    assert '3 of the analysts\' own (from the folders "good" and "more"), each measured' in (
        report.priorities_introduction(both).text
    )


def test_without_own_themes_the_report_says_the_library_as_before(evidence):
    assert evidence.config.themes is None
    text = report.provenance(evidence.config, evidence.inputs).text
    assert "Analysts' own themes" not in text and "analysts' own" not in text
    assert "Priorities: themes from the toolkit's themes library (each figure with its source)" in (
        text
    )
    assert report.priorities_introduction(evidence.config).text == LIBRARY_ONLY_INTRODUCTION


def test_the_board_report_template_opens_section_4_from_the_configuration():
    import jupytext

    script = jupytext.read(Path(__file__).parents[2] / "reports" / "board_report.py")
    sources = [cell.source for cell in script.cells]
    heading = sources.index("## 4. Suggested priorities")
    assert sources[heading + 1] == "report.priorities_introduction(config)"
    assert not any("Each candidate priority is" in source for source in sources)


def test_the_cost_of_excess_admissions_is_rounded_as_the_text_says_it(evidence):
    figures = report.deprivation_figures(evidence.profile, system_rate=evidence.system_rate)
    table = report.deprivation_table(figures, period="2025/26", threshold=10)
    shown = table.cells["Cost of excess admissions"].tolist()
    # Money a board reads ("£676k", "−£20k", "£1.4m"), never an estimate to the pound.
    assert all(re.fullmatch(r"\u2212?£(\d+(\.\d)?(k|m|bn)|\d{1,3})|\[c\]|\[x\]", v) for v in shown)
    assert not any(re.search(r"£\d{1,3},\d{3}", value) for value in shown), shown
    total = figures.loc["total", "excess_cost"]
    assert total >= 1e6  # the demo's excess costs over a million pounds ...
    assert shown[-1] == f"£{total / 1e6:.1f}m"  # ... said as the text says it
    text = report.inequality_summary(evidence.profile, config=evidence.config).text
    assert f"costing about {shown[-1]}" in text
    # A decile doing better than the least deprived costs less: the sign before the pound.
    column = TableColumn("cost", "Cost of excess admissions", "money_estimate")
    frame = pd.DataFrame({"cost": [675_754.2, -19_931.0, 1_438_512.0, 12_961.0, -0.2, 0.0]})
    cells = board_table(frame, columns=[column], caption="Costs").cells.iloc[:, 0].tolist()
    assert cells == ["£676k", "\u2212£20k", "£1.4m", "£13k", "£0", "£0"]
