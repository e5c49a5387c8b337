"""Population health prioritisation toolkit for integrated care systems in England.

Segment a population into cohorts, compare outcomes and resource use across deprivation,
and agree a small number of priorities. See the README for a five-minute tour.
"""

from __future__ import annotations

from importlib import metadata as _metadata

from toolkit.errors import DataContractError

try:
    __version__ = _metadata.version("pophealth-toolkit")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

#: Distributions whose versions :func:`show_versions` reports.
_KEY_DEPENDENCIES = (
    "numpy",
    "pandas",
    "pyarrow",
    "scipy",
    "statsmodels",
    "pandera",
    "geopandas",
    "shapely",
    "pyogrio",
    "mapclassify",
    "duckdb",
    "ibis-framework",
    "pyspark",
    "matplotlib",
    "ipywidgets",
    "jupyterlab",
    "nbval",
    "papermill",
    "nbconvert",
    "voila",
    "playwright",
)


def versions() -> dict[str, str | None]:
    """Return the versions of the toolkit, Python and its key dependencies.

    Returns
    -------
    dict of str to str or None
        Distribution name to installed version; ``None`` where it is not installed.
    """
    import platform

    found: dict[str, str | None] = {
        "pophealth-toolkit": __version__,
        "python": platform.python_version(),
    }
    for name in _KEY_DEPENDENCIES:
        try:
            found[name] = _metadata.version(name)
        except _metadata.PackageNotFoundError:
            found[name] = None
    return found


def show_versions() -> None:
    """Print the versions of the toolkit and its key dependencies, one per line.

    Paste the output into a bug report so that others can reproduce what you saw.
    """
    found = versions()
    width = max(len(name) for name in found)
    for name, version in found.items():
        print(f"{name:<{width}} : {version or 'not installed'}")


__all__ = ["DataContractError", "__version__", "show_versions", "versions"]
