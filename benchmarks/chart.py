"""The benchmark chart (PNG) and results table (Markdown), from the summary JSON.

    python benchmarks/chart.py                                   # results/summary.json -> results/chart.png
    python benchmarks/chart.py SUMMARY -o chart.png --markdown table.md --readme benchmarks/README.md

No plotting library: a small raster canvas, a built-in 5x8 bitmap font and a zlib PNG writer,
so the chart builds from the same venv as the benchmarks with nothing to install.

`--readme` rewrites the block between `<!-- results:start -->` and `<!-- results:end -->`.
"""

from __future__ import annotations

import argparse
import math
import struct
import sys
import zlib
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _font import GLYPHS, WIDTH  # noqa: E402

RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (20, 20, 24)
GREY: RGB = (130, 130, 136)
LIGHT: RGB = (226, 226, 230)
RED: RGB = (200, 30, 40)

COLORS: dict[str, RGB] = {
    "floor": (150, 150, 150),
    "floor-enc": (95, 95, 100),
    "floor-proto": (200, 200, 205),
    "oxide-async": (0, 110, 120),
    "oxide-async-aio": (60, 140, 90),
    "oxide-async-uvloop": (0, 70, 80),
    "oxide-sync": (40, 160, 170),
    "oxide-async-py": (120, 200, 200),
    "oxide-sync-py": (170, 225, 225),
    "oxide-official": (90, 120, 200),
    "openai-async": (220, 110, 20),
    "openai-aiohttp": (170, 70, 10),
    "openai-sync": (245, 170, 110),
}
SHORT = {
    "floor": "floor (aiohttp+orjson)",
    "floor-enc": "floor + orjson.dumps",
    "floor-proto": "bare asyncio protocol",
    "oxide-async": "oxide AsyncOpenAI",
    "oxide-async-aio": "oxide async, aiohttp path",
    "oxide-async-uvloop": "oxide async on uvloop",
    "oxide-sync": "oxide OpenAI (sync)",
    "oxide-async-py": "oxide async, no ext",
    "oxide-sync-py": "oxide sync, no ext",
    "oxide-official": "oxide.official async",
    "openai-async": "openai async (httpx2)",
    "openai-aiohttp": "openai async (aiohttp)",
    "openai-sync": "openai sync",
}
TINY = {
    "floor": "floor",
    "floor-enc": "floor+dumps",
    "floor-proto": "asyncio proto",
    "oxide-async": "oxide async",
    "oxide-async-aio": "oxide aiohttp",
    "oxide-async-uvloop": "oxide uvloop",
    "oxide-sync": "oxide sync",
    "oxide-async-py": "oxide async-ext",
    "oxide-sync-py": "oxide sync-ext",
    "oxide-official": "oxide official",
    "openai-async": "openai httpx2",
    "openai-aiohttp": "openai aiohttp",
    "openai-sync": "openai sync",
}
CHART_CLIENTS = (
    "floor-proto",
    "oxide-async",
    "oxide-async-aio",
    "oxide-async-uvloop",
    "oxide-sync",
    "oxide-async-py",
    "oxide-official",
    "openai-async",
    "openai-aiohttp",
    "openai-sync",
)


class Canvas:
    def __init__(self, width: int, height: int, bg: RGB = WHITE) -> None:
        self.w, self.h = width, height
        self.px = bytearray(bytes(bg) * (width * height))

    def rect(self, x0: int, y0: int, x1: int, y1: int, color: RGB) -> None:
        x0, x1 = max(0, min(x0, x1)), min(self.w, max(x0, x1))
        y0, y1 = max(0, min(y0, y1)), min(self.h, max(y0, y1))
        if x0 >= x1 or y0 >= y1:
            return
        row = bytes(color) * (x1 - x0)
        for y in range(y0, y1):
            start = (y * self.w + x0) * 3
            self.px[start : start + len(row)] = row

    def vline(self, x: int, y0: int, y1: int, color: RGB, dash: int = 0) -> None:
        for y in range(y0, y1):
            if not dash or (y // dash) % 2 == 0:
                self.rect(x, y, x + 1, y + 1, color)

    def hline(self, x0: int, x1: int, y: int, color: RGB) -> None:
        self.rect(x0, y, x1, y + 1, color)

    def text(
        self, x: int, y: int, s: str, color: RGB = BLACK, scale: int = 2, anchor: str = "l"
    ) -> int:
        """Draws `s` with its top at `y`; anchor l/r/c on x. Returns the text width."""
        adv = (WIDTH + 1) * scale
        width = len(s) * adv - scale
        if anchor == "r":
            x -= width
        elif anchor == "c":
            x -= width // 2
        for i, ch in enumerate(s):
            rows = GLYPHS.get(ch) or GLYPHS["?"]
            gx = x + i * adv
            for r, bits in enumerate(rows):
                if not bits:
                    continue
                for c in range(WIDTH):
                    if bits & (1 << (WIDTH - 1 - c)):
                        self.rect(
                            gx + c * scale,
                            y + r * scale,
                            gx + (c + 1) * scale,
                            y + (r + 1) * scale,
                            color,
                        )
        return width

    def png(self) -> bytes:
        raw = bytearray()
        stride = self.w * 3
        for y in range(self.h):
            raw.append(0)
            raw += self.px[y * stride : (y + 1) * stride]

        def chunk(kind: bytes, data: bytes) -> bytes:
            return (
                struct.pack(">I", len(data))
                + kind
                + data
                + struct.pack(">I", zlib.crc32(kind + data))
            )

        header = struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
            + chunk(b"IEND", b"")
        )


def _fmt_ratio(v: float) -> str:
    return f"{v:.2f}x" if v < 10 else f"{v:.0f}x"


def draw(summary: dict[str, Any]) -> bytes:
    scenarios = summary["scenarios"]
    W = 1400
    left, right = 370, 1260
    lo, hi = 0.2, 150.0
    bar_h, gap, group_gap = 16, 3, 22
    n_bars = len(CHART_CLIENTS)
    group_h = n_bars * (bar_h + gap) + group_gap
    top = 210
    main_h = len(scenarios) * group_h
    bottom_top = top + main_h + 60
    H = bottom_top + 360
    cv = Canvas(W, H)

    meta = summary["meta"]
    cv.text(30, 20, "oxide vs the official openai SDK: client CPU per call", scale=3)
    cv.text(
        30,
        56,
        "x the floor: bare aiohttp posting orjson.dumps(request) + orjson.loads (lower is better)",
        GREY,
    )
    mach = meta["machine"]
    cv.text(
        30,
        80,
        f"{meta['date']} | {mach['cpus']} cores, client CPU {mach['client_cpu']}, "
        f"server CPU {mach['server_cpu']} | Python {mach['python']} | openai "
        f"{meta['versions']['openai']}",
        GREY,
    )
    # legend
    for i, kind in enumerate(CHART_CLIENTS):
        x, y = 30 + (i % 3) * 330, 110 + (i // 3) * 24
        cv.rect(x, y, x + 16, y + 16, COLORS[kind])
        cv.text(x + 22, y, SHORT[kind])
    cv.vline(1020, 110, 126, RED, dash=3)
    cv.vline(1021, 110, 126, RED, dash=3)
    cv.text(1030, 110, "oxide target", RED)

    def xpos(v: float) -> int:
        v = min(max(v, lo), hi)
        return left + int(
            (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * (right - left)
        )

    ticks = [0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
    for t in ticks:
        xp = xpos(t)
        cv.vline(xp, top - 8, top + main_h, LIGHT)
        cv.text(xp, top - 28, f"{t:g}x", GREY, anchor="c")
        cv.text(xp, top + main_h + 6, f"{t:g}x", GREY, anchor="c")
    cv.vline(xpos(1), top - 8, top + main_h, GREY)

    for gi, (_name, s) in enumerate(scenarios.items()):
        y0 = top + gi * group_h
        title = s["title"] + (" (CPU; calls/s below)" if s.get("throughput") else "")
        words, line, lines = title.split(), "", []
        for w in words:
            if len(line) + len(w) + 1 > 28:
                lines.append(line)
                line = w
            else:
                line = f"{line} {w}".strip()
        lines.append(line)
        for li, text in enumerate(lines[:3]):
            cv.text(30, y0 + 6 + li * 22, text)
        per = "per stream" if s["unit"] == "stream" else "per call"
        floor_us = s["clients"].get("floor-enc", {}).get("cpu_us")
        if floor_us:
            cv.text(30, y0 + 6 + len(lines[:3]) * 22, f"floor {floor_us:,.0f} us {per}", GREY)
        for bi, kind in enumerate(CHART_CLIENTS):
            d = s["clients"].get(kind)
            by = y0 + bi * (bar_h + gap)
            if d is None:
                continue
            if "skip" in d:
                label = "not implemented yet" if "not implemented" in d["skip"] else "skipped"
                cv.text(left + 6, by, label, GREY)
                continue
            if "error" in d or d.get("ratio_cpu_floor_enc") is None:
                cv.text(left + 6, by, "error", RED)
                continue
            v = d["ratio_cpu_floor_enc"]
            cv.rect(left, by, xpos(v), by + bar_h, COLORS[kind])
            cv.text(xpos(v) + 6, by, _fmt_ratio(v))
        target = s.get("target")
        if target and not s.get("throughput"):
            xp = xpos(target)
            cv.vline(xp, y0 - 4, y0 + n_bars * (bar_h + gap), RED, dash=3)
            cv.vline(xp + 1, y0 - 4, y0 + n_bars * (bar_h + gap), RED, dash=3)
        cv.hline(30, W - 30, y0 + group_h - group_gap // 2, LIGHT)

    # Bottom: throughput, import, memory.
    panels = [
        _throughput_panel(summary),
        _import_panel(summary),
        _memory_panel(summary),
    ]
    pw = (W - 60) // 3
    for i, (title, unit, rows, target_note, target) in enumerate(panels):
        px0 = 30 + i * pw
        cv.text(px0, bottom_top, title)
        cv.text(px0, bottom_top + 22, unit, GREY)
        if target_note:
            cv.text(px0, bottom_top + 44, target_note, RED)
        if not rows:
            cv.text(px0, bottom_top + 80, "not measured", GREY)
            continue
        vmax = max(v for _, v, _ in rows) or 1.0
        label_w = 190
        bw = pw - label_w - 80
        vmax = max(vmax, target or 0.0)
        for ri, (label, v, color) in enumerate(rows):
            ry = bottom_top + 74 + ri * 30
            cv.text(px0, ry, label)
            cv.rect(px0 + label_w, ry, px0 + label_w + max(1, int(bw * v / vmax)), ry + 18, color)
            cv.text(px0 + label_w + max(1, int(bw * v / vmax)) + 6, ry, _num(v))
        if target:
            tx = px0 + label_w + int(bw * target / vmax)
            bottom = bottom_top + 74 + len(rows) * 30
            cv.vline(tx, bottom_top + 66, bottom, RED, dash=3)
            cv.vline(tx + 1, bottom_top + 66, bottom, RED, dash=3)
    return cv.png()


def _num(v: float) -> str:
    if v >= 10_000:
        return f"{v / 1000:.0f}k"
    if v >= 100:
        return f"{v:.0f}"
    return f"{v:.1f}"


def _throughput_panel(summary: dict[str, Any]) -> tuple[str, str, list[Any], str, float | None]:
    s = summary["scenarios"].get("concurrency")
    rows = []
    target = None
    if s:
        enc = s["clients"].get("floor-enc", {}).get("calls_per_s")
        target = enc * s["target"] if enc and s.get("target") else None
        for kind in COLORS:
            d = s["clients"].get(kind, {})
            if d.get("calls_per_s"):
                rows.append((TINY[kind], d["calls_per_s"], COLORS[kind]))
    return (
        "256 tasks x 8 calls",
        "calls/s (wall), higher=better",
        rows,
        f"target: oxide >= {s['target'] if s else 0:g}x floor+dumps",
        target,
    )


def _import_panel(summary: dict[str, Any]) -> tuple[str, str, list[Any], str, float | None]:
    imp = summary.get("imports")
    rows = []
    target = None
    palette = [(150, 150, 150), (0, 110, 120), (120, 200, 200), (220, 110, 20)]
    if imp:
        for (name, v), color in zip(imp["variants"].items(), palette, strict=False):
            label = {"aiohttp+msgspec+orjson": "deps only", "oxide (no ext)": "oxide -ext"}.get(
                name, name
            )
            rows.append((label, v["cpu_ms"], color))
        base = imp["variants"].get("aiohttp+msgspec+orjson", {}).get("cpu_ms")
        target = base * imp["target"] if base else None
    return ("cold import", "CPU ms, lower=better", rows, "target: oxide <= 1.3x deps", target)


def _memory_panel(summary: dict[str, Any]) -> tuple[str, str, list[Any], str, float | None]:
    mem = summary.get("memory")
    rows = []
    target = None
    if mem:
        sdk = mem["by_client"].get("openai-async", {}).get("completion_bytes")
        target = sdk * mem["target"] if sdk else None
        for kind, v in mem["by_client"].items():
            if "completion_bytes" in v and kind in ("floor", "oxide-async", "openai-async"):
                rows.append((TINY[kind], v["completion_bytes"], COLORS[kind]))
    return (
        "memory per held completion",
        "bytes (tracemalloc)",
        rows,
        "target: oxide <= 0.4x openai",
        target,
    )


# ---------------------------------------------------------------------------------------------
# Markdown


def markdown(summary: dict[str, Any]) -> str:
    scenarios = summary["scenarios"]
    clients = [c for c in SHORT if any(c in s["clients"] for s in scenarios.values())]
    meta = summary["meta"]
    mach = meta["machine"]
    out = []
    out.append(
        f"Run {meta['date']} on {mach['cpu']} ({mach['cpus']} cores; client pinned to CPU "
        f"{mach['client_cpu']}, server to CPU {mach['server_cpu']}), Python {mach['python']}, "
        + ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
        + f"; {meta['duration_s'] / 60:.1f} min{' (--bench-quick)' if meta.get('quick') else ''}."
    )
    out.append("")
    out.append(f"Command: `{meta['command']}`")
    out.append("")
    out.append(
        "**CPU per call as a multiple of the floor that encodes the request** (median of per-round "
        "ratios; for the concurrency row, calls per second as a multiple of the floor's; `n/i` = not "
        "implemented yet):"
    )
    out.append("")
    out.append("| scenario | target | " + " | ".join(SHORT[c] for c in clients) + " |")
    out.append("|---|---|" + "---|" * len(clients))
    for s in scenarios.values():
        cells = []
        for c in clients:
            d = s["clients"].get(c, {})
            if "skip" in d:
                cells.append("n/i" if "not implemented" in d["skip"] else "–")
            elif "error" in d:
                cells.append("error")
            elif s.get("throughput") and d.get("ratio_calls_per_s_floor_enc") is not None:
                cells.append(f"{d['ratio_calls_per_s_floor_enc']:.2f}")
            elif d.get("ratio_cpu_floor_enc") is not None:
                cells.append(f"{d['ratio_cpu_floor_enc']:.2f}")
            else:
                cells.append("–")
        tgt = s.get("target")
        tgt_s = "" if tgt is None else (f"≥ {tgt} (calls/s)" if s.get("throughput") else f"≤ {tgt}")
        out.append(f"| {s['title']} | {tgt_s} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("**CPU µs per call** (median over rounds; per stream for streams):")
    out.append("")
    out.append("| scenario | " + " | ".join(SHORT[c] for c in clients) + " |")
    out.append("|---|" + "---|" * len(clients))
    for _name, s in scenarios.items():
        cells = []
        for c in clients:
            d = s["clients"].get(c, {})
            cells.append(
                f"{d['cpu_us']:,.0f}" if "cpu_us" in d else ("n/i" if "skip" in d else "–")
            )
        out.append(f"| {s['title']} | " + " | ".join(cells) + " |")
    conc = scenarios.get("concurrency")
    if conc:
        out.append("")
        out.append(
            "**Concurrency (256 tasks × 8 calls)**, calls per second (wall) and ratio to the floor + encode:"
        )
        out.append("")
        out.append("| client | calls/s | × floor-enc | CPU µs/call |")
        out.append("|---|---|---|---|")
        for c in clients:
            d = conc["clients"].get(c, {})
            if d.get("calls_per_s"):
                out.append(
                    f"| {SHORT[c]} | {d['calls_per_s']:,.0f} | {d['ratio_calls_per_s_floor_enc']:.2f} | {d['cpu_us']:,.0f} |"
                )
    imp = summary.get("imports")
    if imp:
        out.append("")
        out.append(
            f"**Cold import** (fresh interpreter, median of {imp['rounds']} interleaved rounds):"
        )
        out.append("")
        out.append("| import | CPU ms | × deps | wall ms | × deps (wall) |")
        out.append("|---|---|---|---|---|")
        for name, v in imp["variants"].items():
            out.append(
                f"| `{name}` | {v['cpu_ms']:.0f} | {v['ratio_to_base']:.2f} | {v['wall_ms']:.0f} | {v['ratio_to_base_wall']:.2f} |"
            )
    mem = summary.get("memory")
    if mem:
        out.append("")
        out.append(
            f"**Memory** (tracemalloc; per client: {mem['clients']} clients each after one call; per completion: "
            f"{mem['held']} tiny completions held):"
        )
        out.append("")
        out.append(
            "| client | KiB per client | KiB RSS per client | bytes per held completion | × openai |"
        )
        out.append("|---|---|---|---|---|")
        for kind, v in mem["by_client"].items():
            if "error" in v:
                out.append(f"| {SHORT[kind]} | error | | | |")
                continue
            held = v.get("completion_bytes")
            ratio = v.get("completion_ratio_to_openai")
            out.append(
                f"| {SHORT[kind]} | {v['client_bytes'] / 1024:.1f} | {v['client_rss_bytes'] / 1024:.0f} | "
                + (
                    f"{held:,.0f} | {ratio:.2f} |"
                    if held is not None
                    else "(same objects as openai async) | |"
                )
            )
    out.extend(_websocket_markdown(summary))
    targets = summary.get("targets") or []
    if targets:
        out.append("")
        out.append("**Targets** (oxide, from the issue):")
        out.append("")
        out.append("| scenario | client | measured | target | status |")
        out.append("|---|---|---|---|---|")
        for t in targets:
            status = t.get("status") or ("met" if t.get("met") else "**missed**")
            value = f"{t['value']:.2f}" if t.get("value") is not None else "–"
            op = "≥" if t["scenario"] == "concurrency" else "≤"
            out.append(
                f"| {t['scenario']} | {t['client']} | {value} | {op} {t['target']} | {status} |"
            )
    notes = meta.get("notes") or []
    for note in notes:
        out.append("")
        out.append(f"Note: {note}")
    return "\n".join(out) + "\n"


def _websocket_markdown(summary: dict[str, Any]) -> list[str]:
    """The Responses WebSocket-mode tables (`_ws_bench.py`), if that part ran."""
    ws = summary.get("websocket")
    if not ws or not ws.get("scenarios"):
        return []
    sc = ws["scenarios"]

    def costs(route: str) -> str:
        c = ws["costs_ms"].get(route, {})
        if not any(c.values()):
            return "no costs"
        return (
            f"latency {c['latency_ms']:g} ms, setup {c['setup_ms']:g} ms, "
            f"state load {c['state_ms']:g} ms"
        )

    def cell(name: str, mode: str, key: str, spec: str) -> str:
        d = sc.get(name, {}).get("modes", {}).get(mode)
        if d is None:
            return ""
        if "skip" in d:
            return "skipped"
        if "error" in d:
            return "error"
        v = d.get(key)
        return "–" if v is None else format(v, spec)

    out = [
        "",
        f"**Responses WebSocket mode vs HTTP**: a {ws['turns']}-turn tool loop chained with "
        f"`previous_response_id` (requests {ws['request_bytes'][0]:,}-{ws['request_bytes'][1]:,} B: "
        f"model, instructions, 3 tools, one input item; answers: a {ws['response_bytes'][0]:,} B "
        f"Response, or {'/'.join(map(str, ws['events_per_turn']))} events when streamed). "
        f"Server costs: `ws_loop` / `ws_agents` {costs('loop')}; `*_real` {costs('loopreal')}. "
        "CPU is the client's per turn; × = median of per-round ratios to oxide's HTTP call "
        "(non-streaming / streaming).",
        "",
        "| client | CPU µs/turn | × HTTP | × HTTP stream | wall ms/task | CPU µs/turn (real) "
        "| wall ms/task (real) | × HTTP wall (real) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    modes: list[str] = []
    for name in ("ws_loop", "ws_loop_real"):
        for m in sc.get(name, {}).get("modes", {}):
            if m not in modes:
                modes.append(m)
    for m in modes:
        d = sc.get("ws_loop", {}).get("modes", {}).get(m) or sc["ws_loop_real"]["modes"][m]
        out.append(
            f"| {d['label']} | {cell('ws_loop', m, 'cpu_us_per_turn', ',.0f')} "
            f"| {cell('ws_loop', m, 'ratio_cpu_http', '.2f')} "
            f"| {cell('ws_loop', m, 'ratio_cpu_http_stream', '.2f')} "
            f"| {cell('ws_loop', m, 'wall_ms_per_task', ',.1f')} "
            f"| {cell('ws_loop_real', m, 'cpu_us_per_turn', ',.0f')} "
            f"| {cell('ws_loop_real', m, 'wall_ms_per_task', ',.0f')} "
            f"| {cell('ws_loop_real', m, 'ratio_wall_http', '.2f')} |"
        )
    agents = [n for n in ("ws_agents", "ws_agents_real") if n in sc]
    if agents:
        out += [
            "",
            f"**{ws['agents']} concurrent agent loops** ({ws['turns']} turns each) on one client: "
            f"HTTP (one `AsyncOpenAI`, its connection pool) vs a session pool of "
            f"{ws['pool_size']} sockets (and of {ws['agents']}); wall time for all of them:",
            "",
            "| client | wall s | CPU µs/turn | × HTTP CPU | wall s (real) | CPU µs/turn (real) "
            "| × HTTP wall (real) |",
            "|---|---|---|---|---|---|---|",
        ]
        modes = []
        for name in agents:
            for m in sc[name]["modes"]:
                if m not in modes:
                    modes.append(m)
        for m in modes:
            d = sc.get("ws_agents", {}).get("modes", {}).get(m) or sc["ws_agents_real"]["modes"][m]
            out.append(
                f"| {d['label']} | {cell('ws_agents', m, 'wall_s_per_batch', '.2f')} "
                f"| {cell('ws_agents', m, 'cpu_us_per_turn', ',.0f')} "
                f"| {cell('ws_agents', m, 'ratio_cpu_http', '.2f')} "
                f"| {cell('ws_agents_real', m, 'wall_s_per_batch', '.2f')} "
                f"| {cell('ws_agents_real', m, 'cpu_us_per_turn', ',.0f')} "
                f"| {cell('ws_agents_real', m, 'ratio_wall_http', '.2f')} |"
            )
    skipped = {
        d["label"]: d["skip"] for s in sc.values() for d in s["modes"].values() if "skip" in d
    }
    for label, reason in skipped.items():
        out += ["", f"Skipped: {label}: {reason}."]
    return out


START, END = "<!-- results:start -->", "<!-- results:end -->"


def update_readme(path: Path, block: str) -> None:
    text = path.read_text()
    a, b = text.find(START), text.find(END)
    if a < 0 or b < 0:
        raise SystemExit(f"{path}: no {START} ... {END} block")
    path.write_text(text[: a + len(START)] + "\n" + block + text[b:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="benchmark chart and table")
    parser.add_argument("summary", nargs="?", default=str(HERE / "results" / "summary.json"))
    parser.add_argument("-o", "--output", default=str(HERE / "results" / "chart.png"))
    parser.add_argument("--markdown", help="write the results table here")
    parser.add_argument("--readme", help="replace the results block of this Markdown file")
    args = parser.parse_args(argv)
    summary = orjson.loads(Path(args.summary).read_bytes())
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_bytes(draw(summary))
    print(f"wrote {args.output}")
    table = markdown(summary)
    if args.markdown:
        Path(args.markdown).write_text(table)
        print(f"wrote {args.markdown}")
    if args.readme:
        update_readme(Path(args.readme), table)
        print(f"updated {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
