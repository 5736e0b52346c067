"""The labeled corpus meets the issue's accuracy targets (bench/accuracy.py TARGETS).

THRESHOLDS: the targets live in bench/accuracy.py `TARGETS` — precision and recall ≥ 0.95 for
email, phone, financial and secrets; F1 ≥ 0.85 for names; prompt-injection recall ≥ 0.90 with
≤ 3% false positives on benign prompts; content-filter F1 ≥ 0.85. A detector change that drops
below one of them fails here. The pooled rows include text the classifiers were trained on
(every split but `unseen`); docs/policies.md#accuracy gives the cross-validated numbers.
"""

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "accuracy.py"
spec = importlib.util.spec_from_file_location("bench_accuracy", BENCH)
accuracy = importlib.util.module_from_spec(spec)
spec.loader.exec_module(accuracy)



def test_every_detector_is_measured():
    assert accuracy.available_detectors() == list(accuracy.POLICIES)


@pytest.fixture(scope="module")
def metrics():
    return accuracy.report(accuracy.evaluate())


@pytest.mark.parametrize("row, metric", list(accuracy.TARGETS), ids=lambda v: str(v))
def test_corpus_meets_the_issue_target(metrics, row, metric):
    target = accuracy.TARGETS[(row, metric)]
    assert row in metrics, f"no labeled data for {row} in tests/policy/data"
    value = metrics[row]["all"][metric]
    if metric == "false_positive_rate":
        assert value <= target, f"{row} {metric} {value:.3f} above the target {target}"
    else:
        assert value >= target, f"{row} {metric} {value:.3f} below the target {target}"


def test_classifier_training_rows_are_their_own_split(metrics):
    """tests/policy/data/train/ (what the classifiers learn from) is reported as "train", apart from
    the `unseen` split nothing trains on."""
    for row in ("prompt-injection", "content (all)"):
        assert {"train", "unseen"} <= set(metrics[row])
    assert metrics["prompt-injection"]["train"]["support"] >= 800


def test_write_replaces_only_the_marked_table(tmp_path):
    doc = tmp_path / "policies.md"
    doc.write_text(f"# Policies\nbefore\n{accuracy.START}\nold table\n{accuracy.END}\nafter\n")
    accuracy.write_doc("| new |", doc)
    assert doc.read_text() == f"# Policies\nbefore\n{accuracy.START}\n| new |\n{accuracy.END}\nafter\n"


def test_span_scoring_counts_overlap_of_the_same_type():
    counts = accuracy.Counts()
    accuracy._score_spans(counts, gold=[(0, 10), (20, 30)], predicted=[(5, 12), (40, 45)])
    m = counts.metrics()
    assert (m["precision"], m["recall"]) == (0.5, 0.5)


def test_evaluation_only_corpus_is_scored_apart(tmp_path):
    """`--data` scores another directory and writes its own table, never the tuned corpus's."""
    final = Path(__file__).parent / "data" / "final"
    table = accuracy.report(accuracy.evaluate(final))
    assert {"final_a", "final_b"} <= set(table["prompt-injection"])
    assert accuracy.markers(final) == ("<!-- accuracy:final:start -->", "<!-- accuracy:final:end -->")
    assert accuracy.markers(accuracy.DATA) == (accuracy.START, accuracy.END)
    doc = tmp_path / "doc.md"
    doc.write_text("a\n<!-- accuracy:start -->\nold\n<!-- accuracy:end -->\n<!-- accuracy:final:start -->\n<!-- accuracy:final:end -->\n")
    accuracy.write_doc("| new |", doc, *accuracy.markers(final))
    assert doc.read_text() == ("a\n<!-- accuracy:start -->\nold\n<!-- accuracy:end -->\n"
                               "<!-- accuracy:final:start -->\n| new |\n<!-- accuracy:final:end -->\n")
