"""The kernel manager Voila runs the workshop's kernels with.

jupyter_server's idle culling (``cull_idle_timeout`` with ``cull_connected=False``) shuts
down kernels that no page is connected to, so that memory returns when a tab closes or a
browser quits. Voila's warm pool protects the kernels still in the pool, but a kernel handed
to a page has been idle since it was warmed, so the next culling pass could shut it down
in the second or two before the page connects to it (seen under load as "Kernel does not
exist"). Written here because neither Voila nor jupyter_server offers such a grace period:
a kernel that has never had a page connected is spared for ``unconnected_grace`` seconds
after it leaves the pool, then culled as any other.
"""

from __future__ import annotations

import time

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float


class WorkshopKernelManager(AsyncMappingKernelManager):
    """AsyncMappingKernelManager that spares kernels handed to a page until it connects."""

    unconnected_grace = Float(
        120.0,
        config=True,
        help="Seconds a kernel that has never had a page connected is spared from culling "
        "after it leaves Voila's warm pool.",
    )

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._connected_once: set[str] = set()
        self._first_seen: dict[str, float] = {}

    def notify_connect(self, kernel_id: str) -> None:
        """Record that a page connected to the kernel."""
        self._connected_once.add(kernel_id)
        super().notify_connect(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """Cull the kernel as jupyter_server does, sparing one not yet connected to."""
        if kernel_id not in self._connected_once:
            first = self._first_seen.setdefault(kernel_id, time.monotonic())
            if time.monotonic() - first < self.unconnected_grace:
                return
        await super().cull_kernel_if_idle(kernel_id)

    def remove_kernel(self, kernel_id: str) -> object:
        """Forget the kernel's bookkeeping when it goes."""
        self._connected_once.discard(kernel_id)
        self._first_seen.pop(kernel_id, None)
        return super().remove_kernel(kernel_id)
