"""Checks of the model and theme folders a report's or an update's configuration names.

Shared by :func:`toolkit.report.load_config` and
:func:`toolkit.report.update_config.load_update_config` (importable from
:mod:`toolkit.report.config`, where it was first written).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def check_model_and_themes(config: Any, source: Path) -> None:
    """Refuse a ``model`` that is neither built in nor a file, and ``themes`` not folders.

    Parameters
    ----------
    config : ReportConfig or UpdateConfig
        The configuration read (its ``model`` and ``themes``).
    source : pathlib.Path
        The configuration file, named in the messages.

    Raises
    ------
    FileNotFoundError
        A ``themes`` entry is not a folder, or holds no theme files.
    ValueError
        ``model`` is neither a built-in model nor a rules file.
    """
    from toolkit.prioritise.themes import theme_folder_problem

    for value in config.themes or []:
        if problem := theme_folder_problem(value, option="'themes'"):
            raise FileNotFoundError(f"{source}: 'themes' names {value}: {problem}.")
    from toolkit.segment import BUILTIN_MODELS

    if config.model not in BUILTIN_MODELS and not Path(config.model).is_file():
        raise ValueError(
            f"{source}: 'model' must be one of {sorted(BUILTIN_MODELS)} or a rules file "
            f"(.toml or .yaml). Got {config.model!r} instead."
        )


__all__ = ["check_model_and_themes"]
