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

On one 2-core machine the 15 Chromium contexts and the server share the same two cores,
and each Voila page costs Chromium some 3 s of CPU (Voila's own 5 MB of JavaScript; the
renderer and browser processes), which in a room is spent on 15 different devices. So the
server's share is measured first, on its own: 15 simulated devices at once each fetch the
page and every file a browser fetched for it (the list is taken from one real page load),
connect to their kernel and ask it for the widgets' state, as the page's widget manager
does; a device is served when the state arrives.

Run: .venv/bin/python benchmarks/bench_workshop_room.py [--tables 15] [--persons 250000]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import re
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psutil
from tqdm import tqdm

from toolkit.workshop import demo_workshop, start_server
from toolkit.workshop.server import POOL_REFILL_SECONDS

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
        # The kernels serving the pages (the pool is empty now: each page took one).
        used = server.participants.kernel_processes()
        kernel_memory = []
        for kernel in used:
            try:
                info = kernel.memory_full_info()
                kernel_memory.append(int(getattr(info, "pss", info.rss)))
            except psutil.NoSuchProcess:
                continue
        for _, _, context in results:
            await context.close()
        await browser.close()
    return {
        "times": [seconds for seconds, _, _ in results if seconds is not None],
        "failures": [reason for seconds, reason, _ in results if seconds is None],
        "memory": connected_memory,
        "kernels": connected_kernels,
        "used": used,
        "kernel_memory": kernel_memory,
    }


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[
        min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))
    ]


def _page_files(url: str) -> list[str]:
    """Return the paths of every file one real page load fetches from the server."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector(USABLE, timeout=120_000)
        names = page.evaluate(
            "() => performance.getEntriesByType('resource').map(entry => entry.name)"
        )
        browser.close()
    host = urlsplit(url).netloc
    paths = []
    for name in names:
        parts = urlsplit(name)
        if parts.netloc == host and "/api/" not in parts.path:
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def _device(url: str, files: list[str], results: list, barrier: threading.Barrier) -> None:
    """Do what a page does, without rendering: fetch it and its files, get the widgets."""
    import websocket

    parts = urlsplit(url)
    token = re.search(r"token=([^&]+)", parts.query).group(1)
    barrier.wait()
    start = time.perf_counter()
    try:
        connection = http.client.HTTPConnection(parts.netloc, timeout=120)
        connection.request("GET", f"{parts.path}?{parts.query}")
        answer = connection.getresponse()
        html = answer.read().decode("utf-8", "replace")
        kernel = re.search(r'"kernelId"\s*:\s*"([0-9a-f-]+)"', html).group(1)
        for path in files:
            connection.request("GET", path)
            connection.getresponse().read()
        connection.close()
        socket = websocket.create_connection(
            f"ws://{parts.netloc}/api/kernels/{kernel}/channels?"
            f"session_id={uuid.uuid4().hex}&token={token}",
            timeout=120,
        )
        comm = uuid.uuid4().hex

        def send(kind: str, content: dict, metadata: dict | None = None) -> None:
            header = {
                "msg_id": uuid.uuid4().hex,
                "username": "device",
                "session": uuid.uuid4().hex,
                "msg_type": kind,
                "version": "5.3",
                "date": "2026-01-01T00:00:00Z",
            }
            message = {
                "header": header,
                "parent_header": {},
                "metadata": metadata or {},
                "content": content,
                "channel": "shell",
                "buffers": [],
            }
            socket.send(json.dumps(message))

        send(
            "comm_open",
            {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}},
            {"version": "1.0.0"},
        )
        send("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}})
        while True:
            reply = json.loads(socket.recv())
            data = reply.get("content", {}).get("data", {})
            if reply["header"]["msg_type"] == "comm_msg" and data.get("method") == "update_states":
                results.append((time.perf_counter() - start, len(data.get("states", {})), ""))
                break
        socket.close()
    except Exception as error:  # a failure is counted, not raised
        results.append((None, 0, str(error).splitlines()[0] if str(error) else repr(error)))


def _server_share(url: str, files: list[str], devices: int) -> list[tuple]:
    results: list[tuple] = []
    barrier = threading.Barrier(devices)
    threads = [
        threading.Thread(target=_device, args=(url, files, results, barrier))
        for _ in range(devices)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _wait_for_refill(server, timeout: float = 600.0) -> None:
    """Wait until Voila has topped the warm pool up after a wave and every kernel is ready."""
    from toolkit.workshop.server import POOL_REFILL_SECONDS

    time.sleep(POOL_REFILL_SECONDS + 2)
    voila = server.participants
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = len(voila.kernel_processes())
        if alive >= voila.pool_size and voila.ready_kernels() >= alive:
            return
        time.sleep(1)


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
        files = _page_files(server.participant_url)
        _wait_for_refill(server)
        served = _server_share(server.participant_url, files, options.tables)
        seconds = [entry[0] for entry in served if entry[0] is not None]
        if seconds:
            median, p95 = _percentiles(seconds)
            widgets = max(entry[1] for entry in served)
            print(
                f"server's share, {options.tables} devices at once (page, its {len(files)} files, "
                f"then the state of {widgets} widgets from the kernel): median {median:.2f} s, "
                f"95th percentile {p95:.2f} s"
            )
        errors = [entry[2] for entry in served if entry[0] is None]
        print(f"server's share failures: {len(errors)}" + (f": {errors[:3]}" if errors else ""))
        _wait_for_refill(server)
        room = asyncio.run(
            _room(server.participant_url, options.tables, options.timeout * 1000, server)
        )
        times = sorted(room["times"])
        failures = room["failures"]
        if times:
            median, p95 = _percentiles(times)
            print(
                f"time to a usable page in Chromium, {options.tables} contexts at once on this "
                f"machine: median {median:.2f} s (target 5 s), 95th percentile {p95:.2f} s "
                f"(target 10 s), min {times[0]:.2f}, max {times[-1]:.2f}"
            )
        print(f"failures: {len(failures)} (target 0)" + (f": {failures[:3]}" if failures else ""))
        connected = room["memory"]
        per_device = statistics.mean(room["kernel_memory"]) if room["kernel_memory"] else 0.0
        print(
            f"memory with {options.tables} connected: {connected / 2**20:,.0f} MiB in "
            f"{room['kernels']} kernels (both servers and their kernels, PSS; the pool is topped "
            f"up {POOL_REFILL_SECONDS:.0f} s after a wave); each connected device holds one "
            f"kernel of {per_device / 2**20:,.0f} MiB on average, and the warm pool one more "
            "per expected table"
        )
        if per_device > 0:
            servers = connected - sum(room["kernel_memory"])
            budget = 0.75 * total_memory - servers
            print(
                f"devices one machine like this serves by memory (75% of RAM, a warm kernel "
                f"kept for each): ~{int(budget // (2 * per_device))}"
            )
        for _ in tqdm(
            range(options.after), desc="waiting after the contexts closed", unit="s", mininterval=10
        ):
            time.sleep(1)
        left = [kernel for kernel in room["used"] if kernel.is_running()]
        print(
            f"kernels of closed pages still running {options.after} s after every context "
            f"closed: {len(left)} of {len(room['used'])} (target 0); kernels running: "
            f"{server.kernel_count()} (the warm pool, topped up)"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
