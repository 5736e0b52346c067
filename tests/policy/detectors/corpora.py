"""Labeled corpora for the dlp-filter, prompt-injection and content-filter detectors.

    python tests/policy/detectors/corpora.py generate   # rewrite tests/policy/data/{secrets,injection,content}_*.jsonl
    python tests/policy/detectors/corpora.py score      # precision / recall / F1 per split

Each corpus has a `dev` split (what the detectors were tuned on) and a `heldout` split built from
disjoint templates, wrappers and seeds, never looked at while tuning: its numbers are the honest
estimate for unseen text. Secrets are random (fresh per seed), never real credentials.
"""

from __future__ import annotations

import base64
import json
import random
import string
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests` and `keeptrusts` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.policy.detectors.corpus_content import content_corpus, score_content  # noqa: E402
from tests.policy.detectors.corpus_injection import injection_corpus, score_injection  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"
SENTINEL = "\x00SECRET\x00"


def rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


# --- secrets ------------------------------------------------------------------------------------


def _pem(rng: random.Random, kind: str = "RSA ", escaped: bool = False) -> str:
    nl = "\\n" if escaped else "\n"
    lines = ["MII" + rand(rng, B64, 61)] + [rand(rng, B64, 64) for _ in range(rng.randint(6, 12))] + [rand(rng, B64, 20) + "=="]
    return f"-----BEGIN {kind}PRIVATE KEY-----{nl}" + nl.join(lines) + f"{nl}-----END {kind}PRIVATE KEY-----"


def _b64url(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _jwt(rng: random.Random) -> str:
    header = {"alg": rng.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}
    payload = {"sub": rand(rng, string.digits, 8), "iat": rng.randint(1.6e9, 1.8e9), "scope": rng.choice(["read", "admin", "user"])}
    return f"{_b64url(header)}.{_b64url(payload)}.{rand(rng, URLSAFE, 43)}"


WORDS = "river falcon orange copper violet summit harbor maple quartz tiger lemon cedar".split()


def _password(rng: random.Random) -> str:
    style = rng.randrange(4)
    if style == 0:
        return rng.choice(WORDS).capitalize() + str(rng.randint(10, 9999)) + rng.choice("!@#$%&*")
    if style == 1:
        return rand(rng, ALNUM + "!#%^*", rng.randint(12, 24))
    if style == 2:
        return rng.choice(WORDS) + rng.choice(["_", "-", "."]) + rng.choice(WORDS) + str(rng.randint(1, 99))
    return rand(rng, ALNUM, rng.randint(16, 32))


# kind -> (value factory, assignment lines with {s}); dev uses even-indexed lines, heldout odd-indexed.
SECRET_KINDS = {
    "aws_access_key": (lambda r: "AKIA" + rand(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
                       ["AWS_ACCESS_KEY_ID={s}", "aws_access_key_id = {s}", '"AccessKeyId": "{s}"', "access key: {s}"]),
    "aws_secret_key": (lambda r: rand(r, B64, 40),
                       ["AWS_SECRET_ACCESS_KEY={s}", "aws_secret_access_key = {s}", 'aws_secret_key: "{s}"',
                        "export AWS_SECRET_ACCESS_KEY='{s}'"]),
    "gcp_api_key": (lambda r: "AIza" + rand(r, URLSAFE, 35),
                    ["GOOGLE_API_KEY={s}", "https://maps.googleapis.com/maps/api/geocode/json?address=x&key={s}",
                     'apiKey: "{s}",', "const key = '{s}';"]),
    "gcp_service_account": (lambda r: _pem(r, "", escaped=True),
                            ['"private_key": "{s}\\n",', '  "private_key": "{s}\\n",\n  "client_email": "ci@proj.iam.gserviceaccount.com"']),
    "azure_storage_key": (lambda r: rand(r, B64, 86) + "==",
                          ["DefaultEndpointsProtocol=https;AccountName=prodlogs;AccountKey={s};EndpointSuffix=core.windows.net",
                           'AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={s}"']),
    "azure_client_secret": (lambda r: rand(r, ALNUM, 3) + "8Q~" + rand(r, ALNUM + "_~.-", 34),
                            ["AZURE_CLIENT_SECRET={s}", 'client_secret: "{s}"', "ClientSecret = {s}", "secret value {s}"]),
    "github_token": (lambda r: r.choice(["ghp_", "gho_", "ghs_", "ghu_"]) + rand(r, ALNUM, 36),
                     ["GITHUB_TOKEN={s}", "git remote set-url origin https://{s}@github.com/acme/api.git", "token: {s}",
                      "-H 'Authorization: token {s}'"]),
    "github_pat": (lambda r: "github_pat_" + rand(r, ALNUM, 22) + "_" + rand(r, ALNUM, 59),
                   ["GH_PAT={s}", "gh auth login --with-token <<< {s}"]),
    "gitlab_token": (lambda r: "glpat-" + rand(r, URLSAFE, 20),
                     ["GITLAB_TOKEN={s}", 'PRIVATE-TOKEN: {s}', "private_token = '{s}'", "CI token {s}"]),
    "slack_token": (lambda r: r.choice(["xoxb-", "xoxp-"]) + f"{r.randint(10**10, 10**12)}-{r.randint(10**10, 10**12)}-" + rand(r, ALNUM, 24),
                    ["SLACK_BOT_TOKEN={s}", "slack_token: {s}", "client = WebClient(token='{s}')", "bot token is {s}"]),
    "slack_webhook": (lambda r: f"https://hooks.slack.com/services/T{rand(r, string.ascii_uppercase + string.digits, 8)}/B{rand(r, string.ascii_uppercase + string.digits, 10)}/{rand(r, ALNUM, 24)}",
                      ["SLACK_WEBHOOK_URL={s}", "curl -X POST -d '{{\"text\":\"deploy done\"}}' {s}", "webhook: {s}"]),
    "stripe_key": (lambda r: r.choice(["sk_live_", "rk_live_"]) + rand(r, ALNUM, r.choice([24, 99])),
                   ["STRIPE_SECRET_KEY={s}", "stripe.api_key = \"{s}\"", "const stripe = require('stripe')('{s}');",
                    "Stripe::api_key = '{s}'"]),
    "openai_key": (lambda r: r.choice(["sk-proj-" + rand(r, URLSAFE, 120), "sk-" + rand(r, ALNUM, 20) + "T3BlbkFJ" + rand(r, ALNUM, 20)]),
                   ["OPENAI_API_KEY={s}", 'client = OpenAI(api_key="{s}")', "-H \"Authorization: Bearer {s}\"",
                    "openai.api_key = '{s}'"]),
    "anthropic_key": (lambda r: "sk-ant-api03-" + rand(r, URLSAFE, 93) + "AA",
                      ["ANTHROPIC_API_KEY={s}", "anthropic.Anthropic(api_key=\"{s}\")", "-H 'x-api-key: {s}'", "key={s}"]),
    "twilio_key": (lambda r: r.choice(["AC", "SK"]) + rand(r, "0123456789abcdef", 32),
                   ["TWILIO_ACCOUNT_SID={s}", "account_sid = '{s}'", "TWILIO_API_KEY={s}", "sid: {s}"]),
    "sendgrid_key": (lambda r: "SG." + rand(r, URLSAFE, 22) + "." + rand(r, URLSAFE, 43),
                     ["SENDGRID_API_KEY={s}", "sg = SendGridAPIClient('{s}')", "sendgrid_api_key: {s}"]),
    "npm_token": (lambda r: "npm_" + rand(r, ALNUM, 36),
                  ["//registry.npmjs.org/:_authToken={s}", "NPM_TOKEN={s}", "npm token {s}"]),
    "pypi_token": (lambda r: "pypi-AgEIcHlwaS5vcmc" + rand(r, URLSAFE, 70),
                   ["password = {s}", "TWINE_PASSWORD={s}", "twine upload -p {s} dist/*"]),
    "docker_token": (lambda r: "dckr_pat_" + rand(r, URLSAFE, 27),
                     ["DOCKERHUB_TOKEN={s}", "echo {s} | docker login -u acme --password-stdin", "docker token {s}"]),
    "keeptrusts_credential": (lambda r: r.choice(["kt_gk_", "kt_api_", "kt_gwt_"]) + rand(r, URLSAFE, 43),
                              ["OPENAI_API_KEY={s}", "KT_GATEWAY_TOKEN={s}", "-H 'Authorization: Bearer {s}'", "my key is {s}"]),
    "private_key": (lambda r: _pem(r, r.choice(["RSA ", "EC ", "OPENSSH ", ""])),
                    ["{s}", "cat > id_rsa <<EOF\n{s}\nEOF", "ssh_key: |\n  {s}"]),
    "jwt": (_jwt, ["Authorization: Bearer {s}", "token={s}", "curl -H 'Authorization: Bearer {s}' https://api.acme.io/me",
                   "session cookie: {s}"]),
    "password_in_url": (_password, ["DATABASE_URL=postgres://app:{s}@db.internal:5432/app",
                                     "mongodb+srv://admin:{s}@cluster0.ab1cd.mongodb.net/prod",
                                     "REDIS_URL=redis://default:{s}@redis-1234.cloud.redislabs.com:6379",
                                     "amqp://svc:{s}@rabbitmq:5672/", "mysql://root:{s}@10.0.3.4/orders"]),
    "password_assignment": (_password, ["DB_PASSWORD={s}", "password: {s}", '"password": "{s}",', "password = {s}",
                                        "PGPASSWORD={s} psql -h db -U app", "spring.datasource.password={s}",
                                        "ALTER USER app IDENTIFIED BY '{s}';", "smtp_pass = \"{s}\""]),
    "high_entropy_secret": (lambda r: r.choice([rand(r, "0123456789abcdef", 32), rand(r, ALNUM, 40), rand(r, B64, 44)]),
                            ["API_KEY={s}", 'SECRET_KEY = "{s}"', "webhook_secret: {s}", '"apiKey": "{s}"',
                             "client_secret={s}", "MAILGUN_API_KEY={s}", "auth_token = '{s}'", "x-api-key: {s}"]),
}

# Lines that look like secrets to a naive filter and are not.
SECRET_NEGATIVE_LINES = [
    "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "OPENAI_API_KEY=sk-...", "OPENAI_API_KEY=<your-openai-key>", "api_key = os.environ[\"API_KEY\"]",
    "password: ${DB_PASSWORD}", 'token = "YOUR_TOKEN_HERE"', "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "stripe.api_key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'", "password = getpass.getpass()", "DB_PASSWORD=changeme",
    "SECRET_KEY = env('DJANGO_SECRET_KEY')", "client_secret: {{ .Values.clientSecret }}", "password: str",
    "export API_KEY=$(vault kv get -field=key secret/app)", "Authorization: Bearer <token>", "token: '***'",
    "max_tokens = 4096", "commit 3f9a2c1e8b7d6f5a4c3b2a1908f7e6d5c4b3a291", "request_id=2f1c7e9a-5b3d-4c8e-9f0a-1b2c3d4e5f60",
    "sha256:9b2a1f0e8d7c6b5a49382716e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6", "version: 2.31.0-rc.4+build.7812",
    '"integrity": "sha512-Xo9vD3CGf8uBTdB5sHYsrZ4LqmeYpOdbnVNHsWQJ07ZxWmQvsHXUnVp6vRr+VJDb2w=="', "color: #3f9a2c;",
    "git clone git@github.com:acme/payments.git", "https://alice@gitlab.acme.io/acme/api.git", "password_reset_token_ttl = 3600",
    "if password == confirm_password:", "def check_token(token: str) -> bool:", "the secret to good caching is invalidation",
    "user.set_password(form.cleaned_data['password'])", "const token = await getToken();", "KEY_PREFIX = 'cache:v2:'",
    "Enter your password: ", 'placeholder="Password"', "input type=password", "tokens_used: 18234", "num_keys = 12",
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQC7 deploy@ci", "-----BEGIN PUBLIC KEY-----", "-----BEGIN CERTIFICATE-----",
    "primary_key = 'id'", "sort_key: created_at", "api_key: !secret weather_api_key", "PASSWORD_MIN_LENGTH = 12",
    "postgres://user:password@localhost:5432/dev", "redis://localhost:6379/0", "http://example.com:8080/path?q=1",
    "SESSION_COOKIE_NAME = 'sessionid'", "partition_key = f'{tenant}:{day}'", "foreign_key = models.ForeignKey(User)",
    "token_type: bearer", "auth: none", "credentials: include", "key: value", "secret_name: prod-db-credentials",
    "jwt.decode(token, key, algorithms=['HS256'])", "the AKIA prefix marks long-term AWS access keys",
    "pk_live_ keys are publishable and safe in the browser", "eyJ is what base64-encoded JSON starts with",
]

FILLER = {
    "svc": ["billing", "payments", "search", "auth", "ingest", "notifier", "reports"],
    "file": ["settings.py", "config.yaml", ".env", "docker-compose.yml", "app.js", "main.go", "deploy.sh"],
    "name": ["Priya", "Marco", "Lena", "Tom", "Aiko", "Sam"],
    "err": ["ConnectionRefusedError", "AuthenticationFailed", "403 Forbidden", "SignatureDoesNotMatch", "invalid_grant"],
}

# Outer contexts by source. {line} is the (secret or negative) line; the rest is filler.
SECRET_WRAPPERS = {
    "dev": [
        ("code", "Why does this fail?\n\n```\n# {file}\nimport os\n{line}\nclient = Client()\n```"),
        ("stacktrace", "Traceback (most recent call last):\n  File \"/srv/{svc}/worker.py\", line 88, in run\n    {line}\n{err}: request rejected"),
        ("ticket", "JIRA OPS-{n}: {svc} deploy broken\nSteps: set `{line}` in {file}, restart, observe {err}."),
        ("email", "Hi {name},\n\nfor the {svc} migration use this:\n{line}\n\nThanks"),
        ("chat", "{name}: can someone check my config? {line}"),
        ("json", '{{"service": "{svc}", "env": "prod", "config": "{line}"}}'),
        ("csv", "service,setting,owner\n{svc},{line},{name}"),
        ("prose", "While debugging {svc} I found the line {line} in {file}; please review."),
    ],
    "heldout": [
        ("code", "Refactor this to use a settings object:\n\n    {line}\n    resp = session.get(url, timeout=5)\n"),
        ("stacktrace", "ERROR 2024-03-02T10:11:12Z [{svc}] startup failed\n  cause: {err}\n  config dump: {line}\n  at Loader.load (loader.js:42)"),
        ("ticket", "Bug #{n} ({svc}): after rotating credentials, {file} still contains {line} and the job fails with {err}."),
        ("email", "Subject: staging access\n\nHello team, {name} here. Staging now reads\n\n  {line}\n\nfrom {file}. Cheers"),
        ("chat", "> {line}\nthat's what the {svc} pod logs on boot, {name} any idea?"),
        ("json", '[{{"ts": 1712000000, "level": "debug", "svc": "{svc}", "msg": "loaded {line}"}}]'),
        ("csv", "ts,level,message\n2024-05-01,WARN,\"{svc} env {line}\""),
        ("prose", "Please summarise the incident: an engineer pasted {line} into the {svc} runbook."),
    ],
}

CLEAN_TEXTS = [
    ("prose", "Can you explain how Python's GIL affects multithreaded CPU-bound code?"),
    ("code", "def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a"),
    ("ticket", "Login page returns 500 when the session cookie has expired; see logs from 14:02 UTC."),
    ("email", "Hi all, the retro is moved to Thursday 3pm. Bring one thing that went well and one to fix."),
    ("chat", "anyone know why `npm ci` is slower than `npm install` on the runners today?"),
    ("csv", "id,name,amount,currency\n1041,Widget,19.99,EUR\n1042,Gadget,5.00,USD"),
    ("json", '{"id": "ord_8f2k", "items": 3, "total": 41.5, "status": "shipped"}'),
    ("stacktrace", "java.lang.NullPointerException\n\tat com.acme.Orders.total(Orders.java:118)\n\tat com.acme.Api.handle(Api.java:52)"),
    ("code", "SELECT user_id, count(*) FROM events WHERE ts > now() - interval '7 days' GROUP BY 1;"),
    ("prose", "Write a haiku about Kubernetes pods restarting at midnight."),
]


def _fill(rng: random.Random, template: str, line: str) -> str:
    values = {k: rng.choice(v) for k, v in FILLER.items()}
    return template.format(line=line, n=rng.randint(100, 9999), **values)


def secrets_corpus(split: str) -> list[dict]:
    rng = random.Random(1 if split == "dev" else 2)
    parity = 0 if split == "dev" else 1
    rows = []
    for kind, (make, lines) in SECRET_KINDS.items():
        own_lines = [line for i, line in enumerate(lines) if i % 2 == parity] or lines
        for _ in range(12 if split == "dev" else 8):
            value = make(rng)
            line = rng.choice(own_lines).replace("{s}", SENTINEL)
            source, wrapper = rng.choice(SECRET_WRAPPERS[split])
            if "\n" in value and source in ("json", "csv"):
                source, wrapper = SECRET_WRAPPERS[split][0]
            text = _fill(rng, wrapper, line)
            start = text.index(SENTINEL)
            text = text.replace(SENTINEL, value, 1)
            rows.append({"text": text, "source": source, "spans": [{"start": start, "end": start + len(value), "type": "secret"}], "kind": kind})
    negatives = [line for i, line in enumerate(SECRET_NEGATIVE_LINES) if i % 2 == parity]
    for line in negatives:
        for _ in range(2):
            source, wrapper = rng.choice(SECRET_WRAPPERS[split])
            rows.append({"text": _fill(rng, wrapper, line), "source": source, "spans": []})
    for source, text in CLEAN_TEXTS[parity::2]:
        rows.append({"text": text, "source": source, "spans": []})
    rng.shuffle(rows)
    return rows


# --- scoring ------------------------------------------------------------------------------------


def score_secrets(rows: list[dict]) -> dict:
    from keeptrusts.policy.detectors import secrets

    tp = fp = fn = 0
    misses, false_alarms = [], []
    for row in rows:
        gold = [(s["start"], s["end"]) for s in row["spans"]]
        found = [(s.start, s.end, s.type) for s in secrets.detect(row["text"]).spans]
        hit_gold = {g for g in gold if any(f[0] < g[1] and g[0] < f[1] for f in found)}
        for f in found:
            if any(f[0] < g[1] and g[0] < f[1] for g in gold):
                tp += 1
            else:
                fp += 1
                false_alarms.append((f[2], row["text"][f[0] : f[1]][:60]))
        fn += len(gold) - len(hit_gold)
        misses += [(row.get("kind"), row["text"][g[0] : g[1]][:60]) for g in gold if g not in hit_gold]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = (sum(len(r["spans"]) for r in rows) - fn) / max(1, sum(len(r["spans"]) for r in rows))
    return {"precision": round(precision, 3), "recall": round(recall, 3), "misses": misses, "false_alarms": false_alarms}


CORPORA = {"secrets": secrets_corpus, "injection": injection_corpus, "content": content_corpus}
SPLITS = {"secrets": ("dev", "heldout"), "injection": ("dev", "heldout", "blind"), "content": ("dev", "heldout", "blind")}
SCORERS = {"secrets": score_secrets, "injection": score_injection, "content": score_content}


def write_all() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for name, build in CORPORA.items():
        for split in SPLITS[name]:
            path = DATA / f"{name}_{split}.jsonl"
            with path.open("w") as out:
                for row in build(split):
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(f"wrote {path.relative_to(DATA.parents[2])}")


def load(name: str, split: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / f"{name}_{split}.jsonl").open()]


def score_all(verbose: bool) -> None:
    for name, scorer in SCORERS.items():
        for split in SPLITS[name]:
            result = scorer(load(name, split))
            details = {k: v for k, v in result.items() if not isinstance(v, list)}
            print(f"{name:10} {split:8} {details}")
            if verbose and split != "blind":  # blind sets: numbers only, never tuned on
                for key in ("misses", "false_alarms"):
                    for item in result.get(key, [])[:40]:
                        print(f"    {key[:-1]}: {item}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "score"
    if command == "generate":
        write_all()
    else:
        score_all(verbose="-v" in sys.argv)
