"""Page numbers whose count stops at a cap, so no list page counts the whole table.

DRF's page count is a `COUNT(*)` of every matching row: on a month of two million tickets
a district's unfiltered list spent seconds counting. Here the count is exact up to
COUNT_CAP rows (`SELECT count(*) FROM (… LIMIT cap + 1)`); past it the answer says
`"count": 1000, "count_capped": true` — "at least this many" — and paging goes on: a full
page past the cap always has a `next` link, the first empty page is a 404 as before.
The shape stays DRF's (count, next, previous, results) plus one boolean.

A text search (SPEC §12) pages with HitsPaginator: the ids of at most cap + 1 hits are read
first (the GIN index, stopping at the cap). When that is all of them the page is sorted
from those ids alone: PostgreSQL cannot guess how rare a phrase is and would otherwise walk
the received_at index through the whole table looking for hits that are not there (8 s at
two million tickets). A common word, dense in the table, finds its page on that index fast.
"""

from django.core.paginator import EmptyPage, Page, Paginator
from django.utils.functional import cached_property

from .api import Pagination

COUNT_CAP = 1_000


def capped_count(queryset, cap=COUNT_CAP) -> int:
    """count(*) of at most cap + 1 rows: cap + 1 means "more than cap"."""
    return queryset.order_by()[: cap + 1].count()


class CappedPage(Page):
    def has_next(self):
        if self.paginator.capped and self.number >= self.paginator.num_pages:
            return len(self.object_list) == self.paginator.per_page
        return super().has_next()


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
            return int(number)  # past the capped count: the page itself says if it is empty

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self._rows()[bottom : bottom + self.per_page])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows, number, self)

    def _rows(self):
        return self.object_list


class HitsPaginator(CappedPaginator):
    """For text searches: counts by reading the hits' ids, and pages from them when the
    cap was not reached (see the module's note)."""

    @cached_property
    def hits(self) -> list:
        return list(self.object_list.order_by().values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def count(self):
        self.capped = len(self.hits) > self.cap
        return min(len(self.hits), self.cap)

    def _rows(self):
        return self.object_list if self.capped else self.object_list.filter(pk__in=self.hits)


class CappedCountPagination(Pagination):
    """The lists' pagination; with a text query (`q`) it pages by hits."""

    django_paginator_class = CappedPaginator

    def paginate_queryset(self, queryset, request, view=None):
        searching = bool(request.query_params.get("q", "").strip())
        self.django_paginator_class = HitsPaginator if searching else CappedPaginator
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
