"""A small digitally made PDF with a real text layer (no seal, no image), for tests of the text-layer path."""

from __future__ import annotations

from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
TAX_ID = "91330203MA2B3C4D1X"
PAGES = [
    [
        "客户建档申请表",
        "客户名称：宁波海曙恒达商贸有限公司",
        f"税务登记号：{TAX_ID}",
        "开户银行：中国工商银行股份有限公司宁波海曙支行",
        "银行账号：3901100009000123456",
        "税务电话：0574-87654321",
    ],
    ["物流配送合同", "甲方：宁波海曙恒达商贸有限公司", "乙方：浙江顺达物流有限公司", "编号：WL-2026-0117"],
]


def text_pdf(path: Path, pages: list[list[str]] = PAGES) -> Path:
    """One page per list of lines, the first line of each as its title."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("wqy", str(FONT), subfontIndex=0))
    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        for i, line in enumerate(lines):
            c.setFont("wqy", 22 if i == 0 else 12)
            c.drawString(72, A4[1] - 90 - 30 * i, line)
        c.showPage()
    c.save()
    return path
