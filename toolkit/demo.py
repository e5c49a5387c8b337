"""The main job on the built-in demo system (``pophealth demo``).

Synthesise the fictional integrated care system, check it against the data contract, build the
segment cube, compare emergency admissions across deprivation, and suggest a shortlist of
priorities, printing what an analyst would look at first; then render the same results as the
board report (:func:`toolkit.report.compute_board_figures` computes them once) and write the
quarterly update, so that ``make demo`` always runs the whole pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.defaults import DEMO_PERSONS, DEMO_SEED


def _format_segment_summary(summary: pd.DataFrame) -> str:
    """Return the segment summary as an aligned text table for the terminal."""
    shown = pd.DataFrame(
        {
            "segment": summary["segment"],
            "persons": summary["persons"].map("{:,.0f}".format),
            "% of population": (100 * summary["share_of_population"]).map("{:.1f}".format),
            "cost per head (£)": summary["cost_per_head"].map("{:,.0f}".format),
            "% of cost": (100 * summary["cost_share"]).map("{:.1f}".format),
            "emergency admissions per 1,000": (1000 * summary["emergency_admissions_per_head"]).map(
                "{:,.0f}".format
            ),
            "deaths": summary["deaths"].map("{:,.0f}".format),
        }
    )
    return shown.to_string(index=False)


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
    from toolkit.data.synth import UNIT_COSTS_GBP
    from toolkit.report import build_report, build_update, demo_config, demo_update_config
    from toolkit.report.figures import compute_board_figures
    from toolkit.segment import segment_summary

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # Computed once: printed here, then rendered by the board report.
    config = demo_config(persons=persons, seed=seed)
    board = compute_board_figures(config, progress=progress)
    people, areas, cube = board.inputs.persons, board.inputs.areas, board.cube
    join_report, profile, priorities = board.inputs.join_summary, board.profile, board.priorities
    summary = segment_summary(cube)

    print(
        f"Demo system: {len(people):,} persons in {len(areas):,} neighbourhoods "
        f"across {areas['place'].nunique()} places (seed {seed})."
    )
    print(f"Data contract: persons and areas pass. {join_report}")
    print(f"\nPopulation segments (Bridges to Health), {len(cube):,} cells in the segment cube:")
    print(_format_segment_summary(summary))
    print("\nEmergency admissions by deprivation (age-standardised to ESP2013):")
    print(profile.summary())
    unit_cost = config.admission_unit_cost
    tariff = ", the demo system's tariff" if unit_cost == UNIT_COSTS_GBP["emergency_spell"] else ""
    print(f"(Excess cost at £{unit_cost:,.0f} per emergency admission{tariff}.)")
    themes = len(priorities.provenance["themes"])
    print(
        f"\nSuggested priorities: {themes} themes from the library measured on the data, "
        "compared at equal weights, one priority per theme:"
    )
    print(priorities.summary())
    excluded = priorities.excluded
    if len(excluded):
        print("\nThemes that could not be measured on these data:")
        for label, reason in zip(excluded["label"], excluded["reason"], strict=True):
            print(f"  {label}: {reason}")

    print("\nBoard report:")
    print(build_report(config, out, progress=progress, figures=board))
    print("\nQuarterly update (the agreed priorities month by month):")
    print(build_update(demo_update_config(persons=persons, seed=seed), out, progress=progress))
    return 0
