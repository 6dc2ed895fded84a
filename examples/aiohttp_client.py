"""The official `DefaultAioHttpClient()` (oxide's own aiohttp pool), a timeout object and
`client.post()` for an endpoint by path (the official README's snippets)."""

import asyncio

from oxide.compat import DEFAULT_CONNECTION_LIMITS, AsyncOpenAI, DefaultAioHttpClient, Timeout


async def main() -> None:
    async with AsyncOpenAI(
        http_client=DefaultAioHttpClient(limits=DEFAULT_CONNECTION_LIMITS),
        timeout=Timeout(20.0, read=5.0, write=10.0, connect=2.0),
    ) as client:
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hi"}]
        )
        print(completion.choices[0].message.content[:20])
        # an endpoint by its path, with the result's type
        models = await client.get("/models", cast_to=object)
        print("models:", len(models["data"]) > 0)


asyncio.run(main())
