"""ULID helpers. The time part of an event id is the event's `ts` (DESIGN §8)."""

from datetime import datetime, timezone

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


# Crockford's alphabet mapped onto the digits int(x, 32) reads (0-9, A-V).
_TO_BASE32 = str.maketrans(CROCKFORD + CROCKFORD.lower(), "0123456789ABCDEFGHIJKLMNOPQRSTUV" * 2)
_VALID = frozenset(CROCKFORD + CROCKFORD.lower())


def ulid_ms(value: str) -> int | None:
    """Milliseconds since the epoch encoded in a ULID, or None if it is not one."""
    if len(value) != 26 or value[0] not in "01234567" or not _VALID.issuperset(value):
        return None
    return int(value[:10].translate(_TO_BASE32), 32)


def ulid_datetime(value: str) -> datetime | None:
    ms = ulid_ms(value)
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def ulid_floor(moment: datetime) -> str:
    """The smallest ULID of a millisecond: ids >= it were made at or after `moment`."""
    ms = int(moment.timestamp() * 1000)
    chars = []
    for _ in range(10):
        chars.append(CROCKFORD[ms % 32])
        ms //= 32
    return "".join(reversed(chars)) + "0" * 16


def ulid_new(moment: datetime | None = None, rand: int | None = None) -> str:
    import secrets

    moment = moment or datetime.now(timezone.utc)
    rand = secrets.randbits(80) if rand is None else rand
    head = ulid_floor(moment)[:10]
    tail = []
    for _ in range(16):
        tail.append(CROCKFORD[rand % 32])
        rand //= 32
    return head + "".join(reversed(tail))
