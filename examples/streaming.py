"""Legacy completions streams, sync and async, echo and logprobs (the official
examples/streaming.py)."""

import asyncio

from oxide.compat import AsyncOpenAI, OpenAI


def sync_main() -> None:
    client = OpenAI()
    response = client.completions.create(
        model="gpt-3.5-turbo-instruct",
        prompt="1,2,3,",
        max_tokens=5,
        temperature=0,
        stream=True,
    )
    first = next(response)  # a stream is an iterator: next() works
    print(f"got response data: {first.to_json()[:40]}...")
    for data in response:
        print(data.choices[0].text, end="")
    print()


async def async_main() -> None:
    client = AsyncOpenAI()
    response = await client.completions.create(
        model="gpt-3.5-turbo-instruct",
        prompt="1,2,3,",
        max_tokens=5,
        temperature=0,
        stream=True,
    )
    # In Python 3.10+ this is `await anext(response)`.
    first = await response.__anext__()
    print(f"got response data: {first.to_json()[:40]}...")
    async for data in response:
        print(data.choices[0].text, end="")
    print()


sync_main()
asyncio.run(async_main())
