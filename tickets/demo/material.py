"""What the demo's calls are made of: places, callers, words, how often each comes, and the
showcase scenarios every month shows."""

from datetime import timedelta

# --- Text material -----------------------------------------------------------------------

ROADS = {
    "110101": ["东四北大街", "和平里西街", "东直门内大街", "崇文门外大街", "王府井大街"],
    "110102": ["西单北大街", "金融大街", "德胜门外大街", "广安门内大街", "阜成门内大街"],
    "110105": ["工体北路", "建国路", "朝阳北路", "望京街", "酒仙桥路", "劲松路"],
    "110106": ["丰台北路", "马家堡东路", "卢沟桥路", "丽泽路", "方庄路"],
    "110107": ["石景山路", "鲁谷路", "八角北路", "古城大街", "苹果园路"],
    "110108": ["中关村大街", "学院路", "北四环西路", "上地信息路", "清河中街", "成府路"],
    "110109": ["新桥大街", "滨河路", "石龙北路", "双峪路"],
    "110111": ["拱辰大街", "苏庄大街", "京周路", "长阳路"],
    "110112": ["新华大街", "玉桥中路", "梨园南街", "九棵树东路", "运河东大街"],
    "110113": ["府前街", "新顺南大街", "光明南街", "顺平路"],
    "110114": ["回龙观西大街", "立汤路", "政府街", "鼓楼南街", "北清路"],
    "110115": ["兴华大街", "黄村西大街", "荣华南路", "旧宫东路", "西红门路"],
    "110116": ["青春路", "府前街", "迎宾路", "雁栖大街"],
    "110117": ["新平北路", "林荫北街", "府前街", "平翔路"],
    "110118": ["鼓楼大街", "新东路", "滨河路", "宾阳路"],
    "110119": ["妫水北街", "东外大街", "高塔路", "庆园街"],
}
ESTATES = ["阳光小区", "幸福家园", "和平里小区", "金地花园", "富力城", "北苑家园", "锦绣园"]
ESTATES += ["建设里", "朝晖嘉园", "新华里", "翠微小区", "康城花园", "馨园小区", "明珠苑"]
VILLAGES = ["东村", "西村", "南庄村", "北坞村", "大营村", "后街村", "前进村"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"

# One template per level-1 area: {leaf} the category, {place} the spot.
CONTENT = {
    "CX": [
        "来电人反映{place}存在{leaf}问题，已持续多日，多次联系物业未解决，希望尽快处理。",
        "市民反映{place}{leaf}，影响居民正常生活和安全，要求相关单位到场核实处理。",
    ],
    "ZF": ["来电人反映{place}{leaf}问题，与对方协商无果，希望相关部门协调解决。"],
    "CG": [
        "市民反映{place}附近{leaf}，尤其早晚时段严重，影响周边居民休息，希望尽快治理。",
        "来电人反映{place}{leaf}问题长期存在，希望城管部门加强巡查、及时处理。",
    ],
    "SZ": ["来电人反映{place}{leaf}，存在安全隐患，过往行人车辆较多，要求尽快维修。"],
    "JT": ["来电人反映{place}{leaf}问题，给出行带来不便，希望有关部门加强管理。"],
    "GG": [
        "来电人反映{place}{leaf}，已影响家中正常生活，联系企业客服未果，要求尽快处理。",
        "市民反映{place}出现{leaf}情况，涉及整栋楼住户，希望尽快派人抢修。",
    ],
    "SC": ["来电人反映在{place}一商户处遇到{leaf}问题，与商家协商未果，要求依法处理。"],
    "LD": ["来电人反映其在{place}附近一单位务工，遇到{leaf}问题，希望劳动部门帮助维权。"],
    "HB": ["市民反映{place}周边{leaf}问题突出，气味刺鼻，影响居民健康，要求查处。"],
    "WS": ["来电人反映{place}附近医疗卫生机构存在{leaf}问题，希望卫生部门核实处理。"],
    "JY": ["家长来电反映{place}附近学校或机构存在{leaf}问题，希望教育部门给予答复。"],
    "GA": ["来电人反映{place}存在{leaf}问题，担心发生危险，希望相关部门及时处置。"],
    "NY": ["村民反映{place}{leaf}问题，希望镇政府和村委会依法公开、妥善解决。"],
    "ZW": ["来电人反映在办理{leaf}相关事项时遇到困难（{place}），希望得到帮助。"],
    "QT": ["来电人就{place}的{leaf}事项提出意见，希望有关单位研究采纳。"],
}
ENQUIRY = [
    "来电人咨询{leaf}的办理条件、所需材料和办理地点。",
    "市民咨询{leaf}相关政策，话务员依据知识库当即解答。",
    "来电人咨询{leaf}的办理进度查询方式。",
]
ANSWERS = [
    "已依据知识库告知办理条件、所需材料及线上办理渠道，来电人表示清楚。",
    "已告知相关政策规定及咨询电话，来电人无其他诉求。",
    "已告知可通过北京通App或政务服务网查询办理，来电人表示满意。",
]
REPLIES = {
    "solved": "已联系诉求人并到现场核实，{leaf}问题已处理完毕，诉求人表示认可。",
    "partly_solved": "已到现场核实，{leaf}问题已部分整改，剩余事项已列入计划持续跟进。",
    "explained": "经核实，{leaf}问题受客观条件限制暂无法解决，已向诉求人做好解释说明。",
}
EMERGENCIES = [
    ("120", "GA.ZA.ZA", "来电人称{place}有老人突然晕倒，情况紧急，已转120急救处置。"),
    ("110", "GA.ZA.ZA", "来电人称{place}有人发生肢体冲突，已转110处置。"),
    ("122", "JT.XH.YD", "来电人称{place}路口发生两车剐蹭事故，已转122处置。"),
    ("119", "GA.XF.TD", "来电人称{place}楼道内冒烟疑似起火，已转119处置。"),
]

# Relative weight of each level-1 area among actionable tickets, and among enquiries.
AREA_WEIGHT = {"CX": 16, "ZF": 7, "CG": 15, "SZ": 7, "JT": 9, "GG": 8, "SC": 9, "LD": 7}
AREA_WEIGHT |= {"HB": 5, "WS": 4, "JY": 4, "GA": 4, "NY": 2, "ZW": 4, "QT": 2}
ENQUIRY_AREAS = {"ZW": 20, "LD": 14, "GA": 10, "JY": 9, "ZF": 9, "JT": 9, "WS": 8, "GG": 7}
ENQUIRY_AREAS |= {"SC": 5, "CX": 5, "QT": 4}
# Categories whose tickets go to a department rather than the street: area -> dept kind.
DEPT_AREAS = {"SC": "scjg", "LD": "rsh", "WS": "wsjk", "JY": "jy"}
DEPT_LEAVES = {"GA.HJ.HK": "ga", "GA.HJ.JZ": "ga", "JT.GJ.DT": "jt", "JT.GJ.XL": "jt"}
DEPT_LEAVES |= {"JT.CZ.WY": "jt", "JT.CZ.FW": "jt", "ZF.SP.JF": "zj", "ZF.SP.ZL": "zj"}

# (district, street, leaf, road): matters that grow over the last months, so the monthly
# one-problem (每月一题) analysis has something real to find.
HOTSPOTS = [
    ("110105", "110105026", "CG.ZY.SG", "望京街"),  # 望京: construction noise at night
    ("110108", "110108011", "JT.DC.LT", "中关村大街"),  # 中关村: shared bikes everywhere
]
# Share of a month's tickets that each hot spot takes, by months before now.
HOTSPOT_SHARE = {3: 0.015, 2: 0.03, 1: 0.05, 0: 0.07}

HOUR_WEIGHTS = [1, 1, 0, 0, 0, 1, 2, 5, 9, 11, 11, 9, 7, 8, 10, 10, 9, 8, 7, 8, 8, 6, 4, 2]


def _seasonal(code: str, day) -> float:
    """Heating complaints come with the heating season (from 15 November); storms in summer."""
    if code.startswith("CX.GN"):
        if (day.month, day.day) >= (11, 15) or day.month in (12, 1, 2, 3):
            return 10.0
        return 1.5 if day.month == 11 else 0.1
    if code in ("SZ.PS.JS", "SZ.PS.WS", "GG.GD.TD", "CG.LH.DF") and day.month in (7, 8):
        return 4.0
    if code in ("JY.RX.XW", "JY.RX.YE") and day.month in (8, 9):
        return 3.0
    return 1.0


# Scenarios every run must show, forced in rotation so even a small run has each one.
# They start no later than SHOWCASE_LEAD before today: time enough for a level-3 ticket's
# 7 working days (longer over a holiday), an extension asked late in them and reviewed.
SHOWCASE_LEAD = timedelta(days=16)
SHOWCASE = [
    {"ret": "accept"},
    {"ret": "reject"},
    {"whistle": True},
    {"whistle": True, "late_report_in": True},
    {"extend": "approve"},
    {"extend": "refuse"},
    {"claim": "confirm"},
    {"claim": "reject"},
    {"appeal": "uphold"},
    {"appeal": "reject"},
    {"never_sign": True},
    {"late_reply": True},
    {"reopen": True, "force_unsolved": True},
    {"co": True},
    {"district_lead": True},  # the caller names no street: the district government leads
]
