"""The methods users call on response objects (PARITY §2.5), against the official SDK."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any, Generic, TypeVar

import msgspec
import openai.types.chat as otc
import openai.types.responses as otr
import pydantic
import pytest

import oxide.types.chat as xtc
import oxide.types.responses as xtr
from oxide._models import UNSET, BaseModel, UnknownVariant, decode
from oxide.types.chat.chat_completion_message import ChatCompletionMessage
from tests.types._synth import sdk_build
from tests.types.test_types_forward_compat import COMPLETION, RESPONSE


@pytest.fixture
def completion() -> Any:
    return decode(xtc.ChatCompletion, json.dumps(COMPLETION))


@pytest.fixture
def sdk_completion() -> Any:
    return sdk_build(otc.ChatCompletion, copy.deepcopy(COMPLETION))


def test_attribute_access(completion: Any) -> None:
    message = completion.choices[0].message
    assert message.content == "Hi"
    assert message.tool_calls is None  # absent, optional: None, as with the SDK
    assert message.refusal is None  # explicit null
    assert completion.usage.total_tokens == 6
    assert isinstance(completion, BaseModel) and isinstance(completion, msgspec.Struct)


def test_to_dict_options(completion: Any, sdk_completion: Any) -> None:
    for kwargs in [
        {},
        {"mode": "json"},
        {"use_api_names": False},
        {"exclude_unset": False},
        {"exclude_none": True},
        {"exclude_defaults": True},
        {"exclude_unset": False, "exclude_none": True},
    ]:
        assert completion.to_dict(**kwargs) == sdk_completion.to_dict(**kwargs), kwargs
    with pytest.raises(ValueError, match="mode"):
        completion.to_dict(mode="yaml")


def test_to_json_is_byte_for_byte(completion: Any, sdk_completion: Any) -> None:
    assert completion.to_json() == sdk_completion.to_json()
    assert completion.to_json(indent=None) == sdk_completion.to_json(indent=None)
    assert completion.to_json(indent=4, exclude_none=True) == sdk_completion.to_json(
        indent=4, exclude_none=True
    )


def test_model_dump_options(completion: Any, sdk_completion: Any) -> None:
    for kwargs in [
        {},
        {"by_alias": True},
        {"exclude_unset": True},
        {"mode": "json", "exclude_none": True},
        {"include": {"id", "model"}},
        {"exclude": {"choices", "usage"}},
        {"include": {"choices": True, "usage": {"total_tokens"}}},
        {"exclude": {"usage": {"prompt_tokens"}}},
    ]:
        assert completion.model_dump(**kwargs) == sdk_completion.model_dump(**kwargs), kwargs
    assert completion.model_dump_json() == sdk_completion.model_dump_json()
    assert completion.model_dump_json(indent=2) == sdk_completion.model_dump_json(indent=2)
    assert list(dict(completion)) == list(dict(sdk_completion))


def test_model_fields_set_and_extra(completion: Any, sdk_completion: Any) -> None:
    assert completion.model_fields_set == sdk_completion.model_fields_set
    assert completion.choices[0].message.model_fields_set == {
        "role",
        "content",
        "refusal",
        "annotations",
    }
    assert completion.model_extra == {}


def test_repr_and_str(completion: Any, sdk_completion: Any) -> None:
    assert repr(completion) == repr(sdk_completion)
    assert str(completion) == str(sdk_completion)


def test_objects_built_in_code_dump_what_was_passed() -> None:
    ours = ChatCompletionMessage(role="assistant", content="Hi")
    sdk = otc.ChatCompletionMessage(role="assistant", content="Hi")
    assert ours.to_dict() == sdk.to_dict() == {"role": "assistant", "content": "Hi"}
    assert ours.model_fields_set == sdk.model_fields_set
    assert ours.model_dump() == sdk.model_dump()
    assert repr(ours) == repr(sdk)
    assert msgspec.json.encode(ours) == b'{"content":"Hi","role":"assistant"}'


def test_setting_and_deleting_attributes(completion: Any) -> None:
    message = completion.choices[0].message
    message.tool_calls = None
    assert "tool_calls" in message.to_dict()  # explicitly set, like pydantic
    del message.tool_calls
    assert "tool_calls" not in message.to_dict() and message.tool_calls is None
    message.content = "changed"
    assert completion.to_dict()["choices"][0]["message"]["content"] == "changed"


def test_model_validate() -> None:
    ours = xtc.ChatCompletion.model_validate(COMPLETION)
    assert ours.to_dict() == otc.ChatCompletion.model_validate(COMPLETION).to_dict()
    assert xtc.ChatCompletion.model_validate(ours) is ours
    assert xtc.ChatCompletion.model_validate({**COMPLETION, "new": 1}).model_extra == {"new": 1}
    with pytest.raises(msgspec.ValidationError):
        xtc.ChatCompletion.model_validate({**COMPLETION, "created": "yesterday"})
    with pytest.raises(msgspec.ValidationError):
        xtc.ChatCompletion.model_validate([1, 2])
    assert xtc.ChatCompletion.model_validate_json(json.dumps(COMPLETION)).id == "chatcmpl-1"


def test_construct_builds_nested_models_without_validation() -> None:
    ours = xtc.ChatCompletion.construct(**COMPLETION)
    sdk = otc.ChatCompletion.construct(**copy.deepcopy(COMPLETION))
    assert type(ours.choices[0].message) is ChatCompletionMessage
    assert ours.to_dict() == sdk.to_dict()
    assert repr(ours) == repr(sdk)
    odd = xtc.ChatCompletion.model_construct(id=1, choices="nope")
    assert odd.id == 1 and odd.choices == "nope"  # kept as given
    assert (
        otc.ChatCompletion.model_construct(id=1, choices="nope").to_dict(warnings=False)
        == odd.to_dict()
    )


def test_model_copy(completion: Any, sdk_completion: Any) -> None:
    completion._request_id = "req_1"
    shallow = completion.model_copy(update={"model": "other"})
    assert shallow.model == "other" and completion.model == "gpt-4.1"
    assert shallow.choices is completion.choices
    assert shallow._request_id == "req_1"
    deep = completion.model_copy(deep=True)
    assert deep == completion and deep.choices is not completion.choices
    assert shallow.to_dict() == sdk_completion.model_copy(update={"model": "other"}).to_dict()


def test_request_id(completion: Any) -> None:
    with pytest.raises(AttributeError):
        completion._request_id  # noqa: B018
    completion._request_id = "req_123"
    assert completion._request_id == "req_123"
    assert "_request_id" not in completion.to_dict()
    assert "_request_id" not in repr(completion)
    assert (
        completion.model_dump() == decode(xtc.ChatCompletion, json.dumps(COMPLETION)).model_dump()
    )
    with pytest.raises(AttributeError):
        completion.usage._request_id  # noqa: B018


def test_pickle_copy_equality(completion: Any) -> None:
    completion._request_id = "req_1"
    extra = decode(xtc.ChatCompletion, json.dumps({**COMPLETION, "x": {"y": 1}}))
    for obj in (completion, extra):
        for clone in (pickle.loads(pickle.dumps(obj)), copy.copy(obj), copy.deepcopy(obj)):
            assert clone == obj
            assert clone.to_dict() == obj.to_dict()
            assert clone.model_extra == obj.model_extra
    assert pickle.loads(pickle.dumps(completion))._request_id == "req_1"
    assert pickle.loads(pickle.dumps(extra)).x == {"y": 1}
    assert completion != extra
    with pytest.raises(TypeError):
        hash(completion)  # unhashable, like pydantic models


def test_msgspec_encode_writes_what_was_set(completion: Any) -> None:
    """For the request layer: passing a response object back (an assistant message, Response
    output items) can use `msgspec.json.encode` directly."""
    assert msgspec.json.decode(msgspec.json.encode(completion)) == COMPLETION
    assert msgspec.to_builtins(completion) == completion.to_dict()


def test_output_text() -> None:
    ours = decode(xtr.Response, json.dumps(RESPONSE))
    sdk = sdk_build(otr.Response, copy.deepcopy(RESPONSE))
    assert ours.output_text == sdk.output_text == "Hello"


def test_parsed_generic_models() -> None:
    class Weather(pydantic.BaseModel):
        city: str

    parsed = decode(xtc.ParsedChatCompletion[Weather], json.dumps(COMPLETION))  # type: ignore[misc]
    assert type(parsed) is xtc.ParsedChatCompletion
    message = parsed.choices[0].message
    assert type(message).__name__ == "ParsedChatCompletionMessage"
    message.parsed = Weather(city="Paris")
    assert parsed.to_dict()["choices"][0]["message"]["parsed"] == {"city": "Paris"}
    response = decode(xtr.ParsedResponse[Weather], json.dumps(RESPONSE))  # type: ignore[misc]
    assert response.output_parsed is None
    assert type(response.output[0]).__name__ == "ParsedResponseOutputMessage"


def test_unknown_variant_api() -> None:
    item = UnknownVariant({"type": "hologram", "items": [1], "value": None})
    assert item.type == "hologram" and item["items"] == [1]
    assert isinstance(item, dict)
    assert item.to_dict() == {"type": "hologram", "items": [1], "value": None}
    assert item.to_dict(exclude_none=True) == {"type": "hologram", "items": [1]}
    assert item.model_dump() == dict(item)
    assert json.loads(item.to_json()) == dict(item)
    assert item.model_fields_set == {"type", "items", "value"}
    assert repr(item).startswith("UnknownVariant(")
    with pytest.raises(AttributeError):
        item.missing  # noqa: B018
    assert pickle.loads(pickle.dumps(item)) == item


_T = TypeVar("_T")


class Envelope(BaseModel, Generic[_T]):
    """A hand-written model on the same base: the same semantics as generated ones."""

    data: list[_T]
    note: str | None = None


def test_hand_written_models_share_the_semantics() -> None:
    env = decode(
        Envelope[ChatCompletionMessage], b'{"data": [{"role": "assistant", "content": null}]}'
    )
    assert env.note is None and "note" not in env.to_dict()
    assert env.data[0].to_dict() == {"role": "assistant", "content": None}
    assert Envelope.__oxide_required__ == {"data"}  # type: ignore[attr-defined]
    assert Envelope(data=[]).to_dict() == {"data": []}
    assert Envelope().data is UNSET  # lenient construction, like the SDK's construct


def test_model_fields() -> None:
    assert list(xtc.ChatCompletionChunk.model_fields) == list(otc.ChatCompletionChunk.model_fields)
    assert xtc.ChatCompletion.model_fields["choices"].name == "choices"


def test_field_hidden_from_repr_like_the_sdk() -> None:
    """`FieldInfo(repr=False)` in the SDK (a webhook endpoint's signing secret): out of reprs,
    still a field everywhere else."""
    from openai.types.webhooks.webhook_endpoint_with_secret import WebhookEndpointWithSecret as S

    from oxide._models import decode
    from oxide.types.webhooks.webhook_endpoint_with_secret import WebhookEndpointWithSecret as O

    data = {
        "id": "we_1",
        "object": "webhook_endpoint",
        "created_at": 1,
        "events": [],
        "signing_secret": "whsec_topsecret",
        "status": "enabled",
        "url": "https://example.com/hook",
    }
    ours, sdk = decode(O, json.dumps(data)), S.construct(**data)
    assert "whsec_topsecret" not in repr(ours) and "whsec_topsecret" not in repr(sdk)
    assert "signing_secret" not in dict(ours.__rich_repr__())
    assert ours.signing_secret == sdk.signing_secret == "whsec_topsecret"
    assert ours.to_dict()["signing_secret"] == "whsec_topsecret"
    assert dict(ours)["signing_secret"] == dict(sdk)["signing_secret"]


def test_default_factory_field_reads_as_the_sdk() -> None:
    """`FieldInfo(default_factory=dict)` (a vault credential's metadata): optional; absent,
    it reads None as the SDK's constructed objects do, and is not dumped as sent."""
    from openai._models import construct_type
    from openai.types.beta.agents.vaults.credential import Credential as S

    from oxide._models import decode
    from oxide.types.beta.agents.vaults.credential import Credential as O

    data = {
        "id": "c",
        "auth": {"type": "environment_variable", "secret_name": "S"},
        "created_at": 1,
        "name": "n",
        "object": "vault.credential",
        "updated_at": 2,
        "vault_id": "v",
    }
    ours, sdk = decode(O, json.dumps(data)), construct_type(type_=S, value=data)
    assert ours.metadata is None and sdk.metadata is None
    assert "metadata" not in ours.to_dict() and "metadata" not in sdk.to_dict()
    assert decode(O, json.dumps({**data, "metadata": {"k": "v"}})).metadata == {"k": "v"}
