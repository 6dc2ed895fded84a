"""`oxide files upload | list | download | delete`, with progress bars for the transfers."""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path
from typing import Any

from ._common import CLIError, Progress, add_client_options, make_client, write_json

__all__ = ["register"]

PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")


class _CountingFile(io.FileIO):
    """A file whose reads advance a progress bar (oxide streams uploads in chunks)."""

    def __init__(self, path: str, progress: Progress) -> None:
        super().__init__(path, "rb")
        self.progress = progress

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.progress.advance(len(data or b""))
        return data or b""

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        # A retry rewinds the file and sends it again: start the count again too.
        position = super().seek(offset, whence)
        self.progress.done = position
        return position


def register(commands: Any) -> None:
    files = commands.add_parser("files", help="upload, list, download and delete files")
    actions = files.add_subparsers(dest="action", required=True, metavar="ACTION")

    upload = actions.add_parser("upload", help="upload a file (a progress bar on a terminal)")
    upload.add_argument("path", type=Path)
    upload.add_argument("-p", "--purpose", default="user_data", choices=PURPOSES)
    upload.add_argument("--json", action="store_true", help="print the API's JSON")
    add_client_options(upload)
    upload.set_defaults(run=run_upload)

    listing = actions.add_parser("list", help="list uploaded files")
    listing.add_argument("-p", "--purpose", choices=PURPOSES)
    listing.add_argument("--json", action="store_true", help="print the API's JSON")
    add_client_options(listing)
    listing.set_defaults(run=run_list)

    download = actions.add_parser("download", help="download a file's content")
    download.add_argument("file_id")
    download.add_argument(
        "-o", "--output", type=Path, help="where to write it (default: its filename; - for stdout)"
    )
    add_client_options(download)
    download.set_defaults(run=run_download)

    delete = actions.add_parser("delete", help="delete a file")
    delete.add_argument("file_id")
    add_client_options(delete)
    delete.set_defaults(run=run_delete)


def run_upload(args: argparse.Namespace) -> int:
    path: Path = args.path
    if not path.is_file():
        raise CLIError(f"{path}: no such file")
    progress = Progress(f"uploading {path.name}", path.stat().st_size)
    with make_client(args) as client, _CountingFile(str(path), progress) as source:
        created = client.files.create(file=(path.name, source), purpose=args.purpose)
    progress.finish()
    if args.json:
        write_json(created.to_dict())
    else:
        print(created.id)
    return 0


def run_list(args: argparse.Namespace) -> int:
    with make_client(args) as client:
        params = {"purpose": args.purpose} if args.purpose else {}
        files = list(client.files.list(**params))
    if args.json:
        write_json([f.to_dict() for f in files])
        return 0
    for f in files:
        print(f"{f.id}\t{f.bytes}\t{f.purpose}\t{f.filename}")
    return 0


def run_download(args: argparse.Namespace) -> int:
    with make_client(args) as client:
        output: Path | None = args.output
        if output is None:
            # Only the name: a filename from the server never chooses the directory.
            name = Path(client.files.retrieve(args.file_id).filename).name
            output = Path(name if name not in ("", ".", "..") else args.file_id)
        to_stdout = str(output) == "-"
        with client.files.with_streaming_response.content(args.file_id) as response:
            total = response.headers.get("content-length")
            progress = Progress(
                f"downloading {args.file_id}", int(total) if total and total.isdigit() else None
            )
            sink = sys.stdout.buffer if to_stdout else open(output, "wb")  # noqa: SIM115
            try:
                for chunk in response.iter_bytes():
                    sink.write(chunk)
                    progress.advance(len(chunk))
            finally:
                if not to_stdout:
                    sink.close()
        progress.finish()
    if not to_stdout:
        print(output)
    return 0


def run_delete(args: argparse.Namespace) -> int:
    with make_client(args) as client:
        deleted = client.files.delete(args.file_id)
    print(f"{deleted.id} deleted" if deleted.deleted else f"{deleted.id} not deleted")
    return 0 if deleted.deleted else 1
