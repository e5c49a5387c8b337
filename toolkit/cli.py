"""The ``pophealth`` command line.

``pophealth demo | synth | validate | cube | report | workshop``. Problems with the
user's input print a plain message and exit with status 2; no Python traceback is shown
(set ``POPHEALTH_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from toolkit._cli_inputs import (
    age_counted,
    ages_at_reference_date,
    cube_persons,
    decile_note,
    print_areas_notes,
    read_areas_files,
    reference_date_option,
    with_kind_hint,
)
from toolkit.defaults import DEFAULT_MODEL, DEMO_PERSONS, DEMO_SEED
from toolkit.errors import DataContractError

#: Exit status for input the user must fix.
EXIT_BAD_INPUT = 2


def _cmd_synth(args: argparse.Namespace) -> int:
    from toolkit.data.synth import write_demo_system

    areas = None
    if args.areas is not None:
        label = " + ".join(args.areas)
        areas, shown = read_areas_files(args.areas, args.repair_geometry)
        print_areas_notes(label, areas, shown)
    elif args.repair_geometry:
        raise ValueError("--repair-geometry applies only with --areas (the file it repairs).")
    paths = write_demo_system(
        args.out, persons=args.persons, seed=args.seed, areas=areas, progress=not args.quiet
    )
    for name, path in paths.items():
        print(f"wrote {name}: {path}")
    if areas is not None:
        import json

        import pyarrow.parquet as pq

        metadata = pq.read_schema(paths["persons"]).metadata or {}
        reached = json.loads(metadata.get(b"toolkit.synth", b"{}")).get("areas_with_persons")
        where = (
            f"the {len(areas):,} LSOAs"
            if reached is None or reached == len(areas)
            else f"{reached:,} of the {len(areas):,} LSOAs"
        )
        print(
            f"placed {args.persons:,} synthetic persons in {where} of {label}. The people "
            "are invented: rehearse with them, never quote them."
        )
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    label = " + ".join(args.path)
    if args.kind == "persons":
        if args.repair_geometry:
            raise ValueError(
                "--repair-geometry applies only to --kind areas (a persons file has no shapes)."
            )
        if len(args.path) > 1:
            raise ValueError(
                "pophealth validate takes one persons file, folder or glob (several files "
                "of one table: give their folder, or a glob in quotes such as 'part-*.parquet'"
                "); several files are combined only for --kind areas."
            )
        dated = ages_at_reference_date(args.path[0], args.reference_date)
        # Parquet and CSV files are checked in DuckDB without loading them (any size, in
        # bounded memory), ages counted at the date in the same scan; other kinds are read
        # by read_persons, as build_cube reads them.
        from toolkit.segment import check_persons_file

        try:
            report = check_persons_file(
                args.path[0], reference_date=args.reference_date if dated else None, label=label
            )
        except DataContractError as error:
            raise with_kind_hint(error, args.path[0]) from None
        files = f" in {len(report.files):,} files" if len(report.files) > 1 else ""
        print(f"{label}: {report.rows:,} rows{files} meet the persons data contract.")
        for note in report.notes:
            print(f"{label}: {note}")
        if dated:
            print(age_counted(label, args.reference_date))
        if said := decile_note(label, report.columns):
            print(said)
        return 0
    if args.reference_date is not None:
        raise ValueError(
            "--reference-date applies only to --kind persons (an areas table has no dates "
            "of birth)."
        )
    table, shown = read_areas_files(args.path, args.repair_geometry)
    print(f"{label}: {len(table):,} rows meet the {args.kind} data contract.")
    print_areas_notes(label, table, shown)
    return 0


def _cmd_cube(args: argparse.Namespace) -> int:
    from toolkit.segment import build_cube

    persons, validate, after = cube_persons(
        args.input, args.reference_date, args.areas, args.repair_geometry
    )
    cube = build_cube(
        persons,
        model=args.model,
        engine=args.engine,
        validate=validate,  # (not again when read_persons has checked the whole contract)
        progress=not args.quiet,
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    cube.to_parquet(out, index=False)
    counted = int(cube["persons"].sum())
    print(f"wrote the segment cube ({len(cube):,} cells, {counted:,} persons) to {out}")
    for line in after:
        print(line)
    return 0


def _check_candidates_args(args: argparse.Namespace) -> None:
    """Refuse a --template or --model the command cannot use, before any work, in its words."""
    from toolkit.prioritise.templates import TEMPLATE_SUFFIXES
    from toolkit.segment import BUILTIN_MODELS

    template = Path(args.template)
    if template.suffix.lower() not in TEMPLATE_SUFFIXES:
        ending = f"ends in {template.suffix!r}" if template.suffix else "has no ending"
        raise ValueError(
            f"--template {args.template}: the template must end in .csv (for a spreadsheet) or "
            f".toml; this name {ending}. A spreadsheet opens the .csv file; save it as CSV "
            "again after filling it in."
        )
    if not template.parent.is_dir():
        raise FileNotFoundError(
            f"--template {args.template}: the folder {template.parent} does not exist; create "
            "it first or choose another folder."
        )
    if template.exists() and not args.overwrite:
        raise FileExistsError(
            f"--template {args.template}: the file already exists and may hold scores; add "
            "--overwrite to replace it, or choose another name."
        )
    model = str(args.model)
    if model not in BUILTIN_MODELS:
        if Path(model).suffix.lower() not in (".toml", ".yaml", ".yml"):
            raise ValueError(
                f"--model {model}: not a segmentation model; give a built-in model "
                f"({' or '.join(BUILTIN_MODELS)}) or the path of a rules file ending in "
                ".toml, .yaml or .yml."
            )
        if not Path(model).is_file():
            raise FileNotFoundError(f"--model {model}: no such rules file.")
    from toolkit.prioritise.themes import theme_folder_problem

    for folder in args.themes or []:
        if problem := theme_folder_problem(folder, option="--themes"):
            raise FileNotFoundError(f"--themes {folder}: {problem}.")


def _cmd_candidates(args: argparse.Namespace) -> int:
    from toolkit.prioritise import (
        THEME_ANALYST_CRITERIA,
        THEME_LIBRARY,
        load_themes,
        theme_candidates,
        write_criteria_template,
    )
    from toolkit.prioritise._theme_row import CORE20_WORDS
    from toolkit.segment import build_cohort_cube

    source = Path(args.persons)
    if not source.exists():
        raise FileNotFoundError(
            f"{source}: no such persons file (make one with `pophealth synth`)."
        )
    _check_candidates_args(args)
    persons, validate, after = cube_persons(
        str(source), args.reference_date, args.areas, args.repair_geometry
    )
    cube = build_cohort_cube(
        persons,
        model=args.model,
        validate=validate,  # (not again when read_persons has checked the whole contract)
        progress=not args.quiet,
    )
    themes = None if not args.themes else load_themes([THEME_LIBRARY, *args.themes])
    candidates = theme_candidates(cube, themes, within=args.within)
    path = write_criteria_template(
        candidates.table, args.template, criteria=THEME_ANALYST_CRITERIA, overwrite=args.overwrite
    )
    if args.within is None:
        too = []
        if args.themes:
            named = dict.fromkeys(str(Path(folder)) for folder in args.themes)  # once each
            too.append(f"themes = {list(named)!r}")
        if after:  # ages counted at the date
            too.append(f'reference_date = "{args.reference_date}"')
        print(
            f"wrote a template for {len(candidates):,} candidate priorities to {path}: "
            "fill in each criterion on its stated scale, then name the file as "
            "'criteria_scores' in the report configuration"
            + (f" (with {' and '.join(too)} there too)." if too else ".")
        )
    else:
        print(
            f"wrote a template for {len(candidates):,} candidate priorities measured "
            f"{'in each place' if args.within == 'place' else f'in {CORE20_WORDS}'} "
            f"to {path}: fill in each criterion on its "
            "stated scale, then use it in Python (a notebook): "
            f"toolkit.prioritise.prioritise_persons(persons, within={args.within!r}, "
            f"analyst_scores={str(path)!r}). The board report measures the themes for the "
            "whole system and does not take this file: for the report, write the template "
            "without --within."
        )
    for label, reason in zip(
        candidates.excluded["label"], candidates.excluded["reason"], strict=True
    ):
        print(f"not measured: {label} ({reason})")
    for line in after:
        print(line)
    return 0


def _tables_count(text: str) -> int:
    """Read ``--tables``: a whole number from 1 to the most one server serves."""
    from toolkit.workshop.server import MAX_ROOM_TABLES

    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_ROOM_TABLES:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 1 to {MAX_ROOM_TABLES} (got {text!r})"
        )
    return int(text)


def _cmd_workshop(args: argparse.Namespace) -> int:
    from toolkit.workshop import serve

    return serve(
        args.config,
        port=args.port,
        facilitator_port=args.facilitator_port,
        ip=args.ip,
        tables=args.tables,
        open_browser=args.open,
    )


def _cmd_report(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from toolkit.report import build_report, load_config
    from toolkit.report.config import config_template

    def load(path: str) -> object:
        config = load_config(path)
        if args.reference_date is not None:
            config = replace(config, reference_date=args.reference_date)
        return replace(config, repair_geometry=True) if args.repair_geometry else config

    return _build_from_config(args, "report", config_template, load, build_report)


def _cmd_monitor(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from toolkit.report.update import build_update, load_update_config, update_config_template

    def load(path: str) -> object:
        config = load_update_config(path)
        if args.reference_date is not None:
            config = replace(config, reference_date=args.reference_date)
        return config

    return _build_from_config(args, "monitor", update_config_template, load, build_update)


def _build_from_config(
    args: argparse.Namespace,
    command: str,
    template: Callable[[], str],
    load: Callable[[str], object],
    build: Callable[..., object],
) -> int:
    """Print the configuration template, or build the report ``args.config`` describes.

    Parameters
    ----------
    args : argparse.Namespace
        The command's arguments (``print_config``, ``config``, ``out``, ``quiet``,
        ``timeout``, ``no_pdf``).
    command : str
        The command's name, for the message when an argument is missing.
    template : callable
        Returns the commented configuration that ``--print-config`` prints.
    load : callable
        Reads the configuration file.
    build : callable
        Builds the report from the configuration into the output folder.

    Returns
    -------
    int
        The exit status: 0 when done, 2 when ``--config`` or ``--out`` is missing.
    """
    if args.print_config:
        print(template(), end="")
        return 0
    if not args.config or not args.out:
        print(
            f"pophealth {command}: --config and --out are needed (or --print-config).",
            file=sys.stderr,
        )
        return 2
    result = build(
        load(args.config),
        args.out,
        progress=not args.quiet,
        timeout=args.timeout,
        pdf=not args.no_pdf,
    )
    print(result)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from toolkit.demo import run_demo

    return run_demo(out_dir=args.out, persons=args.persons, seed=args.seed, progress=not args.quiet)


def _add_build_command(
    commands: argparse._SubParsersAction,
    name: str,
    *,
    help: str,
    keys: Sequence[str],
    config_help: str,
    print_help: str,
) -> argparse.ArgumentParser:
    """Add a command that builds a report from a configuration file (report, monitor).

    Parameters
    ----------
    commands : argparse._SubParsersAction
        The parser's commands.
    name : str
        The command's name.
    help : str
        The command's line in ``pophealth --help``.
    keys : sequence of str
        The configuration's keys, listed after the command's options.
    config_help : str
        What ``--config`` reads.
    print_help : str
        What ``--print-config`` does.

    Returns
    -------
    argparse.ArgumentParser
        The command, with ``--config``, ``--out``, ``--print-config``, ``--timeout`` and
        ``--no-pdf``; the caller adds its own options.
    """
    command = commands.add_parser(
        name,
        help=help,
        epilog="Configuration keys (TOML): "
        + ", ".join(keys)
        + f". pophealth {name} --print-config writes them all with what each means.",
    )
    command.add_argument("--config", help=config_help)
    command.add_argument("--out", help="output folder")
    command.add_argument("--print-config", action="store_true", help=print_help)
    command.add_argument(
        "--timeout", type=float, default=600, help="seconds each notebook cell may take"
    )
    command.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    return command


def _add_reference_date(
    command: argparse.ArgumentParser, also: str = "", read: str = ", read whole"
) -> None:
    """Add ``--reference-date`` to a command that reads a persons file (``read``: how)."""
    command.add_argument(
        "--reference-date",
        type=reference_date_option,
        default=None,
        metavar="YYYY-MM-DD",
        help="for a persons file with date_of_birth and no age column: count each person's "
        "age in whole years at this date (the end of the period the data cover, say). One "
        f"file{read}; a file with an age column keeps its ages" + also,
    )


#: What ``--areas`` does for the commands that build a cube from persons (cube, candidates).
_JOINED_TO_AREAS = (
    "each person takes their neighbourhood's IMD decile by LSOA where the persons file has "
    "none (a decile of its own is kept) and the areas' place (replacing any of its own, as "
    "the board report does); those with no neighbourhood are counted. The persons are read "
    "whole"
)


def _add_areas(command: argparse.ArgumentParser, done: str) -> None:
    """Add ``--areas`` (``done``: what is done with them) and ``--repair-geometry``."""
    command.add_argument(
        "--areas",
        default=None,
        nargs="+",
        metavar="FILE",
        help="your areas file, as `pophealth validate --kind areas` reads it (CSV, Parquet, "
        "Excel, GeoPackage, or an English Indices of Deprivation file; several Indices files "
        "are combined, File 1 with File 6 for the population, say): " + done,
    )
    command.add_argument(
        "--repair-geometry",
        action="store_true",
        help="with --areas: repair invalid area shapes with make_valid instead of refusing "
        "the file",
    )


def _build_parser() -> argparse.ArgumentParser:
    from toolkit import __version__

    parser = argparse.ArgumentParser(
        prog="pophealth",
        description="Population health prioritisation toolkit: segment, compare, prioritise.",
    )
    parser.add_argument("--version", action="version", version=f"pophealth-toolkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser(
        "demo",
        help="run the main job on the built-in demo system",
        description=(
            "Synthesise the fictional demo system, print its segments, inequalities and "
            "suggested priorities, and build the board report and the quarterly update from "
            "the same results."
        ),
    )
    demo.add_argument("--out", default="reports/demo", help="output folder (default reports/demo)")
    demo.add_argument(
        "--persons",
        type=int,
        default=DEMO_PERSONS,
        help=f"persons to synthesise (default {DEMO_PERSONS:,}; about a minute on two cores)",
    )
    demo.add_argument("--seed", type=int, default=DEMO_SEED, help="random seed")
    demo.add_argument("--quiet", action="store_true", help="no progress bars")
    demo.set_defaults(handler=_cmd_demo)

    synth = commands.add_parser(
        "synth",
        help="write a synthetic population (Parquet, GeoPackage): the demo system, or on "
        "your own areas with --areas",
        description="Write a synthetic persons file (persons.parquet) and an areas file that "
        "the other commands read. Without --areas, the fictional Kestermoor and Wyvendale "
        "system is invented, neighbourhoods and all (areas.gpkg). With --areas, the invented "
        "people live in your own neighbourhoods instead: each LSOA in your areas file gets a "
        "share of the persons in proportion to its population (equal shares if the file has "
        "none), and their ages, conditions, deaths and hospital use follow the LSOA's real "
        "deprivation decile. Your areas are written back as given, with their real "
        "population (areas.gpkg if they have boundaries, otherwise areas.parquet). Use the "
        "files to rehearse the whole workflow, board report included, on your own system "
        "before data access arrives. The people are invented: never quote their figures.",
    )
    synth.add_argument("--persons", type=int, default=DEMO_PERSONS, help="persons to synthesise")
    synth.add_argument("--seed", type=int, default=DEMO_SEED, help="random seed")
    synth.add_argument("--out", required=True, help="output folder")
    _add_areas(synth, "the persons are placed in its LSOAs")
    synth.add_argument("--quiet", action="store_true", help="no progress bars")
    synth.set_defaults(handler=_cmd_synth)

    validate = commands.add_parser("validate", help="check a file against the data contract")
    validate.add_argument(
        "path",
        nargs="+",
        help="CSV, Parquet or Excel file; for persons also a folder or glob of Parquet or CSV "
        "files, checked together in DuckDB without loading them (any size); for areas, "
        "several Indices of Deprivation files are combined (File 1 with File 6 for the "
        "population, say)",
    )
    validate.add_argument(
        "--kind",
        choices=("persons", "areas"),
        default="persons",
        help="which table (default persons)",
    )
    validate.add_argument(
        "--repair-geometry",
        action="store_true",
        help="areas only: repair invalid shapes with make_valid (the rows are listed) "
        "instead of refusing the file",
    )
    _add_reference_date(validate, read=" (Parquet or CSV checked without loading it)")
    validate.set_defaults(handler=_cmd_validate)

    cube = commands.add_parser("cube", help="segment persons and build the segment cube")
    cube.add_argument("input", help="persons file, folder or glob (Parquet or CSV)")
    cube.add_argument("--out", required=True, help="where to write the cube (Parquet)")
    cube.add_argument("--model", default=DEFAULT_MODEL, help="segmentation model or rules file")
    cube.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    _add_reference_date(cube)
    _add_areas(cube, _JOINED_TO_AREAS)
    cube.add_argument("--quiet", action="store_true", help="no progress bars")
    cube.set_defaults(handler=_cmd_cube)

    candidates = commands.add_parser(
        "candidates",
        help="measure the themes on a persons file and write the template analysts fill in",
    )
    candidates.add_argument("persons", help="persons file, folder or glob (Parquet or CSV)")
    candidates.add_argument(
        "--template",
        required=True,
        help="template to write: a name ending in .csv (opens in a spreadsheet) or .toml, in a "
        "folder that exists",
    )
    candidates.add_argument(
        "--within",
        choices=("core20", "place"),
        default=None,
        help="measure each theme in England's most deprived fifth of neighbourhoods (core20: "
        "Core20, IMD deciles 1 and 2 nationally, not the system's own most deprived fifth) or "
        "in each place (place); such a template is for prioritise_persons in Python, and the "
        "board report takes one written without --within",
    )
    candidates.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help="segmentation model: a built-in one's name or a rules file (.toml, .yaml, .yml)",
    )
    candidates.add_argument(
        "--themes",
        action="append",
        default=None,
        metavar="FOLDER",
        help="a folder of your own theme files (*.toml), measured beside the built-in "
        "library; repeat it for several folders (name the same folders as 'themes' in the "
        "report configuration)",
    )
    _add_reference_date(candidates)
    _add_areas(candidates, _JOINED_TO_AREAS)
    candidates.add_argument("--overwrite", action="store_true", help="replace an existing file")
    candidates.add_argument("--quiet", action="store_true", help="no progress bars")
    candidates.set_defaults(handler=_cmd_candidates)

    from toolkit.report.config import config_keys

    report = _add_build_command(
        commands,
        "report",
        help="build the board report (notebook, HTML with no code, PDF) from a config",
        keys=config_keys(),
        config_help="report configuration (TOML)",
        print_help="print a commented configuration with every key, then stop "
        "(pophealth report --print-config > report.toml)",
    )
    report.add_argument(
        "--repair-geometry",
        action="store_true",
        help="repair invalid area shapes with make_valid instead of refusing the areas file "
        "(as repair_geometry = true in the configuration)",
    )
    _add_reference_date(report, " (as reference_date in the configuration, which it overrides)")
    report.add_argument("--quiet", action="store_true", help="no progress bars")
    report.set_defaults(handler=_cmd_report)

    from toolkit.report.update import update_config_keys

    monitor = _add_build_command(
        commands,
        "monitor",
        help="build the quarterly update: the agreed priorities period by period (SPC) and "
        "what would move on newer data",
        keys=update_config_keys(),
        config_help="quarterly update configuration (TOML)",
        print_help="print a commented configuration with every key, then stop",
    )
    _add_reference_date(monitor, " (as reference_date in the configuration, which it overrides)")
    monitor.add_argument("--quiet", action="store_true", help="no progress bars")
    monitor.set_defaults(handler=_cmd_monitor)

    workshop = commands.add_parser(
        "workshop", help="serve the workshop app (participant and facilitator views) with Voila"
    )
    workshop.add_argument(
        "--config", default=None, help="workshop config (TOML); a demo workshop when omitted"
    )
    workshop.add_argument(
        "--port", type=int, default=8866, help="participants' port (default 8866)"
    )
    workshop.add_argument(
        "--facilitator-port",
        type=int,
        default=None,
        help="facilitator's port (default: a free one); it has its own link and token",
    )
    workshop.add_argument(
        "--tables",
        type=_tables_count,
        default=12,
        help="tables expected, 1 to 40 (default 12): a kernel is kept warm for each",
    )
    workshop.add_argument(
        "--open", action="store_true", help="open the facilitator's view in this machine's browser"
    )
    workshop.add_argument(
        "--ip", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine)"
    )
    workshop.set_defaults(handler=_cmd_workshop)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``pophealth`` command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 on success, 2 when the input must be fixed by the user.
    """
    parser = _build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    debug = os.environ.get("POPHEALTH_DEBUG") == "1"

    def _show_warning(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
        print(f"pophealth {args.command}: note: {message}", file=sys.stderr)

    try:
        with warnings.catch_warnings():
            if not debug:
                warnings.showwarning = _show_warning
            return handler(args)
    except DataContractError as error:
        if debug:
            raise
        from toolkit.prioritise.templates import CriteriaScoresError
        from toolkit.prioritise.themes import ThemeError

        # A theme file is not data: its message says what needs fixing in the file. Nor is
        # the analysts' criteria scores file, which the heading names instead.
        heading = " the data does not meet the contract."
        if isinstance(error, ThemeError):
            heading = ""
        elif isinstance(error, CriteriaScoresError):
            heading = " the criteria scores file does not meet the contract."
        print(f"pophealth {args.command}:{heading}\n{error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (OSError, ValueError, TypeError, RuntimeError) as error:
        if debug:
            raise
        print(f"pophealth {args.command}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:
        # A report notebook that failed to execute names its cell; anything else is a bug
        # worth reporting with POPHEALTH_DEBUG=1 for the traceback.
        if debug or type(error).__name__ != "PapermillExecutionError":
            raise
        print(f"pophealth {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"pophealth {args.command}: interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
