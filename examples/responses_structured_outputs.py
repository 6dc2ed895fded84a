"""`responses.parse()` with a model and with a function tool (the official
examples/responses/structured_outputs.py and structured_outputs_tools.py)."""

from pydantic import BaseModel

import oxide.compat as openai
from oxide.compat import OpenAI


class Step(BaseModel):
    explanation: str
    output: str


class MathResponse(BaseModel):
    steps: list[Step]
    final_answer: str


class GetWeather(BaseModel):
    city: str


client = OpenAI()

rsp = client.responses.parse(
    input="solve 8x + 31 = 2",
    model="gpt-4o-2024-08-06",
    text_format=MathResponse,
)
for output in rsp.output:
    if output.type == "message":
        for item in output.content:
            if item.type == "output_text" and item.parsed:
                print("answer:", item.parsed.final_answer)
print("output_parsed:", type(rsp.output_parsed).__name__)

rsp = client.responses.parse(
    input="What's the weather in Paris?",
    model="gpt-4o-2024-08-06",
    tools=[openai.pydantic_function_tool(GetWeather)],
)
for output in rsp.output:
    if output.type == "function_call":
        print("tool:", output.name, type(output.parsed_arguments).__name__)
