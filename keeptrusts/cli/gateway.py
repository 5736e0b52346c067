"""`kt gateway run`: the OpenAI-compatible gateway that enforces a team's policies."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path


def register(subparsers) -> None:
    gateway = subparsers.add_parser("gateway", help="run the policy-enforcing LLM gateway")
    commands = gateway.add_subparsers(dest="gateway_command", metavar="COMMAND")
    run = commands.add_parser(
        "run", help="serve the OpenAI-compatible API on --port",
        description="Serve /v1/chat/completions, /v1/embeddings and /v1/models, enforcing policies. Connected to the "
        "control plane when KT_GATEWAY_TOKEN is set (KT_API_URL, default http://127.0.0.1:8000); standalone otherwise "
        "(keys from --keys-file, events to --events-file).",
    )
    run.add_argument("--policy-config", type=Path, help="policy YAML applied to every request (file-managed); "
                     "without it each key's team policy comes from the control plane")
    run.add_argument("--port", type=int, default=41002, help="port to listen on (default 41002)")
    run.add_argument("--host", default="0.0.0.0", help="address to bind (default 0.0.0.0, all interfaces)")
    run.add_argument("--upstream", help="OpenAI-compatible base URL of the LLM provider (default $KT_UPSTREAM_URL, "
                     "else the mock at http://127.0.0.1:41099/v1); its key comes from $KT_UPSTREAM_API_KEY")
    run.add_argument("--keys-file", type=Path, help="standalone: YAML `keys: [{key: kt_gk_… | sha256:<hex>, user, team}]`")
    run.add_argument("--events-file", type=Path, help="standalone: JSONL file events are appended to "
                     "(default .keeptrusts/gateway-events.jsonl)")
    run.add_argument("--state-dir", type=Path, help="connected: event spool and config cache "
                     "(default $KT_GATEWAY_STATE_DIR or .keeptrusts/gateway)")
    run.add_argument("--workers", type=int, default=1, help="processes serving the port (SO_REUSEPORT); default 1")
    run.add_argument("--log-level", default=os.environ.get("KT_LOG_LEVEL", "INFO"), help="DEBUG, INFO, WARNING (default INFO)")
    run.set_defaults(func=run_gateway)
    gateway.set_defaults(func=lambda args: gateway.print_help() or 2)


def run_gateway(args: argparse.Namespace) -> int:
    from keeptrusts.gateway.app import Settings
    from keeptrusts.gateway.config import ConfigError, load_keys_file, load_policy_file

    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:  # fail before binding: a typo in a path is a one-line error, not a traceback per worker
        settings = Settings.from_env(upstream_url=args.upstream, policy_config=args.policy_config, keys_file=args.keys_file,
                                     events_file=args.events_file, state_dir=args.state_dir)
        if settings.policy_config:
            load_policy_file(settings.policy_config)
        if settings.keys_file and not settings.connected:
            load_keys_file(settings.keys_file)
    except ConfigError as exc:
        print(f"kt gateway: {exc}", file=sys.stderr)
        return 1
    if args.workers < 1:
        print("kt gateway: --workers must be at least 1", file=sys.stderr)
        return 2
    describe(settings)
    return serve_workers(settings, args.host, args.port, args.workers)


def describe(settings) -> None:
    policy = f"file {settings.policy_config}" if settings.policy_config else "each team's policy from the control plane"
    if settings.connected:
        print(f"kt gateway: connected to {settings.api_url}; policies: {policy}; upstream {settings.upstream_url}", file=sys.stderr)
        return
    if not settings.policy_config:
        policy = "none (no --policy-config and no control plane: requests are not checked)"
    keys = f"keys from {settings.keys_file}" if settings.keys_file else "NO keys (pass --keys-file): every request gets 401"
    print(f"kt gateway: WARNING standalone mode (KT_GATEWAY_TOKEN is not set): {keys}; events appended to "
          f"{settings.events_file}; nothing reaches the Console. Set KT_API_URL and KT_GATEWAY_TOKEN "
          f"(Console Settings > Gateways) to connect. Policies: {policy}; upstream {settings.upstream_url}", file=sys.stderr)


def serve_workers(settings, host: str, port: int, workers: int) -> int:
    import asyncio
    import socket

    from keeptrusts.gateway import serve
    from keeptrusts.gateway.app import create_app, freeze_startup_objects

    try:
        if workers == 1:
            sock = serve.bind_socket(host, port)
            serve.install_uvloop()
            asyncio.run(serve.serve(create_app(settings), sock, name="kt gateway", started=freeze_startup_objects))
            return 0
        # The port must be free for us alone: probe without SO_REUSEPORT, then share it among our workers.
        probe = serve.bind_socket(host, port)
        port = probe.getsockname()[1]
        reserve = socket.socket(probe.family, socket.SOCK_STREAM)
        reserve.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        probe.close()
        reserve.bind((host, port))  # held (not listening) so nobody else takes the port while workers start
    except serve.PortInUse as exc:
        print(serve.port_in_use_message("kt gateway", exc, "gateway"), file=sys.stderr)
        return 1
    children = []
    for index in range(workers):
        pid = os.fork()
        if pid == 0:  # worker
            code = 0
            try:
                sock = serve.bind_socket(host, port, reuse_port=True)
                serve.install_uvloop()
                asyncio.run(serve.serve(create_app(settings), sock, name=f"kt gateway worker {index}", announce=False,
                                        started=freeze_startup_objects))
            except BaseException:
                logging.getLogger("keeptrusts.gateway").exception("worker %d stopped", index)
                code = 1
            os._exit(code)
        children.append(pid)
    print(f"kt gateway listening on http://{host}:{port} ({workers} workers)", flush=True)

    def forward(signum, _frame):
        for child in children:
            try:
                os.kill(child, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    status = 0
    for child in children:
        _, code = os.waitpid(child, 0)
        status = status or (1 if code else 0)
    reserve.close()
    return status
