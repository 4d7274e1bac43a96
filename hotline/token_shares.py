"""How common each search token is, read from PostgreSQL's own statistics of a tsvector.

ANALYZE keeps, for a tsvector column, its most common lexemes (about ten times the
statistics target: 1,000 by default) and the share of rows holding each, in
pg_stats.most_common_elems / most_common_elem_freqs; every other lexeme is rarer than the
least of them. A text search reads this to choose which of its tokens the GIN index looks
up (hotline.textsearch). Read once per TTL_SECONDS in each process: shares gone stale change
which tokens are looked up, never which rows match.
"""

import time
from dataclasses import dataclass, field

from django.db import connections

TTL_SECONDS = 600
_read: dict[tuple, tuple[float, "Shares"]] = {}


@dataclass(frozen=True)
class Shares:
    counted: dict[str, float] = field(default_factory=dict)
    floor: float = 0.0  # the least share counted: what an uncounted lexeme stays below

    def of(self, lexeme: str) -> float:
        return self.counted.get(lexeme, self.floor)

    def of_prefix(self, prefix: str) -> float:
        """At most the sum of the lexemes it starts (counted or not): an upper guess."""
        return self.floor + sum(s for word, s in self.counted.items() if word.startswith(prefix))


def token_shares(table: str, column: str, using: str = "default") -> Shares:
    """The shares of `table`.`column`'s lexemes; empty before its first ANALYZE."""
    key = (using, table, column)
    now = time.monotonic()
    kept = _read.get(key)
    if kept and kept[0] > now:
        return kept[1]
    with connections[using].cursor() as c:
        c.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
            [table, column],
        )
        row = c.fetchone()
    shares = Shares()
    if row and row[0]:
        lexemes, freqs = row
        # the freqs end with three figures of their own: the least, the most, the null share
        shares = Shares(dict(zip(lexemes, freqs, strict=False)), floor=freqs[len(lexemes)])
    _read[key] = (now + TTL_SECONDS, shares)
    return shares


def forget() -> None:
    """Read the statistics again on the next search (after an ANALYZE, in tests)."""
    _read.clear()
