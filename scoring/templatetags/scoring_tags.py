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
