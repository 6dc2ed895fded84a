"""Multipart file uploads: the official SDK's file inputs, sent as a streamed aiohttp payload.

What the SDK does (`_files.py`, `_utils.extract_files`, `_base_client._build_request`,
`_qs.py`, then httpx's `MultipartStream`), and what oxide keeps of it:

* A resource method copies its params along the file paths (`deepcopy_with_paths`) and pulls
  the file entries out (`extract_files`): `[["file"]]` gives `("file", <content>)`,
  `[["image", "<array>"]]` gives one `("image[]", <content>)` per file.
* The rest of the body becomes form fields (`form_fields`): nested dicts `a[b]`, lists `a[]`,
  `true`/`false`, None and "" left out, everything else `str()`.
* The wire format is httpx's, byte for byte (the tests compare against the SDK's own request):
  data fields first, then files; `Content-Disposition: form-data; name="..."; filename="..."`
  with HTML5 escaping, then the tuple's extra headers, then `Content-Type` (given, else guessed
  from the filename, else `application/octet-stream`; no filename, no guess).

What differs, on purpose: the SDK reads every path into memory before sending
(`path.read_bytes()`); oxide opens a path only while its part is being written and streams it
in `_CHUNK` reads on executor threads, so a 200 MB upload costs a few hundred KB. File objects
are streamed the same way and never closed by oxide.

Retries. An aiohttp payload is written once per attempt, so the request engine builds one per
attempt from a `MultipartFactory` (`multipart_factory(data, files)`); each call re-stats paths
and gives a fresh payload. Sources are rewound the way httpx does it (`seek(0)`, so a file
object is always sent from its start, as the SDK sends it). A file object that cannot seek (a
pipe, a socket) can be sent only once: `factory.replayable` is False, and once its first byte
has been read, `factory.spent` is True and calling the factory raises instead of sending a
truncated file.

For the request engine, a multipart call (`body` + `files` + a `multipart/form-data` header):

    factory = multipart_factory(body, files, boundary=boundary_from_content_type(content_type))
    # headers: drop a Content-Type without a boundary; the payload carries its own
    for each attempt:
        if factory.spent: stop retrying, raise the previous attempt's error
        await session.request(method, url, headers=headers, data=factory())
"""

from __future__ import annotations

import asyncio
import errno
import io
import mimetypes
import os
import pathlib
import re
import stat
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Literal, TypeAlias, TypeGuard, TypeVar, cast

from aiohttp.abc import AbstractStreamWriter
from aiohttp.payload import Payload

from ._types import NotGiven, Omit

__all__ = [
    "ArrayFormat",
    "FileContent",
    "FileTypes",
    "MultipartFactory",
    "MultipartPayload",
    "RequestFiles",
    "assert_is_file_content",
    "boundary_from_content_type",
    "deepcopy_with_paths",
    "extract_files",
    "file_from_path",
    "form_fields",
    "is_file_content",
    "multipart_body",
    "multipart_factory",
]

_T = TypeVar("_T")

# The SDK's aliases (`openai._types`), with `os.PathLike` instead of anyio paths: an
# `anyio.Path` implements `__fspath__`, so it is accepted as a PathLike all the same.
FileContent: TypeAlias = IO[bytes] | bytes | os.PathLike[str]
FileTypes: TypeAlias = (
    FileContent
    | tuple[str | None, FileContent]
    | tuple[str | None, FileContent, str | None]
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles: TypeAlias = Mapping[str, FileTypes] | Sequence[tuple[str, FileTypes]]
ArrayFormat: TypeAlias = Literal["comma", "repeat", "indices", "brackets"]

# Bytes read from a file (or sliced from a large bytes value) per write: big enough that the
# executor hop per read is noise, small enough that peak memory stays a few chunks.
_CHUNK = 256 * 1024


# -- the SDK's file-input checks ------------------------------------------------------------------


def is_file_content(obj: object) -> TypeGuard[FileContent]:
    return isinstance(obj, (bytes, tuple, io.IOBase, os.PathLike))


def assert_is_file_content(obj: object, *, key: str | None = None) -> None:
    """The SDK's error for a file entry of the wrong type, word for word."""
    if not is_file_content(obj):
        prefix = (
            f"Expected entry at `{key}`" if key is not None else f"Expected file input `{obj!r}`"
        )
        raise RuntimeError(
            f"{prefix} to be bytes, an io.IOBase instance, PathLike or a tuple but received {type(obj)} instead. See https://github.com/openai/openai-python/tree/main#file-uploads"
        ) from None


def _is_given(obj: object) -> bool:
    return not isinstance(obj, (NotGiven, Omit))


# -- extract_files / deepcopy_with_paths (openai._utils._utils, openai._files) ---------------------


def extract_files(
    query: Mapping[str, object],
    *,
    paths: Sequence[Sequence[str]],
    array_format: ArrayFormat = "brackets",
) -> list[tuple[str, FileTypes]]:
    """Recursively extract files from `query` along `paths`, e.g. `['foo', '<array>', 'data']`.

    `array_format` decides what an `<array>` step adds to the field name: `"brackets"`
    (`foo[]`), `"repeat"`/`"comma"` (`foo`), `"indices"` (`foo[0]`).

    Note: this mutates `query` (the file entries are popped): pass a `deepcopy_with_paths` copy.
    """
    files: list[tuple[str, FileTypes]] = []
    for path in paths:
        files.extend(_extract_items(query, path, 0, None, array_format))
    return files


def _array_suffix(array_format: ArrayFormat, array_index: int) -> str:
    if array_format == "brackets":
        return "[]"
    if array_format == "indices":
        return f"[{array_index}]"
    if array_format == "repeat" or array_format == "comma":
        # Both repeat the bare field name per file: binary parts cannot be comma-joined.
        return ""
    raise NotImplementedError(
        f"Unknown array_format value: {array_format}, choose from comma, repeat, indices, brackets"
    )


def _extract_items(
    obj: object,
    path: Sequence[str],
    index: int,
    flattened_key: str | None,
    array_format: ArrayFormat,
) -> list[tuple[str, FileTypes]]:
    if index >= len(path):
        if not _is_given(obj):
            return []  # not passed: nothing to send
        assert flattened_key is not None
        if isinstance(obj, list):
            files: list[tuple[str, FileTypes]] = []
            for array_index, entry in enumerate(obj):
                suffix = _array_suffix(array_format, array_index)
                emitted_key = (flattened_key + suffix) if flattened_key else suffix
                assert_is_file_content(entry, key=emitted_key)
                files.append((emitted_key, cast(FileTypes, entry)))
            return files
        assert_is_file_content(obj, key=flattened_key)
        return [(flattened_key, cast(FileTypes, obj))]

    key = path[index]
    index += 1
    if isinstance(obj, dict):
        try:
            # Pop the entry when nothing but `<array>` steps remain and it is the file or a
            # list of them (a lone file where an array is expected stays a form field, as
            # with the SDK); a dict on the way to a deeper file stays, minus that file.
            if all(p == "<array>" for p in path[index:]) and (
                index == len(path) or isinstance(obj[key], list)
            ):
                item = obj.pop(key)
            else:
                item = obj[key]
        except KeyError:
            # An optional field that was not given: not an error (the API may differ from
            # its spec, so required fields are not enforced here either).
            return []
        flattened_key = key if flattened_key is None else f"{flattened_key}[{key}]"
        return _extract_items(item, path, index, flattened_key, array_format)
    if isinstance(obj, list):
        if key != "<array>":
            return []
        return [
            found
            for array_index, item in enumerate(obj)
            for found in _extract_items(
                item,
                path,
                index,
                (flattened_key or "") + _array_suffix(array_format, array_index),
                array_format,
            )
        ]
    return []  # something unexpected on the path: ignored, as the SDK does


def deepcopy_with_paths(item: _T, paths: Sequence[Sequence[str]]) -> _T:
    """Copy only the containers along `paths`, so `extract_files` can pop from the copy.

    Dicts and lists on a path are copied; everything else (file contents included) is the
    caller's object, by reference. With `paths=[["foo", "files", "file"]]`, the root, `foo` and
    `files` are copied, a sibling `foo["bar"]` is not.
    """
    return _deepcopy_with_paths(item, paths, 0)


def _deepcopy_with_paths(item: _T, paths: Sequence[Sequence[str]], index: int) -> _T:
    if not paths:
        return item
    if isinstance(item, Mapping):
        key_to_paths: dict[str, list[Sequence[str]]] = {}
        for path in paths:
            if index < len(path):
                key_to_paths.setdefault(path[index], []).append(path)
        if not key_to_paths:
            return item  # no path continues through here: it will not be mutated
        result = dict(item)
        for key, subpaths in key_to_paths.items():
            if key in result:
                result[key] = _deepcopy_with_paths(result[key], subpaths, index + 1)
        return cast(_T, result)
    if isinstance(item, list):
        array_paths = [path for path in paths if index < len(path) and path[index] == "<array>"]
        if not array_paths:
            return cast(_T, item)
        return cast(_T, [_deepcopy_with_paths(entry, array_paths, index + 1) for entry in item])
    return item


# -- form fields (openai._qs with array_format="brackets" + _serialize_multipartform) ------------


def form_fields(data: Mapping[str, object] | None) -> list[tuple[str, str]]:
    """The non-file body as multipart fields, in the order the SDK sends them.

    Flattening is `_qs.stringify_items(data, array_format="brackets")`; then, as the SDK's
    `_serialize_multipartform` groups repeated names into one dict entry (which httpx expands
    in place), every value of a name is sent where that name first appeared.
    """
    if not data:
        return []
    if not isinstance(data, dict):
        # The SDK's check (its `_build_request`), with its message.
        raise TypeError(
            f"Expected query input to be a dictionary for multipart requests but got {type(data)} instead."
        )
    grouped: dict[str, list[str]] = {}
    for key, value in data.items():
        for name, text in _stringify_item(key, value):
            grouped.setdefault(name, []).append(text)
    return [(name, text) for name, texts in grouped.items() for text in texts]


def _stringify_item(key: str, value: object) -> Iterator[tuple[str, str]]:
    if not _is_given(value):
        # The SDK's `maybe_transform` drops unset params before this point; skipping them
        # here keeps a stray sentinel from being sent as the text "NOT_GIVEN".
        return
    if isinstance(value, Mapping):
        for subkey, subvalue in value.items():
            yield from _stringify_item(f"{key}[{subkey}]", subvalue)
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _stringify_item(key + "[]", item)
        return
    # The SDK's `_qs` rules: None is not sent at all; an empty string is an empty field
    # (httpx2 sends it).
    if value is None:
        return
    yield key, "true" if value is True else "false" if value is False else str(value)


# -- httpx's part headers ----------------------------------------------------------------------

_HTML5_FORM_ENCODING_REPLACEMENTS = {'"': "%22", "\\": "\\\\"}
_HTML5_FORM_ENCODING_REPLACEMENTS.update(
    {chr(c): f"%{c:02X}" for c in range(0x1F + 1) if c != 0x1B}
)
_HTML5_FORM_ENCODING_RE = re.compile(
    "|".join(re.escape(c) for c in _HTML5_FORM_ENCODING_REPLACEMENTS)
)
_HEADER_NAME_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_FORBIDDEN_HEADER_VALUE_CHARS_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _format_form_param(name: str, value: str) -> bytes:
    # HTML5 form encoding, as httpx: a quote or a newline in a filename cannot break the header.
    value = _HTML5_FORM_ENCODING_RE.sub(lambda m: _HTML5_FORM_ENCODING_REPLACEMENTS[m[0]], value)
    return f'{name}="{value}"'.encode()


def _guess_content_type(filename: str | None) -> str | None:
    if filename:
        return mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return None


def _data_head(name: str) -> bytes:
    return b"Content-Disposition: form-data; " + _format_form_param("name", name) + b"\r\n\r\n"


def _file_head(
    name: str, filename: str | None, content_type: str | None, extra: Mapping[str, str]
) -> bytes:
    headers = dict(extra)  # a copy: httpx adds Content-Type to the caller's own dict
    if content_type is None:
        content_type = _guess_content_type(filename)
    if content_type is not None and not any("content-type" in k.lower() for k in headers):
        # As httpx (unlike requests), a Content-Type among the extra headers wins over the
        # tuple's third element.
        headers["Content-Type"] = content_type
    parts = [b"Content-Disposition: form-data; ", _format_form_param("name", name)]
    if filename:
        parts += [b"; ", _format_form_param("filename", filename)]
    for header_name, header_value in headers.items():
        if _HEADER_NAME_RE.fullmatch(header_name) is None:
            raise ValueError("Invalid multipart header name.")
        if _FORBIDDEN_HEADER_VALUE_CHARS_RE.search(header_value) is not None:
            raise ValueError("Invalid control character in multipart header value.")
        parts += [f"\r\n{header_name}: ".encode(), header_value.encode()]
    parts.append(b"\r\n\r\n")
    return b"".join(parts)


def boundary_from_content_type(content_type: str | None) -> str | None:
    """The boundary a caller put in `Content-Type: multipart/form-data; boundary=...`, if any.

    The SDK keeps such a header as given and httpx then uses that boundary; a bare
    `multipart/form-data` header must instead be dropped so the payload's own is sent.
    """
    if not content_type or not content_type.startswith("multipart/form-data"):
        return None
    for section in content_type.split(";")[1:]:
        section = section.strip()
        if section.lower().startswith("boundary="):
            return section[len("boundary=") :].strip('"')
    return None


# -- sources -----------------------------------------------------------------------------------


class _PathSource:
    """A file on disk: opened by the attempt that sends it, closed when its part is written."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        # Checked now, so a bad path fails the call before anything is sent, as the SDK's
        # up-front `read_bytes()` does.
        mode = os.stat(self.path).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), self.path)
        # A regular file can be sized and reread; a FIFO or a device is read to its end,
        # chunked, once (its st_size says nothing).
        self.rewindable = stat.S_ISREG(mode)

    def size(self) -> int | None:
        return os.stat(self.path).st_size if self.rewindable else None

    def open(self) -> IO[bytes]:
        return open(self.path, "rb")  # closed by _Transfer.finish

    def release(self, handle: IO[bytes]) -> None:
        handle.close()


class _StreamSource:
    """A caller's file object: rewound to 0 before each send (as httpx does), never closed."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        try:
            self.rewindable = bool(file.seekable())
        except (AttributeError, OSError, ValueError):
            self.rewindable = False

    def size(self) -> int | None:
        """The whole object's length (it is sent from 0), or None: sent chunked, to EOF."""
        if not self.rewindable:
            return None
        try:
            offset = self.file.tell()
            length = self.file.seek(0, os.SEEK_END)
            self.file.seek(offset)
        except (AttributeError, OSError, ValueError):
            return None
        return length

    def open(self) -> IO[bytes]:
        if self.rewindable:
            self.file.seek(0)
        return self.file

    def release(self, handle: IO[bytes]) -> None:
        """The caller's object stays open: they passed it, they close it."""


_Source: TypeAlias = "_PathSource | _StreamSource"


class _Transfer:
    """One source being read on executor threads during one attempt.

    A cancelled `await run_in_executor(...)` does not stop the thread, so every job runs under
    `_lock` and first checks `_done`: `finish()` takes the lock (waiting for at most one chunk
    read in flight), marks the transfer done so a job still queued does nothing, and releases
    what was opened. After it returns oxide no longer touches the source: no read lands in a
    caller's file object after the call has ended, and no handle is left to the GC.
    """

    def __init__(self, source: _Source, on_first_read: Callable[[], None] | None) -> None:
        self._source = source
        self._on_first_read = on_first_read
        self._lock = threading.Lock()
        self._done = False
        self._handle: IO[bytes] | None = None

    def read(self, n: int) -> bytes:
        with self._lock:
            if self._done:
                return b""
            if self._handle is None:
                self._handle = self._source.open()
                if self._on_first_read is not None:
                    self._on_first_read()
            chunk = self._handle.read(n)
            # A raw non-blocking stream may answer None: httpx stops there too.
            return bytes(chunk) if chunk else b""

    def finish(self) -> None:
        with self._lock:
            self._done = True
            handle, self._handle = self._handle, None
            if handle is not None:
                self._source.release(handle)


class _SourceShrank(OSError):
    pass


# -- the payload ---------------------------------------------------------------------------------


class _Spent:
    """Shared by a factory and its payloads: a non-rewindable stream has started being read."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = False

    def set(self) -> None:
        self.value = True


# A part body: literal bytes, or a source with the length announced for it (None: to EOF).
_Segment: TypeAlias = "bytes | tuple[_Source, int | None]"


class MultipartPayload(Payload):
    """One attempt's `multipart/form-data` body, for `session.request(data=payload)`.

    Its `size` (hence Content-Length) is known unless a file object cannot seek (then it is
    sent chunked). The `Content-Type` header, with the boundary, is on `payload.headers` and
    aiohttp copies it to the request when the request has none. Sources are read only during
    `write_with_length`; `close()` has nothing to release (aiohttp calls it as soon as the
    response starts, possibly while the body is still being written).
    """

    _autoclose = True  # nothing held between writes: aiohttp need not warn about closing

    def __init__(self, segments: list[_Segment], boundary: str, spent: _Spent) -> None:
        super().__init__(None, content_type=f"multipart/form-data; boundary={boundary}")
        self._segments = segments
        self._spent = spent
        self._replayable = all(isinstance(s, bytes) or s[0].rewindable for s in segments)
        sizes = [len(s) if isinstance(s, bytes) else s[1] for s in segments]
        self._size = None if any(n is None for n in sizes) else sum(cast("list[int]", sizes))

    @property
    def boundary(self) -> str:
        return self.content_type.partition("boundary=")[2]

    @property
    def consumed(self) -> bool:
        # aiohttp asks before resending the body on a 307/308 redirect.
        return not self._replayable and self._spent.value

    async def write(self, writer: AbstractStreamWriter) -> None:
        await self.write_with_length(writer, None)

    async def write_with_length(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        loop = asyncio.get_running_loop()
        remaining = content_length  # aiohttp's cap (the Content-Length header), None: no cap

        async def emit(data: bytes | memoryview) -> bool:
            """Writes (up to the cap); False once the cap is reached."""
            nonlocal remaining
            if remaining is not None:
                data = data[:remaining]
                remaining -= len(data)
            if data:
                # aiohttp's writer drains once its buffer passes 64 KiB, so at most a chunk or
                # two is ever queued in the transport.
                await writer.write(data)
            return remaining is None or remaining > 0

        for segment in self._segments:
            if isinstance(segment, bytes):
                view = memoryview(segment)
                # Sliced so that a large bytes value is not copied whole into the transport's
                # buffer (asyncio copies what the socket does not take at once).
                for start in range(0, len(view), _CHUNK):
                    if not await emit(view[start : start + _CHUNK]):
                        return
                continue
            source, size = segment
            transfer = _Transfer(source, None if source.rewindable else self._spent.set)
            try:
                sent = 0
                while size is None or sent < size:
                    want = _CHUNK if size is None else min(_CHUNK, size - sent)
                    chunk = await loop.run_in_executor(None, transfer.read, want)
                    if not chunk:
                        if size is not None:
                            # Content-Length promised more: fail rather than leave the server
                            # waiting for bytes that will never come.
                            raise _SourceShrank(
                                f"{_describe(source)} ended after {sent} of {size} bytes: "
                                "it changed while being uploaded"
                            )
                        break
                    sent += len(chunk)
                    if not await emit(chunk):
                        return
            finally:
                transfer.finish()

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The whole body as text. Blocking I/O, like aiohttp's own file payloads: for tests
        and debugging, never the send path."""
        return self.render().decode(encoding, errors)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return await asyncio.get_running_loop().run_in_executor(None, self.render)

    def render(self) -> bytes:
        """The whole body in memory (blocking reads). For tests and debugging."""
        out = bytearray()
        for segment in self._segments:
            if isinstance(segment, bytes):
                out += segment
                continue
            source, size = segment
            transfer = _Transfer(source, None if source.rewindable else self._spent.set)
            try:
                while chunk := transfer.read(_CHUNK if size is None else size):
                    out += chunk
                    if size is not None:
                        size -= len(chunk)
                        if size <= 0:
                            break
            finally:
                transfer.finish()
        return bytes(out)


def _describe(source: _Source) -> str:
    if isinstance(source, _PathSource):
        return f"file {source.path!r}"
    return f"file object {source.file!r}"


# -- building: one factory per call, one payload per attempt ------------------------------------

# A prepared part: head bytes (after the boundary line) and its body.
_Part: TypeAlias = "tuple[bytes, bytes | _Source]"


class MultipartFactory:
    """Validates the inputs once (the SDK's errors, raised before anything is sent) and builds
    a fresh `MultipartPayload` per call: call it once per attempt.

    `replayable`: every part can be sent again (bytes, paths, seekable file objects).
    `spent`: a part that cannot be rewound has started being read; calling raises then.
    """

    def __init__(
        self,
        data: Mapping[str, object] | None,
        files: RequestFiles | None,
        *,
        boundary: str | None = None,
    ) -> None:
        self._boundary = boundary
        self._spent = _Spent()
        parts: list[_Part] = [(_data_head(name), text.encode()) for name, text in form_fields(data)]
        for name, file in _file_items(files):
            parts.append(_prepare_file(name, file))
        self._parts = parts
        self.replayable = all(isinstance(body, bytes) or body.rewindable for _, body in parts)

    @property
    def spent(self) -> bool:
        return self._spent.value

    def __call__(self) -> MultipartPayload:
        if self._spent.value:
            raise RuntimeError(
                "The multipart body cannot be sent again: a file object that cannot seek was "
                "already read. Pass bytes, a path or a seekable file to allow retries."
            )
        boundary = self._boundary or os.urandom(16).hex()
        delimiter = f"--{boundary}\r\n".encode("ascii")
        segments: list[_Segment] = []
        # Small literal bytes are merged, so a part is one write rather than four; a large
        # bytes value stays the caller's object (by reference: no copy of a big upload).
        pending = bytearray()
        for head, body in self._parts:
            pending += delimiter + head
            if isinstance(body, bytes) and len(body) <= _CHUNK:
                pending += body
            elif isinstance(body, bytes):
                segments += [bytes(pending), body]
                pending = bytearray()
            else:
                # Sized now, per attempt: a file rewritten between attempts is sent whole.
                segments += [bytes(pending), (body, body.size())]
                pending = bytearray()
            pending += b"\r\n"
        pending += f"--{boundary}--\r\n".encode("ascii")
        segments.append(bytes(pending))
        return MultipartPayload(segments, boundary, self._spent)


def multipart_factory(
    data: Mapping[str, object] | None,
    files: RequestFiles | None,
    *,
    boundary: str | None = None,
) -> MultipartFactory:
    """`factory()` gives one attempt's body; see `MultipartFactory`."""
    return MultipartFactory(data, files, boundary=boundary)


def multipart_body(
    data: Mapping[str, object] | None,
    files: RequestFiles | None,
    *,
    boundary: str | None = None,
) -> MultipartPayload:
    """A single-use body (no retries): `multipart_factory(data, files)()`."""
    return MultipartFactory(data, files, boundary=boundary)()


def _file_items(files: RequestFiles | None) -> Sequence[tuple[str, object]]:
    if files is None:
        return []
    if isinstance(files, Mapping):
        return list(files.items())
    if isinstance(files, Sequence) and not isinstance(files, (str, bytes)):
        return list(files)
    raise TypeError(f"Unexpected file type input {type(files)}, expected mapping or sequence")


def _prepare_file(name: str, value: object) -> _Part:
    """httpx's `FileField` on the SDK's `_transform_file` output, minus reading paths."""
    extra: Mapping[str, str] = {}
    content_type: str | None = None
    content: object
    if isinstance(value, tuple):
        if not 2 <= len(value) <= 4:
            raise TypeError(
                f"Expected a file tuple of 2 to 4 items (filename, content[, content_type[, headers]]), got {len(value)}"
            )
        filename, content = value[0], value[1]
        if len(value) >= 3:
            content_type = value[2]
        if len(value) == 4:
            extra = value[3]
    elif isinstance(value, os.PathLike):
        # The SDK turns a bare path into `(path.name, path.read_bytes())`.
        filename, content = pathlib.Path(value).name, value
    elif is_file_content(value):
        # httpx: the object's `.name` (a path for open files) or "upload" (bytes, BytesIO).
        filename, content = pathlib.Path(str(getattr(value, "name", "upload"))).name, value
    else:
        raise TypeError("Expected file types input to be a FileContent type or to be a tuple")

    body: bytes | _Source
    if isinstance(content, str):
        body = content.encode()  # httpx encodes a str inside a tuple as UTF-8
    elif isinstance(content, bytes):
        body = content
    elif isinstance(content, os.PathLike):
        body = _PathSource(cast("os.PathLike[str]", content))
    elif isinstance(content, (io.StringIO, io.TextIOBase)):
        # httpx's messages: text would have to be encoded with a guessed charset.
        if isinstance(content, io.StringIO):
            raise TypeError("Multipart file uploads require 'io.BytesIO', not 'io.StringIO'.")
        raise TypeError("Multipart file uploads must be opened in binary mode, not text mode.")
    elif isinstance(content, io.IOBase) or callable(getattr(content, "read", None)):
        body = _StreamSource(cast("IO[bytes]", content))
    else:
        raise TypeError(f"Unexpected file content type {type(content)} for field {name!r}")
    return _file_head(name, cast("str | None", filename), content_type, extra), body


def file_from_path(path: str) -> FileTypes:
    """`(file name, contents)` of a file on disk, as the official `openai.file_from_path`.
    (Passing a `pathlib.Path` instead streams the file from disk rather than reading it whole.)"""
    return (os.path.basename(path), pathlib.Path(path).read_bytes())
