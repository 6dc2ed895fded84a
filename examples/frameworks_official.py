"""`oxide.official`: the official client classes on oxide's engine, for code and frameworks
that check them (needs the official `openai` package)."""

import asyncio

import openai

from oxide.official import AsyncOpenAI


async def main() -> None:
    client = AsyncOpenAI()
    assert isinstance(client, openai.AsyncOpenAI)
    completion = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hi"}]
    )
    print(type(completion).__module__, isinstance(completion, openai.BaseModel))
    raw = await client.chat.completions.with_raw_response.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hi"}]
    )
    print("request id:", raw.request_id is not None)
    try:
        await client.models.retrieve("no-such-model")
    except openai.NotFoundError as err:
        print("official error:", type(err).__name__, err.status_code)
    await client.close()


asyncio.run(main())
