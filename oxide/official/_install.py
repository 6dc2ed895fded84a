"""`install()`: make `openai.OpenAI` / `openai.AsyncOpenAI` (and the Azure ones) oxide's, for code that builds its own
client (LangChain's `ChatOpenAI`, LlamaIndex, ...). Opt-in and process-wide: it rebinds the two
names in the `openai` package and nothing else (code that imported the names before keeps what
it imported; pass such code a client instead). The classes are subclasses of the official ones,
so every isinstance check and `super()` call keeps working; `uninstall()` puts the official
classes back."""

from __future__ import annotations

import openai

from ._clients import AsyncAzureOpenAI, AsyncOpenAI, AzureOpenAI, OpenAI

__all__ = ["install", "installed", "uninstall"]

_OFFICIAL = {
    "OpenAI": openai.OpenAI,
    "AsyncOpenAI": openai.AsyncOpenAI,
    "AzureOpenAI": openai.AzureOpenAI,
    "AsyncAzureOpenAI": openai.AsyncAzureOpenAI,
}
_OURS = {
    "OpenAI": OpenAI,
    "AsyncOpenAI": AsyncOpenAI,
    "AzureOpenAI": AzureOpenAI,
    "AsyncAzureOpenAI": AsyncAzureOpenAI,
}


def install() -> None:
    """From now on, `openai.OpenAI(...)` and `openai.AsyncOpenAI(...)` make oxide-served
    clients (idempotent)."""
    for name, cls in _OURS.items():
        setattr(openai, name, cls)


def uninstall() -> None:
    """Put the official classes back in `openai` (idempotent)."""
    for name, cls in _OFFICIAL.items():
        setattr(openai, name, cls)


def installed() -> bool:
    return all(getattr(openai, name) is cls for name, cls in _OURS.items())
