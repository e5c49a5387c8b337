"""Names a package imports on first use, so that ``import toolkit.<package>`` stays quick.

Each subpackage lists its modules once, each with the public names it defines; this module
makes the package-level ``__getattr__``, ``__dir__`` (PEP 562) and ``__all__`` that import
them when first used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def lazy_exports(
    package: str, modules: Mapping[str, Sequence[str]], *, eager: Sequence[str] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """Return a package's ``__getattr__``, ``__dir__`` and ``__all__`` for lazy names.

    Parameters
    ----------
    package : str
        The package's ``__name__``: relative module names are resolved against it, and the
        error message names it.
    modules : mapping of str to sequence of str
        Each module (relative, such as ``".scoring"``, or absolute) to the public names it
        defines.
    eager : sequence of str
        Names the package imports itself, listed by ``dir()`` and ``__all__`` too.

    Returns
    -------
    tuple
        ``(__getattr__, __dir__, __all__)`` to assign at the package's top level;
        ``__all__`` is sorted.

    Raises
    ------
    ValueError
        If a name is listed under two modules, or is also eager.
    """
    exports: dict[str, str] = {}
    for module, names in modules.items():
        for name in names:
            if name in exports or name in eager:
                raise ValueError(f"{package}: {name!r} is exported twice")
            exports[name] = module

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module, package), name)

    public = sorted([*exports, *eager])

    def __dir__() -> list[str]:
        return list(public)

    return __getattr__, __dir__, list(public)
