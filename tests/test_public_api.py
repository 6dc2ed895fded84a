"""The public surface: names of the official SDK, sorted __all__, lazy types."""

from __future__ import annotations

import subprocess
import sys

import openai

import oxide


def test_all_is_sorted_and_resolvable() -> None:
    assert oxide.__all__ == sorted(oxide.__all__)
    for name in oxide.__all__:
        assert getattr(oxide, name) is not None


def test_exception_tree_matches_the_official_sdk() -> None:
    names = [
        "OpenAIError", "APIError", "APIStatusError", "APIConnectionError", "APITimeoutError",
        "APIResponseValidationError", "BadRequestError", "AuthenticationError",
        "PermissionDeniedError", "NotFoundError", "ConflictError", "UnprocessableEntityError",
        "RateLimitError", "InternalServerError", "LengthFinishReasonError",
        "ContentFilterFinishReasonError", "InvalidWebhookSignatureError",
    ]  # fmt: skip
    for name in names:
        ours, theirs = getattr(oxide, name), getattr(openai, name)
        our_bases = {b.__name__ for b in ours.__mro__ if b.__module__.startswith("oxide")}
        their_bases = {b.__name__ for b in theirs.__mro__ if b.__module__.startswith("openai")}
        assert our_bases == their_bases, name
    assert issubclass(oxide.APITimeoutError, TimeoutError)


def test_import_oxide_is_lazy() -> None:
    code = (
        "import sys, oxide\n"
        "heavy = sorted(m for m in sys.modules if m.startswith(('oxide.types', 'oxide.resources'))\n"
        "               or m in ('oxide._response', 'oxide.pagination', 'oxide._files',\n"
        "                        'oxide._binary', 'oxide._legacy_response'))\n"
        "print(heavy)\n"
        "assert 'openai' not in sys.modules and 'pydantic' not in sys.modules\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_using_chat_loads_only_what_it_needs() -> None:
    code = (
        "import sys, oxide\n"
        "c = oxide.AsyncOpenAI(api_key='k')\n"
        "c.chat.completions\n"
        "loaded = [m for m in sys.modules if m.startswith('oxide.types.')]\n"
        "assert 'oxide.types.responses.response' not in loaded, loaded\n"
        "assert 'oxide.types.chat.chat_completion' in loaded\n"
        "print(len(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) < 150


# Official top-level names oxide does not provide (oxide.compat's docstring names them).
NOT_PROVIDED: set[str] = set()


def test_compat_has_every_official_name_but_the_documented_ones() -> None:
    import oxide.compat as compat

    missing = {name for name in openai.__all__ if not hasattr(compat, name)}
    assert missing == NOT_PROVIDED
    for name in NOT_PROVIDED:
        assert name in (compat.__doc__ or "")
    assert compat.AsyncOpenAI is oxide.AsyncOpenAI
    assert compat.pydantic_function_tool is oxide.lib.pydantic_function_tool
    assert issubclass(compat.OAuthError, compat.AuthenticationError)


def test_sdk_top_level_names_outside_all() -> None:
    # `from openai import AssistantEventHandler` (the SDK's README) and the response classes.
    from oxide._legacy_response import HttpxBinaryResponseContent
    from oxide._response import APIResponse, AsyncAPIResponse
    from oxide.lib.streaming import AssistantEventHandler, AsyncAssistantEventHandler

    assert oxide.APIResponse is APIResponse and oxide.AsyncAPIResponse is AsyncAPIResponse
    assert oxide.HttpxBinaryResponseContent is HttpxBinaryResponseContent
    assert oxide.AssistantEventHandler is AssistantEventHandler
    assert oxide.AsyncAssistantEventHandler is AsyncAssistantEventHandler
