"""The demo organization: a retail chain with three regions and 24 stores (× scale)."""

from __future__ import annotations

import random

from sqms.core.choices import Role

DEMO_PASSWORD = "sqms-demo-2026"

# (region code, zh name, en name, [(city zh, city en), ...])
REGIONS = [
    (
        "NORTH",
        "华北区",
        "North",
        [
            ("北京", "Beijing"),
            ("天津", "Tianjin"),
            ("石家庄", "Shijiazhuang"),
            ("太原", "Taiyuan"),
            ("济南", "Jinan"),
            ("青岛", "Qingdao"),
            ("沈阳", "Shenyang"),
            ("大连", "Dalian"),
        ],
    ),
    (
        "EAST",
        "华东区",
        "East",
        [
            ("上海", "Shanghai"),
            ("杭州", "Hangzhou"),
            ("南京", "Nanjing"),
            ("苏州", "Suzhou"),
            ("宁波", "Ningbo"),
            ("合肥", "Hefei"),
            ("无锡", "Wuxi"),
            ("厦门", "Xiamen"),
        ],
    ),
    (
        "SOUTH",
        "华南区",
        "South",
        [
            ("广州", "Guangzhou"),
            ("深圳", "Shenzhen"),
            ("东莞", "Dongguan"),
            ("佛山", "Foshan"),
            ("南宁", "Nanning"),
            ("海口", "Haikou"),
            ("长沙", "Changsha"),
            ("福州", "Fuzhou"),
        ],
    ),
]

STREETS_ZH = ["人民路", "中山路", "解放路", "建设大道", "新华街", "长江路", "和平路", "文化路"]
STREETS_EN = [
    "Renmin Rd",
    "Zhongshan Rd",
    "Jiefang Rd",
    "Jianshe Ave",
    "Xinhua St",
    "Changjiang Rd",
    "Heping Rd",
    "Wenhua Rd",
]
SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
]
SURNAMES_PINYIN = [
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Huang",
    "Zhao",
    "Wu",
    "Zhou",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
]
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "丽",
    "强",
]
GIVEN_PINYIN = [
    "Wei",
    "Fang",
    "Na",
    "Min",
    "Jing",
    "Lei",
    "Yang",
    "Yan",
    "Yong",
    "Jun",
    "Jie",
    "Juan",
    "Tao",
    "Ming",
    "Chao",
    "Xia",
    "Ping",
    "Gang",
    "Li",
    "Qiang",
]
EN_FIRST = [
    "Alice",
    "Ben",
    "Chloe",
    "Daniel",
    "Emma",
    "Frank",
    "Grace",
    "Henry",
    "Isla",
    "Jack",
    "Kate",
    "Liam",
    "Mia",
    "Noah",
    "Olivia",
    "Peter",
]
EN_LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Wilson",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
    "Wright",
    "Hall",
    "Green",
]

SERVICES = [
    (
        "SALES",
        "门店销售",
        "In-store sales",
        "顾客选购、试用与结账。",
        "Browsing, trying and paying in store.",
    ),
    (
        "AFTER",
        "售后服务",
        "After-sales service",
        "退换货、三包维修与安装。",
        "Returns, exchanges, repairs under warranty and installation.",
    ),
    (
        "DELIV",
        "送货上门",
        "Home delivery",
        "预约送货与上门安装。",
        "Booked delivery and installation at home.",
    ),
]


def person_name(rng: random.Random, locale: str) -> tuple[str, str]:
    """(first, last) for a generated staff member."""
    if locale == "en":
        return rng.choice(EN_FIRST), rng.choice(EN_LAST)
    i = rng.randrange(len(SURNAMES))
    g = rng.sample(range(len(GIVEN)), rng.choice([1, 2]))
    return "".join(GIVEN[j] for j in g), SURNAMES[i]


def site_plan(scale: int) -> list[dict[str, object]]:
    """Every demo store: region, code, zh/en city and street; ``scale`` multiplies the stores."""
    stores: list[dict[str, object]] = []
    for region_code, _zh, _en, cities in REGIONS:
        for copy in range(scale):
            for n, (city_zh, city_en) in enumerate(cities, start=1):
                number = copy * len(cities) + n
                stores.append(
                    {
                        "region": region_code,
                        "code": f"{region_code[:2]}{number:03d}",
                        "city_zh": city_zh,
                        "city_en": city_en,
                        "branch": copy + 1,
                        "street": n - 1,
                    }
                )
    return stores


ROLE_ACCOUNTS = [
    ("quality", Role.QUALITY_MANAGER),
    ("north.manager", Role.REGION_MANAGER),
    ("store.manager", Role.SITE_MANAGER),
    ("inspector", Role.INSPECTOR),
    ("agent", Role.AGENT),
    ("viewer", Role.VIEWER),
]
