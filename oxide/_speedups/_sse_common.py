"""The one home of the constants both SSE twins use (``_sse_py.py`` and ``_sse_c.pyx``).

Both twins import these names at module load, so they cannot drift apart (yarl's twins once
disagreed on a constant). The line-ending and colon bytes are the event-stream grammar itself
(WHATWG HTML §9.2.5) and appear as literals in both twins.
"""

from __future__ import annotations

from typing import Final

#: The UTF-8 byte order mark; stripped once, and only at the very start of a stream.
BOM: Final = b"\xef\xbb\xbf"

#: Field names, compared byte for byte (case-sensitive); any other field is ignored.
DATA: Final = b"data"
EVENT: Final = b"event"
ID: Final = b"id"
RETRY: Final = b"retry"

#: Invalid UTF-8 becomes U+FFFD and never raises (the spec's UTF-8 decode algorithm).
#: Decoding line pieces separately is exact because CR, LF and ":" never occur inside a
#: multibyte sequence, so the decoder resynchronises on them.
ERRORS: Final = "replace"
