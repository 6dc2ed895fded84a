"""The soak's PNG: time series of throughput, CPU per call, RSS, fds and connections.

No plotting library, as for the benchmark chart: this reuses `benchmarks/chart.py`'s raster
`Canvas` (bitmap font, zlib PNG writer) and only adds line plots on top of it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from chart import BLACK, GREY, LIGHT, RED, RGB, Canvas  # noqa: E402

TEAL: RGB = (0, 110, 120)
PALE: RGB = (120, 200, 200)
ORANGE: RGB = (220, 110, 20)
GREEN: RGB = (40, 150, 60)

W = 1400
LEFT, RIGHT = 110, W - 40
PANEL_H, PANEL_GAP = 170, 62


def _line(cv: Canvas, x0: int, y0: int, x1: int, y1: int, color: RGB) -> None:
    steps = max(abs(x1 - x0), abs(y1 - y0), 1)
    for i in range(steps + 1):
        x = x0 + (x1 - x0) * i // steps
        y = y0 + (y1 - y0) * i // steps
        cv.rect(x, y, x + 2, y + 2, color)


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    mag = 10.0 ** (len(str(int(v))) - 1)
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * mag >= v:
            return m * mag
    return v


def _fmt(v: float) -> str:
    if v >= 10_000:
        return f"{v / 1000:.0f}k"
    if v >= 100 or v == int(v):
        return f"{v:.0f}"
    return f"{v:.1f}"


def panel(
    cv: Canvas,
    top: int,
    title: str,
    t: Sequence[float],
    series: Sequence[tuple[str, Sequence[float | None], RGB]],
    t_max: float,
    thirds: bool = True,
    floor_zero: bool = True,
) -> None:
    bottom = top + PANEL_H
    cv.text(LEFT - 90, top - 30, title)
    x = LEFT + 260 + len(title) * 12
    for label, _, color in series:
        cv.rect(x, top - 28, x + 14, top - 14, color)
        x += 20 + cv.text(x + 20, top - 30, label, GREY) + 24
    values = [v for _, vs, _ in series for v in vs if v is not None]
    if not values:
        cv.text(LEFT + 10, top + 10, "no data", GREY)
        return
    lo = 0.0 if floor_zero else min(values)
    hi = _nice_max(max(values))
    if not floor_zero:
        span = max(hi - lo, 1.0)
        lo, hi = max(0.0, lo - span * 0.2), hi + span * 0.1
    if hi <= lo:
        hi = lo + 1

    def xp(v: float) -> int:
        return LEFT + int(v / max(t_max, 1e-9) * (RIGHT - LEFT))

    def yp(v: float) -> int:
        return bottom - int((v - lo) / (hi - lo) * PANEL_H)

    for i in range(5):
        tick = lo + (hi - lo) * i / 4
        cv.hline(LEFT, RIGHT, yp(tick), LIGHT)
        cv.text(LEFT - 8, yp(tick) - 7, _fmt(tick), GREY, anchor="r")
    if thirds:
        for k in (1, 2):
            cv.vline(xp(t_max * k / 3), top, bottom, GREY, dash=4)
    cv.hline(LEFT, RIGHT, bottom, GREY)
    for _, vs, color in series:
        prev: tuple[int, int] | None = None
        for tv, v in zip(t, vs, strict=False):
            if v is None:
                prev = None
                continue
            pt = (xp(tv), yp(min(max(v, lo), hi)))
            if prev is not None:
                _line(cv, prev[0], prev[1], pt[0], pt[1], color)
            prev = pt


def draw(res: dict[str, Any]) -> bytes:
    samples = res["samples"]
    t = [s["t"] for s in samples]
    t_max = max(t[-1] if t else 1.0, 1.0)
    panels = 6
    top0 = 190
    H = top0 + panels * (PANEL_H + PANEL_GAP) + 40
    cv = Canvas(W, H)
    m, tot, cpu = res["meta"], res["totals"], res["cpu_per_call_us"]
    verdict = "PASS" if res["passed"] else "FAIL"
    cv.text(30, 20, "oxide soak: mixed faulty traffic, one AsyncOpenAI + one OpenAI", scale=3)
    cv.text(30, 58, f"{m['date']} | {m['machine']} | Python {m['python']}", GREY)
    cv.text(
        30,
        82,
        f"{tot['calls']:,} calls in {tot['traffic_s']:.0f} s ({tot['calls_per_s']:,.0f}/s):"
        f" {tot['ok']:,} ok, {tot['typed_failures']:,} typed failures, {tot['cancelled']:,}"
        f" cancelled, {tot['untyped']} untyped, {tot['hangs']} hangs, {tot['wrong']} wrong",
    )
    cv.text(
        30,
        106,
        f"client CPU per call: p50 {cpu['p50']:,.0f} us, p99 {cpu['p99']:,.0f} us"
        f" | server faulted {tot['server_faults']:,} of {tot['server_requests']:,} requests",
    )
    x = 30 + cv.text(30, 134, verdict, RED if verdict == "FAIL" else GREEN, scale=3) + 20
    failed = [c["check"] for c in res["checks"] if not c["passed"]]
    cv.text(x, 140, ("failed: " + "; ".join(failed)) if failed else "every check passed", GREY)

    def per_s(key: str) -> list[float | None]:
        out: list[float | None] = [None]
        for a, b in zip(samples, samples[1:], strict=False):
            dt = b["t"] - a["t"]
            out.append((b[key] - a[key]) / dt if dt > 0 else None)
        return out

    cpu_us: list[float | None] = [None]
    for a, b in zip(samples, samples[1:], strict=False):
        d = b["calls"] - a["calls"]
        cpu_us.append((b["cpu_s"] - a["cpu_s"]) / d * 1e6 if d > 0 and b["t"] > 3 else None)

    def pool(key: str, field: str) -> list[float | None]:
        return [(s.get(key) or {}).get(field) for s in samples]

    def get(fn: Callable[[dict[str, Any]], float | None]) -> list[float | None]:
        return [fn(s) for s in samples]

    top = top0
    specs: list[tuple[str, list[tuple[str, Sequence[float | None], RGB]], bool]] = [
        ("calls per second", [("ok", per_s("ok"), TEAL), ("failed", per_s("failed"), RED)], True),
        ("client CPU us per call", [("per 1 s window", cpu_us, ORANGE)], True),
        ("RSS MiB", [("rss", get(lambda s: s["rss_mib"]), TEAL)], True),
        (
            "Python heap, thousands of blocks",
            [("sys.getallocatedblocks()", get(lambda s: s.get("py_blocks", 0) / 1000), TEAL)],
            True,
        ),
        (
            "open fds",
            [
                ("all", get(lambda s: s["fds"]), BLACK),
                ("sockets", get(lambda s: s["fd_types"].get("socket", 0)), TEAL),
                ("epoll", get(lambda s: s["fd_types"].get("eventpoll", 0)), ORANGE),
            ],
            True,
        ),
        (
            "connections",
            [
                ("async acquired", pool("async_pool", "acquired"), TEAL),
                ("async idle", pool("async_pool", "idle"), PALE),
                ("sync acquired", pool("sync_pool", "acquired"), ORANGE),
                ("server open", get(lambda s: s.get("server_open")), GREY),
            ],
            True,
        ),
    ]
    for title, series, zero in specs:
        panel(cv, top + 34, title, t, series, t_max, floor_zero=zero)
        top += PANEL_H + PANEL_GAP
    for i in range(0, int(t_max) + 1, max(10, int(t_max / 12) // 10 * 10 or 10)):
        xp = LEFT + int(i / t_max * (RIGHT - LEFT))
        cv.text(xp, top + 4, f"{i}s", GREY, anchor="c")
    return bytes(cv.png())
