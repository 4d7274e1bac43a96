"""分档: composite bands shown beside rank, and where a rank's uncertainty matters.

National guidance (国办函〔2025〕66号) asks for tiered evaluation rather than a race for
places, so each ranked row carries a band. The thresholds are a setting,
`SCORING_BANDS = [(lowest composite, label), …]` from the top band down; the last band
starts at 0.

The ≈ mark: every ranked row's 95 % interval overlaps its neighbours' at ordinary volumes,
so "overlaps a neighbour" says nothing. What a leader acts on is the band and the
bottom-of-the-streets flag, so a row is marked only where the interval could change them:
its interval reaches across a band threshold, or it sits at the flag line and its interval
overlaps the row on the other side of the line.
"""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DEFAULT_BANDS = [
    (90, _("好")),
    (85, _("较好")),
    (80, pgettext_lazy("score band", "一般")),
    (0, _("较差")),
]
BAND_CLASSES = ["good", "fair", "average", "poor"]


def bands():
    """[(threshold Decimal, label, css class)], highest first."""
    configured = getattr(settings, "SCORING_BANDS", None) or DEFAULT_BANDS
    ordered = sorted(configured, key=lambda b: -b[0])
    last = len(ordered) - 1
    # The top band is "good", the bottom one "poor" however many there are between.
    return [
        (Decimal(str(threshold)), label, BAND_CLASSES[-1 if i == last else min(i, 2)])
        for i, (threshold, label) in enumerate(ordered)
    ]


def band_of(composite, table=None):
    if composite is None:
        return None
    for threshold, label, css in table or bands():
        if composite >= threshold:
            return label, css
    return None


def annotate(rows, table=None):
    """Set .band, .band_class, .bar (0–100), .uncertain (≈) and .uncertain_why on rows.

    `rows`: one peer group's ranked rows in rank order (UnitScore). No queries.
    """
    table = table or bands()
    inner_thresholds = [threshold for threshold, _l, _c in table if threshold > 0]
    for row in rows:
        band = band_of(row.composite, table)
        row.band, row.band_class = band if band else ("", "")
        row.bar = float(row.composite) if row.composite is not None else 0
        row.uncertain, row.uncertain_why = False, ""
        if row.composite is None or row.composite_low is None:
            continue
        if any(row.composite_low < t <= row.composite_high for t in inner_thresholds):
            row.uncertain, row.uncertain_why = True, _("区间跨越分档线，所在档次不确定")
    for above, below in zip(rows, rows[1:], strict=False):
        if above.flagged or not below.flagged:
            continue
        # `below` is the first flagged row, `above` the last one spared.
        if below.composite_high is not None and above.composite_low is not None:
            if below.composite_high >= above.composite_low:
                for row in (above, below):
                    row.uncertain = True
                    row.uncertain_why = _("与治理线另一侧的单位区间重叠，是否列入治理类不确定")
    return rows
