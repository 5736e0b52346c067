"""Every detector's and the engine's answers over the labelled corpus, for checking that a speed change
changes nothing a user could see.

    PYTHONHASHSEED=0 python bench/exactness.py /tmp/after.txt              # this checkout
    cd /tmp/before && PYTHONHASHSEED=0 python bench/exactness.py /tmp/before.txt
    cmp /tmp/before.txt /tmp/after.txt                                      # or compare the printed sha256

For each text of tests/policy/data (the evaluation-only final/ files are not read) it writes one line per
call: language_of and quality-scorer (against another corpus text as the question, with and without JSON
requested), content-filter, the classifier's scores, pii-detector (all types, and national_id + ip_address
alone, as excerpts ask), dlp-filter, prompt-injection; then evaluate_input (a prompt, and a conversation
whose last turns repeat it) and evaluate_output with their entries, redacted text and 280-character
excerpts, through examples/full-policy.yaml without a cache, with a cache (twice: a miss, then a hit)
and through examples/team-policy.yaml. About a minute here; run from the checkout being checked.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from keeptrusts.policy.cache import DetectionCache  # noqa: E402
from keeptrusts.policy.detectors import classifier, content, injection, pii, quality, secrets  # noqa: E402
from keeptrusts.policy.evaluate import Detectors, PolicySet  # noqa: E402

EDGE_CASES = ["", " ", "a", "Hello there, how are you?", "```\ncode\n", "Lo siento, pero no puedo ayudar."]


def corpus_texts() -> list[str]:
    data = REPO / "tests" / "policy" / "data"
    texts = []
    for path in sorted(data.glob("**/*.jsonl")):
        if "final" in path.relative_to(data).parts:
            continue
        texts += [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]
    return texts + EDGE_CASES


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[0] + "\nusage: PYTHONHASHSEED=0 python bench/exactness.py OUTPUT", file=sys.stderr)
        return 2
    if os.environ.get("PYTHONHASHSEED") != "0":
        print("bench/exactness.py: set PYTHONHASHSEED=0, or set and dict orders differ between runs", file=sys.stderr)
        return 2
    full = (REPO / "examples" / "full-policy.yaml").read_text()
    policy_sets = (PolicySet.from_yaml(full), PolicySet.from_yaml(full, detectors=Detectors(cache=DetectionCache(4096))),
                   PolicySet.from_yaml((REPO / "examples" / "team-policy.yaml").read_text()))
    policy_sets = (policy_sets[0], policy_sets[1], policy_sets[1], policy_sets[2])  # the cached set twice: miss, then hit
    texts = corpus_texts()
    digest = hashlib.sha256()
    with open(sys.argv[1], "w") as out:
        def write(*fields) -> None:
            line = repr(fields) + "\n"
            out.write(line)
            digest.update(line.encode("utf-8", "surrogatepass"))

        for i, text in enumerate(texts):
            question = texts[(i * 7 + 3) % len(texts)]
            messages = [{"role": "system", "content": "You are helpful."}, {"role": "user", "content": question}]
            write("language_of", quality.language_of(text))
            write("quality", quality.detect(text, prompt=messages, finish_reason="stop"),
                  quality.detect(text, prompt=question, response_format={"type": "json_object"}))
            write("content", content.detect(text))
            write("classifier", classifier.scores(text))
            write("pii", pii.detect(text))
            write("pii gaps", pii.detect(text, frozenset({"national_id", "ip_address"})))
            write("secrets", secrets.detect(text))
            write("injection", injection.detect(text))
            for policy_set in policy_sets:
                decision = policy_set.evaluate_input(text)
                write("input", decision.entries(), decision.redacted, decision.messages if decision.redacted else None, decision.excerpt(280))
                conversation = messages + [{"role": "assistant", "content": text}, {"role": "user", "content": text[:300]}]
                decision = policy_set.evaluate_input(conversation)
                piece = decision.piece_of(3)
                write("conversation", decision.entries(), decision.excerpt(280, piece=piece) if piece is not None else None)
                decision = policy_set.evaluate_output(text, prompt=messages, finish_reason="stop")
                write("output", decision.entries(), decision.redacted, decision.text if decision.redacted else None, decision.excerpt(280))
    print(f"{len(texts)} texts; sha256 {digest.hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
