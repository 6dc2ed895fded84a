"""A chat completion, a stream, and the response headers (the official examples/demo.py)."""

from oxide.compat import OpenAI

# gets the API key from the environment variable OPENAI_API_KEY
client = OpenAI()

print("----- standard request -----")
completion = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "Say this is a test"}],
)
print(completion.choices[0].message.content)

print("----- streaming request -----")
stream = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "How do I list all files in a directory?"}],
    stream=True,
)
for chunk in stream:
    if not chunk.choices:
        continue
    print(chunk.choices[0].delta.content or "", end="")
print()

print("----- custom response headers test -----")
response = client.chat.completions.with_raw_response.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "Say this is a test"}],
)
completion = response.parse()
print(response.request_id)
print(completion.choices[0].message.content)
