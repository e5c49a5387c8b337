"""Everything the board report shows, computed once: :class:`BoardFigures`.

``pophealth demo`` prints its headlines from these figures and the board report renders the
same object, so the cube, the deprivation profile and the prioritisation are computed once
per run (``build_report`` computes them in its own process, which also checks the data
before the notebook starts, and hands them to the notebook in a file). The report notebook
run on its own (nbval, an analyst in JupyterLab) computes them itself with the same
function, so both paths show the same result.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from toolkit.report.config import ReportConfig
from toolkit.report.inputs import ReportInputs

#: Steps of :func:`compute_board_figures`, in order, as shown on its progress bar.
BOARD_STEPS: tuple[str, ...] = (
    "reading and checking the data",
    "building the segment cube",
    "comparing outcomes across deprivation",
    "measuring the themes and scoring them",
    "linking the report's tables",
)

#: Name of the file in which ``build_report`` hands the figures to the notebook.
FIGURES_FILE = "board-figures.pickle"


@dataclass(frozen=True, eq=False)
class BoardFigures:
    """The board report's results, computed once by :func:`compute_board_figures`.

    Attributes
    ----------
    config : ReportConfig
        The configuration they were computed for.
    inputs : ReportInputs
        The checked persons and areas.
    segmentation : SegmentationModel
        The segmentation model (``config.model``).
    cube : pandas.DataFrame
        The segment cube (:func:`toolkit.segment.build_cube`).
    profile : DeprivationProfile
        Emergency admissions across deprivation, with excess cost at
        ``config.admission_unit_cost``.
    system_rate : pandas.DataFrame
        The system's age-standardised emergency admission rate.
    priorities : PrioritisationResult
        The themes measured on the data and the suggested shortlist.
    segmented : pandas.DataFrame
        The persons with their segment.
    places : pandas.DataFrame
        Emergency admissions by neighbourhood (:func:`toolkit.places.area_indicators`).
    place_neighbourhoods : mapping of str to int or None
        The neighbourhoods of each place in which anyone is registered, as page 1 counts
        them (:func:`place_neighbourhoods`), for the place table's "Neighbourhoods"
        (:func:`toolkit.report.sections.place_figures`). None in figures saved before it.
    segments : pandas.DataFrame
        The segment figures the report shows (:func:`toolkit.report.sections.segment_figures`).
    linked : LinkedTables
        Every count the report shows, disclosure-controlled together.
    room : RoomConsensus or None
        With a decision log: the room's answer (:func:`toolkit.report.room_answer`), whose
        shortlist page 1 asks the board to agree; None without one.
    workshop : str or None
        The workshop whose answer ``room`` is.
    shown_instead : str or None
        With ``room``: the list the workshop recorded the room was shown as its last round
        closed ("A; B; C"), when it is not ``room``'s
        (:func:`toolkit.report._room_record.shown_instead`); page 1 says so. None otherwise.
    room_weights : RoomWeights or None
        With a decision log and no priority suggested: the weights the tables gave and the
        room's (:func:`toolkit.report._room_record.room_weights`), which section 4 shows;
        None otherwise.
    decision_log : DecisionLog or None
        The workshop's decision log, read once (None without ``config.decision_log``);
        section 4 renders from it.
    """

    config: ReportConfig
    inputs: ReportInputs
    segmentation: Any
    cube: pd.DataFrame
    profile: Any
    system_rate: pd.DataFrame
    priorities: Any
    segmented: pd.DataFrame
    places: pd.DataFrame
    segments: pd.DataFrame
    linked: Any
    room: Any = None
    workshop: str | None = None
    shown_instead: str | None = None
    room_weights: Any = None
    decision_log: Any = None
    place_neighbourhoods: Mapping[str, int] | None = None


def place_neighbourhoods(indicators: Any) -> dict[str, int]:
    """Count, by place, the neighbourhoods in which anyone is registered.

    Page 1 counts those neighbourhoods (:func:`toolkit.report.sections.people_coverage`);
    the place table counts them too, worked out once here with the report's figures.

    Parameters
    ----------
    indicators : toolkit.places.AreaIndicators
        Emergency admissions by neighbourhood and place, with each neighbourhood's
        registered ``persons``.

    Returns
    -------
    dict of str to int
        Place name (as the areas file gives it, stripped) to its neighbourhoods with
        people; a place with none is not a key.
    """
    areas = indicators.to_frame("neighbourhood")
    peopled = pd.to_numeric(areas["persons"]).fillna(0).to_numpy() > 0
    counts = areas.loc[peopled, "place"].astype(str).str.strip().value_counts()
    return {str(place): int(count) for place, count in counts.items()}


def _place_counts_shown(linked: Any) -> bool:
    """Whether the linked tables show every place's count of people (none suppressed)."""
    return not any(
        key.startswith("places/") and key.endswith("/persons") and linked.is_suppressed(key)
        for key in linked.cells
    )


def compute_board_figures(config: ReportConfig, *, progress: bool = False) -> BoardFigures:
    """Compute everything the board report shows for a configuration.

    Parameters
    ----------
    config : ReportConfig
        The report's configuration.
    progress : bool
        Show a progress bar, one step per stage (:data:`BOARD_STEPS`).

    Returns
    -------
    BoardFigures
        The results.

    Raises
    ------
    DataContractError
        The persons or areas break the data contract.

    Warns
    -----
    UserWarning
        When a place of the system has no registered people (for real data, an extract is
        missing); page 1 says so too.
    """
    from toolkit.indicators import deprivation_profile, directly_standardised_rate
    from toolkit.places import area_indicators
    from toolkit.prioritise import THEME_LIBRARY, load_themes, prioritise_persons
    from toolkit.report import sections
    from toolkit.report.inputs import load_inputs
    from toolkit.report.linked import link_board_report
    from toolkit.segment import assign_segments, build_cube, load_rules

    if not isinstance(config, ReportConfig):
        raise TypeError(
            "The 'config' parameter of compute_board_figures must be a ReportConfig. "
            f"Got {type(config).__name__} instead."
        )
    steps = tqdm(total=len(BOARD_STEPS), desc="board report", unit="step", disable=not progress)
    steps.set_postfix_str(BOARD_STEPS[0])
    inputs = load_inputs(config)
    empty = sections.no_people_warning(sections.people_coverage(inputs))
    if empty is not None:  # for real data, an extract is missing: said before anything else
        warnings.warn(empty, UserWarning, stacklevel=2)
    segmentation = load_rules(config.model)
    steps.update()
    steps.set_postfix_str(BOARD_STEPS[1])
    cube = build_cube(inputs.persons, model=segmentation)
    steps.update()
    steps.set_postfix_str(BOARD_STEPS[2])
    profile = deprivation_profile(
        cube,
        events="emergency_admissions",
        unit_cost=config.admission_unit_cost,
        seed=config.seed,
        label="emergency admissions",
    )
    system_rate = directly_standardised_rate(
        cube, events="emergency_admissions", population="persons", age_band="age_band"
    )
    steps.update()
    steps.set_postfix_str(BOARD_STEPS[3])
    priorities = prioritise_persons(
        inputs.persons,
        themes=None if config.themes is None else load_themes([THEME_LIBRARY, *config.themes]),
        model=segmentation,
        size=config.shortlist_size,
        seed=config.seed,
        years=config.years,
        weights=config.weights,  # agreed without a workshop (None: equal weights)
        analyst_scores=config.criteria_scores,
        threshold=config.disclosure_threshold,
    )
    steps.update()
    steps.set_postfix_str(BOARD_STEPS[4])
    segmented = assign_segments(inputs.persons, model=segmentation)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # persons without an LSOA: the report counts
        places = area_indicators(segmented, inputs.areas, events="emergency_admissions")
    segments = sections.segment_figures(cube, labels=segmentation.labels)
    linked = link_board_report(
        segmented,
        inputs.areas,
        segments=list(segmentation.labels),
        priorities=priorities,
        threshold=config.disclosure_threshold,
    )
    # Page 1's note on the persons' own places gives a count only when no place's is hidden.
    inputs = dataclasses.replace(inputs, place_counts_shown=_place_counts_shown(linked))
    room = workshop = shown = weights = log = None
    if config.decision_log is not None:
        from toolkit.report._room_record import room_weights, shown_instead
        from toolkit.report.decision_log import read_decision_log, room_answer

        log = read_decision_log(config.decision_log, workshop=config.workshop)
        if priorities.is_empty:  # no theme measured: no answer to rebuild, the weights alone
            weights = room_weights(log, priorities.criteria)
        else:
            room, workshop = room_answer(log, priorities), log.workshop
            shown = shown_instead(log, room)
    steps.update()
    steps.close()
    return BoardFigures(
        config=config,
        inputs=inputs,
        segmentation=segmentation,
        cube=cube,
        profile=profile,
        system_rate=system_rate,
        priorities=priorities,
        segmented=segmented,
        places=places,
        segments=segments,
        linked=linked,
        room=room,
        workshop=workshop,
        shown_instead=shown,
        room_weights=weights,
        decision_log=log,
        place_neighbourhoods=place_neighbourhoods(places),
    )


def save_board_figures(figures: BoardFigures, path: str | os.PathLike[str]) -> Path:
    """Write the figures to a file for :func:`board_figures` (pickle: same code, same run).

    Parameters
    ----------
    figures : BoardFigures
        The figures.
    path : str or path-like
        The file to write.

    Returns
    -------
    Path
        The file written.
    """
    if not isinstance(figures, BoardFigures):
        raise TypeError(
            "The 'figures' parameter of save_board_figures must be BoardFigures. "
            f"Got {type(figures).__name__} instead."
        )
    target = Path(path)
    with target.open("wb") as handle:
        pickle.dump(figures, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return target


def board_figures(
    config: ReportConfig, figures_file: str | os.PathLike[str] | None = None
) -> BoardFigures:
    """Return the board report's figures: read from ``figures_file``, or computed.

    ``build_report`` computes the figures in its own process and passes the file it wrote
    them to; the report notebook run any other way (nbval, JupyterLab) computes them here
    with :func:`compute_board_figures`. Only a file that ``build_report`` wrote in this run
    should be passed (it is a pickle).

    Parameters
    ----------
    config : ReportConfig
        The report's configuration; the figures read must have been computed for it.
    figures_file : str or path-like, optional
        The figures' file.

    Returns
    -------
    BoardFigures
        The figures.

    Raises
    ------
    ValueError
        The file's figures were computed for another configuration.
    """
    if figures_file is None:
        return compute_board_figures(config)
    with Path(figures_file).open("rb") as handle:
        figures = pickle.load(handle)  # noqa: S301 - written by build_report in this run
    if not isinstance(figures, BoardFigures) or figures.config != config:
        raise ValueError(
            f"{figures_file}: these board figures were computed for another configuration; "
            "run the notebook without 'figures_file' to compute them."
        )
    return figures


__all__ = [
    "BOARD_STEPS",
    "FIGURES_FILE",
    "BoardFigures",
    "board_figures",
    "compute_board_figures",
    "place_neighbourhoods",
    "save_board_figures",
]
