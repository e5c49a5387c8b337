"""The main job on the built-in demo system (``pophealth demo``).

Synthesise the fictional integrated care system, check it against the data contract, and
print what an analyst would look at first. Later stages (cube, statistics, shortlist, board
report) are added here as they land, so that ``make demo`` always runs the whole pipeline.
"""

from __future__ import annotations

from pathlib import Path

from tqdm.auto import tqdm


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

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    steps = tqdm(total=2, desc="demo", unit="step", disable=not progress)

    steps.set_postfix_str("synthesising the demo system")
    system = make_demo_system(persons=persons, seed=seed, progress=progress)
    steps.update()

    steps.set_postfix_str("checking the data contract")
    people = validate_persons(system.persons, source="demo persons")
    areas = validate_areas(system.areas, source="demo areas")
    joined, join_report = join_persons_to_areas(people, areas)
    steps.update()
    steps.close()

    print(
        f"Demo system: {len(people):,} persons in {len(areas):,} neighbourhoods "
        f"across {areas['place'].nunique()} places (seed {seed})."
    )
    print(f"Data contract: persons and areas pass. {join_report}")
    return 0
