"""`kt` entry point: one argparse tree, each command group in its own module.

A command module exposes `register(subparsers)`, adding its parser(s) with
`set_defaults(func=handler)`; a handler takes the parsed args and returns the
exit code. Modules are imported lazily per group so `kt policy lint` does not
pay for aiohttp, and nothing here imports Django.
"""

import argparse
import importlib
import sys

from keeptrusts import __version__

# group name -> module that registers it
COMMAND_MODULES = {
    "policy": "keeptrusts.cli.policy",
    "gateway": "keeptrusts.cli.gateway",
    "mock-upstream": "keeptrusts.cli.mock_upstream",
    "doctor": "keeptrusts.cli.doctor",
    "events": "keeptrusts.cli.events",
    "up": "keeptrusts.cli.up",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kt", description="Keeptrusts: governed LLM access for engineering teams.")
    parser.add_argument("--version", action="version", version=f"kt {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMAND_MODULES.items():
        if only and name != only:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # command group not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Build only the group being called: keeps `kt policy …` start-up light.
    only = argv[0] if argv and argv[0] in COMMAND_MODULES else None
    parser = build_parser(only)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
