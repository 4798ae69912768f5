"""The traditional three-zone division of China's provinces (SPEC §8), used to default a zone."""

from __future__ import annotations

PROVINCE_ZONES: dict[str, str] = {
    **dict.fromkeys(
        ("北京", "天津", "河北", "辽宁", "上海", "江苏", "浙江", "福建", "山东", "广东", "海南"),
        "east",
    ),
    **dict.fromkeys(("山西", "吉林", "黑龙江", "安徽", "江西", "河南", "湖北", "湖南"), "central"),
    **dict.fromkeys(
        (
            "内蒙古",
            "广西",
            "重庆",
            "四川",
            "贵州",
            "云南",
            "西藏",
            "陕西",
            "甘肃",
            "青海",
            "宁夏",
            "新疆",
        ),
        "west",
    ),
}


def province_zone(name: str) -> str | None:
    """``江苏省`` → ``east``; None for a name that is not one of the 31 provinces."""
    for short, zone in PROVINCE_ZONES.items():
        if name.startswith(short):
            return zone
    return None
