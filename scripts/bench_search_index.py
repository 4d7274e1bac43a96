"""Which index serves Chinese search? Prints a table; not a test. Needs `pip install jieba`.

    createdb -h 127.0.0.1 -U postgres hotline_search_idx
    nice -n 10 .venv/bin/python scripts/bench_search_index.py \
        --dsn postgresql://postgres@127.0.0.1:5432/hotline_search_idx --rows 200000

Fills one plain table with ticket-like texts, builds the three candidate GIN indexes
(character bigrams as a stored 'simple' tsvector, pg_trgm on the raw text, jieba-cut words
as a stored tsvector) and times the same words on each. Each candidate answers exactly (a raw LIKE
recheck where the index alone is loose), so the times compare like for like.
"""

import argparse
import csv
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from hotline.textsearch import search_tokens, to_tsquery_text  # noqa: E402
from tickets.demo import CONTENT, ESTATES, ROADS  # noqa: E402

WORDS = ["噪音", "漏水", "停车", "工人体育", "朝阳北路", "电梯困人", "烟花"]


def texts(n, rng):
    cats = Path(__file__).resolve().parent.parent / "hotline/data/categories.csv"
    leaves = [r["name"] for r in csv.DictReader(cats.open()) if r["default_urgency"]]
    leaves += ["噪音扰民", "楼上漏水", "停车难"]
    templates = [t for group in CONTENT.values() for t in group]
    roads = [r for group in ROADS.values() for r in group] + ["工人体育场北路"]
    for _ in range(n):
        address = f"{rng.choice(roads)}{rng.randrange(1, 200)}号{rng.choice(ESTATES)}"
        content = rng.choice(templates).format(place=address, leaf=rng.choice(leaves))
        if rng.random() < 0.001:  # a rare word: an index must find it without a scan
            content += "有人燃放烟花爆竹。"
        yield address, content


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    import jieba

    jieba.setLogLevel(60)
    conn = psycopg2.connect(args.dsn)
    conn.autocommit = True
    c = conn.cursor()
    c.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    c.execute("DROP TABLE IF EXISTS docs")
    c.execute(
        "CREATE TABLE docs (id serial primary key, address text, content text, "
        "bigrams text, words text)"
    )
    rng = random.Random(7)
    buf = io.StringIO()
    t = time.perf_counter()
    for address, content in texts(args.rows, rng):
        words = " ".join(w for w in jieba.cut_for_search(address + " " + content) if w.strip())
        buf.write("\t".join([address, content, search_tokens(address, content), words]) + "\n")
    print(f"texts and tokens: {time.perf_counter() - t:.0f} s", file=sys.stderr)
    buf.seek(0)
    c.copy_from(buf, "docs", columns=("address", "content", "bigrams", "words"))
    builds = {
        "bigram tsvector": "CREATE INDEX docs_bigram ON docs USING gin (bigrams_tsv)",
        "pg_trgm": "CREATE INDEX docs_trgm ON docs USING gin "
        "((address || ' ' || content) gin_trgm_ops)",
        "jieba tsvector": "CREATE INDEX docs_jieba ON docs USING gin (words_tsv)",
    }
    # Stored tsvectors: a filter on an expression index recomputes to_tsvector per row
    # (136 ms against 1.3 ms for 噪音 on 200,000 rows when the planner walks the id order).
    for col in ("bigrams", "words"):
        c.execute(
            f"ALTER TABLE docs ADD COLUMN {col}_tsv tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('simple'::regconfig, {col})) STORED"
        )
    sizes = {}
    for label, sql in builds.items():
        t = time.perf_counter()
        c.execute(sql)
        name = sql.split()[2]
        c.execute("SELECT pg_size_pretty(pg_relation_size(%s))", [name])
        sizes[label] = (c.fetchone()[0], time.perf_counter() - t)
    c.execute("VACUUM ANALYZE docs")
    queries = {
        "bigram tsvector": lambda w: (
            "bigrams_tsv @@ to_tsquery('simple', %s)",
            [to_tsquery_text(w)],
        ),
        "pg_trgm": lambda w: ("(address || ' ' || content) LIKE %s", [f"%{w}%"]),
        # jieba may cut a query word differently from the text: AND of its words, then an
        # exact LIKE so the answer is the same as the others'
        "jieba tsvector": lambda w: (
            "words_tsv @@ to_tsquery('simple', %s) AND (address || ' ' || content) LIKE %s",
            [" & ".join(f"'{x}'" for x in jieba.cut(w)), f"%{w}%"],
        ),
    }
    print(f"\n{args.rows:,} rows; first page of 50 newest, 15 runs each (p50 / p95 ms)\n")
    print(f"{'index':<16} {'size':>8} {'build s':>8} " + " ".join(f"{w:>14}" for w in WORDS))
    for label, make in queries.items():
        cells = []
        for w in WORDS:
            where, params = make(w)
            sql = f"SELECT id FROM docs WHERE {where} ORDER BY id DESC LIMIT 50"
            c.execute("SELECT count(*) FROM docs WHERE " + where, params)
            hits = c.fetchone()[0]
            runs = []
            for _ in range(15):
                t = time.perf_counter()
                c.execute(sql, params)
                c.fetchall()
                runs.append((time.perf_counter() - t) * 1000)
            runs.sort()
            p95 = runs[int(0.95 * (len(runs) - 1))]
            cells.append(f"{statistics.median(runs):.0f}/{p95:.0f} ({hits // 1000}k)")
        size, build = sizes[label]
        print(f"{label:<16} {size:>8} {build:>8.0f} " + " ".join(f"{x:>14}" for x in cells))
    c.execute("DROP TABLE docs")


if __name__ == "__main__":
    main()
