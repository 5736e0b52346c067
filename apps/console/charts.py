"""Server-rendered SVG charts: no JS, numbers printed on the bars (readable
without hovering), and the same numbers as a table beside each chart."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Okabe–Ito: distinguishable with common colour-vision deficiencies.
PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f7f7f", "#000000"]
ACTION_COLORS = {"allow": "#009e73", "log": "#56b4e9", "redact": "#e69f00", "escalate": "#cc79a7",
                 "block": "#d55e00", "error": "#7f7f7f"}
MAX_SERIES = 6  # the rest is summed into "other"


def compact(value, money: bool = False) -> str:
    """1234 -> 1.2k; money -> $12.34 / $1.2k."""
    number = float(value or 0)
    prefix = "$" if money else ""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(number) >= limit:
            return f"{prefix}{number / limit:.1f}{suffix}"
    if money:
        return f"${number:,.2f}"
    return f"{number:,.0f}" if number == int(number) else f"{number:,.1f}"


@dataclass
class Segment:
    y: float
    height: float
    color: str
    series: str
    value: float


@dataclass
class Bar:
    day: date
    x: float
    width: float
    total: float
    total_label: str
    label_y: float
    segments: list[Segment] = field(default_factory=list)

    @property
    def cx(self) -> float:
        return self.x + self.width / 2


@dataclass
class StackedChart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    legend: list[tuple[str, str]]  # (series, color)
    rows: list[tuple[date, list[float], float]]  # the table view: day, value per series, total
    series: list[str]
    money: bool
    axis_y: float

    @property
    def is_empty(self) -> bool:
        return not any(total for _, _, total in self.rows)

    @property
    def day_label_step(self) -> int:
        return 1 if len(self.bars) <= 16 else 2 if len(self.bars) <= 32 else 7


def stacked_by_day(title: str, days: list[date], values: dict[tuple[date, str], float], *, money: bool = False,
                   colors: dict[str, str] | None = None, width: int = 560, height: int = 220) -> StackedChart:
    """A stacked bar per day from {(day, series): value}."""
    totals_by_series: dict[str, float] = {}
    for (_, series), value in values.items():
        totals_by_series[series] = totals_by_series.get(series, 0.0) + float(value or 0)
    ordered = sorted(totals_by_series, key=lambda s: (-totals_by_series[s], s))
    kept, rest = ordered[:MAX_SERIES], ordered[MAX_SERIES:]
    series = kept + (["other"] if rest else [])
    grid = {(day, name): 0.0 for day in days for name in series}
    for (day, name), value in values.items():
        target = name if name in kept else "other"
        if (day, target) in grid:
            grid[(day, target)] += float(value or 0)
    palette = {name: (colors or {}).get(name) or PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}
    top, bottom = 18, 22  # room for the total labels and the day labels
    plot = height - top - bottom
    peak = max([sum(grid[(d, s)] for s in series) for d in days] + [0]) or 1
    slot = width / max(len(days), 1)
    bars, rows = [], []
    for index, day in enumerate(days):
        values_today = [grid[(day, s)] for s in series]
        total = sum(values_today)
        y = top + plot
        bar = Bar(day=day, x=index * slot + slot * 0.15, width=slot * 0.7, total=total,
                  total_label=compact(total, money) if total else "", label_y=0)
        for name, value in zip(series, values_today):
            if value <= 0:
                continue
            h = plot * value / peak
            y -= h
            bar.segments.append(Segment(y=y, height=h, color=palette[name], series=name, value=value))
        bar.label_y = y - 4
        bars.append(bar)
        rows.append((day, values_today, total))
    return StackedChart(title=title, width=width, height=height, bars=bars,
                        legend=[(s, palette[s]) for s in series], rows=rows, series=series, money=money,
                        axis_y=top + plot)


def share(part, whole) -> float | None:
    """part ÷ whole, or None when there is nothing to divide."""
    whole = float(whole or 0)
    return float(part or 0) / whole if whole else None


def as_float(value) -> float:
    return float(value) if isinstance(value, Decimal) else float(value or 0)
