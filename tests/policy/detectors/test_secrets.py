"""dlp-filter detector: provider formats, placeholders that must stay clean, speed on hostile input."""

import re
import time

import pytest

from keeptrusts.policy.detectors import secrets
from tests.policy.detectors.corpora import load, score_secrets


def found(text, **kwargs):
    return [(span.type, text[span.start : span.end]) for span in secrets.detect(text, **kwargs).spans]


@pytest.mark.parametrize(
    "text, detector, value",
    [
        ("aws_access_key_id = AKIAZ3MSJV4WWPQRL7XN", "aws_access_key", "AKIAZ3MSJV4WWPQRL7XN"),
        ("AKIAZ3MSJV4WWPQRL7XN\nsecret: 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", "aws_secret_key", "9dK+fQ3xW8pLmN2vB7cR4tY6uJ1hG5sA0eZ/kXqT"),
        ("maps?key=AIzaSyD4f9Qk2LrT8vWx1Zb7nMc3Hp0Ja6EsUo", "gcp_api_key", "AIzaSyD4f9Qk2LrT8vWx1Zb7nMc3Hp0Ja6EsUo"),
        ("GH_TOKEN=ghp_R4nd0mT0k3nW1thTh1rtySixCh4rsXyZ9Q8w", "github_token", "ghp_R4nd0mT0k3nW1thTh1rtySixCh4rsXyZ9Q8w"),
        ("token glpat-9fK2mQx7LpZ3vR8tWc1N", "gitlab_token", "glpat-9fK2mQx7LpZ3vR8tWc1N"),
        ("SLACK=xoxb-2837461928-9182736451-Qm8ZkR2pLx7WcN4vT1bY9sHd", "slack_token", "xoxb-2837461928-9182736451-Qm8ZkR2pLx7WcN4vT1bY9sHd"),
        ("stripe('sk_live_51Qx8mZ2kR7pLw4Nc9Tv3Yb6H')", "stripe_key", "sk_live_51Qx8mZ2kR7pLw4Nc9Tv3Yb6H"),
        ("key sk-ant-api03-Zx9Qm2Lk8Rp4Tw7Nc1Vb6Hy3Ju5Gf0Ds-AA", "anthropic_key", "sk-ant-api03-Zx9Qm2Lk8Rp4Tw7Nc1Vb6Hy3Ju5Gf0Ds-AA"),
        ("OPENAI_API_KEY=sk-proj-Q9x2Lm7Rk4Tp8Wn1Vc6Zb3Hy5Ju0Gf_Ds-Ae2Kq", "openai_key", "sk-proj-Q9x2Lm7Rk4Tp8Wn1Vc6Zb3Hy5Ju0Gf_Ds-Ae2Kq"),
        ("SENDGRID=SG.Qm8ZkR2pLx7WcN4vT1bY9s.Hd3Fj6Gk0Lz5Xc2Vb8Nm1Qw4Er7Ty9Ui3Op6As5Df2", "sendgrid_key",
         "SG.Qm8ZkR2pLx7WcN4vT1bY9s.Hd3Fj6Gk0Lz5Xc2Vb8Nm1Qw4Er7Ty9Ui3Op6As5Df2"),
        ("docker login -p dckr_pat_Qm8ZkR2pLx7WcN4vT1bY9sHd3Fj", "docker_token", "dckr_pat_Qm8ZkR2pLx7WcN4vT1bY9sHd3Fj"),
        ("my key is kt_gk_Qm8ZkR2pLx7WcN4vT1bY9sHd3Fj6Gk0Lz5Xc2Vb8Nm1", "keeptrusts_credential",
         "kt_gk_Qm8ZkR2pLx7WcN4vT1bY9sHd3Fj6Gk0Lz5Xc2Vb8Nm1"),
        ("DATABASE_URL=postgres://app:Sup3r$ecret!@db.internal:5432/app", "password_in_url", "Sup3r$ecret!"),
        ("mongodb://svc:p@ss@w0rd@mongo:27017", "password_in_url", "p@ss@w0rd"),
        ("DB_PASSWORD=Tr0ub4dor3", "password_assignment", "Tr0ub4dor3"),
        ('{"user": "etl", "password": "river-falcon-42"}', "password_assignment", "river-falcon-42"),
        ("[database]\npassword = Qz7!mP2x", "password_assignment", "Qz7!mP2x"),
        ("CREATE USER app IDENTIFIED BY 'Hx82!kq';", "password_assignment", "Hx82!kq"),
        ("SECRET_KEY = 'django-insecure-8f#k2@x!9zq$w1m&v3b^n7c*e5r(t0y)'", "high_entropy_secret",
         "django-insecure-8f#k2@x!9zq$w1m&v3b^n7c*e5r(t0y)"),
        ("webhook_secret: 4e9f1c0a7b3d58e26f1a9c4b7d0e3f82", "high_entropy_secret", "4e9f1c0a7b3d58e26f1a9c4b7d0e3f82"),
        ("Authorization: Bearer 8f7a6e5d4c3b2a19c8f7a6e5d4c3b2a1", "authorization_header", "8f7a6e5d4c3b2a19c8f7a6e5d4c3b2a1"),
    ],
)
def test_it_finds_the_secret_and_names_its_detector(text, detector, value):
    assert (detector, value) in found(text)


def test_it_covers_a_whole_pem_block_and_a_service_account_json():
    body = "\n".join(["MIIEowIBAAKCAQEAx7Qm8ZkR2pLx7WcN4vT1bY9sHd3Fj6Gk0Lz5Xc2Vb8Nm1Qw4"] + ["Er7Ty9Ui3Op6As5Df2Gh4Jk8Lz0Xc3Vb7Nm2Qw5Er9Ty1Ui4Op8As3Df6Gh0Jk2Lz"] * 5)
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"
    assert found(f"here:\n{pem}\nthanks") == [("private_key", pem)]
    escaped = pem.replace("\n", "\\n")
    assert [t for t, _ in found('{"type": "service_account", "private_key": "' + escaped + '\\n"}')] == ["private_key"]


@pytest.mark.parametrize(
    "text",
    [
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "api_key: YOUR_API_KEY",
        "OPENAI_API_KEY=sk-...",
        "token = '<token>'",
        "password: ${DB_PASSWORD}",
        "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "DB_PASSWORD=changeme",
        'password = "password"',
        "stripe.api_key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'",
        "password = getpass.getpass()",
        "conn = connect(host=host, password=password)",
        "password: str",
        "postgres://user:password@localhost:5432/dev",
        "commit 3f9a2c1e8b7d6f5a4c3b2a1908f7e6d5c4b3a291 fixed the token refresh",
        "max_tokens = 4096; next_page_token = 'CiAKGjBpNDd2Nmp2Zml2cXRsYnN5'",
        "The key point is that the secret to caching is invalidation.",
        "Your key looks like kt_gk_…abcd in the Console",
        "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
        "if password == confirm_password: return True",
        "PWD=/home/alice",
    ],
)
def test_placeholders_code_and_look_alikes_stay_clean(text):
    assert found(text) == []


def test_detectors_option_limits_what_is_reported():
    text = "AKIAZ3MSJV4WWPQRL7XN and ghp_R4nd0mT0k3nW1thTh1rtySixCh4rsXyZ9Q8w"
    assert [t for t, _ in found(text, detectors=frozenset({"github_token"}))] == ["github_token"]


def test_custom_patterns_are_typed_by_their_name():
    text = "internal ticket key ACME-7f3a9c21e0 leaked"
    patterns = (("acme_internal_key", re.compile(r"ACME-[0-9a-f]{10}")),)
    assert found(text, custom_patterns=patterns) == [("acme_internal_key", "ACME-7f3a9c21e0")]


def test_every_detector_is_documented_in_the_module_docstring():
    for name in secrets.DETECTORS:
        assert f"`{name}`" in secrets.__doc__


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_labeled_corpus_meets_precision_and_recall_targets(split):
    result = score_secrets(load("secrets", split))
    assert result["precision"] >= 0.95 and result["recall"] >= 0.95, result


@pytest.mark.parametrize(
    "hostile",
    [
        "7" * 100_000,
        "@" * 100_000,
        " \t\n" * 33_000,
        "[{(" * 33_000,
        "a_" * 50_000,
        "password=" * 11_000,
        "AKIA" * 25_000,
        "postgres://" + "u:" * 50_000,
        "eyJ" + "a" * 100_000,
        "-----BEGIN PRIVATE KEY-----\n" + "A" * 100_000,
        "key " * 25_000,
    ],
)
def test_hostile_input_finishes_fast(hostile):
    started = time.perf_counter()
    secrets.detect(hostile)
    assert time.perf_counter() - started < 0.5
