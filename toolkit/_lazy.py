"""Names a package imports on first use, so that ``import toolkit.<package>`` stays quick.

Each subpackage lists its public names and the module that defines each; this module makes
the package-level ``__getattr__`` and ``__dir__`` (PEP 562) that import them when first used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str], *, eager: tuple[str, ...] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return a package's ``__getattr__`` and ``__dir__`` for names imported on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``, for the error message.
    exports : mapping of str to str
        Public name to the module that defines it.
    eager : tuple of str
        Names the package defines itself, listed by ``dir()`` too.

    Returns
    -------
    tuple of callable
        ``(__getattr__, __dir__)`` to assign at the package's top level.
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    def __dir__() -> list[str]:
        return sorted([*exports, *eager])

    return __getattr__, __dir__
