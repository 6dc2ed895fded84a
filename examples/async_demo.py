"""The async client: a legacy completions stream (the official examples/async_demo.py)."""

import asyncio

from oxide.compat import AsyncOpenAI

client = AsyncOpenAI()


async def main() -> None:
    stream = await client.completions.create(
        model="gpt-3.5-turbo-instruct",
        prompt="Say this is a test",
        stream=True,
    )
    async for completion in stream:
        print(completion.choices[0].text, end="")
    print()


asyncio.run(main())
