"""A transcription of an audio file (the official examples/audio.py, transcription part)."""

import io
import wave

from oxide.compat import OpenAI

client = OpenAI()

# a second of silence, as a WAV file in memory
buffer = io.BytesIO()
with wave.open(buffer, "wb") as wav:
    wav.setnchannels(1)
    wav.setsampwidth(2)
    wav.setframerate(16000)
    wav.writeframes(b"\x00\x00" * 16000)

transcription = client.audio.transcriptions.create(
    model="whisper-1", file=("speech.wav", buffer.getvalue())
)
print("transcription:", type(transcription.text).__name__)
