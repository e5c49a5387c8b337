"""The main job on the built-in demo system (``pophealth demo``).

Synthesise the fictional integrated care system, check it against the data contract, build the
cohort cube, compare emergency admissions across deprivation, and suggest a shortlist of
priorities, printing what an analyst would look at first. Later stages (board report) are added
here as they land, so that ``make demo`` always runs the whole pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

#: Steps of the demo pipeline, in order, as shown on the progress bar.
DEMO_STEPS = (
    "synthesising the demo system",
    "checking the data contract",
    "building the cohort cube",
    "comparing outcomes across deprivation",
    "measuring the themes and scoring them",
)


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
    persons: int = 250_000,
    seed: int = 20261122,
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
    from toolkit.data import (
        join_persons_to_areas,
        make_demo_system,
        validate_areas,
        validate_persons,
    )
    from toolkit.data.synth import UNIT_COSTS_GBP
    from toolkit.indicators import deprivation_profile
    from toolkit.prioritise import prioritise_persons
    from toolkit.report import build_report, build_update, demo_config, demo_update_config
    from toolkit.segment import build_cube, load_rules, segment_summary

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    steps = tqdm(total=len(DEMO_STEPS), desc="demo", unit="step", disable=not progress)

    steps.set_postfix_str(DEMO_STEPS[0])
    system = make_demo_system(persons=persons, seed=seed)
    steps.update()

    steps.set_postfix_str(DEMO_STEPS[1])
    people = validate_persons(system.persons, source="demo persons")
    areas = validate_areas(system.areas, source="demo areas")
    _, join_report = join_persons_to_areas(people, areas, existing="fill")
    steps.update()

    steps.set_postfix_str(DEMO_STEPS[2])
    model = load_rules("bridges_to_health")
    cube = build_cube(people, model=model)
    summary = segment_summary(cube)
    steps.update()

    steps.set_postfix_str(DEMO_STEPS[3])
    # Excess cost at the demo system's own tariff for an emergency spell: the cube's cost_gbp
    # covers all activity, so dividing it by admissions would overstate the cost of one.
    profile = deprivation_profile(
        cube,
        events="emergency_admissions",
        unit_cost=UNIT_COSTS_GBP["emergency_spell"],
        seed=seed,
        label="emergency admissions",
    )
    steps.update()

    steps.set_postfix_str(DEMO_STEPS[4])
    priorities = prioritise_persons(people, model=model, seed=seed)
    steps.update()
    steps.close()

    print(
        f"Demo system: {len(people):,} persons in {len(areas):,} neighbourhoods "
        f"across {areas['place'].nunique()} places (seed {seed})."
    )
    print(f"Data contract: persons and areas pass. {join_report}")
    print(f"\nPopulation segments (Bridges to Health), {len(cube):,} cells in the cohort cube:")
    print(_format_segment_summary(summary))
    print("\nEmergency admissions by deprivation (age-standardised to ESP2013):")
    print(profile.summary())
    unit_cost = UNIT_COSTS_GBP["emergency_spell"]
    print(f"(Excess cost at £{unit_cost:,.0f} per emergency admission, the demo system's tariff.)")
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
    print(build_report(demo_config(persons=persons, seed=seed), out, progress=progress))
    print("\nQuarterly update (the agreed priorities month by month):")
    print(build_update(demo_update_config(persons=persons, seed=seed), out, progress=progress))
    return 0
