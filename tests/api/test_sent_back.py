"""Objects the API returned, sent back in the next request (an agent loop's history): the
client-side fields a class names in `__api_exclude__` (`parsed` of a parsed output text,
`parsed_arguments` of a parsed function call) stay out of the body, at any depth, as the
official SDK's transform leaves them out. Both oxide's objects and the official SDK's pydantic
ones, over real sockets."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import openai
import pydantic
import pytest
from aiohttp import web

import oxide

from .conftest import Recorder

pytestmark = pytest.mark.asyncio


class City(msgspec.Struct):
    city: str


class CityP(pydantic.BaseModel):
    city: str


RESPONSE = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1,
    "status": "completed",
    "model": "gpt-5",
    "output": [
        {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "status": "completed",
            "content": [
                {
                    "type": "output_text",
                    "text": json.dumps({"city": "Paris"}),
                    "annotations": [],
                }
            ],
        },
        {
            "id": "fc_1",
            "type": "function_call",
            "call_id": "call_1",
            "name": "lookup",
            "arguments": json.dumps({"city": "Paris"}),
            "status": "completed",
        },
    ],
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
}
TOOLS = [oxide.function_tool(City, name="lookup")]


async def test_parsed_fields_are_not_sent_back(serve: Any) -> None:
    rec = Recorder()

    async def responses(request: web.Request) -> web.Response:
        await rec.record(request)
        return web.json_response(RESPONSE)

    url = await serve({("POST", "/v1/responses"): responses})
    async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        parsed = await client.responses.parse(
            model="gpt-5", input="where?", text_format=City, tools=TOOLS
        )
        message, call = parsed.output
        assert message.content[0].parsed == City(city="Paris")
        assert call.parsed_arguments == City(city="Paris")
        await client.responses.create(model="gpt-5", input=[*parsed.output])
    async with openai.AsyncOpenAI(api_key="k", base_url=url) as official:
        theirs = await official.responses.parse(model="gpt-5", input="where?", text_format=CityP)
        assert theirs.output[0].content[0].parsed == CityP(city="Paris")
    async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        # The official SDK's pydantic objects, through oxide's encoder.
        await client.responses.create(model="gpt-5", input=[*theirs.output])

    sent_ours, sent_theirs = rec.requests[1]["body"]["input"], rec.requests[3]["body"]["input"]
    assert "parsed" not in sent_ours[0]["content"][0]
    assert "parsed_arguments" not in sent_ours[1]
    assert "parsed" not in sent_theirs[0]["content"][0]
    # Nothing else is lost: what the API sent comes back as it was.
    assert sent_ours == RESPONSE["output"]
    # Outside a request the field is still there.
    assert parsed.output[0].content[0].to_dict()["parsed"] == {"city": "Paris"}
