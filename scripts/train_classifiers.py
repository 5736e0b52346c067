"""Train the prompt-injection and content-filter classifiers shipped in keeptrusts/data/.

    make classifiers                                   # = the line below (~40 min on two cores)
    .venv/bin/python scripts/train_classifiers.py --C 100 --write
    .venv/bin/python scripts/train_classifiers.py      # search C, cross-validate and report only

Needs scikit-learn (the `train` extra: `pip install -e '.[train]'`); the product never imports it.
Features come from `keeptrusts.policy.detectors.classifier.features`, and each model reads the
text its detector hands it at run time (`injection.classifier_view`, `content.classifier_view`:
quoted passages masked in talk about attacks or moderation), so training and inference agree.

Training data (never the `unseen` split, never tests/policy/data/final/):
- injection: tests/policy/data/injection_{dev,heldout,blind,dev2}.jsonl and train/inj_*.jsonl;
- content: tests/policy/data/content_{dev,heldout,blind,dev2}.jsonl and train/content_*.jsonl;
- benign developer traffic for both (negatives): pii_{dev,dev2,heldout}.jsonl, secrets_{dev,heldout}.jsonl.
Injection rows are negatives for the content models only when benign (an attack's content is not
labeled); content rows are negatives for the injection model.

Each content model blends two fits on the same rows: NB_SHARE of an NB-SVM one (Wang & Manning
2012: before the regression each feature is multiplied by its log-count ratio for the category, how
much likelier it is to occur in that category's rows than in the rest, computed on the fold's own
training rows) and the rest of a plain one. The ratio and the shares are folded into the shipped
weights, so the product still reads one weight per feature. `--plain` trains plain models only and
`--nb-share 1` NB-SVM ones only, for comparison (see NB_MODELS, NB_SHARE).

C and each model's decision threshold are chosen by leave-one-group-out cross-validation. A group
is one corpus file, except that all of a train/ writer's files form one group (`--group-by writer`,
the default): every fold scores text by an author the model has not read, the situation the
`unseen` and `final` sets test. The injection threshold is the one with the highest recall that
keeps false positives at or under FP_BUDGET on the benign prompts of the injection corpora; the
content threshold (one for every category) maximises F1 over (line, category) pairs, as
bench/accuracy.py counts them, among thresholds that flag at most FP_BUDGET of the benign rows.
The shipped bias is shifted so that each threshold sits at score 0.5. liblinear is seeded: the
same data and library versions give the same file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from keeptrusts.policy.detectors import classifier  # noqa: E402
from keeptrusts.policy.detectors import content as content_detector  # noqa: E402

DATA = ROOT / "tests/policy/data"
TRAIN = DATA / "train"
OUT = ROOT / "keeptrusts/data" / classifier.MODEL_FILE
SPLITS = ("dev", "heldout", "blind", "dev2")
BENIGN_FILES = ("pii_dev", "pii_dev2", "pii_heldout", "secrets_dev", "secrets_heldout")
CATEGORIES = ("hate", "harassment", "self-harm", "sexual", "violence", "illegal")
UMBRELLAS = {"harmful": ("violence", "self-harm", "illegal"), "biased": ("hate", "harassment")}
FP_BUDGET = 0.015  # half the 3 % bound, for text unlike the training rows
C_GRID = (100.0, 300.0)  # weaker regularisation kept winning from 1 up to 300 (writer folds, 2026-11-27)
MIN_DF = 2
# The content models are NB-SVM (see the docstring): writer-held-out content F1 with rules 0.703 (`--plain`)
# -> 0.740 on the 44 writer groups of 2026-11-29, C 100. It shipped only once writer-made clinical hard
# negatives (train/content_t_*) stopped it reading "a diabetic stops taking insulin ... nursing care
# plan" (tests/policy/detectors/test_content.py) as violence.
NB_MODELS: frozenset[str] = frozenset(CATEGORIES)
# Each content model is NB_SHARE of the NB-SVM fit plus the rest of the plain fit on the same rows (a blend
# of two linear models is one linear model, so the file still holds one weight per feature). Writer-held-out
# content F1 with rules on the 44 groups of 2026-11-29: NB share 0 -> 0.703, 0.25 -> 0.729, 0.5 -> 0.746,
# 0.75 -> 0.752, 1 -> 0.740 (two runs, bench/content_operating_point.py --blend); on the 48 groups with
# content_v-y: 0.697, 0.721, 0.741, 0.748, 0.740 (one run, --parts).
NB_SHARE = 0.75
NB_ALPHA = 0.25  # 2 -> 0.675, 1 -> 0.685, 0.5 -> 0.692, 0.25 and 0.1 -> 0.695 (5 writer folds)
# A word brings itself and a dozen character n-grams that move together, each with the full ratio.
# Scaling the n-grams' ratio by 0.5: content F1 with rules 0.685 -> 0.701 on 4 writer-group folds
# (2026-11-27, with content_l/m/n), but "explicit type hints for these naked pointers" still scores
# sexual, so it stays 1 (the ratio as measured in docs/policies.md#accuracy) until that passes.
NB_CHAR_BOOST = 1.0
PRUNE = 0.01  # weights smaller than this are dropped from the shipped file
SEED = 0
GROUP_BY = "writer"  # or "file": each train/ file its own fold (a writer's other files stay in training)


class Row:
    """One training text. `benign_prompt`: a benign row of an injection corpus (what the FP bound is
    about); `developer`: plain developer traffic from the PII and secrets corpora."""

    __slots__ = ("text", "group", "injection", "content", "benign_prompt", "developer")

    def __init__(self, text, group, injection=None, content=None, benign_prompt=False, developer=False):
        self.text, self.group, self.injection, self.content = text, group, injection, content
        self.benign_prompt, self.developer = benign_prompt, developer


def _leaves(categories) -> set[str]:
    return {leaf for c in categories for leaf in UMBRELLAS.get(c, (c,))}


def _read(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{number}: not JSON ({exc})") from exc
    return rows


def writer(path: Path) -> str:
    """train/inj_a_03.jsonl was written by writer inj_a."""
    return re.sub(r"_\d+$", "", path.stem)


def load() -> list[Row]:
    rows: list[Row] = []
    for task in ("injection", "content"):
        files = [DATA / f"{task}_{split}.jsonl" for split in SPLITS]
        prefix = "inj_" if task == "injection" else "content_"
        files += sorted(TRAIN.glob(f"{prefix}*.jsonl")) if TRAIN.is_dir() else []
        for path in files:
            group = writer(path) if path.parent == TRAIN and GROUP_BY == "writer" else path.stem
            for item in _read(path):
                if task == "injection":
                    rows.append(Row(item["text"], group, injection=bool(item["injection"]),
                                    benign_prompt=not item["injection"]))
                else:
                    rows.append(Row(item["text"], group, content=_leaves(item["content"] or ())))
    for name in BENIGN_FILES:
        for item in _read(DATA / f"{name}.jsonl"):
            rows.append(Row(item["text"], name, developer=True))
    return rows


# --- targets per model --------------------------------------------------------------------------

def injection_target(row: Row) -> int | None:
    """Attacks are positive; benign prompts, developer traffic and content rows are not attacks."""
    if row.injection is not None:
        return int(row.injection)
    return 0


def content_target(row: Row, category: str) -> int | None:
    """A content row is positive for its categories; attacks are unlabeled for content (left out)."""
    if row.content is not None:
        return int(category in row.content)
    return None if row.injection else 0


# --- features -----------------------------------------------------------------------------------

def featurise(texts: list[str]) -> tuple[list[dict[str, int]], list[float]]:
    counts = [classifier.features(text) for text in texts]
    return counts, [classifier.scale(c) for c in counts]


def views(rows: list[Row]) -> dict[str, list[str]]:
    """What each model reads of each row: the detectors' own views (quotes masked in talk about attacks)."""
    from keeptrusts.policy.detectors import content, injection

    return {classifier.INJECTION: [injection.classifier_view(r.text) for r in rows],
            "content": [content.classifier_view(r.text) for r in rows]}


def matrix(counts, scales, vocabulary: dict[str, int]) -> sparse.csr_matrix:
    indptr, indices, values = [0], [], []
    for row, factor in zip(counts, scales):
        for feature, count in row.items():
            column = vocabulary.get(feature)
            if column is not None:
                indices.append(column)
                values.append(count * factor)
        indptr.append(len(indices))
    return sparse.csr_matrix((values, indices, indptr), shape=(len(counts), len(vocabulary)), dtype=np.float64)


def vocabulary_of(counts, min_df: int = MIN_DF) -> dict[str, int]:
    df: dict[str, int] = defaultdict(int)
    for row in counts:
        for feature in row:
            df[feature] += 1
    return {f: i for i, f in enumerate(sorted(f for f, n in df.items() if n >= min_df))}


class Linear:
    """A fitted model as it ships: one weight per feature and a bias. A blend keeps its `parts` (name ->
    Linear) so cross-validation can report each part on its own."""

    def __init__(self, coef: np.ndarray, intercept: float, parts: dict[str, Linear] | None = None) -> None:
        self.coef, self.intercept, self.parts = coef, intercept, parts or {}

    @classmethod
    def blend(cls, parts: dict[str, Linear], shares: dict[str, float]) -> Linear:
        coef = sum(shares[name] * part.coef for name, part in parts.items())
        intercept = sum(shares[name] * part.intercept for name, part in parts.items())
        return cls(coef, float(intercept), parts)

    def decision_function(self, X) -> np.ndarray:
        return X @ self.coef + self.intercept


def log_count_ratio(X, y, alpha: float) -> np.ndarray:
    """Wang & Manning's (2012) NB-SVM ratio: log of how much likelier each feature is to occur in a
    positive row than in a negative one (add-`alpha` smoothed)."""
    present = (X > 0).astype(np.float64)
    p = alpha + np.asarray(present[y == 1].sum(axis=0)).ravel()
    q = alpha + np.asarray(present[y == 0].sum(axis=0)).ravel()
    return np.log(p / p.sum()) - np.log(q / q.sum())


def nb_boost(vocabulary: dict[str, int]) -> np.ndarray:
    """How much of its log-count ratio each column is scaled by: NB_CHAR_BOOST for character n-grams."""
    boost = np.ones(len(vocabulary))
    boost[[column for feature, column in vocabulary.items() if feature.startswith("c:")]] = NB_CHAR_BOOST
    return boost


def logistic(X, y, C: float) -> Linear:
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, solver="liblinear", dual=True,
                               random_state=SEED)
    model.fit(X, y)
    return Linear(model.coef_[0], float(model.intercept_[0]))


def fit(X, y, C: float, boost: np.ndarray | None = None, nb_share: float | None = None) -> Linear:
    """Logistic regression; with `boost` (per column, see nb_boost), `nb_share` (default NB_SHARE) of a
    fit over features scaled by their log-count ratio times it (NB-SVM style) plus the rest of a plain
    fit. The scaling is folded back into the weights, so the shipped model reads the same features."""
    nb_share = NB_SHARE if nb_share is None else nb_share
    if boost is None:
        return logistic(X, y, C)
    ratio = log_count_ratio(X, y, NB_ALPHA) * boost
    nb = logistic(X @ sparse.diags(ratio), y, C)
    nb = Linear(nb.coef * ratio, nb.intercept)
    if nb_share == 1.0:
        return nb
    return Linear.blend({"plain": logistic(X, y, C), "nb": nb}, {"plain": 1 - nb_share, "nb": nb_share})


# --- cross-validation ---------------------------------------------------------------------------

def out_of_fold(rows, matrices: dict[str, tuple[sparse.csr_matrix, np.ndarray]], targets: dict[str, list],
                C: float, jobs: int = -1) -> dict[str, np.ndarray]:
    """Every row's log-odds from the model trained without its group, per model (nan = not labeled),
    and per part of a blended model as "model/part". Folds run in `jobs` processes (-1: one per core);
    liblinear is seeded, so the scores do not depend on it."""
    group_of = np.array([row.group for row in rows])
    # The settings travel as arguments: a worker process sees the module's defaults, not main()'s.
    folds = Parallel(n_jobs=jobs)(delayed(fold_scores)(group_of, group, matrices, targets, C, NB_MODELS, NB_SHARE)
                                  for group in sorted(set(group_of)))
    out: dict[str, np.ndarray] = {}
    for test, scores in folds:
        for name, values in scores.items():
            out.setdefault(name, np.full(len(rows), np.nan))[test] = values
    for name in targets:
        out.setdefault(name, np.full(len(rows), np.nan))
    return out


def fold_scores(group_of: np.ndarray, group: str, matrices, targets, C: float, nb_models: frozenset[str],
                nb_share: float) -> tuple[np.ndarray, dict]:
    """One fold: the left-out group's rows and their scores, per model (and per part of a blend).

    `matrices` (per model: the matrix and each column's NB boost) hold every feature seen anywhere;
    the fold keeps only those in MIN_DF of its own training rows, so a feature seen only in the
    left-out group is unknown, as at run time."""
    train, test = np.flatnonzero(group_of != group), np.flatnonzero(group_of == group)
    columns, scores = {}, {}
    for name, y in targets.items():
        X_all, boost = matrices[name]
        if id(X_all) not in columns:
            X = X_all[train]
            kept = np.flatnonzero(np.asarray((X > 0).sum(axis=0)).ravel() >= MIN_DF)
            columns[id(X_all)] = (X[:, kept], X_all[test][:, kept], boost[kept])
        X, Xt, boost = columns[id(X_all)]
        labeled = [k for k, i in enumerate(train) if y[i] is not None]
        ys = np.array([y[train[k]] for k in labeled])
        if ys.min() == ys.max():
            continue
        model = fit(X[labeled], ys, C, boost if name in nb_models else None, nb_share)
        scores[name] = model.decision_function(Xt)
        scores.update({f"{name}/{part}": m.decision_function(Xt) for part, m in model.parts.items()})
    return test, scores


def injection_operating_point(logit, y, benign_prompt) -> tuple[float, float, float]:
    """(threshold, recall, FP rate): the highest recall whose FP rate on benign prompts is within budget."""
    attacks = logit[y == 1]
    benign = np.sort(logit[benign_prompt])[::-1]
    allowed = int(math.floor(FP_BUDGET * len(benign)))
    # Just above the (allowed+1)-th highest benign score: at most `allowed` benign rows reach it.
    threshold = benign[allowed] + 1e-6 if allowed < len(benign) else -np.inf
    return threshold, float((attacks >= threshold).mean()), float((benign >= threshold).mean())


def budget_floor(benign_top_scores: np.ndarray, budget: float = FP_BUDGET) -> float:
    """The lowest threshold at which at most `budget` of the benign rows (scored by their top category) flag."""
    return np.sort(benign_top_scores)[::-1][int(math.floor(budget * len(benign_top_scores)))] + 1e-6


def content_operating_point(logits: dict[str, np.ndarray], targets) -> tuple[float, dict]:
    """The one threshold for every category with the best F1 over (row, category) pairs, among those
    at which the classifier flags at most FP_BUDGET of the benign rows (no category at all)."""
    benign = np.array([all(targets[c][i] == 0 for c in targets) for i in range(len(next(iter(targets.values()))))])
    top = np.max(np.nan_to_num(np.array(list(logits.values())), nan=-np.inf), axis=0)[benign]
    floor = budget_floor(top)
    candidates = np.unique(np.concatenate([v[~np.isnan(v)] for v in logits.values()]))
    best = (-1.0, floor, {})
    for threshold in np.quantile(candidates, np.linspace(0.5, 0.999, 400)):
        threshold = max(threshold, floor)
        m = content_metrics(logits, targets, threshold)
        if m["f1"] > best[0]:
            best = (m["f1"], threshold, m)
    return best[1], best[2]


def content_metrics(logits, targets, threshold, rule_scores=None, benign_only=None) -> dict:
    tp = fp = fn = 0
    for name, logit in logits.items():
        y = targets[name]
        for i, value in enumerate(logit):
            if np.isnan(value) or y[i] is None:
                continue
            flagged = value >= threshold or (rule_scores is not None and rule_scores[i].get(name, 0.0) >= 0.5)
            tp += flagged and y[i] == 1
            fp += flagged and y[i] == 0
            fn += (not flagged) and y[i] == 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def rule_scores(rows):
    """The rules' scores alone: the detectors with the shipped classifier switched off."""
    from keeptrusts.policy.detectors import content, injection

    classifier.scores = lambda text: defaultdict(float)
    injection_scores = [injection.detect(r.text).score for r in rows]
    content_scores = [content.detect(r.text).scores for r in rows]
    return injection_scores, content_scores


def report_injection(name, logit, y, developer, threshold, rules, rows, by_group=True):
    labeled = ~np.isnan(logit)
    flagged_clf = logit >= threshold
    flagged = flagged_clf | (np.array(rules) >= 0.5)
    attacks, benign = (y == 1) & labeled, (y == 0) & developer & labeled
    print(f"{name}: classifier alone recall {flagged_clf[attacks].mean():.3f} FP {flagged_clf[benign].mean():.4f} "
          f"({flagged_clf[benign].sum()}/{benign.sum()}); with rules recall {flagged[attacks].mean():.3f} "
          f"FP {flagged[benign].mean():.4f}")
    if by_group:
        for group in sorted({r.group for r in rows}):
            g = np.array([r.group == group for r in rows])
            a, b = attacks & g, benign & g
            if a.sum() or b.sum():
                print(f"  {group:18} attacks {a.sum():4} recall clf {flagged_clf[a].mean() if a.sum() else float('nan'):.3f} "
                      f"rules {(np.array(rules) >= 0.5)[a].mean() if a.sum() else float('nan'):.3f} "
                      f"both {flagged[a].mean() if a.sum() else float('nan'):.3f} | benign {b.sum():4} "
                      f"FP clf {flagged_clf[b].sum()} both {flagged[b].sum()}")


# --- the shipped file ---------------------------------------------------------------------------

def final_models(rows, featurised: dict[str, tuple], targets, C: dict[str, float], thresholds: dict[str, float]) -> dict:
    """Each model fitted on every row; one feature table with a weight per model (pruned)."""
    names = list(targets)
    fitted = {}
    for name in names:
        counts, scales = featurised[name]
        vocabulary = vocabulary_of(counts)
        X = matrix(counts, scales, vocabulary)
        y = targets[name]
        labeled = [i for i in range(len(rows)) if y[i] is not None]
        boost = nb_boost(vocabulary) if name in NB_MODELS else None
        model = fit(X[labeled], np.array([y[i] for i in labeled]), C[name], boost)
        fitted[name] = (vocabulary, model)
    features: dict[str, list] = {}
    for k, name in enumerate(names):
        vocabulary, model = fitted[name]
        for feature, column in vocabulary.items():
            weight = float(model.coef[column])
            if abs(weight) >= PRUNE:
                features.setdefault(feature, [0] * len(names))[k] = round(weight, 3)
    # Shift so that 0 log-odds (score 0.5) is the chosen operating point.
    bias = [round(fitted[name][1].intercept - thresholds[name], 4) for name in names]
    return {"version": 1, "models": names, "bias": bias, "features": dict(sorted(features.items())),
            "trained_on": sorted({r.group for r in rows}), "C": C, "rows": len(rows)}


def blend_parts(oof: dict[str, np.ndarray]) -> list[str]:
    """The parts of the blended content models ("plain", "nb"), if they are blends."""
    return sorted({name.split("/")[1] for name in oof if "/" in name and name.split("/")[0] in CATEGORIES})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    parser.add_argument("--C", type=float, help="skip the search: use this C for every model")
    parser.add_argument("--group-by", choices=("file", "writer"), default=GROUP_BY,
                        help="cross-validation folds: one corpus file, or one writer's files (default: %(default)s)")
    parser.add_argument("--save-oof", type=Path, help="write the out-of-fold scores (npz) for analysis")
    parser.add_argument("--plain", action="store_true", help="plain (not NB-SVM) content models, for comparison")
    parser.add_argument("--nb-share", type=float, default=NB_SHARE,
                        help="share of the NB-SVM fit in each content model, the rest plain (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=-1, help="cross-validation folds run at once (default: one per core)")
    args = parser.parse_args()
    globals()["GROUP_BY"] = args.group_by
    globals()["NB_SHARE"] = args.nb_share
    if args.plain:
        globals()["NB_MODELS"] = frozenset()  # the injection model is always plain

    rows = load()
    texts = views(rows)
    featurised = {classifier.INJECTION: featurise(texts[classifier.INJECTION])}
    featurised["content"] = featurise(texts["content"])
    featurised.update({c: featurised["content"] for c in CATEGORIES})
    y_inj = [injection_target(r) for r in rows]
    content_targets = {c: [content_target(r, c) for r in rows] for c in CATEGORIES}
    developer = np.array([r.developer for r in rows])
    benign_prompt = np.array([r.benign_prompt for r in rows])
    rules_inj, rules_content = rule_scores(rows)
    print(f"{len(rows)} rows, groups: {', '.join(sorted({r.group for r in rows}))}")

    grid = (args.C,) if args.C else C_GRID
    matrices = {}
    for name in (classifier.INJECTION, "content"):
        counts, scales = featurised[name]
        vocabulary = vocabulary_of(counts, min_df=1)
        matrices[name] = (matrix(counts, scales, vocabulary), nb_boost(vocabulary))
    matrices.update({c: matrices["content"] for c in CATEGORIES})
    results = {}
    protective = np.array([bool(content_detector._PROTECTIVE_PURPOSE.search(r.text.lower())) for r in rows])
    for C in grid:
        oof = out_of_fold(rows, matrices, {classifier.INJECTION: y_inj, **content_targets}, C, args.jobs)
        for name in oof:
            if name.split("/")[0] in CATEGORIES:
                # As content.detect does: the classifier does not score a text that states a protective purpose.
                oof[name][protective & ~np.isnan(oof[name])] = -np.inf
        y = np.array(y_inj)
        threshold, recall, fp = injection_operating_point(oof[classifier.INJECTION], y, benign_prompt)
        content_threshold, content_m = content_operating_point({c: oof[c] for c in CATEGORIES}, content_targets)
        results[C] = (oof, threshold, recall, fp, content_threshold, content_m)
        print(f"C={C}: injection recall {recall:.3f} at FP {fp:.4f}; content F1 {content_m['f1']:.3f} "
              f"(P {content_m['precision']:.3f} R {content_m['recall']:.3f})")
    best_inj = max(grid, key=lambda C: results[C][2])
    best_content = max(grid, key=lambda C: results[C][5]["f1"])
    oof, threshold, *_ = results[best_inj]
    print(f"\nchosen: injection C={best_inj} threshold {threshold:.3f}; content C={best_content} "
          f"threshold {results[best_content][4]:.3f}\n")
    report_injection("leave-one-group-out", oof[classifier.INJECTION], np.array(y_inj), benign_prompt | developer,
                     threshold, rules_inj, rows)
    content_oof, content_threshold = {c: results[best_content][0][c] for c in CATEGORIES}, results[best_content][4]
    alone = content_metrics(content_oof, content_targets, content_threshold)
    both = content_metrics(content_oof, content_targets, content_threshold, rules_content)
    print(f"content: classifier alone P {alone['precision']:.3f} R {alone['recall']:.3f} F1 {alone['f1']:.3f}; "
          f"with rules P {both['precision']:.3f} R {both['recall']:.3f} F1 {both['f1']:.3f}")
    print("  F1 with rules per category: " + ", ".join(
        f"{c} {content_metrics({c: content_oof[c]}, content_targets, content_threshold, rules_content)['f1']:.3f}"
        for c in CATEGORIES))
    for group in sorted({r.group for r in rows if r.content is not None}):
        mask = {c: np.where([r.group == group for r in rows], content_oof[c], np.nan) for c in CATEGORIES}
        a = content_metrics(mask, content_targets, content_threshold)
        b = content_metrics(mask, content_targets, content_threshold, rules_content)
        rules_only = content_metrics(mask, content_targets, np.inf, rules_content)
        print(f"  {group:18} F1 clf {a['f1']:.3f} rules {rules_only['f1']:.3f} both {b['f1']:.3f} (P {b['precision']:.3f} R {b['recall']:.3f})")
    benign_content_fp = sum(
        1 for i, r in enumerate(rows) if r.developer and any(content_oof[c][i] >= content_threshold for c in CATEGORIES))
    print(f"content on benign developer rows: {benign_content_fp}/{int(developer.sum())} flagged by the classifier")

    if args.save_oof:
        np.savez(args.save_oof, groups=np.array([r.group for r in rows]), y_inj=np.array(y_inj),
                 benign_prompt=benign_prompt, developer=developer, rules_inj=np.array(rules_inj),
                 rules_content=np.array([[s.get(c, 0.0) for c in CATEGORIES] for s in rules_content]),
                 y_content=np.array([[-1 if content_targets[c][i] is None else content_targets[c][i] for c in CATEGORIES]
                                     for i in range(len(rows))]),
                 oof_inj=oof[classifier.INJECTION], oof_content=np.array([content_oof[c] for c in CATEGORIES]).T,
                 **{f"oof_content_{part}": np.array([results[best_content][0][f"{c}/{part}"] for c in CATEGORIES]).T
                    for part in blend_parts(results[best_content][0])})
    if args.write:
        C = {classifier.INJECTION: best_inj, **{c: best_content for c in CATEGORIES}}
        thresholds = {classifier.INJECTION: float(threshold), **{c: float(content_threshold) for c in CATEGORIES}}
        data = final_models(rows, featurised, {classifier.INJECTION: y_inj, **content_targets}, C, thresholds)
        OUT.write_bytes(gzip.compress(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode(), mtime=0))
        print(f"wrote {OUT.relative_to(ROOT)}: {len(data['features'])} features, {OUT.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
