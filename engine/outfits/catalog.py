"""The 50 outfits: each a small recipe the painter (garments.py) draws to fit a person.

top: the garment against the skin and its neckline ("collar" shirt, "collar_open", "polo", "round", "scoop",
"v", "bow", "peterpan"); tie: None, "plain", "stripe" or "bow"; jacket: None, "notch", "peak", "shawl",
"collarless", "sweater", "cardigan".
"""

from dataclasses import dataclass

from ..params import CLOTHES_IDS

NAVY, CHARCOAL, BLACK, GREY, LIGHT_GREY = (
    (32, 40, 66),
    (58, 60, 66),
    (26, 26, 30),
    (112, 116, 122),
    (168, 170, 174),
)
WHITE, CREAM, LIGHT_BLUE, PINK = (246, 246, 244), (240, 232, 214), (190, 212, 236), (238, 200, 206)
BURGUNDY, RED, DARK_RED, GREEN, BOTTLE, TEAL = (
    (110, 28, 44),
    (178, 34, 40),
    (128, 20, 30),
    (40, 96, 60),
    (24, 64, 44),
    (22, 100, 108),
)
BEIGE, CAMEL, BROWN, GOLD, SILVER, SKY = (
    (196, 176, 146),
    (176, 134, 86),
    (84, 58, 42),
    (196, 160, 60),
    (170, 172, 180),
    (96, 150, 206),
)
MAROON, ROYAL = (96, 30, 40), (40, 70, 150)


@dataclass(frozen=True)
class Outfit:
    id: str
    name: str
    top: str
    top_color: tuple
    jacket: str | None = None
    jacket_color: tuple = NAVY
    tie: str | None = None
    tie_color: tuple = RED
    tie_color2: tuple = WHITE
    crest: bool = False
    pocket_square: tuple | None = None
    buttons: bool = True


def _catalogue():
    man = [
        ("Navy suit, white shirt, red tie", "collar", WHITE, "notch", NAVY, "plain", RED),
        (
            "Charcoal suit, white shirt, striped navy tie",
            "collar",
            WHITE,
            "notch",
            CHARCOAL,
            "stripe",
            NAVY,
            SILVER,
        ),
        ("Black suit, white shirt, black tie", "collar", WHITE, "notch", BLACK, "plain", BLACK),
        ("Grey suit, light blue shirt, burgundy tie", "collar", LIGHT_BLUE, "notch", GREY, "plain", BURGUNDY),
        ("Navy suit, light blue shirt, open collar", "collar_open", LIGHT_BLUE, "notch", NAVY, None),
        ("Black suit, white shirt, open collar", "collar_open", WHITE, "notch", BLACK, None),
        ("Beige suit, white shirt, brown tie", "collar", WHITE, "notch", BEIGE, "plain", BROWN),
        ("Brown suit, cream shirt, green tie", "collar", CREAM, "notch", BROWN, "plain", GREEN),
        ("Navy peak-lapel suit, white shirt, silver tie", "collar", WHITE, "peak", NAVY, "plain", SILVER),
        ("Black dinner jacket, bow tie", "collar", WHITE, "shawl", BLACK, "bow", BLACK),
        ("White shirt, navy tie", "collar", WHITE, None, None, "plain", NAVY),
        ("Light blue shirt, navy striped tie", "collar", LIGHT_BLUE, None, None, "stripe", NAVY, GOLD),
        ("White shirt, open collar", "collar_open", WHITE, None, None, None),
        ("Light blue shirt, open collar", "collar_open", LIGHT_BLUE, None, None, None),
        ("Pink shirt, grey tie", "collar", PINK, None, None, "plain", CHARCOAL),
        ("Grey suit, white shirt, open collar", "collar_open", WHITE, "notch", GREY, None),
        (
            "Charcoal peak-lapel suit, white shirt, red striped tie",
            "collar",
            WHITE,
            "peak",
            CHARCOAL,
            "stripe",
            RED,
            NAVY,
        ),
        (
            "Navy blazer, white shirt, striped burgundy tie",
            "collar",
            WHITE,
            "notch",
            ROYAL,
            "stripe",
            BURGUNDY,
            SILVER,
        ),
        ("Black shirt, open collar", "collar_open", BLACK, None, None, None),
        ("Grey V-neck sweater, white shirt, navy tie", "collar", WHITE, "sweater", GREY, "plain", NAVY),
    ]
    woman = [
        ("Black blazer, white round-neck top", "round", WHITE, "notch", BLACK),
        ("Navy blazer, white V-neck top", "v", WHITE, "notch", NAVY),
        ("Grey blazer, white open-collar shirt", "collar_open", WHITE, "notch", GREY),
        ("Beige blazer, black round-neck top", "round", BLACK, "notch", BEIGE),
        ("White blazer, black V-neck top", "v", BLACK, "shawl", WHITE),
        ("Burgundy blazer, cream top", "round", CREAM, "notch", BURGUNDY),
        ("Black collarless jacket, white top", "round", WHITE, "collarless", BLACK),
        ("Navy blazer, light blue shirt", "collar_open", LIGHT_BLUE, "notch", NAVY),
        ("White open-collar blouse", "collar_open", WHITE, None),
        ("Light blue open-collar blouse", "collar_open", LIGHT_BLUE, None),
        ("Black round-neck top", "round", BLACK, None),
        ("Cream V-neck blouse", "v", CREAM, None),
        ("White bow blouse", "bow", WHITE, None),
        ("Pink round-neck blouse", "round", PINK, None),
        ("Navy scoop-neck top", "scoop", NAVY, None),
        ("Grey scoop-neck top", "scoop", LIGHT_GREY, None),
        ("Teal blazer, white top", "round", WHITE, "notch", TEAL),
        ("Camel blazer, white shirt", "collar_open", WHITE, "peak", CAMEL),
        ("Black shawl-collar blazer, white top", "round", WHITE, "shawl", BLACK),
        ("Red V-neck blouse", "v", RED, None),
    ]
    child = [
        ("White shirt", "collar", WHITE, None),
        ("Light blue shirt", "collar", LIGHT_BLUE, None),
        ("Navy polo", "polo", NAVY, None),
        ("White polo", "polo", WHITE, None),
        ("Red polo", "polo", RED, None),
        ("School blazer, striped tie (navy)", "collar", WHITE, "notch", NAVY, "stripe", MAROON, GOLD, True),
        (
            "School blazer, striped tie (green)",
            "collar",
            WHITE,
            "notch",
            BOTTLE,
            "stripe",
            BOTTLE,
            GOLD,
            True,
        ),
        ("School sweater, white shirt, navy tie", "collar", WHITE, "sweater", LIGHT_GREY, "plain", NAVY),
        ("White shirt, red tie", "collar", WHITE, None, None, "plain", DARK_RED),
        ("Navy cardigan, white round-collar blouse", "peterpan", WHITE, "cardigan", NAVY),
    ]
    outfits = []
    for kind, rows in (("man", man), ("woman", woman), ("child", child)):
        for number, row in enumerate(rows, 1):
            name, top, top_color, *rest = row
            rest += [None] * (6 - len(rest))
            jacket, jacket_color, tie, tie_color, tie_color2, crest = rest
            outfits.append(
                Outfit(
                    id=f"{kind}_{number}",
                    name=name,
                    top=top,
                    top_color=top_color,
                    jacket=jacket,
                    jacket_color=jacket_color or NAVY,
                    tie=tie,
                    tie_color=tie_color or RED,
                    tie_color2=tie_color2 or WHITE,
                    crest=bool(crest),
                    pocket_square=WHITE if jacket in ("notch", "peak") and kind == "man" and tie else None,
                )
            )
    return {outfit.id: outfit for outfit in outfits}


OUTFITS = _catalogue()
assert tuple(OUTFITS) == CLOTHES_IDS, "the catalogue must match the ids params accepts"
