"""oxide: a fast OpenAI API client with the official SDK's API."""

__version__ = "0.1.0"
