"""Typefaces of the second corpus. Deliberately not the faces tests/synth prefers: Ming (UMing) and Kai
(UKai) for printed and hand-filled text, Noto Serif for certificates, Noto Sans and WenQuanYi Micro Hei
mixed in."""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont

_NOTO = "/usr/share/fonts/opentype/noto/"
_ARPHIC = "/usr/share/fonts/truetype/arphic/"
FACES: dict[str, tuple[str, int]] = {
    "serif": (_NOTO + "NotoSerifCJK-Regular.ttc", 2),
    "serif_bold": (_NOTO + "NotoSerifCJK-Bold.ttc", 2),
    "sans": (_NOTO + "NotoSansCJK-Regular.ttc", 2),
    "sans_bold": (_NOTO + "NotoSansCJK-Bold.ttc", 2),
    "ming": (_ARPHIC + "uming.ttc", 0),
    "kai": (_ARPHIC + "ukai.ttc", 0),
    "microhei": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
}
# reportlab embeds TrueType outlines only; the Noto CJK faces are CFF, so PDFs use these.
PDF_FACES = ("ming", "kai", "microhei")
BODY_FACES = ("serif", "sans", "ming", "microhei")


@lru_cache(maxsize=256)
def font(face: str, px: int) -> ImageFont.FreeTypeFont:
    """A PIL font of `face` at `px` pixels, cached because pages draw thousands of strings."""
    path, index = FACES[face]
    return ImageFont.truetype(path, max(6, px), index=index)


def pdf_face(face: str) -> str:
    """The face a PDF draws `face` with (CFF faces fall back to Ming / Micro Hei)."""
    if face in PDF_FACES:
        return face
    return "microhei" if face.startswith("sans") else "ming"
