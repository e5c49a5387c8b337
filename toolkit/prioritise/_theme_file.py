"""Reading and checking one theme file: every problem at once, the theme when there are none.

:func:`check_file` reads a TOML file and checks every field against the library's format
(see :mod:`toolkit.prioritise.themes`), collecting each problem with the field as a dotted
path (``interventions[1].effect.high``); :func:`theme_error` words the problems of one or
more files as one :class:`~toolkit.prioritise.themes.ThemeError`. Used by
:func:`~toolkit.prioritise.themes.load_theme` and
:func:`~toolkit.prioritise.themes.load_themes`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd

from toolkit._toml import TomlFileError, read_toml
from toolkit._words import closest_names, listed, quoted_or
from toolkit.data.contract import CAUSES_OF_DEATH, COHORT_CUBE_MEASURES
from toolkit.prioritise._theme_vocabulary import (
    CORE20PLUS5_AREAS,
    COSTED_OUTCOMES,
    DYNAMIC_COHORT_PREFIXES,
    EFFECT_MEASURES,
    EVIDENCE_LEVELS,
    OUTCOME_WORDS,
    OUTCOMES,
    PROGRAMMES,
    UNCOSTED_OUTCOMES,
    cohort_labels,
    known_cohort_ids,
)
from toolkit.prioritise.themes import (
    Effect,
    ExpectedPrevalence,
    Intervention,
    Share,
    Theme,
    ThemeError,
    TimeToImpact,
    UnitCost,
    effect_problems,
    is_number,
    share_problems,
)

_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
#: Codes that do not belong in a board's name for a theme (I10, NG136, E11.9 ...).
_CODE_PATTERN = re.compile(r"\b[A-Z]{1,4}\d{2,}(\.\d+)?\b")

#: Where the catalogue of cohorts is, as the documentation names it.
_COHORTS_PATH: Final[str] = "toolkit/segment/models/cohorts.toml"
#: How many known cohorts an unknown cohort's message lists when none is close.
_COHORTS_SHOWN: Final[int] = 8

_SOURCE_HELP = (
    "every figure needs its source: the publication (author, title, journal and year, or "
    "the NICE/NHS England/OHID document), or 'Assumption: ...' saying why"
)

_FIGURE: Final[dict[str, bool]] = {"source": True, "checked": False, "note": False}
_TOP_FIELDS: Final[dict[str, bool]] = {
    "id": True,
    "name": True,
    "programme": True,
    "summary": True,
    "cohort": True,
    "outcomes": True,
    "fallback_outcome": False,
    "causes_of_death": True,
    "core20plus5": False,
    "time_to_impact": True,
    "expected_prevalence": False,
    "interventions": True,
}
_INTERVENTION_FIELDS: Final[dict[str, bool]] = {
    "name": True,
    "acts_on": True,
    "effect": True,
    "evidence": True,
    "evidence_basis": True,
    "reach": True,
    "uptake": True,
    "share_of_events": False,
    "unit_cost": False,
    "nice": False,
    "note": False,
}
_EFFECT_FIELDS: Final[dict[str, bool]] = {
    "measure": True,
    "central": True,
    "low": True,
    "high": True,
    "interval": True,
    **_FIGURE,
}
_SHARE_FIELDS: Final[dict[str, bool]] = {"low": True, "high": True, **_FIGURE}
_UNIT_COST_FIELDS: Final[dict[str, bool]] = {
    "value": True,
    "unit": True,
    "price_year": True,
    **_FIGURE,
}
_TIME_FIELDS: Final[dict[str, bool]] = {"years_low": True, "years_high": True, **_FIGURE}
_PREVALENCE_FIELDS: Final[dict[str, bool]] = {
    "value": True,
    "age_from": True,
    "age_to": False,
    **_FIGURE,
}
_TABLE_WORDS: Final[dict[str, str]] = {
    "": "a theme",
    "intervention": "an intervention ([[interventions]])",
    "effect": "an effect",
    "share": "this figure",
    "unit_cost": "a unit cost",
    "time_to_impact": "time_to_impact",
    "expected_prevalence": "expected_prevalence",
}


def _suggest(word: object, choices: Iterable[str]) -> str:
    """'; did you mean ...?' when a close match exists (see :func:`closest_names`)."""
    if not isinstance(word, str):
        return ""
    found = closest_names(word, list(choices))
    return f"; did you mean {quoted_or(found)}?" if found else ""


def _shown(value: object) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


class _Checker:
    """Collects every problem with one theme file; builds the theme when there are none."""

    def __init__(self, path: Path, known_cohorts: Collection[str]) -> None:
        self.path = path
        self.known_cohorts = known_cohorts
        self.problems: list[tuple[str, str]] = []

    # ---- small checks ------------------------------------------------------------
    def fail(self, at: str, problem: str) -> None:
        self.problems.append((at or "(file)", problem))

    def fails(self, where: str, problems: Iterable[tuple[str, str]]) -> bool:
        """Record a figure's problems, each under its sub-field of ``where``; say if any."""
        found = False
        for key, problem in problems:
            self.fail(f"{where}.{key}", problem)
            found = True
        return found

    def table(
        self, value: object, where: str, fields: Mapping[str, bool], kind: str
    ) -> dict[str, Any] | None:
        """Check a table's fields: unknown ones (with a suggestion) and missing ones."""
        if not isinstance(value, dict):
            self.fail(where, f"must be a table of fields; got {_shown(value)}")
            return None
        prefix = f"{where}." if where else ""
        for key in value:
            if key not in fields:
                self.fail(
                    f"{prefix}{key}",
                    f"is not a field of {_TABLE_WORDS[kind]}{_suggest(key, fields)}"
                    + ("" if _suggest(key, fields) else f"; the fields are {sorted(fields)}"),
                )
        for key, required in fields.items():
            if required and key not in value:
                if key == "source":
                    self.fail(f"{prefix}{key}", f"is missing: {_SOURCE_HELP}")
                elif key == "causes_of_death" and not where:
                    self.fail(
                        key,
                        "is missing (it is required): list the causes of death the theme "
                        "tackles, or write causes_of_death = [] when it tackles none (the theme "
                        "then counts 0 on the criteria of deaths)",
                    )
                else:
                    self.fail(f"{prefix}{key}", "is missing (it is required)")
        return value

    def text(self, table: Mapping[str, Any], key: str, where: str, *, required: bool) -> str:
        at = f"{where}.{key}" if where else key
        if key not in table:
            return ""
        value = table[key]
        if not isinstance(value, str):
            self.fail(at, f"must be text in quotes; got {_shown(value)}")
            return ""
        if required and not value.strip():
            help_text = _SOURCE_HELP if key == "source" else "write it in plain words"
            self.fail(at, f"is empty: {help_text}")
        return value.strip()

    def number(self, table: Mapping[str, Any], key: str, where: str) -> float | None:
        if key not in table:
            return None
        value = table[key]
        if not is_number(value) or not math.isfinite(value):
            self.fail(f"{where}.{key}", f"must be a number; got {_shown(value)}")
            return None
        return float(value)

    def flag(self, table: Mapping[str, Any], key: str, where: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            self.fail(f"{where}.{key}", f"must be true or false (no quotes); got {_shown(value)}")
            return False
        return value

    def choice(
        self, value: str, at: str, choices: Iterable[str], what: str, *, show: bool = True
    ) -> bool:
        options = list(choices)
        if value in options:
            return True
        hint = _suggest(value, options)
        listing = f"; choose one of {options}" if show and not hint else ""
        self.fail(at, f"{value!r} is not {what}{hint}{listing}")
        return False

    def cohort(self, cohort: str) -> None:
        """Check a cohort id against the catalogue; name the closest or a few known ones."""
        if cohort in self.known_cohorts:
            return
        ordered = [c for c in cohort_labels() if c in self.known_cohorts]
        ordered += sorted(set(self.known_cohorts) - set(ordered))
        catalogue = set(self.known_cohorts) == known_cohort_ids()
        where = _COHORTS_PATH if catalogue else "the cohorts given (known_cohorts)"
        hint = _suggest(cohort, ordered)
        more = len(ordered) - _COHORTS_SHOWN
        if not hint and ordered and more <= 0:
            hint = f"; choose {quoted_or(ordered)}"
        elif not hint and ordered:
            shown = listed(ordered, most=_COHORTS_SHOWN, quote=True, final_and=False)
            hint = f"; the {len(ordered)} cohorts there include {shown}"
        self.fail(
            "cohort",
            f"{cohort!r} is not a cohort of {where} (nor a segment_ or ethnic_group_ cohort){hint}",
        )

    # ---- figures -------------------------------------------------------------------
    def figure_basics(self, table: Mapping[str, Any], where: str) -> tuple[str, bool, str]:
        source = self.text(table, "source", where, required=True)
        checked = self.flag(table, "checked", where)
        note = self.text(table, "note", where, required=False)
        return source, checked, note

    def share(self, value: object, where: str, what: str) -> Share | None:
        table = self.table(value, where, _SHARE_FIELDS, "share")
        if table is None:
            return None
        source, checked, note = self.figure_basics(table, where)
        low, high = self.number(table, "low", where), self.number(table, "high", where)
        if low is None or high is None or self.fails(where, share_problems(low, high, what)):
            return None
        return Share(low, high, source, checked, note) if source else None

    def effect(self, value: object, where: str) -> Effect | None:
        table = self.table(value, where, _EFFECT_FIELDS, "effect")
        if table is None:
            return None
        source, checked, note = self.figure_basics(table, where)
        measure = self.text(table, "measure", where, required=True)
        interval = self.text(table, "interval", where, required=True)
        if measure:
            self.choice(measure, f"{where}.measure", EFFECT_MEASURES, "an effect measure")
        numbers = [self.number(table, key, where) for key in ("central", "low", "high")]
        if None in numbers or self.fails(where, effect_problems(*numbers)):
            return None
        if not (source and interval) or measure not in EFFECT_MEASURES:
            return None
        central, low, high = numbers
        return Effect(measure, central, low, high, interval, source, checked, note)

    def unit_cost(self, value: object, where: str) -> UnitCost | None:
        table = self.table(value, where, _UNIT_COST_FIELDS, "unit_cost")
        if table is None:
            return None
        source, checked, note = self.figure_basics(table, where)
        unit = self.text(table, "unit", where, required=True)
        year = self.text(table, "price_year", where, required=True)
        amount = self.number(table, "value", where)
        if amount is not None and amount <= 0:
            self.fail(f"{where}.value", f"must be a number of pounds above 0; got {amount!r}")
            return None
        if amount is None or not (source and unit and year):
            return None
        return UnitCost(amount, unit, year, source, checked, note)

    def time_to_impact(self, value: object) -> TimeToImpact | None:
        where = "time_to_impact"
        table = self.table(value, where, _TIME_FIELDS, "time_to_impact")
        if table is None:
            return None
        source, checked, note = self.figure_basics(table, where)
        low, high = self.number(table, "years_low", where), self.number(table, "years_high", where)
        ok = True
        for key, years in (("years_low", low), ("years_high", high)):
            if years is not None and years <= 0:
                self.fail(f"{where}.{key}", f"must be a number of years above 0; got {years!r}")
                ok = False
        if ok and low is not None and high is not None and low > high:
            self.fail(f"{where}.years_low", f"must not exceed years_high; got {low!r} and {high!r}")
            ok = False
        if not ok or low is None or high is None or not source:
            return None
        return TimeToImpact(low, high, source, checked, note)

    def prevalence(self, value: object) -> ExpectedPrevalence | None:
        where = "expected_prevalence"
        table = self.table(value, where, _PREVALENCE_FIELDS, "expected_prevalence")
        if table is None:
            return None
        source, checked, note = self.figure_basics(table, where)
        share = self.number(table, "value", where)
        ok = True
        if share is not None and not 0 < share < 1:
            self.fail(
                f"{where}.value",
                f"must be a share above 0 and below 1 (0.3 means 30%); got {share!r}",
            )
            ok = False
        ages = {}
        for key in ("age_from", "age_to"):
            if key not in table:
                continue
            age = table[key]
            if not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= 120:
                self.fail(f"{where}.{key}", f"must be a whole age from 0 to 120; got {_shown(age)}")
                ok = False
            else:
                ages[key] = age
        if ok and "age_to" in ages and "age_from" in ages and ages["age_to"] < ages["age_from"]:
            self.fail(f"{where}.age_to", "must not be below age_from")
            ok = False
        if not ok or share is None or "age_from" not in ages or not source:
            return None
        return ExpectedPrevalence(
            share, ages["age_from"], source, checked, ages.get("age_to"), note
        )

    # ---- the theme -----------------------------------------------------------------
    def outcome_list(
        self, document: Mapping[str, Any], key: str, choices: Sequence[str], what: str
    ) -> tuple[str, ...]:
        if key not in document:
            return ()
        value = document[key]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(
                key, f'must be a list of names in quotes, such as ["a", "b"]; got {_shown(value)}'
            )
            return ()
        for position, item in enumerate(value, start=1):
            self.choice(item, f"{key}[{position}]", choices, what)
        repeated = sorted({item for item in value if value.count(item) > 1})
        if repeated:
            self.fail(key, f"names {repeated} more than once")
        return tuple(value)

    def intervention(
        self, value: object, position: int, outcomes: tuple[str, ...]
    ) -> Intervention | None:
        where = f"interventions[{position}]"
        before = len(self.problems)
        table = self.table(value, where, _INTERVENTION_FIELDS, "intervention")
        if table is None:
            return None
        name = self.text(table, "name", where, required=True)
        if name:
            self.plain_words(name, f"{where}.name")
        acts_on = self.text(table, "acts_on", where, required=True)
        if acts_on and self.choice(
            acts_on, f"{where}.acts_on", OUTCOMES, "an outcome of the cohort cube", show=False
        ):
            if outcomes and acts_on not in outcomes:
                self.fail(
                    f"{where}.acts_on",
                    f"{acts_on!r} is not one of the theme's outcomes {list(outcomes)}; add it "
                    "to outcomes or correct it",
                )
        evidence = self.text(table, "evidence", where, required=True)
        if evidence:
            self.choice(evidence, f"{where}.evidence", EVIDENCE_LEVELS, "a strength of evidence")
        basis = self.text(table, "evidence_basis", where, required=True)
        nice = self.text(table, "nice", where, required=False)
        note = self.text(table, "note", where, required=False)
        effect = self.effect(table["effect"], f"{where}.effect") if "effect" in table else None
        shares = {
            key: self.share(table[key], f"{where}.{key}", what) if key in table else None
            for key, what in (
                ("reach", "reach"),
                ("uptake", "uptake"),
                ("share_of_events", "the share of events"),
            )
        }
        cost = None
        if "unit_cost" in table and acts_on in UNCOSTED_OUTCOMES:
            self.fail(
                f"{where}.unit_cost",
                "must be left out: deaths and people who smoke carry no unit cost (an estimate "
                f"of avoided {OUTCOME_WORDS[acts_on]} is counted, never priced); delete the "
                "[interventions.unit_cost] table",
            )
        elif "unit_cost" in table:
            cost = self.unit_cost(table["unit_cost"], f"{where}.unit_cost")
        elif acts_on in COSTED_OUTCOMES:
            self.fail(
                f"{where}.unit_cost",
                f"is missing: an estimate of avoided {OUTCOME_WORDS[acts_on]} needs the cost of "
                "one (for NHS activity, the National Cost Collection, with its year)",
            )
        if len(self.problems) > before or effect is None:
            return None
        if shares["reach"] is None or shares["uptake"] is None:
            return None
        return Intervention(
            name=name,
            acts_on=acts_on,
            effect=effect,
            evidence=evidence,
            evidence_basis=basis,
            reach=shares["reach"],
            uptake=shares["uptake"],
            share_of_events=shares["share_of_events"],
            unit_cost=cost,
            nice=nice,
            note=note,
        )

    def plain_words(self, text: str, at: str) -> None:
        code = _CODE_PATTERN.search(text)
        if "_" in text or code:
            found = code.group(0) if code else "_"
            self.fail(
                at,
                f"should be in words a board uses, without underscores or codes (found "
                f"{found!r}); got {text!r}",
            )

    def theme(self, document: dict[str, Any]) -> Theme | None:
        self.table(document, "", _TOP_FIELDS, "")
        theme_id = self.text(document, "id", "", required=True)
        if theme_id and not _ID_PATTERN.match(theme_id):
            self.fail("id", f"must be lower case letters, digits and underscores; got {theme_id!r}")
        elif theme_id and theme_id != self.path.stem:
            self.fail(
                "id",
                f"{theme_id!r} must equal the file name without .toml ({self.path.stem!r}); "
                "rename the file or change the id",
            )
        name = self.text(document, "name", "", required=True)
        if name:
            self.plain_words(name, "name")
        summary = self.text(document, "summary", "", required=True)
        programme = self.text(document, "programme", "", required=True)
        if programme:
            self.choice(programme, "programme", PROGRAMMES, "a programme")
        cohort = self.text(document, "cohort", "", required=True)
        if cohort and not cohort.startswith(DYNAMIC_COHORT_PREFIXES):
            self.cohort(cohort)
        outcomes = self.outcome_list(
            document, "outcomes", OUTCOMES, "an outcome of the cohort cube"
        )
        if "outcomes" in document and isinstance(document["outcomes"], list) and not outcomes:
            self.fail("outcomes", "must name at least one outcome")
        # Unlike outcomes, causes_of_death may be empty ([]): a theme may tackle no cause of
        # death (care at the end of life, smoking in pregnancy). The field is still required,
        # so that no theme leaves it out by mistake; such a theme counts 0 on the criteria of
        # deaths, and its candidate's note says so (NO_CAUSES_NOTE).
        causes = self.outcome_list(document, "causes_of_death", CAUSES_OF_DEATH, "a cause of death")
        fallback = self.text(document, "fallback_outcome", "", required=True) or None
        if fallback:
            self.choice(
                fallback,
                "fallback_outcome",
                [m for m in COHORT_CUBE_MEASURES if m != "persons"],
                "an outcome every cohort cube has",
                show=False,
            )
        area = self.text(document, "core20plus5", "", required=False)
        if area:
            self.choice(area, "core20plus5", CORE20PLUS5_AREAS, "a Core20PLUS5 area")
        timing = (
            self.time_to_impact(document["time_to_impact"])
            if "time_to_impact" in document
            else None
        )
        prevalence = None
        if "expected_prevalence" in document:
            prevalence = self.prevalence(document["expected_prevalence"])
        interventions = []
        if "interventions" in document:
            entries = document["interventions"]
            if not isinstance(entries, list) or not entries:
                self.fail(
                    "interventions",
                    "must be one or more [[interventions]] tables; got " + _shown(entries),
                )
            else:
                names = []
                for position, entry in enumerate(entries, start=1):
                    made = self.intervention(entry, position, outcomes)
                    if made is not None:
                        interventions.append(made)
                        names.append(made.name)
                repeated = sorted({n for n in names if names.count(n) > 1})
                if repeated:
                    self.fail("interventions", f"names {repeated} more than once")
        if self.problems or timing is None:
            return None
        return Theme(
            id=theme_id,
            name=name,
            programme=programme,
            summary=summary,
            cohort=cohort,
            outcomes=outcomes,
            causes_of_death=causes,
            time_to_impact=timing,
            interventions=tuple(interventions),
            fallback_outcome=fallback,
            core20plus5=area,
            expected_prevalence=prevalence,
            path=str(self.path),
        )


def check_file(path: Path, known_cohorts: Collection[str]) -> tuple[Theme | None, list]:
    """Read one theme file; return the theme (or None) and its problems."""
    checker = _Checker(path, known_cohorts)
    try:
        document = read_toml(path)
    except TomlFileError as error:
        checker.fail(f"line {error.line}", error.at_line)
        return None, checker.problems
    return checker.theme(document), checker.problems


def _stop(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def theme_error(problems: Sequence[tuple[str, str, str]]) -> ThemeError:
    """Return one ThemeError listing every (file, field, problem), as an analyst reads it."""
    files = sorted({file for file, _, _ in problems})
    if len(files) == 1:
        head = f"{files[0]}: the theme file needs fixing ({len(problems)} problem"
        head += "s):" if len(problems) != 1 else "):"
        lines = [head] + [f"- {where}: {_stop(problem)}" for _, where, problem in problems]
    else:
        lines = [f"Theme files need fixing ({len(problems)} problems in {len(files)} files):"]
        lines += [f"- {file}: {where}: {_stop(problem)}" for file, where, problem in problems]
    failures = pd.DataFrame(problems, columns=["file", "field", "problem"])
    return ThemeError("\n".join(lines), failures=failures, source=", ".join(files))
