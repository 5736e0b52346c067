"""`kt policy lint` and `kt policy test` (DESIGN §5, §10).

lint: every problem at once as `file:line:col: error: policy 'x': message; hint [code]`;
exit 0 when clean (warnings allowed), 1 on errors, 2 on usage errors or an unreadable file.
test: one flushed JSON line per input: {"action", "policies": [...with spans], "redacted"}.
"""

from __future__ import annotations

import argparse
import sys

import orjson

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def register(subparsers) -> None:
    policy = subparsers.add_parser("policy", help="check and try policy files",
                                   description="Check a policy file, or run it on sample text without a gateway.")
    commands = policy.add_subparsers(dest="policy_command", metavar="COMMAND")
    policy.set_defaults(func=lambda args: (policy.print_help(), EXIT_USAGE)[1])

    lint = commands.add_parser("lint", help="report every problem in a policy file",
                               description="Report every problem in a policy file with file:line:col and a fix.")
    lint.add_argument("--file", "-f", required=True, help="policy YAML file, e.g. team-policy.yaml")
    lint.add_argument("--output", "-o", choices=("text", "json"), default="text")
    lint.set_defaults(func=lint_command)

    test = commands.add_parser(
        "test", help="run a policy file on text and print each decision",
        description="Run the policies on text (an argument, or JSONL lines {\"text\": …}) and print one JSON "
                    "decision per input, with each finding's spans.")
    test.add_argument("--file", "-f", required=True, help="policy YAML file")
    test.add_argument("--phase", choices=("input", "output"), default="input",
                      help="evaluate as a prompt (input, default) or as a response (output)")
    test.add_argument("text", nargs="?", help="the text to check")
    test.add_argument("--jsonl", metavar="FILE", help="JSONL file (or - for stdin), one {\"text\": …} per line; "
                      "for --phase output also optional \"prompt\", \"finish_reason\", \"response_format\"")
    test.set_defaults(func=test_command)


def _read(path: str) -> tuple[bytes | None, str | None]:
    try:
        with open(path, "rb") as handle:
            return handle.read(), None
    except FileNotFoundError:
        return None, f"{path}: no such file; check the path (e.g. --file team-policy.yaml)"
    except IsADirectoryError:
        return None, f"{path}: is a directory; pass the policy YAML file inside it"
    except OSError as exc:
        return None, f"{path}: cannot read it ({exc.strerror}); check the path and permissions"


def lint_command(args) -> int:
    from keeptrusts.policy.loader import load_bytes

    data, problem = _read(args.file)
    if data is None:
        if args.output == "json":
            _print_json({"ok": False, "errors": [{"file": args.file, "line": 0, "col": 0, "policy": None,
                                                   "code": "unreadable-file", "message": problem, "hint": ""}],
                         "warnings": []})
        print(f"kt policy lint: {problem}", file=sys.stderr)
        return EXIT_USAGE
    result = load_bytes(data, args.file)
    if args.output == "json":
        _print_json({"ok": result.ok, "errors": [p.as_dict() for p in result.errors],
                     "warnings": [p.as_dict() for p in result.warnings]})
    else:
        for problem_ in result.errors + result.warnings:
            print(problem_)
        print(_summary(args.file, result))
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def _summary(path: str, result) -> str:
    def plural(n, word):
        return f"{n} {word}{'' if n == 1 else 's'}"

    if result.errors:
        return f"{path}: {plural(len(result.errors), 'error')}, {plural(len(result.warnings), 'warning')}"
    kinds = ", ".join(p.type for p in result.policies) or "none"
    warned = f", {plural(len(result.warnings), 'warning')}" if result.warnings else ""
    return f"{path}: OK — {plural(len(result.policies), 'policy').replace('policys', 'policies')} ({kinds}){warned}"


def _print_json(body) -> None:
    sys.stdout.write(orjson.dumps(body).decode() + "\n")
    sys.stdout.flush()


def test_command(args) -> int:
    from keeptrusts.policy import PolicyError, PolicySet

    if (args.text is None) == (args.jsonl is None):
        print("kt policy test: give the text as an argument or --jsonl FILE (- for stdin), not both and not neither",
              file=sys.stderr)
        return EXIT_USAGE
    data, problem = _read(args.file)
    if data is None:
        print(f"kt policy test: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        policy_set = PolicySet.from_yaml(data.decode("utf-8", "replace"), filename=args.file)
    except PolicyError as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"kt policy test: fix the policy file first (kt policy lint --file {args.file})", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.text is not None:
        _print_json(_decide(policy_set, args.phase, {"text": args.text}))
        return EXIT_OK
    if args.jsonl == "-":
        lines = sys.stdin.buffer
    else:
        try:
            lines = open(args.jsonl, "rb")
        except OSError as exc:
            print(f"kt policy test: {args.jsonl}: cannot read it ({exc.strerror})", file=sys.stderr)
            return EXIT_USAGE
    status = EXIT_OK
    with lines:
        for number, raw in enumerate(lines, 1):
            if not raw.strip():
                continue
            try:
                item = orjson.loads(raw)
                if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                    raise ValueError('each line must be an object with a "text" string')
            except ValueError as exc:
                _print_json({"error": f"line {number}: {exc}"})
                status = EXIT_PROBLEMS
                continue
            _print_json(_decide(policy_set, args.phase, item))
    return status


_reported_failures: set[str] = set()


def _decide(policy_set, phase: str, item: dict) -> dict:
    if phase == "input":
        decision = policy_set.evaluate_input(item["text"])
    else:
        decision = policy_set.evaluate_output(item["text"], prompt=item.get("prompt"),
                                              finish_reason=item.get("finish_reason"),
                                              response_format=item.get("response_format"))
    for result in decision.results:
        if result.error and result.name not in _reported_failures:
            _reported_failures.add(result.name)
            print(f"kt policy test: policy '{result.name}' failed ({result.error}) and blocks (fails closed)",
                  file=sys.stderr)
    return {
        "action": decision.action,
        "policies": [
            {"name": r.name, "type": r.type, "action": r.action, "score": r.score, "findings": r.findings,
             "reasons": r.reasons, "spans": [{"start": s.start, "end": s.end, "type": s.type} for s in r.spans]}
            for r in decision.results
        ],
        "redacted": decision.text,
    }
