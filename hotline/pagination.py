"""Page numbers whose count stops at a cap, so no list page counts the whole table.

DRF's page count is a `COUNT(*)` of every matching row: on a month of two million tickets
a district's unfiltered list spent seconds counting. Here the count is exact up to
COUNT_CAP rows (`SELECT count(*) FROM (… LIMIT cap + 1)`); past it the answer says
`"count": 1000, "count_capped": true` — "at least this many" — and paging goes on: a full
page past the cap asks whether a row follows it before it links to the next page.
The shape stays DRF's (count, next, previous, results) plus one boolean.

A text search (SPEC §12) pages with HitsPaginator: the ids of at most cap + 1 hits are read
first, stopping at the cap. When that is all of them the page is sorted from those ids alone:
PostgreSQL cannot guess how rare a phrase is and would otherwise walk the received_at index
through the whole table looking for hits that are not there (8 s at two million tickets).

Newest first (the lists' default) the hits are read in widening windows of the date they are
sorted by — the last 7 days, then as far back as the hits found so far say is needed (30 or
90 days), then the rest unordered — and the search stops at the first window that holds
cap + 1: a common word's count and first pages come from its recent tickets, never from a
walk of the date index that rechecks every row's tsvector. Each window reads only the days
the previous did not, so the newest hits are known in order and a page inside them is read
by its ids. A word with no hit in the first week goes straight to the plain query (the rest
is then all of it). On PostgreSQL the windows read an index of recent rows
(tickets/search/recent_index.py), so a rare word pays one small lookup for its empty week.
Every search takes them: the planner's estimate cannot tell which need them, since it
multiplies a compound's bigram shares — 垃圾清运 expected 11 rows and held 29,700 of two
million, and the plain read then had to fall back to the windows after reading 1,001 hits.
Sorted any other way (oldest first), the count is still read from the newest windows of the
model's own newest-first field (Meta.ordering) — any cap + 1 hits answer "more than cap" —
and the pages come from the plain query.
"""

from datetime import timedelta
from functools import partial

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import DateTimeField
from django.utils import timezone
from django.utils.functional import cached_property

from .api import Pagination

COUNT_CAP = 1_000
# A page whose first row is further in than this is empty without asking the database: no
# list nears two billion rows (a year is some 24 million tickets), while a page number of
# any size (?page=99999999999999999999) would make an OFFSET past the database's 64-bit
# integer (SQLite "datatype mismatch", PostgreSQL "out of range"), a 500.
MAX_OFFSET = 2**31 - 1
# The windows of a newest-first search, in days back from now (see the module's note).
WINDOW_DAYS = (7, 30, 90)


def capped_count(queryset, cap=COUNT_CAP) -> int:
    """count(*) of at most cap + 1 rows: cap + 1 means "more than cap"."""
    return queryset.order_by()[: cap + 1].count()


class CappedPage(Page):
    last = False  # known to be the list's last page (the lenient lookup's fallback)

    def has_next(self):
        if self.last:
            return False
        if self.paginator.capped and self.number >= self.paginator.num_pages:
            # past the count, a full page may be the last one (1,450 rows, 29 pages of 50)
            return len(self.object_list) == self.paginator.per_page and self._more
        return super().has_next()

    @cached_property
    def _more(self) -> bool:
        bottom = self.number * self.paginator.per_page
        return bottom <= MAX_OFFSET and self.paginator._rows(bottom).exists()

    def more_than(self):
        """Past a cap, how many pages the list is known to have more than (a pager's
        "page 21 of more than 21"): this one's number, and at least every counted page."""
        return max(self.number, self.paginator.cap // self.paginator.per_page)


class CappedPaginator(Paginator):
    cap = COUNT_CAP
    capped = False

    @cached_property
    def count(self):
        counted = capped_count(self.object_list, self.cap)
        self.capped = counted > self.cap
        return min(counted, self.cap)

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            if not self.capped or int(number) < 1:
                raise
            if (int(number) - 1) * self.per_page > MAX_OFFSET:
                raise  # never asked: see MAX_OFFSET
            return int(number)  # past the capped count: the page itself says if it is empty

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self._rows(bottom))
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows, number, self)

    def get_page(self, number):
        """The pages' lenient lookup (Django's get_page): not a number is the first page,
        less than 1 the last counted one, past the end the list's last page. Past a capped
        count that one is found by counting the rows as far as the page asked for: no further
        than reading that empty page went already (past MAX_OFFSET, the last counted page).
        The API calls page() and keeps its 404."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            if not self.capped or int(number) < 1:
                return self.page(self.num_pages)
        asked = (int(number) - 1) * self.per_page
        if asked > MAX_OFFSET:  # absurd: the last counted page, not a count of everything
            return self.page(self.num_pages)
        rows = min(capped_count(self.object_list, asked), asked)
        page = self.page(max(1, -(-rows // self.per_page)))
        page.last = True
        return page

    def _rows(self, bottom):
        return self.object_list[bottom : bottom + self.per_page]


class ArmsPaginator(CappedPaginator):
    """Pages a list that is the union of parts ("arms"), reading each page from the arms' tops.

    A street sees the tickets it leads and those it takes part in. As one query that is
    `id IN (led UNION taking part)`, and PostgreSQL reads every ticket the street ever led
    (8,657 at two million tickets, growing with history) to sort them and keep fifty. Here
    each arm is the same list cut to one part and sorted the same way, so its first
    `bottom + per_page` rows come from an index in order; the page is read from the union of
    those, and the count from the union of each arm's first cap + 1.

    `object_list` stays the whole list (one query, correct anywhere): the page's rows are
    read from it by id. Without arms, with an order other than field names, or on SQLite
    (no LIMIT inside a UNION) it pages object_list as CappedPaginator does.
    """

    def __init__(self, object_list, per_page, *, arms=(), **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        order = object_list.query.order_by
        usable = (
            len(arms) > 1
            and all(isinstance(o, str) for o in order)
            and connections[object_list.db].features.supports_slicing_ordering_in_compound
        )
        self.arms = list(arms) if usable else []

    @cached_property
    def count(self):
        if not self.arms:
            return super().count
        tops = [arm.order_by().values("pk")[: self.cap + 1] for arm in self.arms]
        counted = tops[0].union(*tops[1:]).count()
        self.capped = counted > self.cap
        return min(counted, self.cap)

    def _rows(self, bottom):
        if not self.arms:
            return super()._rows(bottom)
        top = bottom + self.per_page
        order = [o.replace("pk", "id") for o in self.object_list.query.order_by]
        keys = list(dict.fromkeys(["id", *(o.lstrip("-") for o in order)]))
        tops = [arm.order_by(*order).values_list(*keys)[:top] for arm in self.arms]
        page = tops[0].union(*tops[1:]).order_by(*order)[bottom:top]
        return self.object_list.filter(pk__in=[row[0] for row in page])


class HitsPaginator(CappedPaginator):
    """For text searches: counts by reading the hits' ids, and pages from them when it can
    (see the module's note)."""

    newest: list  # the newest hits' ids in the list's order (newest first only)
    clock = staticmethod(timezone.now)  # where the windows end

    @cached_property
    def hits(self) -> list:
        self.newest = []
        field = newest_first_field(self.object_list)
        if field is not None:
            return self._hits_by_window(self.object_list, field)
        model = self.object_list.model  # sorted otherwise: its own newest-first field, if any
        field = newest_first_field(model._default_manager.order_by(*model._meta.ordering, "-pk"))
        if field is None:
            return list(self.object_list.order_by().values_list("pk", flat=True)[: self.cap + 1])
        # Sorted otherwise (oldest first, by deadline…), which cap + 1 hits are read does not
        # change the count, and the newest come cheapest; the pages then come from the plain
        # query, or from every hit when they are fewer than the cap.
        hits = self._hits_by_window(self.object_list.order_by(f"-{field}", "-pk"), field)
        self.newest = []
        return hits

    def _hits_by_window(self, queryset, field: str) -> list:
        ids = queryset.values_list("pk", flat=True)  # keeps the list's order
        now, upper, days = self.clock(), None, WINDOW_DAYS[0]
        while days is not None:
            lower = now - timedelta(days=days)
            window = ids.filter(**{f"{field}__gte": lower})
            if upper is not None:
                window = window.filter(**{f"{field}__lt": upper})
            self.newest += window[: self.cap + 1 - len(self.newest)]
            if len(self.newest) > self.cap:
                return self.newest
            upper, days = lower, next_window(days, len(self.newest), self.cap + 1)
        rest = ids.order_by()
        if self.newest:
            # Nothing found means the windows read hold no hit: no bound, the plain query's plan
            rest = rest.filter(**{f"{field}__lt": upper})
        return self.newest + list(rest[: self.cap + 1 - len(self.newest)])

    @cached_property
    def count(self):
        self.capped = len(self.hits) > self.cap
        return min(len(self.hits), self.cap)

    def _rows(self, bottom):
        top = bottom + self.per_page
        every_hit_in_order = not self.capped and len(self.newest) == len(self.hits)
        if top <= len(self.newest) or every_hit_in_order:
            return self._by_ids(self.newest[bottom:top])
        if self.capped:  # past the newest hits read: the plain query
            return self.object_list[bottom:top]
        return self._by_ids(self.hits)[bottom:top]

    def _by_ids(self, ids):
        """object_list's rows of these hits, read by key alone: the ids were read from
        object_list itself (scope, filters and words) in this request. With the words'
        condition again PostgreSQL trusts its estimate of them (7 rows) over 50 keys and
        reads their whole bitmap: 左家庄街道 at 2 M, 24,806 rows for a page of 50 (172 ms)."""
        rows = self.object_list
        if rows.query.annotations or rows.query.distinct:  # kept whole when it has them
            return rows.filter(pk__in=ids)
        by_key = rows.model._default_manager.filter(pk__in=ids)
        # what a row reads with it: the list's order, joins, deferred fields and prefetches
        for attr in ("order_by", "default_ordering", "select_related", "deferred_loading"):
            setattr(by_key.query, attr, getattr(rows.query, attr))
        return by_key.prefetch_related(*rows._prefetch_related_lookups)


def newest_first_field(queryset) -> str | None:
    """The date-time field (never empty) a queryset is sorted newest first by, ties broken
    by the newest id (`order_by("-received_at", "-id")`); None for any other order."""
    order = queryset.query.order_by
    if len(order) != 2 or order[1] not in ("-id", "-pk") or not order[0].startswith("-"):
        return None
    name = order[0][1:]
    try:
        field = queryset.model._meta.get_field(name)
    except FieldDoesNotExist:  # an annotation or a path through a relation
        return None
    return name if isinstance(field, DateTimeField) and not field.null else None


def next_window(days: int, found: int, wanted: int) -> int | None:
    """The next window after `days` days held `found` hits: the first that should hold
    `wanted` at the rate found so far, or None (the rest of the table, unordered) when no
    window should or nothing was found."""
    if not found:
        return None
    needed = days * wanted / found
    return next((d for d in WINDOW_DAYS if d > days and d >= needed), None)


def is_text_search(data) -> bool:
    """Whether a list's query ({name: value}, the last of several) has words or a number
    to search in `q`: its page is then read by hits (HitsPaginator), and a ticket list
    starts from its searched scope (tickets.selectors.list_tickets)."""
    return bool((data.get("q") or "").strip())


class CappedCountPagination(Pagination):
    """The lists' pagination; with a text query (`q`) it pages by hits, otherwise from the
    arms the view set (ArmsPaginator), if any."""

    django_paginator_class = CappedPaginator
    arms = ()

    def paginate_queryset(self, queryset, request, view=None):
        if is_text_search(request.query_params):
            self.django_paginator_class = HitsPaginator
        else:
            self.django_paginator_class = partial(ArmsPaginator, arms=self.arms)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.capped
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"]["description"] = (
            f"exact up to {COUNT_CAP:,}; past it, {COUNT_CAP:,} and count_capped is true"
        )
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"more than {COUNT_CAP:,} rows match: count is a lower bound",
            "example": False,
        }
        schema["required"] = [*schema.get("required", []), "count_capped"]
        return schema
