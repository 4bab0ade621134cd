"""Competitor brands and their models, as a sales consultant would name them: the one table the demo
reads wherever it writes a competitor (a card's competitor models, a defeat's brand and model bought,
an other-brand owner's car), so that a brand is never paired with another brand's model."""

import random

BRANDS: dict[str, list[str]] = {
    "丰田": ["凯美瑞", "卡罗拉", "RAV4荣放", "亚洲龙"],
    "本田": ["雅阁", "思域", "CR-V", "型格"],
    "大众": ["帕萨特", "迈腾", "途观L", "朗逸"],
    "日产": ["天籁", "轩逸", "奇骏"],
    "别克": ["君威", "君越", "昂科威"],
    "比亚迪": ["汉", "秦PLUS", "宋PLUS", "海豹"],
    "特斯拉": ["Model 3", "Model Y"],
    "吉利": ["星瑞", "博越L", "星越L"],
    "长安": ["逸动", "CS75 PLUS"],
    "马自达": ["阿特兹", "CX-5"],
}


def brand_model(rng: random.Random) -> tuple[str, str]:
    """A real (brand, model) pair."""
    brand = rng.choice(list(BRANDS))
    return brand, rng.choice(BRANDS[brand])


def competitor_text(rng: random.Random) -> str:
    """What a card's "competitor models" field says: one or two real models, e.g. "丰田凯美瑞、本田雅阁"."""
    picks = [brand_model(rng) for _ in range(rng.choice([1, 1, 2]))]
    return "、".join(dict.fromkeys(f"{brand}{model}" for brand, model in picks))
