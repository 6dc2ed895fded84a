"""Beta helpers (the SDK's `openai.lib.beta`): the hosted Agents API helpers in `.agents`."""
