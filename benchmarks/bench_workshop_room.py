"""Benchmark: a room of tables joining the workshop at once, in a real browser.

Issue 12's targets: with 15 browser contexts opening the participants' link at the same
moment against one server, the median time to a usable page within 5 s and the 95th
percentile within 10 s, no failures, and no kernels left 60 s after every context has
closed (beyond the warm pool Voila keeps for the next table). Also printed: the servers'
memory (proportional set size, kernels included) warm and with every table connected,
the memory each connected device costs, and how many devices that lets one machine of
this kind serve.

A page is usable when its sliders and the table's top five are on screen. Contexts are
closed as a crashed browser would close them (no unload event), so that kernels must be
shut down by Voila's idle culling rather than by the page.

Run: .venv/bin/python benchmarks/bench_workshop_room.py [--tables 15] [--persons 250000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import psutil
from tqdm import tqdm

from toolkit.workshop import demo_workshop, start_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
USABLE = ".pophealth-slider .noUi-handle"
RESULT = ".pophealth-top li, .pophealth-ranking tr[data-candidate]"


async def _open(browser, url: str, timeout_ms: int) -> tuple[float | None, str, object]:
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await context.new_page()
    start = time.perf_counter()
    try:
        await page.goto(url, timeout=timeout_ms)
        await page.wait_for_selector(USABLE, timeout=timeout_ms)
        await page.wait_for_selector(RESULT, timeout=timeout_ms, state="attached")
        return time.perf_counter() - start, "", context
    except Exception as error:  # a failure is counted, not raised
        return None, str(error).splitlines()[0], context


async def _room(url: str, tables: int, timeout_ms: int, server) -> dict[str, object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        results = await asyncio.gather(*[_open(browser, url, timeout_ms) for _ in range(tables)])
        await asyncio.sleep(2)
        connected_memory = server.memory_bytes()
        connected_kernels = server.kernel_count()
        for _, _, context in results:
            await context.close()
        await browser.close()
    return {
        "times": [seconds for seconds, _, _ in results if seconds is not None],
        "failures": [reason for seconds, reason, _ in results if seconds is None],
        "memory": connected_memory,
        "kernels": connected_kernels,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=15)
    parser.add_argument("--persons", type=int, default=250_000)
    parser.add_argument("--after", type=int, default=60, help="seconds to wait after closing")
    parser.add_argument("--timeout", type=int, default=180, help="seconds a page may take")
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-room-"))
    config = demo_workshop(persons=options.persons, folder=folder)
    total_memory = psutil.virtual_memory().total
    cores = psutil.cpu_count()
    print(
        f"machine: {cores} cores, {total_memory / 2**30:.1f} GiB; demo workshop on "
        f"{options.persons:,} persons; {options.tables} tables"
    )
    started = time.perf_counter()
    server = start_server(config, port=0, tables=options.tables, startup_timeout=120)
    try:
        warm = server.wait_until_warm(timeout=600)
        warm_seconds = time.perf_counter() - started
        warm_memory = server.memory_bytes()
        warm_kernels = server.kernel_count()
        print(
            f"start to warm pool: {warm_seconds:.1f} s ({'warm' if warm else 'NOT warm'}); "
            f"{warm_kernels} kernels; {warm_memory / 2**20:,.0f} MiB"
        )
        room = asyncio.run(
            _room(server.participant_url, options.tables, options.timeout * 1000, server)
        )
        times = sorted(room["times"])
        failures = room["failures"]
        if times:
            median = statistics.median(times)
            p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
            print(
                f"time to a usable page, {options.tables} contexts at once: median {median:.2f} s "
                f"(target 5 s), 95th percentile {p95:.2f} s (target 10 s), "
                f"min {times[0]:.2f}, max {times[-1]:.2f}"
            )
        print(f"failures: {len(failures)} (target 0)" + (f": {failures[:3]}" if failures else ""))
        connected = room["memory"]
        per_device = (connected - warm_memory) / max(1, options.tables)
        print(
            f"memory with {options.tables} connected: {connected / 2**20:,.0f} MiB in "
            f"{room['kernels']} kernels (the pool refills as tables join); "
            f"per connected device: {per_device / 2**20:,.0f} MiB"
        )
        if per_device > 0:
            budget = 0.75 * total_memory - warm_memory
            print(
                f"devices one machine like this serves by memory (75% of RAM): "
                f"~{int(budget // per_device)}"
            )
        pool = sum(voila.pool_size for voila in server.processes)
        for _ in tqdm(range(options.after), desc="waiting after the contexts closed", unit="s"):
            time.sleep(1)
        left = server.kernel_count()
        print(
            f"kernels {options.after} s after every context closed: {left} "
            f"({max(0, left - pool)} beyond the warm pool of {pool}; target 0)"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
