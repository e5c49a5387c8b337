"""Reading, validating and synthesising the data the toolkit works on.

The data contract (pandera models) is in :mod:`toolkit.data.schemas`; the readers in
:mod:`toolkit.data.readers` (persons files), :mod:`toolkit.data.areas` (areas and Indices
of Deprivation files), :mod:`toolkit.data.validation` (tables already in memory) and
:mod:`toolkit.data.join` (persons to areas), with their steps in
:mod:`toolkit.data.columns` and :mod:`toolkit.data.files`; every data error is worded by
:mod:`toolkit.data.problems`. The synthetic demo system is in :mod:`toolkit.data.synth`,
with its assumptions, areas, fixed tables and persons in :mod:`toolkit.data.synth_assumptions`,
:mod:`toolkit.data.synth_areas`, :mod:`toolkit.data.synth_tables` and
:mod:`toolkit.data.synth_persons`.
Names are imported on first use so that ``import toolkit`` stays quick.
"""

from __future__ import annotations

from toolkit._lazy import lazy_exports
from toolkit.errors import DataContractError as DataContractError

_EXPORTS = {
    ".readers": ["read_persons"],
    ".areas": ["read_areas"],
    ".validation": ["validate_persons", "validate_areas", "validate_cube"],
    ".join": ["join_persons_to_areas", "JoinReport"],
    ".synth": ["make_demo_system", "write_demo_system", "DemoSystem"],
}


__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS, eager=("DataContractError",))
