"""The Chinese search primitive: tokens, query text, and the same answers on both databases."""

import pytest
from django.db import connection, models

from hotline import token_shares
from hotline.textsearch import (
    _index_lookup,
    _terms,
    apply_text_search,
    cut_again_where_traditional,
    index_sql,
    query_terms,
    search_tokens,
    to_tsquery_text,
)
from hotline.token_shares import Shares


class Note(models.Model):
    """A throwaway table for these tests: the primitive must not depend on any app's model."""

    title = models.CharField(max_length=100)
    body = models.TextField()
    search_tokens = models.TextField(default="")

    class Meta:
        app_label = "hotline"
        db_table = "test_textsearch_note"
        managed = False


def test_chinese_runs_become_bigrams_and_their_last_character():
    assert search_tokens("噪音扰民") == "噪音 音扰 扰民 民"
    assert search_tokens("楼下", "噪音！") == "楼下 下 噪音 音"
    assert search_tokens("阳") == "阳"


def test_ascii_words_and_digits_are_lowercased_and_fullwidth_folded():
    assert search_tokens("ABC路８号院") == "abc 路 8 号院 院"
    assert search_tokens("") == ""
    assert search_tokens("，。!? ") == ""


def test_query_words_become_phrases_of_bigrams():
    assert to_tsquery_text("噪音") == "('噪音')"
    assert to_tsquery_text("工人体育") == "('工人' <-> '人体' <-> '体育')"
    # a number against the character after it is whole (building 8, not 80); alone, a prefix
    assert to_tsquery_text("8号院 楼") == "'8' & ('号院') & '楼':*"
    assert to_tsquery_text("京a123 8") == "'京':* & 'a123':* & '8':*"
    assert to_tsquery_text("  ，") == ""
    # nothing that could break out of the tsquery syntax survives
    assert to_tsquery_text("a'b & !c | d:*") == "'a':* & 'b':* & 'c':* & 'd':*"


def test_traditional_characters_are_cut_as_simplified_by_phrase():
    assert search_tokens("噪音擾民", "樓上") == search_tokens("噪音扰民", "楼上")
    assert to_tsquery_text("海澱區 錦繡園") == to_tsquery_text("海淀区 锦绣园")
    # OpenCC converts by phrase: 乾 is 干 in 乾燥, and stays in 乾隆
    assert search_tokens("乾燥 乾隆") == "干燥 燥 乾隆 隆"


def test_tokens_written_before_are_cut_again_where_traditional(notes):
    """What migrations tickets.0014 and knowledge.0004 run: only the rows holding a
    traditional character are cut again."""
    old = Note.objects.create(title="漏水", body="樓上漏水", search_tokens="樓上 上漏 漏水 水")
    untouched = Note.objects.get(title="停车")
    Note.objects.filter(pk=untouched.pk).update(search_tokens="kept as it was")
    cut_again_where_traditional(Note, ["title", "body"])
    old.refresh_from_db(), untouched.refresh_from_db()
    assert old.search_tokens == search_tokens("漏水", "楼上漏水")
    assert untouched.search_tokens == "kept as it was"


def test_query_terms_are_unique_and_bounded():
    assert query_terms("噪音 噪音 漏水") == ["噪音", "漏水"]
    assert len(query_terms(" ".join(f"w{i}" for i in range(50)))) == 10


@pytest.fixture
def notes(transactional_db):
    with connection.schema_editor() as editor:
        editor.create_model(Note)
        if connection.vendor == "postgresql":
            for sql in index_sql(Note._meta.db_table, "search_tokens", "note_tokens_gin")[0]:
                editor.execute(sql)
    rows = [
        ("夜间施工", "工人体育场北路8号院夜间施工噪音扰民"),
        ("漏水", "楼上漏水，物业不管"),
        ("停车", "小区停车难，工人乱停车"),
        ("分开", "工人。体育场旁边"),  # 工人 and 体育 not next to each other
        ("English", "Noise from BAR street"),
        ("九号楼", "锦绣园9号楼"),
        ("十九号楼", "锦绣园19号楼"),
        ("九十号", "玉桥中路90号锦绣园30号楼"),
        ("鲁谷", "鲁谷路17号富力城14号楼"),
        ("富力城", "富力城17号楼3单元"),
    ]
    for title, body in rows:
        Note.objects.create(title=title, body=body, search_tokens=search_tokens(title, body))
    yield
    with connection.schema_editor() as editor:
        editor.delete_model(Note)


def _titles(query):
    qs = apply_text_search(Note.objects.all(), query=query, raw_fields=["title", "body"])
    return sorted(qs.values_list("title", flat=True))


@pytest.mark.parametrize(
    "query, expected",
    [
        ("噪音", ["夜间施工"]),
        ("漏水", ["漏水"]),
        ("停车", ["停车"]),
        ("工人体育", ["夜间施工"]),  # a four-character word, in a row, not split by a 。
        ("工人 体育", ["分开", "夜间施工"]),  # two words, anywhere
        ("工人", ["停车", "分开", "夜间施工"]),
        ("8号院 噪音", ["夜间施工"]),
        ("噪音 漏水", []),  # every term must match
        ("noise", ["English"]),
        ("BAR", ["English"]),
        ("音", ["夜间施工"]),  # one character, also at the end of a run
        ("民", ["夜间施工"]),
        # one character beside other terms is checked on the rows they find (not looked up)
        ("北路8号", ["夜间施工"]),
        ("工人 停", ["停车"]),
        ("工人 场", ["分开", "夜间施工"]),
        ("工人 水", []),
        ("8 院", ["夜间施工"]),
        ("火灾", []),
        # a number against the next character is a whole number: building 9, not 19 or 90
        ("锦绣园9号楼", ["九号楼"]),
        ("19号楼", ["十九号楼"]),
        ("ba", ["English"]),  # an ASCII word alone is a prefix
        ("锦绣园 9", ["九十号", "九号楼"]),  # ...of a word: 9 starts 90, not the 9 of 19
        # runs typed together stand together in the text (an audit: 富力城17号楼 found the
        # 17 of 鲁谷路17号 and the 号楼 of 14号楼)
        ("富力城17号楼", ["富力城"]),
        ("17号富力城", ["鲁谷"]),
        ("富力城 17号", ["富力城", "鲁谷"]),  # apart, each anywhere
        ("城17号楼3单", ["富力城"]),
        ("城14号楼3", []),
    ],
)
def test_search_finds_the_same_rows_on_every_database(notes, query, expected):
    assert _titles(query) == expected


def test_a_query_without_terms_leaves_the_queryset_alone(notes):
    assert len(_titles("，。")) == Note.objects.count() == 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgresql_reads_the_gin_index(notes):
    qs = apply_text_search(Note.objects.all(), query="噪音", raw_fields=["title", "body"])
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "note_tokens_gin" in plan


def test_the_index_looks_up_the_rarest_tokens_until_they_are_selective_enough():
    counted = {"小区": 0.3, "和平": 0.08, "平里": 0.08, "里小": 0.07, "上地": 0.01, "地信": 0.01}
    shares = Shares(counted, 0.005)
    # each term's rarest token — 上地 (1 %), 299 (uncounted: under 0.5 %), 里小 (7 %) —
    # already expects 3.5e-6 of the rows
    assert (
        _index_lookup(_terms("上地信 299 和平里小区"), lambda: shares)
        == "'299':* & '上地' & '里小'"
    )
    # the bigrams of one compound's name come together: its number is looked up too
    compound = Shares(
        {
            "东风": 0.013,
            "风地": 0.013,
            "地区": 0.02,
            "区某": 0.013,
            "某小": 0.9,
            "小区": 0.95,
            "12": 0.03,
        },
        0.005,
    )
    assert (
        _index_lookup(_terms("东风地区某小区12号")[:2], lambda: compound)
        == "'东风' & '风地' & '12'"
    )
    # common tokens only: every one of them narrows, so all are looked up
    assert _index_lookup(_terms("和平里小区"), lambda: shares) is None
    # one token is looked up as it is, without reading the shares
    assert _index_lookup(_terms("噪音"), lambda: pytest.fail("shares read")) is None
    # a one-letter prefix counts every counted lexeme it starts
    assert Shares({"1a": 0.2, "1b": 0.3, "2": 0.1}, 0.01).of_prefix("1") == pytest.approx(0.51)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_stats is PostgreSQL's")
def test_a_long_address_looks_up_its_rare_tokens_and_checks_the_whole_phrase(notes):
    # 300 rows of one common compound, so that ANALYZE counts its bigrams as common
    common = [Note(title="common", body=f"和平里小区{i}号楼") for i in range(300)]
    rare = [
        Note(title="hit", body="上地信息路和平里小区5号楼"),
        Note(title="apart", body="上地。信息路和平里小区5号楼"),  # 上地 and 信息 not in a row
    ]
    for note in common + rare:
        note.search_tokens = search_tokens(note.body)
    Note.objects.bulk_create(common + rare)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Note._meta.db_table}")
    token_shares.forget()
    try:
        query = "上地信息路和平里小区"
        qs = apply_text_search(Note.objects.all(), query=query, raw_fields=["body"])
        sql = str(qs.query)
        assert "ts_match_vq" in sql  # the whole phrase is checked on the rows found …
        lookup = sql.split(" @@ ")[1].split(")")[0]
        assert "小区" not in lookup and "上地" in lookup  # … which the rare tokens find
        assert list(qs.values_list("title", flat=True)) == ["hit"]
    finally:
        token_shares.forget()
