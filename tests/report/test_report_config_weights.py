"""The board report's ``weights`` and ``weights_source`` keys (walk 6, finding 4).

An analyst who agreed the criteria's weights with the executive before (or without) a
workshop gives them in the report's configuration, with who agreed them and when. The
report ranks with them as :func:`toolkit.prioritise.prioritise_persons` would, and page 1
and the methods say whose weights they are; a table the report cannot rank with is refused
in plain words by ``pophealth report``, which exits non-zero without a traceback.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from toolkit.cli import EXIT_BAD_INPUT, main
from toolkit.prioritise import prioritise_persons
from toolkit.report import ReportConfig, load_config
from toolkit.report import sections as report
from toolkit.report.config import config_template
from toolkit.report.figures import compute_board_figures

SOURCE = "ICB executive, 3 November 2026"

#: Every criterion of the themes: the time to impact and the evidence only (this changes the
#: shortlist of the small demo system from the one at equal weights).
WEIGHTS = {
    "avoidable_mid": 0,
    "avoidable_cost_mid": 0,
    "deprivation_gap": 0,
    "excess_share": 0,
    "le_gap_share": 0,
    "cause_deaths_a_year": 0,
    "evidence_score": 1,
    "core20plus5": 0,
    "time_to_impact_years": 3,
}

RANKED = f"Ranked with the weights agreed by {SOURCE}"


def _write(
    folder: Path,
    *,
    weights: dict[str, object] | None = WEIGHTS,
    source: str | None = SOURCE,
    extra: str = "",
) -> Path:
    """Write a report configuration on a small demo system, its weights a [weights] table."""
    lines = [
        'system_name = "Small system"',
        'persons = "demo"',
        'areas = "demo"',
        "demo_persons = 20000",
        "shortlist_size = 3",
        extra,
    ]
    return write_weighted(folder / "report.toml", lines, weights=weights, source=source)


def write_weighted(
    path: Path,
    lines: list[str],
    *,
    weights: dict[str, object] | None,
    source: str | None,
) -> Path:
    """Write configuration ``lines``, then ``weights_source`` and a [weights] table (last)."""
    lines = list(lines)
    if source is not None:
        lines.append(f'weights_source = "{source}"')
    if weights is not None:
        lines += ["", "[weights]", *(f"{name} = {value}" for name, value in weights.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def weighted(tmp_path_factory):
    """The configuration with WEIGHTS and the board figures computed for it."""
    config = load_config(_write(tmp_path_factory.mktemp("weights")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return config, compute_board_figures(config)


def _prioritise(persons, weights=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return prioritise_persons(persons, size=3, seed=20261122, weights=weights)


def test_the_configured_weights_rank_as_scoring_with_them_would(weighted):
    config, figures = weighted
    assert config.weights == WEIGHTS and config.weights_source == SOURCE
    expected = _prioritise(figures.inputs.persons, WEIGHTS)
    equal = _prioritise(figures.inputs.persons)
    ranked = figures.priorities
    assert ranked.weights == {name: float(weight) for name, weight in WEIGHTS.items()}
    assert list(ranked.shortlist["candidate"]) == list(expected.shortlist["candidate"])
    assert ranked.shortlist["score"].tolist() == expected.shortlist["score"].tolist()
    # ... which is not the list at equal weights, the report's list without the key.
    assert list(ranked.shortlist["candidate"]) != list(equal.shortlist["candidate"])


def test_page_one_the_asks_and_the_methods_say_whose_weights_these_are(weighted):
    config, figures = weighted
    ranked = figures.priorities
    box = report.decision_box(ranked, config=config)
    assert f"{RANKED} (section 4 gives each criterion's share of the score)." in box.text
    assert RANKED in BeautifulSoup(box.html, "html.parser").get_text()
    asks = report.board_asks(ranked, figures.profile, config=config, workshop_held=False)
    assert f"above, {RANKED.lower()[0]}{RANKED[1:]}, as the system's focus" in asks.text
    methods = report.provenance(config, figures.inputs, linked=figures.linked).text
    assert f"Weights: the shortlist is r{RANKED[1:]} (given in the report's configuration)" in (
        methods
    )
    note = report.no_workshop_note(ranked).text
    assert "at equal weights" not in note
    assert "ranked with the weights given in the report's configuration" in note


def test_without_weights_nothing_names_a_source(weighted):
    """The demo, and any report without the key, says what it said before."""
    config, figures = weighted
    plain = dataclasses.replace(config, weights=None, weights_source=None)
    equal = _prioritise(figures.inputs.persons)
    texts = [
        report.decision_box(equal, config=plain).text,
        report.board_asks(equal, figures.profile, config=plain, workshop_held=False).text,
        report.provenance(plain, figures.inputs).text,
    ]
    assert not any("weights agreed by" in text for text in texts)
    assert "the shortlist above is at equal weights" in report.no_workshop_note(equal).text


def test_pophealth_report_ranks_with_the_weights_and_names_their_source(tmp_path, weighted):
    _, figures = weighted
    done = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "report", "--config", str(_write(tmp_path)),
         "--out", str(tmp_path / "out"), "--no-pdf"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    page = BeautifulSoup((tmp_path / "out" / "board-report.html").read_text("utf-8"), "html.parser")
    decision = page.select_one("section.decision")
    assert RANKED in decision.get_text()
    listed = [item.get_text() for item in decision.select("ol li")]
    assert listed == list(figures.priorities.labels)
    methods = page.select_one("aside.provenance").get_text()
    assert f"ranked with the weights agreed by {SOURCE}" in methods
    assert "the shortlist above is at equal weights" not in page.get_text()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no source", r"'weights_source' is missing: with 'weights', say who agreed them and when"),
        (
            "misspelt",
            r"'weights' names 'deprivaton_gap', which is not a criterion \(did you mean "
            r"'deprivation_gap'\?\)\. The criteria are: avoidable_mid: harm it could prevent",
        ),
        ("negative", r"'weights': evidence_score must be 0 or more\. Got -1 instead\."),
        ("all zero", r"'weights' are all 0: give at least one criterion a weight above 0"),
        (
            "with a decision log",
            r"'weights' and 'decision_log' both give the criteria's weights: give one or the "
            r"other\. Remove 'decision_log' to rank with the weights agreed beforehand, or "
            r"remove 'weights' and 'weights_source' to report the workshop's weights\.",
        ),
        ("source alone", r"'weights_source' says who agreed the weights, but 'weights' is not"),
        ("one left out", r"'weights' gives no weight for 'le_gap_share': give every criterion"),
        ("text", r"'weights': evidence_score must be a number\. Got 'high' instead\."),
        ("analysts' criterion", r"'weights' gives community_voice, which the analysts score"),
        ("table too early", r"'weights' names 'period', a key of the configuration: a \[weights\]"),
    ],
)
def test_weights_the_report_cannot_rank_with_are_refused_plainly(tmp_path, capsys, case, message):
    (tmp_path / "decision-log.csv").write_text("", encoding="utf-8")
    weights: dict[str, object] = dict(WEIGHTS)
    source: str | None = SOURCE
    extra = ""
    if case == "no source":
        source = None
    elif case == "misspelt":
        weights = {
            ("deprivaton_gap" if k == "deprivation_gap" else k): v for k, v in WEIGHTS.items()
        }
    elif case == "negative":
        weights["evidence_score"] = -1
    elif case == "all zero":
        weights = dict.fromkeys(WEIGHTS, 0)
    elif case == "with a decision log":
        extra = 'decision_log = "decision-log.csv"'
    elif case == "source alone":
        weights = None
    elif case == "one left out":
        del weights["le_gap_share"]
    elif case == "text":
        weights["evidence_score"] = '"high"'
    elif case == "analysts' criterion":
        weights["community_voice"] = 1
    elif case == "table too early":
        weights["period"] = '"2025/26"'  # a key meant for the file, written after [weights]
    path = _write(tmp_path, weights=weights, source=source, extra=extra)
    code = main(["report", "--config", str(path), "--out", str(tmp_path / "out"), "--no-pdf"])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert "Traceback" not in err
    assert err.startswith(f"pophealth report: {path}: "), err
    assert re.search(message, err), err
    assert not (tmp_path / "out").exists()


def test_print_config_writes_the_keys_commented_with_an_explanation(capsys):
    assert main(["report", "--print-config"]) == 0
    text = capsys.readouterr().out
    assert text == config_template()
    lines = text.splitlines()
    weights = next(n for n, line in enumerate(lines) if line.startswith("# weights = {"))
    assert "Weights of the criteria agreed before (or without) a workshop" in lines[weights - 1]
    assert "Not with decision_log" in lines[weights - 1]
    source = lines.index(f'# weights_source = "{SOURCE}"')
    assert "Who agreed the weights, and when: required with weights" in lines[source - 1]
    # Uncommented, the two lines are weights the report ranks with.
    read = tomllib.loads(lines[weights][2:] + "\n" + lines[source][2:])
    config = ReportConfig(system_name="A", **read)
    from toolkit.prioritise import theme_criteria

    assert list(config.weights) == [criterion.name for criterion in theme_criteria()]


def test_the_demo_gives_no_weights():
    from toolkit.report import demo_config

    root = Path(__file__).resolve().parents[2]
    for config in (demo_config(), load_config(root / "reports" / "demo.toml")):
        assert config.weights is None and config.weights_source is None
    with pytest.raises(ValueError, match="'weights_source' is missing"):
        ReportConfig(system_name="A", weights=WEIGHTS)
