"""Number formats of the Console: one place, so every page reads the same."""

from datetime import timedelta

from django import template

from apps.console.charts import compact as compact_number

register = template.Library()


@register.filter
def utc_time(value) -> str:
    """An event's ISO time as the tables show it: "2026-11-27 10:47:43" (UTC)."""
    return str(value)[:19].replace("T", " ")


@register.filter
def percent(value, digits: int = 0) -> str:
    """0.1234 -> "12%"; None (nothing to divide) -> "–"."""
    if value is None:
        return "–"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def money(value) -> str:
    return f"${float(value or 0):,.2f}"


@register.filter
def compact(value, kind: str = "") -> str:
    return compact_number(value, money=kind == "money")


@register.filter
def span(value: timedelta | None) -> str:
    """A duration a person reads: 3 d 4 h, 5 h 12 min, 40 s."""
    if value is None:
        return "–"
    seconds = int(value.total_seconds())
    days, rest = divmod(max(seconds, 0), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


@register.filter
def at(sequence, index):
    return sequence[int(index)]


@register.filter
def field(row: dict, name: str):
    """row[name], for tables whose first column is chosen by the page."""
    return row.get(name)
