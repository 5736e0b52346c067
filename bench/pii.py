"""pii-detector speed: all entity types on realistic developer text and on hostile input.

    .venv/bin/python bench/pii.py [--repeat 300] [--sizes 1024,10240,102400]

Prints median and p99 per size (all six entity types together) and the time for each hostile
input (100 KB). Run on an idle machine for numbers worth publishing; the first call loads the name
lexicons (a few hundred ms) and is excluded.
"""

import argparse
import statistics
import time

from keeptrusts.policy.detectors.pii import ENTITY_TYPES, detect

ALL = frozenset(ENTITY_TYPES)

SAMPLE = (
    "Hi Priya, I'm debugging the checkout service. The stack trace below happens when user "
    "mateo.fernandez@acme.io pays with card 4111 1111 1111 1111 from 10.0.3.17.\n"
    "Traceback (most recent call last):\n"
    '  File "/srv/app/payments/views.py", line 142, in charge\n'
    '    result = gateway.charge(amount=amount, currency="EUR", idempotency_key="9b2f6c1e-8d4a-4f7e-b3a2-1c5d7e9f0a4b")\n'
    "ValueError: Invalid IBAN checksum for order ORD-12345 (version 2.3.1). Can you call me at (415) 555-2671? "
    "We run Django 4.2 on Kubernetes in New York and Visual Studio Code locally.\n"
    "def parse(payload):\n    return json.loads(payload)['data']['items'][0]\n"
    "Thanks,\nMateo Fernández\n"
    "Please review the diff and tell me whether the retry logic is correct; the job runs at 03:00 UTC "
    "and retries 3 times with exponential backoff before paging the on-call engineer. "
)

HOSTILE = {
    "digits": "1" * 100_000,
    "spaced digits": "1 " * 50_000,
    "dashed digits": "1-" * 50_000,
    "'@'": "@" * 100_000,
    "'a@'": "a@" * 50_000,
    "whitespace": " " * 100_000,
    "brackets": "([{" * 33_333,
    "hex and colons": "ab:" * 33_333,
    "capitalised words": "Priya " * 16_666,
    "csv rows": "name,email\n" + "John Smith,j@x.io\n" * 5_555,
}


def text_of(size: int) -> str:
    return (SAMPLE * (size // len(SAMPLE) + 1))[:size]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--sizes", default="1024,10240,102400")
    args = parser.parse_args()

    detect("warm up: load lexicons", ALL)
    for size in (int(s) for s in args.sizes.split(",")):
        text = text_of(size)
        repeat = max(5, args.repeat * 1024 // size)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            detect(text, ALL)
            times.append(time.perf_counter() - started)
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"{size:>8} chars  median {statistics.median(times) * 1e3:8.3f} ms  p99 {p99 * 1e3:8.3f} ms  ({repeat} runs)")
    for name, text in HOSTILE.items():
        started = time.perf_counter()
        detect(text, ALL)
        print(f"hostile {name:<18} {len(text):>7} chars  {(time.perf_counter() - started) * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
