"""Speech to a file, streamed (the official examples/text_to_speech.py)."""

import tempfile
from pathlib import Path

from oxide.compat import OpenAI

client = OpenAI()

with tempfile.TemporaryDirectory() as tmp:
    speech_file_path = Path(tmp) / "speech.mp3"
    with client.audio.speech.with_streaming_response.create(
        model="tts-1",
        voice="alloy",
        input="the quick brown fox jumped over the lazy dogs",
    ) as response:
        response.stream_to_file(speech_file_path)
    print("speech bytes:", speech_file_path.stat().st_size > 0)
