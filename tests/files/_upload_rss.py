"""Run as a script by test_memory.py: upload a big file to a local server and report peak RSS.

    python _upload_rss.py PATH MODE     (MODE: "path", "fileobj", "client" (a path through
                                         `client.files.create`), or "bytes": the control)

Both ends live in this process, on one loop: the server reads the body in 64 KiB chunks and
discards them, so any growth is the client's (or a server buffering it would be caught too).
A small upload first warms everything up (imports, the session, executor threads); the peak
is then reset through /proc/self/clear_refs when the kernel allows it, so the reported growth
is the big upload's alone. Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import resource
import sys
from typing import Any

import aiohttp
from aiohttp import web

import oxide
from oxide._files import multipart_factory


def status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak() -> bool:
    """Linux: writing 5 to clear_refs resets VmHWM to the current RSS."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def peak_kb() -> int:
    hwm = status_kb("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def main(path: pathlib.Path, mode: str) -> dict[str, object]:
    received = 0

    async def sink(request: web.Request) -> web.StreamResponse:
        nonlocal received
        received = 0
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            assert isinstance(part, aiohttp.BodyPartReader)
            while chunk := await part.read_chunk(65536):
                if part.filename is not None:
                    received += len(chunk)
        return web.json_response(
            {
                "id": "file-1",
                "object": "file",
                "bytes": received,
                "created_at": 0,
                "filename": "big.bin",
                "purpose": "fine-tune",
                "status": "uploaded",
            }
        )

    app = web.Application()
    app.router.add_post("/upload", sink)
    app.router.add_post("/v1/files", sink)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    assert site._server is not None
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}/upload"

    small = path.with_name("warmup.bin")
    small.write_bytes(b"w" * 1024 * 1024)
    opened = []
    try:
        async with (
            aiohttp.ClientSession() as session,
            oxide.AsyncOpenAI(api_key="k", base_url=url.replace("/upload", "/v1")) as client,
        ):

            async def upload(target: pathlib.Path) -> None:
                if mode == "client":
                    # The whole path of a user's call: the generated resource, the engine.
                    created = await client.files.create(file=target, purpose="fine-tune")
                    assert created.id == "file-1"
                    return
                files: list[tuple[str, Any]]
                if mode == "path":
                    files = [("file", target)]
                elif mode == "bytes":
                    # The control: what reading the file whole (as the SDK does) costs.
                    files = [("file", ("upload.bin", target.read_bytes()))]
                else:
                    f = open(target, "rb")  # noqa: SIM115 - closed below
                    opened.append(f)
                    files = [("file", ("upload.bin", f))]
                factory = multipart_factory({"purpose": "fine-tune"}, files)
                async with session.post(url, data=factory()) as resp:
                    assert resp.status == 200, resp.status
                    await resp.read()

            await upload(small)
            await upload(small)
            reset = reset_peak()
            before = status_kb("VmRSS") if reset else peak_kb()
            assert before is not None
            await upload(path)
            after = peak_kb()
    finally:
        for f in opened:
            f.close()
        await runner.cleanup()
    return {
        "before_kb": before,
        "peak_kb": after,
        "growth_kb": after - before,
        "received": received,
        "peak_was_reset": reset,
    }


if __name__ == "__main__":
    result = asyncio.run(main(pathlib.Path(sys.argv[1]), sys.argv[2]))
    print(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: nothing to measure there
