"""The main job on the built-in demo system (``pophealth demo``).

Synthesise the fictional integrated care system, check it against the data contract, build the
segment cube, compare emergency admissions across deprivation, and suggest a shortlist of
priorities, printing what an analyst would look at first; then render the same results as the
board report (:func:`toolkit.report.compute_board_figures` computes them once) and write the
quarterly update, so that ``make demo`` always runs the whole pipeline.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.defaults import DEMO_PERSONS, DEMO_SEED

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.report.figures import BoardFigures


def demo_summary(board: BoardFigures) -> str:
    """Return what ``pophealth demo`` prints of its results, worded as the board report is.

    The segments, the inequality in emergency admissions and the admissions by deprivation
    are the board report's own tables and sentences (:mod:`toolkit.report.sections`): the
    segments by name, not by id; money rounded as the report rounds it (£13.7m); and every
    count from 1 to the disclosure threshold less one suppressed, with any figure that would
    reveal one, as the report suppresses them (shown ``[c]``). The suggested priorities are
    :meth:`toolkit.prioritise.Prioritisation.summary`, whose counts below the threshold read
    "fewer than 10".

    Parameters
    ----------
    board : BoardFigures
        The demo's results (:func:`toolkit.report.figures.compute_board_figures`).

    Returns
    -------
    str
        Several paragraphs of plain text (no trailing newline).
    """
    from toolkit.data.synth import UNIT_COSTS_GBP
    from toolkit.report import sections

    config, inputs, priorities = board.config, board.inputs, board.priorities
    threshold = config.disclosure_threshold
    people, areas = inputs.persons, inputs.areas
    lines = [
        f"Demo system: {len(people):,} persons in {len(areas):,} neighbourhoods "
        f"across {areas['place'].nunique()} places (seed {config.seed}).",
        f"Data contract: persons and areas pass. {inputs.join_summary}",
        f"Segment cube: {len(board.cube):,} cells.",
        "",
        str(
            sections.segment_table(
                board.segments,
                period=config.period,
                threshold=threshold,
                model_title=board.segmentation.title,
                linked=board.linked,
            )
        ),
        "",
        str(sections.inequality_summary(board.profile, config=config)),
        "",
        str(
            sections.deprivation_table(
                sections.deprivation_figures(board.profile, system_rate=board.system_rate),
                period=config.period,
                threshold=threshold,
                linked=board.linked,
                edition=inputs.imd_edition,
            )
        ),
    ]
    unit_cost = config.admission_unit_cost
    tariff = ", the demo system's tariff" if unit_cost == UNIT_COSTS_GBP["emergency_spell"] else ""
    lines.append(f"(Excess emergency admissions are costed at £{unit_cost:,.0f} each{tariff}.)")
    themes = len(priorities.provenance["themes"])
    lines += [
        "",
        f"Suggested priorities: {themes} themes from the library measured on the data, "
        "compared at equal weights, one priority per theme:",
        priorities.summary(),
    ]
    excluded = priorities.excluded
    if len(excluded):
        lines += ["", "Themes that could not be measured on these data:"]
        lines += [
            f"  {label}: {reason}"
            for label, reason in zip(excluded["label"], excluded["reason"], strict=True)
        ]
    return "\n".join(lines)


def run_demo(
    *,
    out_dir: str | Path = "reports/demo",
    persons: int = DEMO_PERSONS,
    seed: int = DEMO_SEED,
    progress: bool = True,
) -> int:
    """Run the demo pipeline and print its headline results.

    Parameters
    ----------
    out_dir : str or Path
        Folder for the demo's outputs; created if missing.
    persons : int
        Number of persons in the synthetic system.
    seed : int
        Seed for the synthetic system and every random step.
    progress : bool
        Show a progress bar for each step.

    Returns
    -------
    int
        Exit status, 0 on success.
    """
    from toolkit.report import build_report, build_update, demo_config, demo_update_config
    from toolkit.report.figures import compute_board_figures

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # Computed once: printed here, then rendered by the board report.
    config = demo_config(persons=persons, seed=seed)
    board = compute_board_figures(config, progress=progress)
    print(demo_summary(board))

    print("\nBoard report:")
    print(build_report(config, out, progress=progress, figures=board))
    print("\nQuarterly update (the agreed priorities month by month):")
    print(build_update(demo_update_config(persons=persons, seed=seed), out, progress=progress))
    return 0
