"""Prometheus text exposition without a client library: a handful of counters and histograms.

Each worker process keeps its own numbers (with `--workers N` a scrape sees one worker;
names and labels are documented in docs/gateway.md).
"""

from __future__ import annotations

import bisect
from collections import defaultdict

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Histogram:
    __slots__ = ("counts", "total", "count")

    def __init__(self) -> None:
        self.counts = [0] * (len(LATENCY_BUCKETS) + 1)
        self.total = 0.0
        self.count = 0

    def observe(self, seconds: float) -> None:
        self.counts[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
        self.total += seconds
        self.count += 1


HELP = {
    "kt_gateway_requests_total": ("counter", "Requests answered, by endpoint and HTTP status."),
    "kt_gateway_policy_actions_total": ("counter", "Actions taken by policies (and allowed_models, cost_limit, rate_limit), by policy, type and action."),
    "kt_gateway_auth_failures_total": ("counter", "Requests rejected for a missing, unknown, revoked or expired gateway key (401) or throttled after too many (429)."),
    "kt_gateway_events_total": ("counter", "Events by outcome: queued, sent, spooled, duplicate, rejected."),
    "kt_gateway_request_seconds": ("histogram", "Time from request received to response complete, by endpoint."),
    "kt_gateway_policy_seconds": ("histogram", "Time spent evaluating policies, by phase (input, output)."),
    "kt_gateway_upstream_seconds": ("histogram", "Upstream time to response headers, by endpoint."),
    "kt_gateway_inflight_requests": ("gauge", "Requests being served right now."),
    "kt_gateway_spool_depth": ("gauge", "Events waiting in the disk spool for the control plane."),
    "kt_gateway_config_age_seconds": ("gauge", "Seconds since the control-plane config was last fetched successfully (connected mode)."),
    "kt_gateway_detection_cache_hits_total": ("counter", "Input detector scans answered from the detection cache (since start)."),
    "kt_gateway_detection_cache_misses_total": ("counter", "Input detector scans that ran the detector (since start)."),
    "kt_gateway_detection_cache_entries": ("gauge", "Detector results held in the detection cache (KT_DETECTION_CACHE_ENTRIES bounds it)."),
}


def _labels(pairs: tuple) -> str:
    if not pairs:
        return ""
    return "{" + ",".join(f'{k}="{str(v).replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"' for k, v in pairs) + "}"


class Metrics:
    def __init__(self) -> None:
        self.counters: dict[str, dict[tuple, float]] = defaultdict(lambda: defaultdict(float))
        self.histograms: dict[str, dict[tuple, Histogram]] = defaultdict(dict)
        self.gauges: dict[str, float] = {}

    def inc(self, name: str, labels: tuple = (), value: float = 1) -> None:
        self.counters[name][labels] += value

    def observe(self, name: str, labels: tuple, seconds: float) -> None:
        self.histogram(name, labels).observe(seconds)

    def histogram(self, name: str, labels: tuple) -> Histogram:
        """One histogram series, e.g. to keep for observing on every request without looking it up."""
        series = self.histograms[name]
        histogram = series.get(labels)
        if histogram is None:
            histogram = series[labels] = Histogram()
        return histogram

    def counter(self, name: str) -> dict:
        """A counter's series by label tuple (`series[labels] += 1`), e.g. to keep for every request."""
        return self.counters[name]

    def set(self, name: str, value: float) -> None:
        self.gauges[name] = value

    def set_total(self, name: str, value: float) -> None:
        """A counter kept elsewhere (e.g. by the detection cache), copied at scrape time."""
        self.counters[name][()] = value

    def set_counts(self, name: str, label_names: tuple[str, ...], counts: dict[tuple, float]) -> None:
        """A counter kept elsewhere by plain value tuples (cheaper per request), copied at scrape time."""
        series = self.counters[name]
        for values, count in counts.items():
            series[tuple(zip(label_names, values))] = count

    def render(self) -> str:
        lines = []
        for name, (kind, help_text) in HELP.items():
            lines.append(f"# HELP {name} {help_text}")
            lines.append(f"# TYPE {name} {kind}")
            if kind == "counter":
                for labels, value in sorted(self.counters.get(name, {}).items()):
                    lines.append(f"{name}{_labels(labels)} {value:g}")
            elif kind == "gauge":
                lines.append(f"{name} {self.gauges.get(name, 0):g}")
            else:
                for labels, hist in sorted(self.histograms.get(name, {}).items()):
                    if not hist.count:
                        continue  # series made ahead of their first observation
                    cumulative = 0
                    for bound, count in zip(LATENCY_BUCKETS + (float("inf"),), hist.counts):
                        cumulative += count
                        le = "+Inf" if bound == float("inf") else f"{bound:g}"
                        lines.append(f"{name}_bucket{_labels(labels + (('le', le),))} {cumulative}")
                    lines.append(f"{name}_sum{_labels(labels)} {hist.total:.6f}")
                    lines.append(f"{name}_count{_labels(labels)} {hist.count}")
        return "\n".join(lines) + "\n"
