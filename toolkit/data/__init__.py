"""Reading, validating and synthesising the data the toolkit works on.

The data contract (pandera models) is in :mod:`toolkit.data.schemas`, the readers in
:mod:`toolkit.data.readers` and the synthetic demo system in :mod:`toolkit.data.synth`.
Names are imported on first use so that ``import toolkit`` stays quick.
"""

from __future__ import annotations

from toolkit._lazy import lazy_exports
from toolkit.errors import DataContractError

_EXPORTS = {
    "read_persons": "toolkit.data.readers",
    "read_areas": "toolkit.data.readers",
    "validate_persons": "toolkit.data.readers",
    "validate_areas": "toolkit.data.readers",
    "validate_cube": "toolkit.data.readers",
    "join_persons_to_areas": "toolkit.data.readers",
    "make_demo_system": "toolkit.data.synth",
    "write_demo_system": "toolkit.data.synth",
    "DemoSystem": "toolkit.data.synth",
    "JoinReport": "toolkit.data.readers",
}


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, eager=("DataContractError",))


__all__ = ["DataContractError", *_EXPORTS]
