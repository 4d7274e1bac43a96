"""Traditional characters read as simplified (海澱區錦繡園 → 海淀区锦绣园), for matching.

Callers from Hong Kong, Taiwan and abroad, and the web channel's forms, write traditional
characters; the directory, the tickets and the operators write simplified. Search tokens,
search queries and the addresses routing reads are all converted, so both sides of a match
are written alike. OpenCC's t2s tables convert by phrase, so a character that is also
simplified keeps its sense where a phrase says so (乾隆 stays, 乾燥 is 干燥). The texts
themselves are stored as written.
"""

import threading

import opencc

_local = threading.local()  # a converter per thread: its thread safety is not documented


def simplified(text: str) -> str:
    if not text or text.isascii():
        return text
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = opencc.OpenCC("t2s")
    return converter.convert(text)


# CJK Unified Ideographs, Extension A, compatibility ideographs: the characters search cuts
# into bigrams (hotline.textsearch) and the ones converted here.
CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def traditional_pattern() -> str:
    """A regex class of every character t2s writes otherwise, alone: what finds the rows
    written before their tokens were cut as simplified (the migrations that cut them again)."""
    changed = [
        ch
        for low, high in CJK_RANGES
        for ch in map(chr, range(low, high + 1))
        if simplified(ch) != ch
    ]
    return "[" + "".join(changed) + "]"
