"""Live transcript grouping (the SDK's `openai.lib.live`): `TranscriptGrouper` /
`AsyncTranscriptGrouper` turn a Live connection's public transcript deltas into display segments.

A port of the SDK's modules (itself a port of the TypeScript SDK's policy), kept line for line so
the two can be compared; `tests/api/test_live_grouping.py` runs both on the same events.
"""

from ._transcript_grouper import (
    AsyncTranscriptGrouper as AsyncTranscriptGrouper,
)
from ._transcript_grouper import (
    TranscriptGrouper as TranscriptGrouper,
)
from ._types import (
    TranscriptSegment as TranscriptSegment,
)
from ._types import (
    TranscriptSegmentClosedEvent as TranscriptSegmentClosedEvent,
)
from ._types import (
    TranscriptSegmentCloseReason as TranscriptSegmentCloseReason,
)
