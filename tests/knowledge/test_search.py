"""Search and suggestions over many articles: words as the tickets' search reads them, the
GIN index on PostgreSQL, query counts that do not grow (scripts/bench_knowledge.py times
the same requests at 20,000 articles)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.knowledge import selectors
from hotline.knowledge.models import ArticleVersion

pytestmark = pytest.mark.django_db

LIST = "/api/v1/knowledge/articles/"
SUGGEST = "/api/v1/knowledge/suggestions/"


def test_a_longer_word_matches_where_its_characters_stand_together(kb, staff, api):
    kb.published(title="居住证如何申领", answer="到派出所申领")
    kb.published(title="居住地变更", answer="凭住证明办理")  # 居住 … 住证, apart
    resp = api(staff.operator).get(LIST, {"q": "居住证"})
    assert [a["title"] for a in resp.json()["results"]] == ["居住证如何申领"]


def test_a_search_within_a_category_and_below_it(kb, staff, api):
    kb.published(title="门诊报销比例")  # LD.SB.YB
    kb.published(title="供暖费报销", categories=[kb.category("CX.GN.SW")], actor=kb.reviewer)
    resp = api(staff.operator).get(LIST, {"q": "报销", "category": "LD.SB"})
    assert [a["title"] for a in resp.json()["results"]] == ["门诊报销比例"]
    assert api(staff.operator).get(LIST, {"q": "报销", "category": "XX"}).json()["count"] == 0


def test_the_list_pages_the_most_used_first(kb, staff, api):
    for title, uses in [("社保卡补办", 3), ("社保卡挂失", 9), ("社保卡激活", 5)]:
        article = kb.published(title=title)
        type(article).objects.filter(pk=article.pk).update(use_count=uses)
    resp = api(staff.operator).get(LIST, {"q": "社保", "page_size": 2}).json()
    assert [a["title"] for a in resp["results"]] == ["社保卡挂失", "社保卡激活"]
    assert resp["count"] == 3 and resp["count_capped"] is False


@pytest.mark.parametrize(
    "params, queries",
    [
        # the count (capped), the page, its units, its categories
        ({}, 4),
        # the ids of the hits (capped), the page from them, units, categories
        ({"q": "报销"}, 4),
        # + the category and those below it
        ({"q": "报销", "category": "LD.SB"}, 5),
    ],
)
def test_list_query_count_does_not_grow_with_articles(
    kb, staff, api, django_assert_num_queries, params, queries
):
    client = api(staff.operator)
    for batch in range(2):
        for i in range(8):
            kb.published(title=f"门诊报销{batch}-{i}")
        with django_assert_num_queries(queries):
            assert len(client.get(LIST, params).json()["results"]) == 8 * (batch + 1)


def test_suggestions_query_count_does_not_grow_with_articles(
    kb, staff, api, django_assert_num_queries
):
    client = api(staff.operator)
    params = {"category": "LD.SB.YB", "content": "问门诊怎么报销"}
    for batch in range(2):
        for i in range(6):
            kb.published(title=f"门诊报销{batch}-{i}")
        # the category, those above it, the most used citing them, the versions sharing
        # the most words, the candidates, their categories
        with django_assert_num_queries(6):
            assert len(client.get(SUGGEST, params).json()) == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bounded lookups are SQL")
def test_a_rare_word_finds_its_article_among_many_with_a_common_one(kb, staff, api, monkeypatch):
    monkeypatch.setattr(selectors, "COMMON_TOKEN", 2)
    monkeypatch.setattr(selectors, "SUGGEST_CANDIDATES", 3)
    for i in range(5):
        kb.published(title=f"暖气不热找谁{i}", actor=kb.reviewer)
    leak = kb.published(title="暖气管道漏水", actor=kb.reviewer)
    found = api(staff.operator).get(SUGGEST, {"content": "暖气漏水了"}).json()
    assert found[0]["id"] == leak.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_every_text_match_reads_the_indexed_vector(kb):
    kb.published(title="社保卡补办")
    with CaptureQueriesContext(connection) as run:
        list(selectors.search_published(q="社保卡", category="LD"))
        selectors.suggest(category=kb.category(), content="社保卡丢了怎么补办")
    matches = [q["sql"] for q in run.captured_queries if "to_tsquery" in q["sql"]]
    assert len(matches) == 2
    for sql in matches:
        # to_tsvector(search_tokens) would be computed row by row: no index holds it
        assert '"search_tokens_tsv" @@' in sql and "to_tsvector" not in sql, sql
    # Unordered: on a table of a few rows an ordering index would do as well as any.
    only_words = selectors._all_words(ArticleVersion.objects.all(), "社保卡").order_by()
    sql, params = only_words.query.sql_with_params()
    with connection.cursor() as cursor:
        # Fresh statistics: what earlier tests left in the table must not steer the plan.
        cursor.execute("ANALYZE knowledge_articleversion")
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "knowledge_version_search" in plan, plan
