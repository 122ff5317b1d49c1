"""The CJK fonts installed on the machine, loaded once per (face, size).

Keys name a face; `PDF_SAFE` are TrueType-outline faces that reportlab can embed (the Noto CJK faces are CFF
and cannot go into a text-layer PDF).
"""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont

_NOTO = "/usr/share/fonts/opentype/noto/"
_WQY = "/usr/share/fonts/truetype/wqy/"
FACES: dict[str, tuple[str, int]] = {
    "sans": (_NOTO + "NotoSansCJK-Regular.ttc", 2),
    "sans_bold": (_NOTO + "NotoSansCJK-Bold.ttc", 2),
    "serif": (_NOTO + "NotoSerifCJK-Regular.ttc", 2),
    "serif_bold": (_NOTO + "NotoSerifCJK-Bold.ttc", 2),
    "sans_mono": (_NOTO + "NotoSansCJK-Regular.ttc", 7),
    "zenhei": (_WQY + "wqy-zenhei.ttc", 0),
    "zenhei_mono": (_WQY + "wqy-zenhei.ttc", 1),
    "microhei": (_WQY + "wqy-microhei.ttc", 0),
}
PDF_SAFE = ("zenhei", "microhei", "zenhei_mono")
BODY_FACES = ("sans", "serif", "zenhei", "microhei", "sans", "serif")
TITLE_FACES = ("sans_bold", "serif_bold", "zenhei", "sans_bold")


@lru_cache(maxsize=256)
def font(face: str, size: int) -> ImageFont.FreeTypeFont:
    path, index = FACES[face]
    return ImageFont.truetype(path, max(6, int(size)), index=index)


def text_width(s: str, face: str, size: int) -> float:
    return font(face, size).getlength(s)
