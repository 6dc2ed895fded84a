"""`oxide chat`, `oxide responses`, `oxide models`, `oxide embed`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import add_client_options, make_client, read_prompt, write_json

__all__ = ["register"]

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small"


def register(commands: Any) -> None:
    chat = commands.add_parser(
        "chat",
        help="a chat completion, streamed to the terminal",
        description="Send a prompt to chat.completions and stream the answer as it is written.",
        epilog='examples:\n  oxide chat "Name three rivers"\n  cat notes.md | oxide chat -s "You summarise." "Sum up:"\n'
        '  oxide chat --json "hi" | jq .usage',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    chat.add_argument("prompt", nargs="*", help="the user message (default: standard input)")
    chat.add_argument("-m", "--model", default=DEFAULT_MODEL, help=f"default {DEFAULT_MODEL}")
    chat.add_argument("-s", "--system", help="a system message before the prompt")
    chat.add_argument("-t", "--temperature", type=float)
    chat.add_argument("--max-tokens", type=int, metavar="N", help="max_completion_tokens")
    chat.add_argument(
        "--json",
        action="store_true",
        help="print the API's JSON: the completion, or one chunk per line with --stream",
    )
    chat.add_argument(
        "--stream",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="stream the answer (default: on, off with --json)",
    )
    add_client_options(chat)
    chat.set_defaults(run=run_chat)

    responses = commands.add_parser(
        "responses",
        help="a Responses API call, streamed to the terminal",
        description="Send a prompt to responses.create and stream the output text.",
        epilog='examples:\n  oxide responses "Write a haiku"\n'
        '  oxide responses --previous-response-id resp_123 "and another"',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    responses.add_argument("prompt", nargs="*", help="the input (default: standard input)")
    responses.add_argument("-m", "--model", default=DEFAULT_MODEL, help=f"default {DEFAULT_MODEL}")
    responses.add_argument("-i", "--instructions", help="system-level instructions")
    responses.add_argument("-t", "--temperature", type=float)
    responses.add_argument("--max-output-tokens", type=int, metavar="N")
    responses.add_argument("--previous-response-id", metavar="ID", help="continue a conversation")
    responses.add_argument("--json", action="store_true", help="print the API's JSON")
    responses.add_argument(
        "--stream",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="default: on, off with --json",
    )
    add_client_options(responses)
    responses.set_defaults(run=run_responses)

    models = commands.add_parser("models", help="list the models the server offers")
    models.add_argument("--json", action="store_true", help="print the API's JSON")
    add_client_options(models)
    models.set_defaults(run=run_models)

    embed = commands.add_parser(
        "embed",
        help="embeddings of texts, one JSON array per line",
        description="Embed each text (arguments, else each line of standard input).",
    )
    embed.add_argument("text", nargs="*", help="texts to embed (default: lines of standard input)")
    embed.add_argument(
        "-m", "--model", default=DEFAULT_EMBEDDING_MODEL, help=f"default {DEFAULT_EMBEDDING_MODEL}"
    )
    embed.add_argument("--dimensions", type=int, metavar="N")
    embed.add_argument("--json", action="store_true", help="print the API's JSON")
    add_client_options(embed)
    embed.set_defaults(run=run_embed)


def _given(**params: Any) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


def run_chat(args: argparse.Namespace) -> int:
    messages: list[Any] = []
    if args.system:
        messages.append({"role": "system", "content": args.system})
    messages.append({"role": "user", "content": read_prompt(args.prompt)})
    params = _given(
        model=args.model,
        messages=messages,
        temperature=args.temperature,
        max_completion_tokens=args.max_tokens,
    )
    stream = (not args.json) if args.stream is None else args.stream
    with make_client(args) as client:
        if not stream:
            completion = client.chat.completions.create(**params)
            if args.json:
                write_json(completion.to_dict())
            else:
                print(completion.choices[0].message.content or "")
            return 0
        with client.chat.completions.create(**params, stream=True) as chunks:
            for chunk in chunks:
                if args.json:
                    sys.stdout.write(chunk.to_json(indent=None) + "\n")
                elif chunk.choices and chunk.choices[0].delta.content:
                    sys.stdout.write(chunk.choices[0].delta.content)
                sys.stdout.flush()
        if not args.json:
            sys.stdout.write("\n")
    return 0


def run_responses(args: argparse.Namespace) -> int:
    params = _given(
        model=args.model,
        input=read_prompt(args.prompt),
        instructions=args.instructions,
        temperature=args.temperature,
        max_output_tokens=args.max_output_tokens,
        previous_response_id=args.previous_response_id,
    )
    stream = (not args.json) if args.stream is None else args.stream
    with make_client(args) as client:
        if not stream:
            response = client.responses.create(**params)
            if args.json:
                write_json(response.to_dict())
            else:
                print(response.output_text)
            return 0
        with client.responses.create(**params, stream=True) as events:
            for event in events:
                if args.json:
                    sys.stdout.write(event.to_json(indent=None) + "\n")
                elif event.type == "response.output_text.delta":
                    sys.stdout.write(event.delta)
                elif event.type == "response.completed":
                    # The id continues the conversation: --previous-response-id.
                    print(f"\n[{event.response.id}]", file=sys.stderr)
                sys.stdout.flush()
        if not args.json:
            sys.stdout.write("\n")
    return 0


def run_models(args: argparse.Namespace) -> int:
    with make_client(args) as client:
        models = list(client.models.list())
    if args.json:
        write_json([m.to_dict() for m in models])
    else:
        for model in sorted(models, key=lambda m: m.id):
            print(model.id)
    return 0


def run_embed(args: argparse.Namespace) -> int:
    texts = args.text or [line for line in sys.stdin.read().splitlines() if line.strip()]
    if not texts:
        from ._common import CLIError

        raise CLIError("nothing to embed: give texts as arguments or lines on standard input")
    with make_client(args) as client:
        result = client.embeddings.create(
            **_given(model=args.model, input=texts, dimensions=args.dimensions)
        )
    if args.json:
        write_json(result.to_dict())
        return 0
    import orjson

    for item in result.data:
        sys.stdout.write(orjson.dumps(item.embedding).decode() + "\n")
    return 0
