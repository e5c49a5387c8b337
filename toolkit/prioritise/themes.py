"""A library of priority themes, shipped as data: one TOML file per theme, every figure sourced.

Boards recognise priorities as themes ("Find and treat high blood pressure", "Prevent falls
and support people living with frailty"), not as cells of a segment-by-activity table. A
theme names the cohort an intervention reaches, the outcomes it acts on (measures of the
cohort cube, :data:`toolkit.data.contract.COHORT_CUBE_MEASURES`), the causes of death it
tackles (for its share of the life-expectancy gap), its Core20PLUS5 area and one or more
interventions, each with a published effect size and the assumptions needed to turn it into
an estimate for one system. The library lives in ``toolkit/prioritise/theme_library/``;
analysts add or edit themes by writing files of the same shape in a folder of their own
(:func:`load_themes`). ``docs/themes.md`` lists every theme and every figure with its
source, and whether the figure was checked against the publication; it is written by
:func:`write_themes_doc`.

The file format
---------------
One file per theme, named after the theme's id (``high_blood_pressure.toml``)::

    id = "high_blood_pressure"                 # must equal the file name, without .toml
    name = "Find and treat high blood pressure"  # board language: no codes, no underscores
    programme = "cardiovascular"               # one of PROGRAMMES
    summary = "One or two plain sentences."
    cohort = "hypertension"                    # an id of segment/models/cohorts.toml
    outcomes = ["emergency_admissions_cardiovascular", "deaths_under_75"]  # first: headline
    fallback_outcome = "emergency_admissions"  # optional: when the data lack an optional one
    causes_of_death = ["circulatory"]          # CAUSES_OF_DEATH the theme tackles (may be [])
    core20plus5 = "adult:hypertension_case_finding"  # optional: one of CORE20PLUS5_AREAS

    [time_to_impact]                           # years until the benefit shows
    years_low = 1
    years_high = 3
    source = "..."
    checked = false

    [expected_prevalence]                      # optional: published estimate, diagnosed or not
    value = 0.30                               # a share of people of these ages
    age_from = 16                              # age_to optional
    source = "..."
    checked = true
    note = "..."                               # optional

    [[interventions]]                          # one or more; the first is the headline
    name = "Treat blood pressure to target"
    acts_on = "emergency_admissions_cardiovascular"  # one of the theme's outcomes
    evidence = "strong"                        # strong | moderate | emerging
    evidence_basis = "meta-analysis of randomised trials"
    nice = "NICE NG136"                        # optional guidance reference
    note = "..."                               # optional

    [interventions.effect]                     # the published effect
    measure = "relative_risk_reduction"
    central = 0.20
    low = 0.17
    high = 0.23
    interval = "95% confidence interval"       # what low and high are
    source = "Ettehad D et al. Lancet 2016;387:957-67 (RR 0.80, 95% CI 0.77 to 0.83)."
    checked = true

    [interventions.share_of_events]            # optional: share of the outcome's events the
    low = 0.5                                  # effect applies to (strokes among all heart
    high = 0.7                                 # and circulatory admissions); 1 if omitted
    source = "Assumption: ..."

    [interventions.reach]                      # share of the cohort the programme reaches
    low = 0.3
    high = 0.5
    source = "Assumption: ..."

    [interventions.uptake]                     # share of those reached who take it up and
    low = 0.5                                  # keep to it
    high = 0.7
    source = "Assumption: ..."

    [interventions.unit_cost]                  # required when acts_on is an activity
    value = 1590
    unit = "per emergency admission"
    price_year = "2016/17"
    source = "NHS Reference Costs 2016/17 ..."
    checked = true

Every figure (``time_to_impact``, ``expected_prevalence``, ``effect``,
``share_of_events``, ``reach``, ``uptake``, ``unit_cost``) is a table with a ``source``
(a publication, or ``"Assumption: ..."`` saying why) and ``checked`` (true only when the
figure was confirmed in the publication or a summary quoting it; false by default) and may
have a ``note``. ``fallback_outcome`` is for describing the theme's burden when the
extract lacks an optional outcome column; an intervention's estimate always uses its own
``acts_on`` outcome and is not applied to the fallback.

The impact estimate
-------------------
Avoidable events a year = events a year in the cohort × share of events × reach × uptake
× relative risk reduction (METHODS.md, "Impact estimates for a theme"). The low end of
the range multiplies every low, the high end every high (:func:`impact_range`); the
central figure uses the midpoints of the assumed ranges and the central effect
(:func:`impact_central`). Cost is avoidable events × the unit cost
(:func:`impact_cost_range`). Every such figure is an estimate and is labelled so.

Loading
-------
:func:`load_themes` reads the built-in library (or an analyst's folder) and checks every
file, raising one :class:`ThemeError` that lists every problem: the file, the field as a
dotted path (``interventions[1].effect.high``; ``interventions[1]`` is the first
``[[interventions]]`` table) and what to do about it.

This module holds the dataclasses and the loaders; the vocabulary a theme may use
(``_theme_vocabulary``), the checks of one file (``_theme_file``), the impact estimates
(``_theme_impact``) and the table and documentation page (``_theme_doc``) live in private
modules beside it, and every public name is importable from here.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from toolkit._params import (
    POSITIVE,
    InstanceOf,
    Interval,
    SequenceOf,
    StrOptions,
    check_fields,
    invalid_parameter,
    validate_params,
)
from toolkit.errors import DataContractError

# Re-exported: the public names this module had before it was split by job (issue 17).
from toolkit.prioritise._theme_doc import (  # noqa: F401
    themes_frame,
    themes_markdown,
    write_themes_doc,
)
from toolkit.prioritise._theme_impact import (  # noqa: F401
    impact_central,
    impact_cost_range,
    impact_range,
)
from toolkit.prioritise._theme_vocabulary import (  # noqa: F401
    COHORTS_FILE,
    CORE20PLUS5_AREAS,
    CORE20PLUS5_SOURCES,
    COSTED_OUTCOMES,
    DYNAMIC_COHORT_PREFIXES,
    EFFECT_MEASURES,
    EVIDENCE_LEVELS,
    OUTCOME_WORDS,
    OUTCOME_WORDS_SINGULAR,
    OUTCOMES,
    PROGRAMMES,
    THEME_LIBRARY,
    known_cohort_ids,
)


# --------------------------------------------------------------------------------------
# The dataclasses
# --------------------------------------------------------------------------------------
class ThemeError(DataContractError):
    """A theme file breaks the library's format.

    The message names each file, each field (as a dotted path such as
    ``interventions[1].effect.high``) and the problem, in words an analyst can act on.
    ``failures`` holds the same facts as a table (``file``, ``field``, ``problem``).
    """


def is_number(value: object) -> bool:
    """Whether a value read from TOML is a number (an int or float, not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def share_problems(low: object, high: object, what: str) -> list[tuple[str, str]]:
    """Problems with a low-high pair of shares, keyed by sub-field."""
    problems = []
    for name, value in (("low", low), ("high", high)):
        if not is_number(value) or not math.isfinite(value):
            problems.append((name, f"must be a number (a share such as 0.4); got {value!r}"))
        elif not 0 < value <= 1:
            problems.append(
                (
                    name,
                    f"{what} must be a share above 0 and at most 1 (0.4 means 40%); got {value!r}",
                )
            )
    if not problems and low > high:
        problems.append(("low", f"must not exceed high; got low {low!r} and high {high!r}"))
    return problems


def effect_problems(central: object, low: object, high: object) -> list[tuple[str, str]]:
    """Problems with an effect's central, low and high relative risk reductions, by sub-field."""
    problems = []
    for name, value in (("central", central), ("low", low), ("high", high)):
        if not is_number(value) or not math.isfinite(value):
            problems.append(
                (name, f"must be a number (a relative risk reduction such as 0.2); got {value!r}")
            )
        elif not 0 < value < 1:
            problems.append(
                (
                    name,
                    "must be a relative risk reduction above 0 and below 1 (0.2 means 20% "
                    "fewer events; a relative risk of 0.8 is a reduction of 0.2); "
                    f"got {value!r}",
                )
            )
    if not problems and not low <= central <= high:
        problems.append(
            (
                "central",
                f"low, central and high must be in order (low <= central <= high); got "
                f"{low!r}, {central!r} and {high!r}",
            )
        )
    return problems


def _raise_first(owner: str, problems: list[tuple[str, str]]) -> None:
    if problems:
        text = "; ".join(f"'{name}' {problem}" for name, problem in problems)
        raise ValueError(f"The parameters of {owner} are out of range: {text}.")


@dataclass(frozen=True)
class Share:
    """A share stated as a range, with its source: reach, uptake or share of events.

    Parameters
    ----------
    low, high : float
        The ends of the range, each above 0 and at most 1.
    source : str
        Where the figures come from, or ``"Assumption: ..."`` saying why.
    checked : bool
        Whether the figures were confirmed in the publication (or a summary quoting it).
    note : str
        Anything a reader needs to use the figures well.
    """

    low: float
    high: float
    source: str
    checked: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        _raise_first("Share", share_problems(self.low, self.high, "the share"))

    @property
    def mid(self) -> float:
        """The midpoint of the range."""
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class Effect:
    """An intervention's published effect on an outcome.

    Parameters
    ----------
    measure : str
        One of :data:`EFFECT_MEASURES` (``"relative_risk_reduction"``).
    central, low, high : float
        The effect and its range, each above 0 and below 1, in order.
    interval : str
        What ``low`` and ``high`` are ("95% confidence interval", "assumed range ...").
    source : str
        The publication, with the figures as published.
    checked : bool
        Whether the figures were confirmed in the publication (or a summary quoting it).
    note : str
        How the figures were derived, and caveats.
    """

    measure: str
    central: float
    low: float
    high: float
    interval: str
    source: str
    checked: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        check_fields(self, {"measure": [StrOptions(EFFECT_MEASURES)]})
        _raise_first("Effect", effect_problems(self.central, self.low, self.high))


@dataclass(frozen=True)
class UnitCost:
    """The cost of one event an intervention avoids.

    Parameters
    ----------
    value : float
        Pounds per event, above 0.
    unit : str
        What one event is ("per emergency admission").
    price_year : str
        The financial year of the prices ("2016/17").
    source : str
        The publication (for NHS costs, the National Cost Collection and its year).
    checked : bool
        Whether the figure was confirmed in the publication (or a summary quoting it).
    note : str
        Caveats (prices not uprated, episodes rather than whole stays, ...).
    """

    value: float
    unit: str
    price_year: str
    source: str
    checked: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        check_fields(self, {"value": [POSITIVE]})


@dataclass(frozen=True)
class TimeToImpact:
    """How many years until a theme's benefit shows, as a range.

    Parameters
    ----------
    years_low, years_high : float
        The range in years, above 0, in order.
    source : str
        Where the range comes from, or ``"Assumption: ..."``.
    checked : bool
        Whether the range was confirmed in the publication.
    note : str
        Caveats.
    """

    years_low: float
    years_high: float
    source: str
    checked: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        check_fields(self, {"years_low": [POSITIVE], "years_high": [POSITIVE]})
        if self.years_low > self.years_high:
            raise invalid_parameter(
                "years_low",
                type(self).__name__,
                f"at most years_high ({self.years_high!r})",
                self.years_low,
            )


@dataclass(frozen=True)
class ExpectedPrevalence:
    """A published estimate of how common the cohort's condition is, diagnosed or not.

    Parameters
    ----------
    value : float
        The share of people of these ages, above 0 and below 1.
    age_from : int
        The youngest age the estimate covers.
    source : str
        The publication.
    checked : bool
        Whether the figure was confirmed in the publication (or a summary quoting it).
    age_to : int, optional
        The oldest age covered; None for no upper limit.
    note : str
        How to use it (for example, compare with the register to see the diagnosis gap).
    """

    value: float
    age_from: int
    source: str
    checked: bool = False
    age_to: int | None = None
    note: str = ""

    def __post_init__(self) -> None:
        check_fields(self, {"value": [Interval(numbers.Real, 0, 1, closed="neither")]})

    @property
    def ages(self) -> str:
        """The ages covered, in words ("16 and over", "40 to 74")."""
        if self.age_to is None:
            return f"{self.age_from} and over"
        return f"{self.age_from} to {self.age_to}"


@dataclass(frozen=True)
class Intervention:
    """An intervention of a theme, with its effect and the assumptions that scale it.

    Parameters
    ----------
    name : str
        In board language ("Treat blood pressure to target").
    acts_on : str
        The outcome the effect applies to, one of the theme's outcomes.
    effect : Effect
        The published effect.
    evidence : str
        One of :data:`EVIDENCE_LEVELS`: ``"strong"``, ``"moderate"`` or ``"emerging"``.
    evidence_basis : str
        What the evidence is ("meta-analysis of randomised trials").
    reach : Share
        The share of the cohort the programme reaches.
    uptake : Share
        The share of those reached who take it up and keep to it.
    share_of_events : Share, optional
        The share of the outcome's events the effect applies to; all of them if None.
    unit_cost : UnitCost, optional
        The cost of one avoided event; None for outcomes without a cash value (deaths,
        people who smoke).
    nice : str
        The NICE (or other national) guidance, if any.
    note : str
        Anything else a reader needs.
    """

    name: str
    acts_on: str
    effect: Effect
    evidence: str
    evidence_basis: str
    reach: Share
    uptake: Share
    share_of_events: Share | None = None
    unit_cost: UnitCost | None = None
    nice: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        check_fields(
            self,
            {
                "evidence": [StrOptions(EVIDENCE_LEVELS)],
                "acts_on": [
                    StrOptions(OUTCOMES, description="an outcome of the cohort cube (see OUTCOMES)")
                ],
            },
        )

    @property
    def effect_source(self) -> str:
        """The source of the effect size."""
        return self.effect.source

    @property
    def effect_checked(self) -> bool:
        """Whether the effect size was checked against its publication."""
        return self.effect.checked

    @property
    def events_share(self) -> Share:
        """The share of events the effect applies to (all of them when not stated)."""
        if self.share_of_events is None:
            return Share(1.0, 1.0, "The effect applies to all the outcome's events.", True)
        return self.share_of_events


@dataclass(frozen=True)
class Theme:
    """A priority theme: a cohort, the outcomes it acts on and its interventions.

    Parameters
    ----------
    id : str
        Lower case with underscores; equals the file name without ``.toml``.
    name : str
        In board language ("Find and treat high blood pressure").
    programme : str
        One of :data:`PROGRAMMES`.
    summary : str
        One or two plain sentences.
    cohort : str
        The cohort the intervention reaches (an id of the cohorts catalogue).
    outcomes : tuple of str
        Outcomes the theme acts on; the first is the headline.
    causes_of_death : tuple of str
        Causes of death (:data:`toolkit.data.contract.CAUSES_OF_DEATH`) it tackles.
    time_to_impact : TimeToImpact
        Years until the benefit shows.
    interventions : tuple of Intervention
        At least one; the first is the headline.
    fallback_outcome : str, optional
        Shown instead of the headline outcome when the data lack that optional column.
    core20plus5 : str
        One of :data:`CORE20PLUS5_AREAS`, or ``""``.
    expected_prevalence : ExpectedPrevalence, optional
        A published estimate of prevalence, diagnosed or not.
    path : str
        The file the theme was read from (not compared).
    """

    id: str
    name: str
    programme: str
    summary: str
    cohort: str
    outcomes: tuple[str, ...]
    causes_of_death: tuple[str, ...]
    time_to_impact: TimeToImpact
    interventions: tuple[Intervention, ...]
    fallback_outcome: str | None = None
    core20plus5: str = ""
    expected_prevalence: ExpectedPrevalence | None = None
    path: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.outcomes or not self.interventions:
            raise ValueError(
                "The 'outcomes' and 'interventions' parameters of Theme must not be empty. "
                f"Got {len(self.outcomes)} outcomes and {len(self.interventions)} "
                "interventions instead."
            )

    @property
    def headline_outcome(self) -> str:
        """The first outcome: the one the theme is measured by."""
        return self.outcomes[0]

    @property
    def programme_label(self) -> str:
        """The programme in board language."""
        return PROGRAMMES.get(self.programme, self.programme)

    @property
    def core20plus5_label(self) -> str:
        """The Core20PLUS5 area in words ("Hypertension case-finding (adults)"), or ``""``."""
        if not self.core20plus5:
            return ""
        group = "adults" if self.core20plus5.startswith("adult:") else "children and young people"
        return f"{CORE20PLUS5_AREAS[self.core20plus5]} ({group})"


# --------------------------------------------------------------------------------------
# Loading the library (the checks of each file: toolkit.prioritise._theme_file)
# --------------------------------------------------------------------------------------
#: Constraints of the theme functions' options (see :func:`validate_params`).
_KNOWN_COHORTS = [
    InstanceOf((set, frozenset, list, tuple), "a collection (set, list or tuple) of cohort ids"),
    None,
]


def _cohorts(known_cohorts: Collection[str] | None) -> frozenset[str]:
    """Return the cohort ids themes may name: those given, or the catalogue's."""
    if known_cohorts is None:
        return known_cohort_ids()
    return frozenset(str(cohort) for cohort in known_cohorts)


@validate_params({"path": ["path"], "known_cohorts": _KNOWN_COHORTS})
def load_theme(path: str | Path, *, known_cohorts: Collection[str] | None = None) -> Theme:
    """Read and check one theme file.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.toml`` file in the library's format (see the module's documentation).
    known_cohorts : collection of str, optional
        Cohort ids the theme may name; by default those of the toolkit's cohorts
        catalogue (:func:`known_cohort_ids`). ``segment_*`` and ``ethnic_group_*`` ids are
        always accepted.

    Returns
    -------
    Theme
        The theme.

    Raises
    ------
    ThemeError
        Listing every problem in the file: its name, the field (``interventions[1].effect.high``)
        and what is wrong.
    FileNotFoundError
        When there is no such file.
    """
    from toolkit.prioritise._theme_file import check_file, theme_error

    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"load_theme: no such file: {source}")
    theme, problems = check_file(source, _cohorts(known_cohorts))
    if problems or theme is None:
        raise theme_error([(str(source), where, problem) for where, problem in problems])
    return theme


def _repeated_id(theme_id: str, first: Path) -> str:
    """Say that a theme's id is taken, with the change that makes it load.

    Themes given with ``pophealth candidates --themes`` or a report's ``themes = [...]``
    are added to the built-in library, never loaded instead of it, so a copy of a built-in
    theme loads only under an id of its own (which the file name must match).
    """
    yours = f"my_{theme_id}"
    if first.resolve().parent == THEME_LIBRARY:
        return (
            f"{theme_id!r} is already the id of the built-in theme {first.name}, and your "
            "themes are added to the built-in library, not loaded instead of it; give your "
            f"copy its own id, such as {yours!r}, and name its file to match ({yours}.toml)"
        )
    return (
        f"{theme_id!r} is already the id of {first}; each theme needs its own id: give one "
        f"of them another id, such as {yours!r}, and name its file to match ({yours}.toml)"
    )


def theme_folder_problem(folder: str | Path, *, option: str = "--themes") -> str:
    """Say what is wrong with a folder given for one's own theme files; empty when nothing.

    Parameters
    ----------
    folder : str or pathlib.Path
        The folder given.
    option : str
        How the message names where the folder was given ("--themes", "'themes'").

    Returns
    -------
    str
        "no such folder (of your own theme files, *.toml)"; "is a file, not a folder:
        --themes takes the folder that holds it (my_themes)"; "the folder holds no theme
        files (*.toml)"; empty when it holds some.
    """
    path = Path(folder)
    if path.is_file():
        return f"is a file, not a folder: {option} takes the folder that holds it ({path.parent})"
    if not path.is_dir():
        return "no such folder (of your own theme files, *.toml)"
    if not any(path.glob("*.toml")):
        return "the folder holds no theme files (*.toml)"
    return ""


@validate_params({"folder": ["path", SequenceOf("path"), None], "known_cohorts": _KNOWN_COHORTS})
def load_themes(
    folder: str | Path | Sequence[str | Path] | None = None,
    *,
    known_cohorts: Collection[str] | None = None,
) -> tuple[Theme, ...]:
    """Read and check every theme of the built-in library or of the analyst's folders.

    Parameters
    ----------
    folder : str, pathlib.Path or sequence of them, optional
        A folder of ``*.toml`` theme files (not its sub-folders), or several folders whose
        themes are combined; by default the built-in library (:data:`THEME_LIBRARY`). To
        extend the library, pass ``[THEME_LIBRARY, "my_themes"]``.
    known_cohorts : collection of str, optional
        Cohort ids themes may name; by default the toolkit's cohorts catalogue.

    Returns
    -------
    tuple of Theme
        Sorted by id.

    Raises
    ------
    ThemeError
        Listing every problem in every file at once (file, field, problem), including an
        id used by more than one file.
    FileNotFoundError
        When a folder does not exist, is a file or holds no ``.toml`` files
        (:func:`theme_folder_problem`). A folder named twice is read once.
    """
    from toolkit.prioritise._theme_file import check_file, theme_error

    caller = "load_themes"
    if folder is None:
        folders = [THEME_LIBRARY]
    elif isinstance(folder, str | Path):
        folders = [Path(folder)]
    else:
        folders = [Path(item) for item in folder]
    # A folder named twice (or by two paths) is read once, not taken for its own copy.
    folders = [
        place
        for number, place in enumerate(folders)
        if place.resolve() not in {earlier.resolve() for earlier in folders[:number]}
    ]
    cohorts = _cohorts(known_cohorts)
    files: list[Path] = []
    for place in folders:
        problem = theme_folder_problem(place, option=caller)
        if problem:
            raise FileNotFoundError(f"{caller}: {place}: {problem}")
        files.extend(sorted(place.glob("*.toml")))
    problems: list[tuple[str, str, str]] = []
    themes: list[Theme] = []
    first_file: dict[str, Path] = {}
    for path in files:
        theme, found_problems = check_file(path, cohorts)
        problems.extend((str(path), at, problem) for at, problem in found_problems)
        if theme is None:
            continue
        if theme.id in first_file:
            problems.append((str(path), "id", _repeated_id(theme.id, first_file[theme.id])))
            continue
        first_file[theme.id] = path
        themes.append(theme)
    if problems:
        raise theme_error(problems)
    return tuple(sorted(themes, key=lambda theme: theme.id))
