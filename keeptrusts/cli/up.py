"""`kt up`: the whole stack on the embedded default, for a first look (DESIGN §11).

Runs migrations, seeds the demo org once, then supervises the Console (gunicorn),
the background scheduler, the built-in mock upstream and a control-plane-managed
gateway, and prints where everything is. Ctrl-C stops them all.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

CONSOLE_PORT = 8000
GATEWAY_PORT = 41002
UPSTREAM_PORT = 41099


def register(subparsers):
    parser = subparsers.add_parser("up", help="run the whole stack locally (Console, tasks, gateway, mock upstream)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--no-gateway", action="store_true", help="start only the control plane")
    parser.set_defaults(func=run)


def project_root() -> Path:
    """The checkout holding manage.py (kt up is a development/demo command)."""
    for candidate in (Path.cwd(), Path(__file__).resolve().parents[2]):
        if (candidate / "manage.py").exists():
            return candidate
    sys.exit("kt up: no manage.py here. Run it from a Keeptrusts checkout (or use `make run`).")


def port_busy(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_for_port(host: str, port: int, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if port_busy(host, port):
            return True
        time.sleep(0.2)
    return False


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.startswith("export ") and "=" in line:
            name, _, value = line[len("export "):].partition("=")
            values[name.strip()] = value.strip()
    return values


def manage(root: Path, *args: str, env=None) -> None:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=root, env=env)
    if result.returncode != 0:
        sys.exit(f"kt up: `python manage.py {' '.join(args)}` failed (exit {result.returncode}); see the error above.")


def has_command(name: str) -> bool:
    from keeptrusts.cli.main import COMMAND_MODULES

    try:
        __import__(COMMAND_MODULES[name])
        return True
    except ModuleNotFoundError:
        return False


def run(args) -> int:
    root = project_root()
    env = dict(os.environ)
    env.setdefault("DEBUG", "0")
    for port, what in ((CONSOLE_PORT, "the Console"), (GATEWAY_PORT, "the gateway"), (UPSTREAM_PORT, "the mock upstream")):
        if port_busy(args.host, port) and not (args.no_gateway and port != CONSOLE_PORT):
            print(f"kt up: port {port} (for {what}) is already in use. Stop the other process "
                  f"(is another `make run` still running?) and try again.", file=sys.stderr)
            return 1

    manage(root, "migrate", "--noinput", "-v", "0", env=env)
    manage(root, "seed_demo", env=env)
    manage(root, "collectstatic", "--noinput", "-v", "0", env=env)
    state_dir = Path(env.get("KT_STATE_DIR", root / ".keeptrusts"))
    demo = read_env_file(state_dir / "demo.env")

    processes: list[tuple[str, subprocess.Popen]] = []

    def start(name: str, command: list[str], extra_env: dict | None = None):
        proc = subprocess.Popen(command, cwd=root, env={**env, **(extra_env or {})})
        processes.append((name, proc))
        return proc

    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    start("console", [gunicorn, "keeptrusts.wsgi", "--bind", f"{args.host}:{CONSOLE_PORT}",
                      "--worker-class", "gthread", "--workers", "2", "--threads", "8",
                      "--timeout", "120", "--graceful-timeout", "5", "--access-logfile", "-" if env.get("KT_ACCESS_LOG") else "/dev/null"])
    if (root / "apps" / "events" / "management" / "commands" / "run_scheduler.py").exists():
        start("scheduler", [sys.executable, "manage.py", "run_scheduler"])
    if not args.no_gateway and has_command("mock-upstream"):
        start("mock-upstream", [sys.executable, "-m", "keeptrusts.cli", "mock-upstream", "--port", str(UPSTREAM_PORT)])
    if not args.no_gateway and has_command("gateway"):
        start("gateway", [sys.executable, "-m", "keeptrusts.cli", "gateway", "run", "--port", str(GATEWAY_PORT)],
              {"KT_API_URL": f"http://{args.host}:{CONSOLE_PORT}", "KT_GATEWAY_TOKEN": demo["KT_GATEWAY_TOKEN"],
               "KT_UPSTREAM_URL": demo["KT_UPSTREAM_URL"]})

    if not wait_for_port(args.host, CONSOLE_PORT):
        print("kt up: the Console did not start; see the errors above.", file=sys.stderr)
        return stop(processes, 1)
    print_banner(args.host, state_dir / "demo.env", demo, gateway=any(n == "gateway" for n, _ in processes))
    return supervise(processes)


def print_banner(host: str, env_path: Path, demo: dict, gateway: bool) -> None:
    print(f"""
Keeptrusts is running.

  Console      http://{host}:{CONSOLE_PORT}/
  Events API   http://{host}:{CONSOLE_PORT}/v1/events""")
    if gateway:
        print(f"  Gateway      http://{host}:{GATEWAY_PORT}/v1   (mock upstream on :{UPSTREAM_PORT})")
    print(f"""
Logins (password keeptrusts-demo):
  admin@example.com    owner
  manager@example.com  manager of platform
  alice@example.com    developer, platform
  bob@example.com      developer, payments

Credentials (also in {env_path}; run `source {env_path}`):
  GATEWAY_KEY / OPENAI_API_KEY  {demo.get('GATEWAY_KEY')}   (alice, platform)
  API_TOKEN / KT_API_TOKEN      {demo.get('API_TOKEN')}   (manager)
  KT_GATEWAY_TOKEN              {demo.get('KT_GATEWAY_TOKEN')}   (gateway for platform)
""")
    if gateway:
        print(f"""Try it:
  source {env_path}
  curl -X POST http://{host}:{GATEWAY_PORT}/v1/chat/completions \\
  -H "Authorization: Bearer $GATEWAY_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{{"model": "gpt-4o", "messages": [{{"role": "user", "content": "Hello"}}]}}'
""")
    print("Press Ctrl-C to stop.", flush=True)


def supervise(processes) -> int:
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        while True:
            for name, proc in processes:
                if proc.poll() is not None:
                    print(f"kt up: {name} exited with {proc.returncode}; stopping the rest.", file=sys.stderr)
                    return stop(processes, 1)
            time.sleep(0.5)
    except KeyboardInterrupt:
        return stop(processes, 0)


def stop(processes, code: int) -> int:
    for _, proc in processes:
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + 10
    for _, proc in processes:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
    return code
