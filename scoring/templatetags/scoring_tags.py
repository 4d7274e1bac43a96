from django import template

from tickets.models import Satisfaction

register = template.Library()


@register.filter
def pct(rate):
    """0.8333 → "83.33%"; no rate (no valid callback) → "—"."""
    if rate is None:
        return "—"
    return f"{float(rate) * 100:.2f}%"


@register.filter
def satisfaction_label(value):
    return Satisfaction(value).label if value in Satisfaction.values else ""


@register.filter
def figure(value, kind):
    """A headline figure: counts with thousands separators, rates as %, scores 2 decimals."""
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value * 100:.2f}%"
    if kind == "score":
        return f"{value:.2f}"
    return f"{int(value):,}"


@register.filter
def change(value, kind):
    """The change on the month before: +1,204 / −0.35 个百分点 / +1.20."""
    if value is None:
        return ""
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    size = abs(value)
    if kind == "rate":
        return f"{sign}{size:.2f} pp"
    if kind == "score":
        return f"{sign}{size:.2f}"
    return f"{sign}{int(size):,}"


@register.filter
def change_class(value, field):
    """better / worse / flat: a higher rate is better, more overdue or returns worse, and a
    change in volume (contacts, dispatched, whistles) is neither."""
    if not value or field in {"contacts", "dispatched", "whistles"}:
        return "flat"
    bad_when_up = field in {"overdue", "returns"}
    return "worse" if (value > 0) == bad_when_up else "better"


# Composites gather between 60 and 100: a bar from 0 would make every row look the same.
BAR_FLOOR = 60


@register.simple_tag
def interval_bar(low, high, composite, width=140):
    """The composite's bar and its 95 % interval on a 60–100 axis, as SVG coordinates."""
    if composite is None or low is None or high is None:
        return {}

    def x(value):
        share = (float(value) - BAR_FLOOR) / (100 - BAR_FLOOR)
        return round(min(max(share, 0), 1) * width, 1)

    return {"x1": x(low), "x2": x(high), "bar": x(composite), "width": width}


@register.filter
def decimals(value, places):
    """A number with fixed decimals ("—" for none): cheaper than floatformat on long tables."""
    if value is None:
        return "—"
    return f"{float(value):.{int(places)}f}"
