"""The quarterly update's configuration: :class:`UpdateConfig`, read from a TOML file.

:func:`load_update_config` reads and checks a configuration (every problem named with its
key), :func:`update_config_template` writes a commented one with every key
(``pophealth monitor --print-config``), and :func:`demo_update_config` is the demo system's.
The update itself is computed and rendered by :mod:`toolkit.report.update`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.defaults import DEFAULT_MODEL, DEMO_PERSONS, DEMO_SEED, SHORTLIST_SIZE
from toolkit.report._config_weights import (
    WEIGHTS_SOURCE_EXAMPLE,
    check_weights,
    weights_template_keys,
)
from toolkit.report.config import (
    DEMO,
    SYSTEM_NAME_PLACEHOLDER,
    check_config,
    check_model_and_themes,
    commented_template,
    read_config_file,
    read_shared_keys,
    resolve_model_and_themes,
    resolve_path,
    shared_setting_problems,
)

#: Months the demo's baseline is fixed on: the two years before its planted intervention.
DEMO_FIX_AFTER: Final[int] = 24


@dataclass(frozen=True)
class UpdateConfig:
    """Configuration of a quarterly update (``pophealth monitor --config``).

    Attributes
    ----------
    system_name : str
        Name of the integrated care system.
    series : str
        Indicator series file (CSV, Parquet or Excel; :func:`toolkit.monitor.read_series`),
        or ``"demo"``.
    period : str
        What the update covers, as the board reads it ("January to March 2026").
    priorities : list of str or None
        The agreed priorities, best first: theme ids (the series' ``theme``) or series
        ids. Without it, the room's shortlist from ``decision_log``, else the shortlist of
        ``previous_persons`` at equal weights (or at ``weights``).
    decision_log : str or None
        The workshop's decision log (CSV or JSON export): the priorities are the room's
        shortlist, scored on ``previous_persons`` with the settings the room used.
    workshop : str or None
        Which workshop of the decision log, when it holds several.
    weights, weights_source : dict of str to float, str or None
        The criteria's weights the board report was ranked with, agreed without a workshop,
        and who agreed them and when, as the report's keys (checked by the same code,
        :func:`toolkit.report._config_weights.check_weights`): the shortlist of
        ``previous_persons`` and the newer data (``persons``) are ranked with them instead of
        at equal weights, and the update names their source. With ``priorities`` the list
        stays the board's, and only the newer data are ranked with them (so ``persons`` is
        needed); not with ``decision_log``, whose room gives weights of its own.
    outcomes : dict of str to str or None
        For a priority with several series, the outcome to follow.
    ambitions : dict of str to float or None
        The level the board wants for each priority, in the series' units: drawn as the
        target and used for the assurance icon.
    ambitions_by : dict of str to str or None
        When the board wants each ambition met ("2027-03"): the chart then draws the
        trajectory, a straight line from the baseline to the ambition by that date, and the
        update says whether the latest value is ahead of it or behind it.
    persons : str or None
        Newer persons data (file or ``"demo"``): the evidence is rerun on them and what
        would enter or leave the shortlist is shown.
    previous_persons : str or None
        The persons data the priorities were agreed on (file or ``"demo"``).
    reference_date : str or None
        The date at which to count each person's age, written ``"YYYY-MM-DD"`` (the end of
        the period, say), for a ``previous_persons`` or ``persons`` file with
        ``date_of_birth`` and no ``age``, as the board report's ``reference_date``
        (``reference_date`` of :func:`toolkit.data.read_persons`: whole years; a date of
        birth after it is refused). A file with ``age`` keeps its ages, and the demo's
        persons (``"demo"``) have ages: it does not apply to them. ``None`` by default.
    demo_persons : int
        Persons in the demo system.
    shortlist_size : int
        Size of the shortlist when it comes from ``previous_persons``.
    model : str
        Segmentation model the priorities were measured with: ``"bridges_to_health"``
        (default), ``"age_ltc"`` or a rules file; as the board report's ``model``.
    themes : list of str or None
        Folders of the analysts' own theme files, added to the built-in library, as the
        board report's ``themes``: an agreed priority that is an own theme is then measured
        on ``previous_persons`` and ``persons`` and labelled by its file.
    criteria_scores : str or None
        The analysts' filled criteria template, as the board report's ``criteria_scores``:
        without it, a shortlist worked out from ``previous_persons`` (and what moved) can
        differ from the one the report showed.
    years : float
        Years the persons data cover, as the board report's ``years``.
    seed : int
        Seed of every random step.
    disclosure_threshold : int
        Counts below this are not shown, nor charted as rates.
    fix_after : int or None
        Fix each chart's limits on its first so many points (12 or more).
    rebase : list of str or None
        Months from which each chart's limits are recalculated ("2025-04").
    screen_outliers : bool
        Screen large moving ranges before the limits are set (Making Data Count's default).
    published_values : bool
        The series give values without counts that are already published or
        disclosure-controlled (as Fingertips'): chart them. Without counts and without this,
        a series is not charted, because small counts cannot be ruled out.
    synthetic_data : bool
        The data are synthetic: every page says so (always true for the demo).
    source : str or None
        The configuration file this came from.
    """

    system_name: str
    series: str = DEMO
    period: str = "January to March 2026"
    priorities: list[str] | None = None
    decision_log: str | None = None
    workshop: str | None = None
    weights: dict[str, float] | None = None
    weights_source: str | None = None
    outcomes: dict[str, str] | None = None
    ambitions: dict[str, float] | None = None
    ambitions_by: dict[str, str] | None = None
    persons: str | None = None
    previous_persons: str | None = None
    reference_date: str | None = None
    demo_persons: int = DEMO_PERSONS
    shortlist_size: int = SHORTLIST_SIZE
    model: str = DEFAULT_MODEL
    themes: list[str] | None = None
    criteria_scores: str | None = None
    years: float = 1.0
    seed: int = DEMO_SEED
    disclosure_threshold: int = DISCLOSURE_THRESHOLD
    fix_after: int | None = None
    rebase: list[str] | None = None
    screen_outliers: bool = True
    published_values: bool = False
    synthetic_data: bool = False
    source: str | None = None

    def __post_init__(self) -> None:
        check_config(self, _TYPES, self._problems)
        _check_update_weights(self)

    def _problems(self) -> list[tuple[str, str, object]]:
        """Return the problems with this configuration's own keys (see :func:`check_config`)."""
        problems: list[tuple[str, str, object]] = []
        if self.priorities is not None and (
            not self.priorities or not all(isinstance(p, str) and p for p in self.priorities)
        ):
            problems.append(
                ("priorities", "must be a list of theme or series ids", self.priorities)
            )
        if self.priorities is None and self.previous_persons is None:
            problems.append(
                (
                    "priorities",
                    "is needed when previous_persons is not given (which priorities to follow)",
                    None,
                )
            )
        if self.decision_log is not None and self.priorities is not None:
            problems.append(
                ("decision_log", "goes without priorities (give one or the other)", None)
            )
        if self.decision_log is not None and self.previous_persons is None:
            problems.append(
                (
                    "decision_log",
                    "needs previous_persons (the data the workshop weighed)",
                    self.decision_log,
                )
            )
        if self.ambitions is not None and not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in self.ambitions.values()
        ):
            problems.append(("ambitions", "must map priorities to numbers", self.ambitions))
        problems += shared_setting_problems(self)
        if not (math.isfinite(self.years) and self.years > 0):
            problems.append(("years", "must be more than 0", self.years))
        from toolkit.monitor.spc import MINIMUM_FIX_AFTER

        if self.fix_after is not None and self.fix_after < MINIMUM_FIX_AFTER:
            problems.append(
                (
                    "fix_after",
                    f"must be {MINIMUM_FIX_AFTER} or more: the control limits need a baseline of "
                    f"at least {MINIMUM_FIX_AFTER} points (a year of monthly figures, three "
                    "years of quarterly ones)",
                    self.fix_after,
                )
            )
        return problems

    @property
    def is_demo(self) -> bool:
        """Whether the update runs on the demo system alone (no data file of the user's).

        Only then is the build date left out of the provenance (so that rebuilding the
        committed demo changes nothing); a run with its own persons files and the demo
        series still records it.
        """
        return (
            self.series == DEMO
            and self.persons in (None, DEMO)
            and self.previous_persons in (None, DEMO)
            and self.decision_log is None
            and self.criteria_scores is None
        )

    @property
    def is_synthetic(self) -> bool:
        """Whether the update's data are synthetic (the demo, or ``synthetic_data``)."""
        return self.synthetic_data or self.series == DEMO

    def to_parameters(self) -> dict[str, Any]:
        """Return the configuration as the update notebook's papermill parameters."""
        return asdict(self)


_TYPES: Final[dict[str, tuple[type, ...]]] = {
    "system_name": (str,),
    "series": (str,),
    "period": (str,),
    "priorities": (list, type(None)),
    "decision_log": (str, type(None)),
    "workshop": (str, type(None)),
    "weights": (Mapping, type(None)),
    "weights_source": (str, type(None)),
    "outcomes": (dict, type(None)),
    "ambitions": (dict, type(None)),
    "ambitions_by": (dict, type(None)),
    "persons": (str, type(None)),
    "previous_persons": (str, type(None)),
    "reference_date": (str, type(None)),
    "demo_persons": (int,),
    "shortlist_size": (int,),
    "model": (str,),
    "themes": (list, type(None)),
    "criteria_scores": (str, type(None)),
    "years": (float, int),
    "seed": (int,),
    "disclosure_threshold": (int,),
    "fix_after": (int, type(None)),
    "rebase": (list, type(None)),
    "screen_outliers": (bool,),
    "published_values": (bool,),
    "synthetic_data": (bool,),
    "source": (str, type(None)),
}


#: Each key with an example and what it means, for ``pophealth monitor --print-config``.
_TEMPLATE_KEYS: Final[tuple[tuple[str, str, str], ...]] = (
    (
        "system_name",
        f'"{SYSTEM_NAME_PLACEHOLDER}"',
        "Name of the integrated care system, as the board knows it. Required: replace the "
        "placeholder (the update is refused while it stands).",
    ),
    (
        "period",
        '"January to March 2026"',
        "What the update covers, as the board reads it. Required.",
    ),
    ("series", '"series.csv"', 'Indicator series (CSV, Parquet or Excel), or "demo".'),
    (
        "priorities",
        '["high_blood_pressure", "falls_and_frailty"]',
        "The agreed priorities (theme or series ids), best first.",
    ),
    (
        "decision_log",
        '"workshop/decision-log.json"',
        "Or: the workshop's decision log; its room's shortlist is followed (not with priorities).",
    ),
    ("workshop", '"Board workshop"', "Which workshop of the decision log, when it holds several."),
    *weights_template_keys(
        "The shortlist worked out from previous_persons, and the newer data (persons) in "
        "what moved, are then ranked with them instead of at equal weights: give the weights "
        "the board report was ranked with. With priorities the list stays the board's and "
        "only the newer data are ranked with them (give persons).",
        'The update then says "ranked with the weights agreed by '
        f'{WEIGHTS_SOURCE_EXAMPLE}" instead of "at equal weights".',
    ),
    (
        "outcomes",
        '{ high_blood_pressure = "emergency_admissions_cardiovascular" }',
        "For a priority with several series: the outcome to follow.",
    ),
    ("ambitions", "{ high_blood_pressure = 0.45 }", "The level the board wants, in its units."),
    ("ambitions_by", '{ high_blood_pressure = "2027-03" }', "When: draws the trajectory to it."),
    ("previous_persons", '"persons-2025.parquet"', "The data the priorities were agreed on."),
    ("persons", '"persons-2026.parquet"', "Newer data: shows what would enter or leave."),
    (
        "reference_date",
        '"2026-03-31"',
        "For persons files with date_of_birth and no age: the date at which to count ages "
        '(whole years), written "YYYY-MM-DD" (the end of the period, say). Not for "demo".',
    ),
    ("shortlist_size", str(SHORTLIST_SIZE), "Shortlist size when it comes from previous_persons."),
    (
        "model",
        f'"{DEFAULT_MODEL}"',
        "Segmentation model, as the board report's (a built-in model or a rules file).",
    ),
    ("themes", '["my_themes"]', "Folders of your own theme files, as the board report's."),
    (
        "criteria_scores",
        '"criteria.csv"',
        "The filled criteria template, as the board report's (else the shortlist may differ).",
    ),
    ("years", "1.0", "Years the persons data cover, as the board report's."),
    ("demo_persons", str(DEMO_PERSONS), 'Persons in the demo system (with "demo" data).'),
    ("fix_after", "24", "Fix each chart's limits on its first so many months (12 or more)."),
    ("rebase", '["2025-04"]', "Recalculate limits from these months (a change you made)."),
    ("screen_outliers", "true", "Screen large moving ranges before setting the limits."),
    (
        "published_values",
        "false",
        "The series give published values without counts (as Fingertips'): chart them.",
    ),
    ("disclosure_threshold", "10", "Counts below this are not shown."),
    ("seed", str(DEMO_SEED), "Seed of every random step."),
    ("synthetic_data", "false", 'The data are synthetic: every page says "synthetic data".'),
)


def _check_update_weights(config: UpdateConfig) -> None:
    """Refuse ``weights`` and ``weights_source`` the update cannot rank with, in plain words.

    The board report's checks (:func:`~toolkit.report._config_weights.check_weights`), then
    the update's own: with ``priorities`` (the list itself), the weights rank only the newer
    data, so ``persons`` must be given.
    """
    check_weights(
        config,
        keys=update_config_keys(),
        named="the update names it",
        workshop="follow the workshop's shortlist and weights",
    )
    if config.weights is not None and config.priorities is not None and config.persons is None:
        where = f"{config.source}: " if config.source else ""
        raise ValueError(
            f"{where}'weights' rank the evidence, but with 'priorities' (the agreed list "
            "itself) and without 'persons' (newer data) the update ranks nothing: give persons "
            "to see what would move with these weights, or leave weights and weights_source "
            "out."
        )


def update_config_keys() -> list[str]:
    """Return the keys of a quarterly update configuration, in the template's order."""
    return [key for key, _, _ in _TEMPLATE_KEYS]


def update_config_template() -> str:
    """Return a commented quarterly update configuration with every key.

    Returns
    -------
    str
        TOML text: the required keys set, every other key commented out at an example.
    """
    return commented_template(
        [
            "# Quarterly update configuration: pophealth monitor --config THIS_FILE --out FOLDER",
            "# Paths are relative to this file's folder.",
        ],
        _TEMPLATE_KEYS,
        required=("system_name", "period", "series", "priorities"),
    )


def load_update_config(path: str | os.PathLike[str]) -> UpdateConfig:
    """Read and check a quarterly update configuration file (TOML).

    Parameters
    ----------
    path : str or path-like
        The TOML file; paths in it are relative to its folder.

    Returns
    -------
    UpdateConfig
        The checked configuration, with absolute paths.

    Raises
    ------
    FileNotFoundError
        The file, or a file it names, does not exist.
    ValueError, TypeError
        The file is not valid TOML, has an unknown key, or a value is wrong; the message
        names the file and the key.
    """
    source = Path(path)
    raw = read_config_file(source, UpdateConfig, "quarterly update configuration")
    for key, what in (
        ("system_name", "the name of the system"),
        ("period", 'what the update covers, such as "January to March 2026"'),
        ("series", 'the indicator series file (or "demo" for the demo system\'s)'),
    ):
        if key not in raw:
            raise ValueError(f"{source}: '{key}' is missing ({what}).")
    read_shared_keys(raw, source)
    folder = source.resolve().parent
    for key in ("series", "persons", "previous_persons", "decision_log", "criteria_scores"):
        value = raw.get(key)
        if isinstance(value, str) and not value.strip():
            raise ValueError(f"{source}: '{key}' must name a file, or be left out.")
        if isinstance(value, str) and value != DEMO:
            raw[key] = resolve_path(value, folder)
            if not Path(raw[key]).exists():
                raise FileNotFoundError(
                    f"{source}: '{key}' names {raw[key]}, which does not exist."
                )
    resolve_model_and_themes(raw, folder)
    config = UpdateConfig(**raw, source=str(source))
    check_model_and_themes(config, source)
    return config


def demo_update_config(
    *, persons: int = DEMO_PERSONS, seed: int = DEMO_SEED, period: str = "January to March 2026"
) -> UpdateConfig:
    """Return the demo system's quarterly update configuration (as ``pophealth demo``).

    The priorities are the demo's shortlist at equal weights; the series are
    :func:`toolkit.monitor.make_demo_series` with the intervention planted in the first
    priority; the newer data are a second synthetic draw of the system (seed + 1), so what
    moves in the demo is chance.
    """
    from toolkit.data.synth import DEMO_SYSTEM_NAME

    return UpdateConfig(
        system_name=DEMO_SYSTEM_NAME,
        series=DEMO,
        period=period,
        persons=DEMO,
        previous_persons=DEMO,
        demo_persons=persons,
        seed=seed,
        fix_after=DEMO_FIX_AFTER,
        synthetic_data=True,
    )


__all__ = [
    "DEMO_FIX_AFTER",
    "UpdateConfig",
    "demo_update_config",
    "load_update_config",
    "update_config_keys",
    "update_config_template",
]
