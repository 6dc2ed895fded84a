"""Image generation (the official examples/picture.py)."""

import base64

from oxide.compat import OpenAI

client = OpenAI()

prompt = "An astronaut lounging in a tropical resort in space, pixel art"
model = "dall-e-3"

response = client.images.generate(prompt=prompt, model=model, response_format="b64_json")
image = base64.b64decode(response.data[0].b64_json or "")
print("png bytes:", len(image), image[:4] == b"\x89PNG")
