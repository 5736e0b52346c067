"""Credentials: random, prefixed, shown once, stored as SHA-256 (DESIGN §4)."""

import hashlib
import hmac
import secrets

from django.db import models
from django.utils import timezone

GATEWAY_KEY_PREFIX = "kt_gk_"
API_TOKEN_PREFIX = "kt_api_"
GATEWAY_TOKEN_PREFIX = "kt_gwt_"

# 32 bytes = 256 bits of randomness, URL-safe so it survives shells and headers.
SECRET_BYTES = 32
LAST_USED_THROTTLE_SECONDS = 60


def digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def digests_match(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


def generate(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(SECRET_BYTES)


def new_public_id(prefix: str) -> str:
    return prefix + secrets.token_hex(6)


class Credential(models.Model):
    """Shared columns and behaviour of gateway keys, API tokens and gateway tokens.

    The plaintext never lives on the model: `issue()` returns it once to the caller.
    """

    PREFIX = ""
    PUBLIC_ID_PREFIX = ""

    key_id = models.CharField(max_length=32, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    last4 = models.CharField(max_length=4, editable=False)
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def issue(self) -> str:
        """Fill the secret columns and return the plaintext (the only time it exists)."""
        plaintext = generate(self.PREFIX)
        self.digest = digest(plaintext)
        self.last4 = plaintext[-4:]
        self.key_id = new_public_id(self.PUBLIC_ID_PREFIX)
        return plaintext

    @property
    def display(self) -> str:
        return f"{self.PREFIX}…{self.last4}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "active"

    def __repr__(self) -> str:  # never the digest, never the plaintext
        return f"<{type(self).__name__} {self.key_id} {self.display} {self.status}>"

    __str__ = lambda self: f"{self.display} ({self.key_id})"  # noqa: E731

    @classmethod
    def active(cls):
        now = timezone.now()
        return cls.objects.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )

    @classmethod
    def authenticate(cls, plaintext: str):
        """Return the active credential for a plaintext, or None.

        Unknown, revoked and expired look the same to the caller. The lookup is
        by digest (a unique index), so the comparison is on fixed-length hashes.
        """
        if not plaintext or not plaintext.startswith(cls.PREFIX):
            return None
        credential = cls.active().filter(digest=digest(plaintext)).first()
        if credential is None:
            return None
        credential.touch()
        return credential

    def touch(self) -> None:
        """Record use, at most once a minute, without a read-modify-write race."""
        now = timezone.now()
        if self.last_used_at and (now - self.last_used_at).total_seconds() < LAST_USED_THROTTLE_SECONDS:
            return
        type(self).objects.filter(pk=self.pk).update(last_used_at=now)
        self.last_used_at = now

    def revoke(self) -> bool:
        """Revoke once; return False if it was already revoked (compare-and-set)."""
        now = timezone.now()
        changed = type(self).objects.filter(pk=self.pk, revoked_at__isnull=True).update(revoked_at=now)
        if changed:
            self.revoked_at = now
        return bool(changed)
