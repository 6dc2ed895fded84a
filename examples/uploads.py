"""A chunked upload from disk and from memory (the official examples/uploads.py)."""

import tempfile
from pathlib import Path

from oxide.compat import OpenAI

client = OpenAI()

with tempfile.TemporaryDirectory() as tmp:
    file = Path(tmp) / "big_test_file.txt"
    file.write_bytes(b"0123456789" * 100_000)  # 1 MB

    upload = client.uploads.upload_file_chunked(file=file, mime_type="txt", purpose="batch")
    print("from disk:", upload.status, upload.bytes)

    data = file.read_bytes()
    upload = client.uploads.upload_file_chunked(
        file=data, filename="my_file.txt", bytes=len(data), mime_type="txt", purpose="batch"
    )
    print("from memory:", upload.status, upload.filename)
