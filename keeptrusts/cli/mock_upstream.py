"""`kt mock-upstream`: an OpenAI-compatible model for demos and tests (no network, no keys)."""

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "mock-upstream",
        help="run an OpenAI-compatible mock LLM (deterministic replies, streaming, embeddings)",
        description="An OpenAI-compatible mock LLM. Point the gateway at it with "
        "--upstream http://127.0.0.1:41099/v1. Request headers x-mock-reply, x-mock-echo, "
        "x-mock-status and x-mock-delay-ms steer single replies; GET /_last_request shows "
        "what was last received.",
    )
    parser.add_argument("--port", type=int, default=41099, help="port to listen on (default 41099; 0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--delay-ms", type=float, default=0, help="wait this long before each reply (simulates model latency)")
    parser.add_argument("--chunk-delay-ms", type=float, default=0, help="wait this long between streamed chunks")
    parser.add_argument("--echo", action="store_true", help="reply with the last user message as received")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from keeptrusts.gateway import serve
    from keeptrusts.gateway.mock_upstream import create_app

    return serve.run(
        lambda: create_app(delay_ms=args.delay_ms, chunk_delay_ms=args.chunk_delay_ms, echo=args.echo),
        host=args.host, port=args.port, name="kt mock-upstream", program="kt mock-upstream", what="mock upstream",
    )
