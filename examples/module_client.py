"""The module-level client (the official examples/module_client.py)."""

import os

import oxide.compat as openai

# defaults to os.environ["OPENAI_API_KEY"] when not set
openai.api_key = os.environ["OPENAI_API_KEY"]
# every client option can be set like this, as on the client
openai.base_url = os.environ["OPENAI_BASE_URL"]
openai.default_headers = {"x-foo": "true"}

stream = openai.chat.completions.create(
    model="gpt-4",
    messages=[{"role": "user", "content": "How do I list all files in a directory?"}],
    stream=True,
)
for chunk in stream:
    print(chunk.choices[0].delta.content or "", end="", flush=True)
print()
