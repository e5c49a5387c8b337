"""The quarterly update's ``weights`` and ``weights_source`` keys, as the board report's.

A board report ranked with weights agreed by the executive (its ``weights`` and
``weights_source``) is followed by quarterly updates that must rank the earlier and the
newer data with the same weights, or what moved compares against the wrong list. The update
takes the same two keys, checked by the same code as the report's, ranks with them in
:func:`toolkit.prioritise.prioritise_persons` and names whose weights they are where it said
"at equal weights". A table it cannot rank with is refused in plain words by ``pophealth
monitor``, which exits non-zero without a traceback.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from toolkit.cli import EXIT_BAD_INPUT, main
from toolkit.data import make_demo_system
from toolkit.defaults import DEMO_SEED
from toolkit.monitor import what_moved
from toolkit.prioritise import prioritise_persons
from toolkit.report import load_config
from toolkit.report.update import (
    UpdateConfig,
    load_update_config,
    prepare_update,
    update_config_keys,
    update_config_template,
    update_provenance,
    update_title,
    what_moved_section,
)

from .test_report_config_weights import SOURCE, WEIGHTS, write_weighted
from .test_report_config_weights import _write as write_report
from .test_report_update import planted_series

PERSONS = 20_000
SIZE = 3
RANKED = f"ranked with the weights agreed by {SOURCE}"


def _write(
    folder: Path,
    *,
    weights: dict[str, object] | None = WEIGHTS,
    source: str | None = SOURCE,
    extra: tuple[str, ...] = (),
) -> Path:
    """Write an update configuration on small demo persons, its weights a [weights] table."""
    lines = [
        'system_name = "Small system"',
        'period = "January to March 2026"',
        'series = "series.csv"',
        'previous_persons = "demo"',
        'persons = "demo"',
        f"demo_persons = {PERSONS}",
        f"shortlist_size = {SIZE}",
        "fix_after = 24",
        *extra,
    ]
    return write_weighted(folder / "update.toml", lines, weights=weights, source=source)


#: Weights neither the report nor the update can rank with, each made from WEIGHTS.
BROKEN: dict[str, Callable[[dict[str, object]], dict[str, object]]] = {
    "misspelt": lambda w: {
        ("deprivaton_gap" if k == "deprivation_gap" else k): v for k, v in w.items()
    },
    "negative": lambda w: w | {"evidence_score": -1},
    "all zero": lambda w: dict.fromkeys(w, 0),
    "one left out": lambda w: {k: v for k, v in w.items() if k != "le_gap_share"},
    "text": lambda w: w | {"evidence_score": '"high"'},
    # an update key, not one of the report's, written after the [weights] table
    "table too early": lambda w: w | {"ambitions_by": '{ falls_and_frailty = "2027-03" }'},
}


def _prioritise(seed: int, size: int = SIZE, weights=None):
    """Score the demo persons the update reads (seed: the earlier, seed + 1: the newer)."""
    persons = make_demo_system(persons=PERSONS, seed=seed).persons
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return prioritise_persons(persons, size=size, seed=DEMO_SEED, weights=weights)


def _prepare(config: UpdateConfig):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return prepare_update(config)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("update-weights")
    planted_series(path / "series.csv")
    return path


@pytest.fixture(scope="module")
def weighted(folder):
    """The update with WEIGHTS, its shortlist worked out from previous_persons."""
    config = load_update_config(_write(folder))
    return _prepare(config)


def test_the_weights_rank_the_update_as_scoring_with_them_would(weighted):
    update = weighted
    assert update.config.weights == WEIGHTS and update.config.weights_source == SOURCE
    earlier = _prioritise(DEMO_SEED, weights=WEIGHTS)
    newer = _prioritise(DEMO_SEED + 1, weights=WEIGHTS)
    assert update.agreed == earlier.shortlist["candidate"].astype(str).tolist()
    pd.testing.assert_frame_equal(update.moved, what_moved(earlier, newer))
    # ... which is not the list at equal weights the update followed without the keys.
    equal = _prioritise(DEMO_SEED)
    assert update.agreed != equal.shortlist["candidate"].astype(str).tolist()


def test_the_words_name_the_source_instead_of_equal_weights(weighted):
    update = weighted
    title = update_title(update).text
    assert f"suggested by the evidence (the shortlist {RANKED})" in title
    assert "equal weights" not in title
    assert update.agreed_from == f"the shortlist suggested on the earlier data, {RANKED}"
    box = update_provenance(update).text
    assert (
        f"Weights: the shortlist of the earlier data and the newer data are {RANKED} (given "
        "in the configuration), not at equal weights." in box
    )
    moved = what_moved_section(update).text
    assert "equal" not in moved
    # Whether or not something moves, what moved says whose weights ranked the newer data.
    left = update.moved.index[update.moved["change"] != "outside"][-1]
    joined = update.moved.index[update.moved["change"] == "outside"][0]
    changed = update.moved.copy()
    changed.loc[left, ["change", "shortlisted_after"]] = ["left", False]
    changed.loc[joined, ["change", "shortlisted_after"]] = ["entered", True]
    changed_text = what_moved_section(dataclasses.replace(update, moved=changed)).text
    assert f"Rerun on the newer data, {RANKED}, as the agreed shortlist was: " in changed_text
    stayed = update.moved.assign(change=update.moved["change"].replace({"left": "stayed"}))
    stayed = stayed[stayed["change"].isin(["stayed", "outside"])]
    stayed = stayed.assign(shortlisted_after=stayed["shortlisted_before"])
    same = what_moved_section(dataclasses.replace(update, moved=stayed)).text
    assert same.startswith(f"Rerun on the newer data, {RANKED}, the evidence suggests the same")


def test_without_weights_the_update_says_equal_weights_as_before(weighted):
    plain = dataclasses.replace(weighted.config, weights=None, weights_source=None)
    update = dataclasses.replace(weighted, config=plain)
    assert "suggested by the evidence (the shortlist at equal weights)" in (
        update_title(update).text
    )
    assert "Weights:" not in update_provenance(update).text
    same = what_moved_section(
        dataclasses.replace(update, moved=update.moved[update.moved["change"] == "outside"])
    ).text
    assert same.startswith("Rerun on the newer data, the evidence suggests the same shortlist")
    assert "weights agreed by" not in same


def test_with_priorities_only_the_newer_data_are_ranked_with_the_weights(folder):
    """The board's list stays as given; the rerun it is compared with uses the weights."""
    agreed = ["high_blood_pressure", "falls_and_frailty"]  # the series' themes
    config = load_update_config(
        _write(folder, extra=('priorities = ["high_blood_pressure", "falls_and_frailty"]',))
    )
    update = _prepare(config)
    assert update.agreed == agreed
    newer = _prioritise(DEMO_SEED + 1, size=len(agreed), weights=WEIGHTS)
    pd.testing.assert_frame_equal(update.moved, what_moved(agreed, newer))
    equal = _prioritise(DEMO_SEED + 1, size=len(agreed))
    assert not what_moved(agreed, equal).equals(update.moved)  # not at equal weights
    assert "the board agreed" in update_title(update).text
    assert update.agreed_from == "the priorities the board agreed (the configuration)"
    assert f"Weights: the newer data are {RANKED} (given in the configuration)" in (
        update_provenance(update).text
    )
    changed = update.moved.copy()
    changed.loc[changed.index[0], "change"] = "left"
    text = what_moved_section(dataclasses.replace(update, moved=changed)).text
    assert f"Rerun on the newer data, {RANKED}: " in text and "equal" not in text


#: The update's own words, where they are not the board report's.
OWN_WORDS = {
    "no source": r"'weights_source' is missing: with 'weights', say who agreed them and when, "
    r"such as weights_source = \"ICB executive, 3 November 2026\" \(the update names it\)\.",
    "with a decision log": r"'weights' and 'decision_log' both give the criteria's weights: "
    r"give one or the other\. Remove 'decision_log' to rank with the weights agreed beforehand, "
    r"or remove 'weights' and 'weights_source' to follow the workshop's shortlist and weights\.",
    "table too early": r"'weights' names 'ambitions_by', a key of the configuration: a "
    r"\[weights\] table takes every line after it",
    "priorities without newer data": r"'weights' rank the evidence, but with 'priorities' \(the "
    r"agreed list itself\) and without 'persons' \(newer data\) the update ranks nothing: give "
    r"persons",
}


def _report_refusal(folder: Path, weights: dict[str, object] | None, source: str | None) -> str:
    """Return the board report's message for the same weights, without its file's name."""
    path = write_report(folder, weights=weights, source=source)
    with pytest.raises(ValueError) as refused:
        load_config(path)
    return str(refused.value).removeprefix(f"{path}: ")


@pytest.mark.parametrize("case", list(dict.fromkeys([*BROKEN, "source alone", *OWN_WORDS])))
def test_weights_the_update_cannot_rank_with_are_refused_plainly(folder, tmp_path, capsys, case):
    """Refused by ``pophealth monitor`` in the report's words (the same check) or its own."""
    out = folder / f"out-{case.replace(' ', '-')}"
    (folder / "decision-log.csv").write_text("", encoding="utf-8")
    weights = None if case == "source alone" else BROKEN.get(case, dict)(WEIGHTS)
    source = None if case == "no source" else SOURCE
    extra = ('decision_log = "decision-log.csv"',) if case == "with a decision log" else ()
    path = _write(folder, weights=weights, source=source, extra=extra)
    if case == "priorities without newer data":
        text = path.read_text("utf-8").replace('\npersons = "demo"\n', "\n", 1)
        path.write_text('priorities = ["falls_and_frailty"]\n' + text, encoding="utf-8")
        assert "previous_persons" in text and "\npersons" not in text
    code = main(["monitor", "--config", str(path), "--out", str(out), "--no-pdf"])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert "Traceback" not in err
    assert err.startswith(f"pophealth monitor: {path}: "), err
    said = err.removeprefix(f"pophealth monitor: {path}: ").rstrip("\n")
    if case in OWN_WORDS:
        assert re.match(OWN_WORDS[case], said), said
    else:  # the board report's check, word for word
        assert said == _report_refusal(tmp_path, weights, source)
    assert not out.exists()


def test_print_config_writes_the_keys_commented_with_an_explanation(capsys):
    assert main(["monitor", "--print-config"]) == 0
    text = capsys.readouterr().out
    assert text == update_config_template()
    keys = update_config_keys()
    assert keys.index("weights") == keys.index("workshop") + 1
    assert keys.index("weights_source") == keys.index("weights") + 1
    lines = text.splitlines()
    weights = next(n for n, line in enumerate(lines) if line.startswith("# weights = {"))
    said = lines[weights - 1]
    assert said.startswith("# Weights of the criteria agreed before (or without) a workshop")
    assert "ranked with them instead of at equal weights" in said
    assert "give the weights the board report was ranked with" in said
    assert "With priorities the list stays the board's" in said and "Not with decision_log" in said
    source = lines.index(f'# weights_source = "{SOURCE}"')
    assert lines[source - 1] == (
        "# Who agreed the weights, and when: required with weights. The update then says "
        f'"{RANKED}" instead of "at equal weights".'
    )
    # Uncommented, the two lines are weights the update ranks with.
    read = tomllib.loads(lines[weights][2:] + "\n" + lines[source][2:])
    config = UpdateConfig(system_name="A", previous_persons="demo", **read)
    from toolkit.prioritise import theme_criteria

    assert list(config.weights) == [criterion.name for criterion in theme_criteria()]


def test_the_guide_lists_every_key_of_the_update():
    guide = (Path(__file__).resolve().parents[2] / "docs" / "monitoring.md").read_text("utf-8")
    keys = guide[guide.index("Keys: ") : guide.index("`pophealth demo` writes")]
    named = set(re.findall(r"`([a-z_]+)`", keys))
    assert set(update_config_keys()) <= named, sorted(set(update_config_keys()) - named)
    flat = " ".join(keys.split())
    assert '"ranked with the weights agreed by ICB executive, 3 November 2026"' in flat
    assert "With `priorities` the list stays the board's" in flat


def test_the_demo_gives_no_weights():
    from toolkit.report.update import demo_update_config

    config = demo_update_config()
    assert config.weights is None and config.weights_source is None
    assert config.to_parameters()["weights"] is None


def test_pophealth_monitor_ranks_with_the_weights_and_names_their_source(folder, weighted):
    """The notebook takes both keys (papermill passes them) and its pages name the source."""
    out = folder / "out"
    assert main(["monitor", "--config", str(_write(folder)), "--out", str(out), "--no-pdf"]) == 0
    page = " ".join((out / "quarterly-update.html").read_text("utf-8").split())
    assert f"suggested by the evidence (the shortlist {RANKED})" in page
    assert "<th>Weights</th><td>the shortlist of the earlier data and the newer data are " in page
    assert "equal weights" not in page.replace("not at equal weights", "")
    labels = [
        weighted.followup.priorities.set_index("priority").at[p, "label"] for p in weighted.agreed
    ]
    assert all(str(label) in page for label in labels)
