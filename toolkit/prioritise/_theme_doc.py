"""The library as a table and as its documentation page (``docs/themes.md``).

:func:`themes_frame` gives one row per theme and intervention; :func:`themes_markdown`
writes every theme and every figure with its source and whether it was checked, and
:func:`write_themes_doc` saves that page. :mod:`toolkit.prioritise.themes` re-exports them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit._params import InstanceOf, SequenceOf, validate_params
from toolkit.data.contract import CAUSES_OF_DEATH
from toolkit.prioritise._theme_vocabulary import (
    CAUSE_WORDS,
    CORE20PLUS5_AREAS,
    CORE20PLUS5_SOURCES,
    EVIDENCE_LEVELS,
    OUTCOME_WORDS,
    PROGRAMMES,
    cohort_labels,
)

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.prioritise.themes import Share, Theme

#: The ``themes`` argument of the functions below; the class is named so that this module
#: need not import :mod:`toolkit.prioritise.themes`, which re-exports them.
_THEMES = [SequenceOf(InstanceOf("toolkit.prioritise.themes.Theme", "a Theme")), None]


def _themes(themes: Iterable[Theme] | None) -> tuple[Theme, ...]:
    """Return the themes given (checked by the caller's declaration), or the library's."""
    from toolkit.prioritise.themes import load_themes

    return load_themes() if themes is None else tuple(themes)


@validate_params({"themes": _THEMES})
def themes_frame(themes: Iterable[Theme] | None = None) -> pd.DataFrame:
    """One row per theme and intervention: the library as a table, for notebooks and docs.

    Parameters
    ----------
    themes : iterable of Theme, optional
        The themes to put in the table; by default the built-in library.

    Returns
    -------
    pandas.DataFrame
        Columns ``theme``, ``name``, ``programme``, ``cohort``, ``headline_outcome``,
        ``outcome_words``, ``core20plus5``, ``time_to_impact_low``,
        ``time_to_impact_high``, ``intervention``, ``acts_on``, ``evidence``,
        ``effect_central``, ``effect_low``, ``effect_high``, ``effect_interval``,
        ``effect_source``, ``effect_checked``, ``share_of_events_low``,
        ``share_of_events_high``, ``reach_low``, ``reach_high``, ``uptake_low``,
        ``uptake_high``, ``unit_cost``, ``unit_cost_unit``, ``unit_cost_price_year``
        (missing when the outcome has no cash value) and ``nice``.
    """
    rows = []
    for theme in _themes(themes):
        for intervention in theme.interventions:
            cost = intervention.unit_cost
            share = intervention.events_share
            rows.append(
                {
                    "theme": theme.id,
                    "name": theme.name,
                    "programme": theme.programme,
                    "cohort": theme.cohort,
                    "headline_outcome": theme.headline_outcome,
                    "outcome_words": OUTCOME_WORDS[theme.headline_outcome],
                    "core20plus5": theme.core20plus5,
                    "time_to_impact_low": theme.time_to_impact.years_low,
                    "time_to_impact_high": theme.time_to_impact.years_high,
                    "intervention": intervention.name,
                    "acts_on": intervention.acts_on,
                    "evidence": intervention.evidence,
                    "effect_central": intervention.effect.central,
                    "effect_low": intervention.effect.low,
                    "effect_high": intervention.effect.high,
                    "effect_interval": intervention.effect.interval,
                    "effect_source": intervention.effect.source,
                    "effect_checked": intervention.effect.checked,
                    "share_of_events_low": share.low,
                    "share_of_events_high": share.high,
                    "reach_low": intervention.reach.low,
                    "reach_high": intervention.reach.high,
                    "uptake_low": intervention.uptake.low,
                    "uptake_high": intervention.uptake.high,
                    "unit_cost": cost.value if cost is not None else np.nan,
                    "unit_cost_unit": cost.unit if cost is not None else "",
                    "unit_cost_price_year": cost.price_year if cost is not None else "",
                    "nice": intervention.nice,
                }
            )
    return pd.DataFrame(rows)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _checked(flag: bool) -> str:
    return "yes" if flag else "**no: not checked**"


def _share_text(share: Share) -> str:
    if share.low == share.high:
        return f"{share.low:.0%}"
    return f"{share.low:.0%} to {share.high:.0%}"


def _figure_row(figure: str, value: str, source: str, checked: bool, note: str) -> str:
    detail = source + (f" *Note:* {note}" if note else "")
    return f"| {figure} | {_cell(value)} | {_cell(detail)} | {_checked(checked)} |"


def _format_rows() -> list[tuple[str, str]]:
    """Return the fields of a theme file and what each means, for the documentation page."""
    figure = "`source`, `checked` (optional; default `false`: not checked against its publication)"
    return [
        ("`id`", "lower case with underscores; equals the file name without `.toml`"),
        ("`name`", "board language, no codes or underscores"),
        ("`programme`", "one of: " + ", ".join(f"`{p}`" for p in PROGRAMMES)),
        ("`summary`", "one or two plain sentences"),
        (
            "`cohort`",
            "an id of `toolkit/segment/models/cohorts.toml` (or `segment_*`, `ethnic_group_*`)",
        ),
        ("`outcomes`", "outcomes of the cohort cube it acts on; the first is the headline"),
        (
            "`fallback_outcome`",
            "optional: shown when the data lack the headline (optional) outcome; estimates "
            "never use it",
        ),
        (
            "`causes_of_death`",
            "causes of death it tackles (for its share of the life-expectancy gap): "
            + ", ".join(f"`{c}`" for c in CAUSES_OF_DEATH)
            + "; `[]` for none, and the theme then counts 0 on the criteria of deaths "
            "(its candidate's note says so)",
        ),
        ("`core20plus5`", "optional: " + ", ".join(f"`{a}`" for a in CORE20PLUS5_AREAS)),
        ("`[time_to_impact]`", f"`years_low`, `years_high`, {figure}"),
        (
            "`[expected_prevalence]`",
            f"optional: `value` (a share), `age_from`, `age_to`, {figure}",
        ),
        (
            "`[[interventions]]`",
            "one or more, the first the headline: `name`, `acts_on` (one of the outcomes), "
            "`evidence` (" + " \\| ".join(f"`{e}`" for e in EVIDENCE_LEVELS) + "), "
            "`evidence_basis`, optional `nice`, `note`",
        ),
        (
            "`[interventions.effect]`",
            "`measure` (`relative_risk_reduction`), `central`, `low`, `high` (each above 0 "
            f"and below 1, in order), `interval` (what low and high are), {figure}",
        ),
        (
            "`[interventions.share_of_events]`",
            f"optional: `low`, `high`, {figure}: the share of the outcome's events the effect "
            "applies to (1 when omitted)",
        ),
        (
            "`[interventions.reach]`, `[interventions.uptake]`",
            f"`low`, `high` (shares above 0, at most 1), {figure}",
        ),
        (
            "`[interventions.unit_cost]`",
            f"`value` (pounds), `unit`, `price_year`, {figure}; required for activity "
            "outcomes, absent for deaths and people who smoke (a file giving one is refused)",
        ),
    ]


_DOC_INTRO = """\
# The library of priority themes

<!-- Written by toolkit.prioritise.themes.write_themes_doc from the files in
toolkit/prioritise/theme_library/. Do not edit by hand: edit the theme files, then run
write_themes_doc("docs/themes.md") from toolkit.prioritise.themes.
A test fails when this page and the library disagree. -->

Boards recognise priorities as themes ("Find and treat high blood pressure"), not as
cohort-by-activity cells. Each theme is a file in `toolkit/prioritise/theme_library/`:
the cohort an intervention reaches, the outcomes it acts on (measures of the cohort cube),
the causes of death it tackles, its Core20PLUS5 area, and its interventions with a
published effect and the assumptions that scale it to one system. **Every figure names its
source and says whether it was checked against the publication** (or a summary quoting
it); figures marked *no* were not checked and are flagged below in bold. Reach, uptake
and share-of-events figures are mostly planning assumptions: replace them with local ones.

```python
from toolkit.prioritise.themes import THEME_LIBRARY, load_themes, themes_frame, impact_range
themes = load_themes()                       # the built-in library, checked
themes_frame(themes)                         # one row per theme and intervention
load_themes([THEME_LIBRARY, "my_themes"])    # the library plus an analyst's own themes
```

In the board report, name your folders in the configuration (`themes = ["my_themes"]`, paths
relative to the configuration file): your themes are measured beside the library's, and a
filled criteria template may score them too.

## The estimate

Avoidable events a year = events a year in the cohort × share of events × reach × uptake ×
relative risk reduction. The low end multiplies every low, the high end every high
(`impact_range`); cost = avoidable events × unit cost (`impact_cost_range`). Every such
figure is an **estimate**, not a forecast; the range shows how much it depends on the
assumptions.

## The format of a theme file

{format_table}

Every figure table may also have a `note`. A malformed file raises one `ThemeError`
naming the file, each field as a dotted path (`interventions[1].effect.high`, where
`interventions[1]` is the first `[[interventions]]` table) and what is wrong.

## Core20PLUS5 areas

{core20plus5_sources}
"""


@validate_params({"themes": _THEMES})
def themes_markdown(themes: Iterable[Theme] | None = None) -> str:
    """Return the documentation page of the library: every theme and every figure.

    Parameters
    ----------
    themes : iterable of Theme, optional
        The themes to document; by default the built-in library.

    Returns
    -------
    str
        Markdown, as written to ``docs/themes.md`` by :func:`write_themes_doc`.
    """
    chosen = _themes(themes)
    labels = cohort_labels()
    sources = "\n".join(
        f"- {group}: {text}" + ("" if checked else " **(not checked)**")
        for group, (text, checked) in CORE20PLUS5_SOURCES.items()
    )
    lines = [
        _DOC_INTRO.format(
            format_table="\n".join(
                ["| field | meaning |", "|---|---|"]
                + [f"| {name} | {meaning} |" for name, meaning in _format_rows()]
            ),
            core20plus5_sources=sources,
        ).rstrip(),
        "",
        "## The themes",
        "",
        "| theme | cohort | headline outcome | intervention | effect | evidence | effect checked |",
        "|---|---|---|---|---|---|---|",
    ]
    for theme in chosen:
        first = theme.interventions[0]
        effect = first.effect
        lines.append(
            f"| {_cell(theme.name)} (`{theme.id}`) | "
            f"{_cell(labels.get(theme.cohort, theme.cohort))} | "
            f"{OUTCOME_WORDS[theme.headline_outcome]} | {_cell(first.name)} | "
            f"{effect.central:.2f} ({effect.low:.2f} to {effect.high:.2f}) | {first.evidence} | "
            f"{_checked(effect.checked)} |"
        )
    with_prevalence = [t for t in chosen if t.expected_prevalence is not None]
    without_prevalence = [t for t in chosen if t.expected_prevalence is None]
    lines += [
        "",
        "## Recorded against expected prevalence",
        "",
        "Where a published estimate of how common a condition is exists, each candidate also "
        "shows how many more people may have it than are recorded (expected prevalence x the "
        "population at those ages, minus the cohort at those ages; an estimate).",
        "",
        "- With a published expected prevalence: "
        + "; ".join(
            f"{t.name} ({t.expected_prevalence.value:.1%} of people aged "
            f"{t.expected_prevalence.ages})"
            for t in with_prevalence
        )
        + ".",
        "- With none (the cohort is not a diagnosis with a published prevalence model, or no "
        "estimate was found): " + "; ".join(t.name for t in without_prevalence) + ".",
    ]
    unchecked: list[str] = []
    for theme in chosen:
        lines += [
            "",
            f"### {theme.name}",
            "",
            f"`{theme.id}`: {theme.programme_label}. {theme.summary}",
            "",
            f"- Cohort: {labels.get(theme.cohort, theme.cohort)} (`{theme.cohort}`).",
            "- Outcomes: "
            + "; ".join(f"{OUTCOME_WORDS[o]} (`{o}`)" for o in theme.outcomes)
            + (
                f". When the data lack the first: {OUTCOME_WORDS[theme.fallback_outcome]}"
                f" (`{theme.fallback_outcome}`)."
                if theme.fallback_outcome
                else "."
            ),
            "- Causes of death it tackles: "
            + (", ".join(CAUSE_WORDS[c] for c in theme.causes_of_death) or "none named")
            + ".",
            f"- Core20PLUS5: {theme.core20plus5_label or 'not one of the areas'}.",
            "",
            "| figure | value | source | checked against the publication |",
            "|---|---|---|---|",
        ]
        timing = theme.time_to_impact
        rows = [
            (
                "time to impact",
                f"{timing.years_low:g} to {timing.years_high:g} years",
                timing,
            )
        ]
        if theme.expected_prevalence is not None:
            prevalence = theme.expected_prevalence
            rows.append(
                (
                    "expected prevalence",
                    f"{prevalence.value:.1%} of people aged {prevalence.ages}",
                    prevalence,
                )
            )
        for position, intervention in enumerate(theme.interventions, start=1):
            label = f"{position}. {intervention.name}"
            effect = intervention.effect
            rows.append(
                (
                    f"{label}: effect on {OUTCOME_WORDS[intervention.acts_on]} "
                    f"({intervention.evidence} evidence: {intervention.evidence_basis})",
                    f"relative risk reduction {effect.central:.2f} ({effect.low:.2f} to "
                    f"{effect.high:.2f}, {effect.interval})",
                    effect,
                )
            )
            if intervention.share_of_events is not None:
                rows.append(
                    (
                        f"{label}: share of events in scope",
                        _share_text(intervention.share_of_events),
                        intervention.share_of_events,
                    )
                )
            rows.append((f"{label}: reach", _share_text(intervention.reach), intervention.reach))
            rows.append((f"{label}: uptake", _share_text(intervention.uptake), intervention.uptake))
            if intervention.unit_cost is not None:
                cost = intervention.unit_cost
                rows.append(
                    (
                        f"{label}: unit cost",
                        f"£{cost.value:,.0f} {cost.unit} ({cost.price_year} prices)",
                        cost,
                    )
                )
            if intervention.nice:
                rows.append((f"{label}: guidance", intervention.nice, None))
        for figure, value, item in rows:
            if item is None:
                lines.append(f"| {_cell(figure)} | {_cell(value)} | (reference) | n/a |")
                continue
            lines.append(_figure_row(figure, value, item.source, item.checked, item.note))
            if not item.checked:
                unchecked.append(f"{theme.name}: {figure}")
    lines += [
        "",
        "## Figures not checked against their publication",
        "",
        f"{len(unchecked)} figures are marked *no* above: most are planning assumptions "
        "(reach, uptake, share of events) that each system should replace with its own.",
        "",
        *[f"- {item}" for item in unchecked],
        "",
    ]
    return "\n".join(lines)


@validate_params({"path": ["path"], "themes": _THEMES})
def write_themes_doc(
    path: str | Path = "docs/themes.md", themes: Iterable[Theme] | None = None
) -> Path:
    """Write the library's documentation page (``docs/themes.md``).

    Parameters
    ----------
    path : str or pathlib.Path
        Where to write; the file is replaced.
    themes : iterable of Theme, optional
        By default the built-in library.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    target = Path(path)
    target.write_text(themes_markdown(themes), encoding="utf-8")
    return target
