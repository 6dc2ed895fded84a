"""Strict function tools from pydantic models (the official examples/parsing_tools.py)."""

from enum import Enum

from pydantic import BaseModel

import oxide.compat as openai


class Table(str, Enum):
    orders = "orders"
    customers = "customers"
    products = "products"


class Column(str, Enum):
    id = "id"
    status = "status"
    expected_delivery_date = "expected_delivery_date"


class Operator(str, Enum):
    eq = "="
    gt = ">"
    lt = "<"


class DynamicValue(BaseModel):
    column_name: str


class Condition(BaseModel):
    column: str
    operator: Operator
    value: str | int | DynamicValue


class Query(BaseModel):
    table_name: Table
    columns: list[Column]
    conditions: list[Condition]
    order_by: str


client = openai.OpenAI()

completion = client.chat.completions.parse(
    model="gpt-4o-2024-08-06",
    messages=[
        {"role": "system", "content": "You help users query the data they are asking for."},
        {"role": "user", "content": "look up all my orders in november of last year"},
    ],
    tools=[openai.pydantic_function_tool(Query)],
)

tool_call = (completion.choices[0].message.tool_calls or [])[0]
print(tool_call.function.name)
print(type(tool_call.function.parsed_arguments).__name__)
