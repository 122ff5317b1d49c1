"""Find red seal impressions on a page and tell their kind (收货专用章, 财务专用章 … or a personal seal).

A round or oval seal is a ring of red ink with its owner's name along the top arc and, under the star, the
kind in horizontal text. Red print that is not a seal (a title in red, the double-ring emblem on a licence,
red rules) is rejected by structure: a seal has a closed ring *and* text inside it; a personal seal is a
small square with a closed border. Each accepted ring is normalised to an upright circle (ellipse fit, then
turned so the arc text sits on top), its legend is read from a crop under the centre and its arc text from
a polar unroll. Only the red ink is read: black print under a seal is masked out first. The legends are
read by the engine's one-line recogniser (``OcrEngine.read_line``), asked for only when a ring is found.

The owner's name is kept only when it was read confidently and looks like a name: the rules compare seal
texts, and a wrong text would raise a false mismatch, whereas an empty one is simply not compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import cv2
import numpy as np

from ocr.engines import DEFAULT_ENGINE, OcrEngine, as_engine
from ocr.types import BBox, Seal, SealKind

MIN_SEAL_MM, MAX_SEAL_MM = 10, 65
MAX_GROUP_MM = 330  # touching seals make one blob: ~3 side by side on a contract, up to 7 down a seal card
MAX_RING_MM = 50
MIN_RING_MM = 27  # official round seals are 38–42 mm (ovals 40–45 mm wide); a licence's emblem is ~22 mm
LEGEND_INK = 0.02  # share of inked pixels under the star above which a legend is printed there
MIN_TEXT_SCORE = 0.93  # of the least sure character
MIN_RED_CHROMA = 32  # R − max(G, B) of faded seal ink on a tinted scan; paper and black print stay below
RED_SHARE = 0.25  # chroma of seal ink per unit of its darkness, at least (black print: ~0)
WASH_RED_LEVEL = 140  # red channel at or above this, inside a seal, is seal ink or paper: washed
DISC = 128  # radius (px) of the normalised seal image
_KINDS: tuple[tuple[str, SealKind], ...] = (  # authority labels first: 业务专用章 is not 财务
    (r"业\s*务|核\s*准|受\s*理|账\s*户|管\s*理", SealKind.OTHER),
    (r"收\s*货|货\s*专", SealKind.RECEIVING),
    (r"财\s*务|财\s*.\s*专\s*用", SealKind.FINANCE),
    (r"发\s*票|票\s*专", SealKind.INVOICE),
    (r"合\s*同|同\s*专", SealKind.CONTRACT),
)
_AUTHORITY = re.compile(r"银行|管理局|税务|工商|市场监督|支行|分行")
_NAME = re.compile(r"^[\u4e00-\u9fff（）()]{4,30}(公司|厂|店|部|中心|行|局|社|所|馆|院|处|站)$")


@dataclass(frozen=True, slots=True)
class Blob:
    bbox: BBox
    mask: np.ndarray  # red-ink mask of the crop (uint8 0/255)
    ink: np.ndarray  # how red each pixel of the crop is (uint8, 0 = none): faint strokes stay readable
    closed: np.ndarray  # the same mask with small gaps closed: the shape of the impression
    outline: tuple | None = None  # ellipse fitted when cut out of touching seals (crop coordinates)


@dataclass(frozen=True, slots=True)
class Ring:
    """A round/oval seal turned into an upright circle of radius DISC centred in a (2·DISC+2·pad)² image."""

    disc: np.ndarray  # uint8 0/255 ink
    oval: bool
    text_span: float  # degrees of arc covered by the legend


def red_chroma(image: np.ndarray) -> np.ndarray:
    """Seal red by chroma rather than HSV saturation: faded, tinted scans keep the hue but lose saturation.

    max(0, R − max(G, B)) where G − B < 40, else 0; computed on uint8 with OpenCV's saturating arithmetic
    (the same values as in int16, about a third faster: it runs on every region of every page)."""
    r, g, b = cv2.split(image)[:3]
    chroma = cv2.subtract(r, cv2.max(g, b))  # saturates at 0: red no stronger than green or blue
    # 255 where G − B < 40; G well above B is orange, not seal red
    _, not_orange = cv2.threshold(cv2.subtract(g, b), 39, 255, cv2.THRESH_BINARY_INV)
    return cv2.bitwise_and(chroma, not_orange)


def red_mask(image: np.ndarray) -> np.ndarray:
    return np.where(red_chroma(image) >= MIN_RED_CHROMA, 255, 0).astype(np.uint8)


def find_blobs(image: np.ndarray, dpi: float, regions: list[RedRegion] | None = None) -> list[Blob]:
    """Seal-sized red impressions; `regions` are the page's `red_regions` when the caller has them already."""
    blobs = []
    for region in red_regions(image, dpi) if regions is None else regions:
        grey: np.ndarray | None = None
        ox, oy = region.origin
        for x, y, w, h in region.boxes:
            crop = region.mask[y : y + h, x : x + w]
            if float((crop > 0).mean()) < 0.04:
                continue
            if grey is None:
                grey = cv2.cvtColor(region.pixels, cv2.COLOR_RGB2GRAY)
            box = (slice(y, y + h), slice(x, x + w))
            blobs.append(
                Blob(
                    (ox + x, oy + y, ox + x + w, oy + y + h),
                    crop,
                    _ink(grey[box], region.chroma[box], crop),
                    region.closed[box],
                )
            )
    return [b for b in blobs if not any(o is not b and _inside(b.bbox, o.bbox) for o in blobs)]


@dataclass(frozen=True, slots=True)
class RedRegion:
    """A part of the page that may hold seals, with its red ink measured at full resolution."""

    origin: tuple[int, int]  # (x, y) of the region on the page
    pixels: np.ndarray  # the page's pixels there (a view)
    chroma: np.ndarray
    mask: np.ndarray
    closed: np.ndarray
    boxes: tuple[tuple[int, int, int, int], ...]  # (x, y, w, h) in the region: seal-sized impressions


SCOUT = 4  # the reduction of the copy red is first looked for on
SCOUT_PAD_MM = 6  # full-resolution boxes reach this far beyond the red the reduced copy showed
SCOUT_WHOLE = 0.4  # boxes covering more than this share of the page: the page is measured whole


def red_regions(image: np.ndarray, dpi: float) -> list[RedRegion]:
    """The seal-sized red impressions of the page, measured only where a cheap look found red.

    Most of a page is paper and black print: a copy reduced SCOUT times shows where red ink may be (at half
    the threshold, so thin or faded strokes that averaging dilutes still count), and only boxes round those
    places, padded, are measured at full resolution. A page without red costs a reduced copy; a page with
    seals costs their boxes. Red spread over much of the page (a phone photo on a red table) is measured
    whole, as before, and the page-wide tests (`_across`) always judge against the whole page."""
    px_mm = dpi / 25.4
    h, w = image.shape[:2]
    boxes = _scout(image, px_mm)
    if boxes is None:
        boxes = [(0, 0, w, h)]
    out = []
    for x0, y0, x1, y1 in boxes:
        region = _measure(image[y0:y1, x0:x1], (x0, y0), image.shape, px_mm)
        if region is not None:
            out.append(region)
    return out


def _scout(image: np.ndarray, px_mm: float) -> list[tuple[int, int, int, int]] | None:
    """Page boxes (x0, y0, x1, y1) that may hold a seal; None when the page must be measured whole."""
    h, w = image.shape[:2]
    if min(h, w) < 8 * SCOUT:
        return None
    # cut to a multiple of SCOUT first: OpenCV averages exact 4×4 blocks about 3× faster than the general
    # area resampling an odd size falls back to (the last ≤3 rows and columns are within the boxes' padding)
    whole = image[: h - h % SCOUT, : w - w % SCOUT]
    small = cv2.resize(whole, (w // SCOUT, h // SCOUT), interpolation=cv2.INTER_AREA)
    mask = np.where(red_chroma(small) >= MIN_RED_CHROMA // 2, 255, 0).astype(np.uint8)
    if not mask.any():
        return []
    boxes = _scout_boxes(mask, px_mm, (h, w))
    if _area(boxes) > SCOUT_WHOLE * h * w:
        # a printed red border (licence, bank permit) joins every red thing it touches into one page-sized
        # blob; without its lines, the emblem or seal that touched it is boxed on its own
        boxes = _scout_boxes(cv2.subtract(mask, _thin_lines(mask, px_mm / SCOUT)), px_mm, (h, w))
    return None if _area(boxes) > SCOUT_WHOLE * h * w else boxes


def _scout_boxes(mask: np.ndarray, px_mm: float, shape: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """Page boxes round the seal-sized red of the reduced copy's `mask`, padded and merged."""
    h, w = shape
    k = max(3, int(px_mm * 1.5 / SCOUT) + 2)
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    pad = int(SCOUT_PAD_MM * px_mm)
    least = 0.8 * MIN_SEAL_MM * px_mm / SCOUT
    boxes = []
    for i in range(1, n):
        x, y, bw, bh = (int(v) for v in stats[i][:4])
        if max(bw, bh) < least:
            continue
        boxes.append(
            (
                max(0, x * SCOUT - pad),
                max(0, y * SCOUT - pad),
                min(w, (x + bw) * SCOUT + pad),
                min(h, (y + bh) * SCOUT + pad),
            )
        )
    return _merged(boxes)


def _area(boxes: list[tuple[int, int, int, int]]) -> int:
    return sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in boxes)


LINE_MM = 70  # a straight red run longer than the largest seal (MAX_SEAL_MM) is no part of one
LINE_THICK_MM = 3  # and thinner than this it is a printed line, not an area of red (a red table in a photo)


def _thin_lines(mask: np.ndarray, px_mm: float) -> np.ndarray:
    """The thin straight horizontal and vertical runs of `mask` (0/255) longer than any seal: printed rules
    and borders. Solid red (a table round a photographed page) is not a line and stays."""
    length = max(3, int(LINE_MM * px_mm))
    thick = max(2, int(LINE_THICK_MM * px_mm))
    out = np.zeros_like(mask)
    for run, across in (((length, 1), (1, thick)), ((1, length), (thick, 1))):
        lines = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, run))
        solid = cv2.morphologyEx(lines, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, across))
        out = cv2.bitwise_or(out, cv2.subtract(lines, solid))
    return out


def _merged(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Overlapping boxes joined until none overlap, so no impression is cut in two."""
    out = list(boxes)
    changed = True
    while changed:
        changed = False
        for i, a in enumerate(out):
            j = next((j for j in range(i + 1, len(out)) if _overlap(a, out[j])), None)
            if j is not None:
                b = out.pop(j)
                out[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                changed = True
                break
    return out


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _measure(
    pixels: np.ndarray, origin: tuple[int, int], page_shape: tuple[int, ...], px_mm: float
) -> RedRegion | None:
    """Red ink of one region at full resolution and its seal-sized impressions (judged against the page)."""
    chroma = red_chroma(pixels)
    mask = np.where(chroma >= MIN_RED_CHROMA, 255, 0).astype(np.uint8)
    if not mask.any():
        return None
    k = max(3, int(px_mm * 1.5))
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    boxes = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i][:4])
        on_page = np.array([x + origin[0], y + origin[1], w, h])
        if _seal_sized(w, h, px_mm) and not _across(on_page, page_shape, px_mm):
            boxes.append((x, y, w, h))
    return RedRegion(origin, pixels, chroma, mask, closed, tuple(boxes))


def wash_seal_ink(image: np.ndarray, dpi: float, regions: list[RedRegion] | None = None) -> np.ndarray:
    """A copy of the page for reading its print: every seal-sized red impression washed out, so the print it
    covers (a name under the company seal, a date under the bank's seal) is read instead of lost, and the
    seal's own legend is not read as print. Within the impression's box, whatever is light in the red
    channel goes to paper: seal ink, red or greyed by the scan, is; black print and blue handwriting are not
    (black under red ink keeps a dark red channel). Red
    outside seal-sized blobs (a red title, red rules) is kept."""
    out = image
    for region in red_regions(image, dpi) if regions is None else regions:
        ox, oy = region.origin
        for x, y, w, h in region.boxes:
            if out is image:
                out = image.copy()
            box = out[oy + y : oy + y + h, ox + x : ox + x + w]  # the whole box: a ring's text and star too
            paper = np.percentile(box, 95, axis=(0, 1)).astype(box.dtype)
            box[box[..., 0] >= WASH_RED_LEVEL] = paper
    return out


def _across(stat: np.ndarray, shape: tuple[int, ...], px_mm: float) -> bool:
    """Red that is no seal however seal-like its size: from edge to edge of the image (the red-brown table a
    phone photo shows round the page), or a frame round much of the page (a licence's printed border)."""
    x, y, w, h = (int(v) for v in stat[:4])
    if (x <= 2 and x + w >= shape[1] - 2) or (y <= 2 and y + h >= shape[0] - 2):
        return True
    return max(w, h) > MAX_SEAL_MM * px_mm and w * h > 0.25 * shape[0] * shape[1]


def _seal_sized(w: int, h: int, px_mm: float) -> bool:
    """One seal, or a row/column of touching seals (each at least a ring wide); not a rule or a title."""
    long, short = max(w, h), min(w, h)
    if MIN_SEAL_MM * px_mm <= long <= MAX_SEAL_MM * px_mm and long <= 2 * short:
        return True
    return MIN_RING_MM * px_mm <= short and long <= min(MAX_GROUP_MM * px_mm, 8 * short)


def _ink(grey: np.ndarray, chroma: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Seal ink by darkness near red pixels: JPEG keeps colour at half resolution, so thin red strokes lose
    their chroma but not their darkness; black print (much darker, colourless) is left out."""
    paper = float(np.percentile(grey, 95))
    near_red = cv2.dilate(mask, np.ones((5, 5), np.uint8)) > 0
    inked = grey[mask > 0]
    depth = max(paper - float(np.median(inked)), 20.0) if inked.size else 60.0
    dark = paper - grey.astype(np.float32)
    ink = np.clip(dark / depth * 180.0, 0, 255)
    black = (grey < paper * 0.4) & (chroma < MIN_RED_CHROMA)
    # red ink is about as red as it is dark, even where JPEG halved its chroma; the grey edges of black
    # print beside a seal are dark without being red, and would read as strokes across the legend
    local_red = cv2.blur(chroma, (3, 3)).astype(np.float32)
    reddish = local_red >= RED_SHARE * dark
    return np.where(near_red & ~black & reddish, ink, 0).astype(np.uint8)


def _inside(inner: BBox, outer: BBox) -> bool:
    """The star and legend inside a ring are separate blobs of ink: they belong to the ring."""
    return inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _outer_contour(closed: np.ndarray) -> np.ndarray | None:
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    return max(contours, key=cv2.contourArea)


def one_ellipse(blob: Blob) -> bool:
    """Whether the blob's outline is one ellipse: two seals stamped so that they touch make one blob whose
    outline is two circles' arcs, and an ellipse fitted to it crosses both seals."""
    contour = _outer_contour(blob.closed)
    if contour is None or len(contour) < 20:
        return False
    ellipse = cv2.fitEllipse(contour)
    if min(ellipse[1]) < 10:
        return False
    return float(_on_ellipse(contour[:, 0, :].astype(np.float32), ellipse, 0.06).mean()) >= 0.8


def split_rings(blob: Blob, dpi: float) -> list[Blob]:
    """The seals in a blob of touching ones, each cut out along its outline (ink outside it dropped).

    The outline of touching seals is the union of their outer arcs, each long and contiguous. Circles are
    fitted to it by sampling three nearby outline points at a time (RANSAC); what is left, an oval's arc, is
    fitted with an ellipse."""
    contour = _outer_contour(blob.closed)
    if contour is None or len(contour) < 60:
        return []
    px_mm = dpi / 25.4
    pts = contour[:, 0, :].astype(np.float32)
    tol = max(2.0, 0.5 * px_mm)
    rng = np.random.default_rng(len(pts))
    shapes = []
    for _ in range(8):
        circle = _best_circle(pts, MIN_RING_MM / 2 * px_mm, MAX_RING_MM / 2 * px_mm, tol, rng)
        if circle is None:
            break
        cx, cy, r = circle
        shapes.append(((cx, cy), (2 * r, 2 * r), 0.0))
        pts = pts[np.abs(np.hypot(pts[:, 0] - cx, pts[:, 1] - cy) - r) > 3 * tol]
        if len(pts) < 60:
            break
    oval = _oval_arc(pts, px_mm, tol) if len(pts) >= 60 else None
    if oval is not None:
        shapes.append(oval)
    others = [[o for o in shapes if o is not shape] for shape in shapes]
    return [p for p in (_cut(blob, shape, rest) for shape, rest in zip(shapes, others, strict=True)) if p]


def _oval_arc(pts: np.ndarray, px_mm: float, tol: float) -> tuple | None:
    """An ellipse through the longest contiguous stretch of outline left, when it is a seal-sized oval."""
    gaps = np.flatnonzero(np.hypot(*np.diff(pts, axis=0).T) > 3 * tol)
    if len(gaps):  # the outline is a closed loop: start it at a gap so no stretch is cut in two
        pts = np.roll(pts, -(gaps[0] + 1), axis=0)
        gaps = np.flatnonzero(np.hypot(*np.diff(pts, axis=0).T) > 3 * tol)
    cuts = gaps + 1
    run = max(np.split(pts, cuts), key=len)
    if len(run) < 40:
        return None
    ellipse = cv2.fitEllipse(run)
    (_, _), (ea, eb), _ = ellipse
    if not MIN_RING_MM * px_mm * 0.6 <= min(ea, eb) <= max(ea, eb) <= MAX_RING_MM * px_mm:
        return None
    if _on_ellipse(run, ellipse, 0.06).mean() < 0.8 or len(run) < np.pi * (ea + eb) / 2 / 3:
        return None
    return ellipse


def _on_ellipse(pts: np.ndarray, ellipse: tuple, share: float) -> np.ndarray:
    """Which points lie on the ellipse, within `share` of its radius."""
    return np.abs(_ellipse_radius(pts, ellipse) - 1) < share


def _ellipse_radius(pts: np.ndarray, ellipse: tuple) -> np.ndarray:
    """Each point's distance from the ellipse's centre in units of the ellipse's radius that way."""
    (cx, cy), (ea, eb), angle = ellipse
    t = np.deg2rad(angle)
    dx, dy = pts[:, 0] - cx, pts[:, 1] - cy
    u = dx * np.cos(t) + dy * np.sin(t)
    v = -dx * np.sin(t) + dy * np.cos(t)
    return np.hypot(u / max(ea / 2, 1e-6), v / max(eb / 2, 1e-6))


def _best_circle(
    pts: np.ndarray, rmin: float, rmax: float, tol: float, rng: np.random.Generator
) -> tuple[float, float, float] | None:
    """The circle through the most outline points (within `tol`), if they cover at least a third of it."""
    n = len(pts)
    i = rng.integers(0, n, 400)
    d = rng.integers(max(3, int(rmin * 0.3)), max(4, int(rmin * 1.2)), 400)
    a, b, c = pts[i], pts[(i + d) % n], pts[(i + 2 * d) % n]
    # circumcentres of the triangles
    det = 2 * ((a[:, 0] - c[:, 0]) * (b[:, 1] - c[:, 1]) - (b[:, 0] - c[:, 0]) * (a[:, 1] - c[:, 1]))
    ok = np.abs(det) > 1e-6
    a, b, c, det = a[ok], b[ok], c[ok], det[ok]
    sa = (a**2).sum(1) - (c**2).sum(1)
    sb = (b**2).sum(1) - (c**2).sum(1)
    ux = (sa * (b[:, 1] - c[:, 1]) - sb * (a[:, 1] - c[:, 1])) / det
    uy = ((a[:, 0] - c[:, 0]) * sb - (b[:, 0] - c[:, 0]) * sa) / det
    radius = np.hypot(a[:, 0] - ux, a[:, 1] - uy)
    keep = (radius >= rmin) & (radius <= rmax)
    if not keep.any():
        return None
    ux, uy, radius = ux[keep], uy[keep], radius[keep]
    dist = np.hypot(pts[None, :, 0] - ux[:, None], pts[None, :, 1] - uy[:, None])
    support = (np.abs(dist - radius[:, None]) < tol).sum(axis=1)
    best = int(np.argmax(support))
    if support[best] < 2 * np.pi * radius[best] / 3:
        return None
    return float(ux[best]), float(uy[best]), float(radius[best])


def _cut(blob: Blob, ellipse: tuple, others: list[tuple]) -> Blob | None:
    """The part of the blob inside the ellipse, as a blob of its own (page coordinates), without the rings
    of the `others` where they cross it (a neighbour's ring across the legend would read as a stroke)."""
    h, w = blob.mask.shape
    x, y, bw, bh = cv2.boundingRect(cv2.boxPoints(ellipse).astype(np.float32))
    pad = int(0.04 * max(bw, bh))
    x0, y0, x1, y1 = max(0, x - pad), max(0, y - pad), min(w, x + bw + pad), min(h, y + bh + pad)
    if min(x1 - x0, y1 - y0) < 0.5 * min(bw, bh):
        return None
    yy, xx = np.mgrid[y0:y1, x0:x1]
    grid = np.stack([xx.ravel(), yy.ravel()], axis=1).astype(np.float32)
    inside = _ellipse_radius(grid, ellipse) <= 1.04
    for other in others:
        inside &= np.abs(_ellipse_radius(grid, other) - 1) > 0.07
    inside = inside.reshape(yy.shape)
    box = (slice(y0, y1), slice(x0, x1))

    def clip(a: np.ndarray) -> np.ndarray:
        return np.where(inside, a[box], 0).astype(a.dtype)

    bx, by = blob.bbox[0], blob.bbox[1]
    (cx, cy), axes, angle = ellipse
    return Blob(
        (bx + x0, by + y0, bx + x1, by + y1),
        clip(blob.mask),
        clip(blob.ink),
        clip(blob.closed),
        outline=((cx - x0, cy - y0), axes, angle),
    )


def is_square_seal(blob: Blob) -> bool:
    """A personal seal: its outline fills its (turned) rectangle and a border runs round all four sides."""
    contour = _outer_contour(blob.closed)
    if contour is None or len(contour) < 5:
        return False
    (cx, cy), (rw, rh), angle = cv2.minAreaRect(contour)
    if rw * rh <= 0 or not 0.75 <= rw / rh <= 1.33:
        return False
    if cv2.contourArea(cv2.convexHull(contour)) / (rw * rh) < 0.9:
        return False
    # the border: sample the rectangle's edges slightly inside and require ink nearly all the way round
    box = cv2.boxPoints(((cx, cy), (rw * 0.96, rh * 0.96), angle))
    hits = total = 0
    for i in range(4):
        p, q = box[i], box[(i + 1) % 4]
        for t in np.linspace(0.05, 0.95, 30):
            x, y = int(p[0] + (q[0] - p[0]) * t), int(p[1] + (q[1] - p[1]) * t)
            patch = blob.closed[max(0, y - 2) : y + 3, max(0, x - 2) : x + 3]
            hits += bool(patch.size and patch.max())
            total += 1
    return hits / total >= 0.85


def normalise_ring(blob: Blob) -> Ring | None:
    """The blob as an upright circle, or None when it is not a ring with text (emblem, title, rule …)."""
    if blob.outline is not None:  # cut out of touching seals: neighbours' rings cut into its own outline
        ellipse = blob.outline
    else:
        contour = _outer_contour(blob.closed)
        if contour is None or len(contour) < 20:
            return None
        ellipse = cv2.fitEllipse(contour)
    (_, _), (ea, eb), _ = ellipse
    if min(ea, eb) < 10:
        return None
    oval = max(ea, eb) / min(ea, eb) > 1.15
    # map the ellipse's box onto the square around a circle of radius DISC, keeping the handedness (no
    # mirror); the turn this leaves is undone below from where the arc text sits
    src = cv2.boxPoints(ellipse)[:3].astype(np.float32)
    size = 2 * DISC + 40
    lo, hi = size / 2 - DISC, size / 2 + DISC
    dst = np.array([[lo, hi], [lo, lo], [hi, lo]], dtype=np.float32)
    if _handedness(src) != _handedness(dst):
        dst = np.array([[hi, lo], [lo, lo], [lo, hi]], dtype=np.float32)
    disc = cv2.warpAffine(blob.ink, cv2.getAffineTransform(src, dst), (size, size), borderValue=0)
    polar = np.where(_polar(disc) > 60, 255, 0).astype(np.uint8)
    radii = polar.shape[1]
    # the ring: nearly every angle has ink in the outer band
    outer = polar[:, int(radii * 0.86) : int(radii * 1.04)].max(axis=1) > 0
    if outer.mean() < 0.6:
        return None
    # the legend: ink between the ring and the centre that is not a concentric line (an emblem's inner ring)
    band = _without_concentric_lines(polar[:, int(radii * 0.6) : int(radii * 0.86)] > 0)
    if band.mean() < 0.03:
        return None
    # the arc text: the radii where the band has most ink (a wide legend's corners reach only its inner edge)
    # (the last few radii are left out: a thick or wobbly ring's inner edge reaches into them)
    core = band[:, : band.shape[1] - 3]
    coverage = core.mean(axis=0)
    outer_text = core[:, coverage >= 0.5 * coverage.max()]
    profile = np.convolve(np.tile(outer_text.mean(axis=1), 3), np.ones(15) / 15, mode="same")[720:1440]
    _, gap_len = _widest_gap(profile > 0.04)
    if gap_len < 40 and (outer.mean() < 0.85 or band.mean() < 0.12):
        # no gap under the arc text: a seal whose kind runs along the bottom arc (收货专用章 curved under the
        # star) or sits low enough to close the gap is still a seal, but only with a full ring and much text
        return None
    text_mid = _top(_without_concentric_lines(polar[:, int(radii * 0.1) : int(radii * 0.86)] > 0), outer_text)
    # turn the disc so the legend's middle is at the top (270° in image angles)
    disc = cv2.warpAffine(
        disc, cv2.getRotationMatrix2D((size / 2, size / 2), text_mid / 2 - 270, 1.0), (size, size)
    )
    return Ring(disc=disc, oval=oval, text_span=(720 - gap_len) / 2)


def _top(inner: np.ndarray, outer_text: np.ndarray) -> int:
    """The polar row (2 per degree) of the seal's top: the axis the seal is mirror-symmetric about (ring
    text spread evenly either side, star and legend centred on it), at the end where the arc text is.

    The symmetry axis uses all the ink, so a faded side, a gap cut by a neighbouring seal or a legend wide
    enough to reach the arc text's gap move it little, where the gap's middle alone would move."""
    n = inner.shape[0]
    profile = np.convolve(np.tile(inner.mean(axis=1), 3), np.ones(41) / 41, mode="same")[n : 2 * n]
    spectrum = np.fft.rfft(profile - profile.mean())
    self_conv = np.fft.irfft(spectrum * spectrum, n)  # peaks at twice the symmetry axis
    axis = int(np.argmax(self_conv)) // 2
    text = np.tile(outer_text.mean(axis=1), 2)
    window = n // 9  # ±40°
    ends = [(axis + k * n // 2) % n for k in (0, 1)]
    weight = [float(np.roll(text, window - e)[: 2 * window].sum()) for e in ends]
    return ends[int(np.argmax(weight))]


def _without_concentric_lines(band: np.ndarray, wobble: int = 3) -> np.ndarray:
    """The polar band with lines that run round (nearly) every angle removed: an emblem's inner ring, a
    double-ringed seal's second ring. On an oval, or a ring fitted a little off centre, such a line wanders
    over a few radii, so coverage is counted within ±`wobble` columns; text covers only its arc's angles."""
    near = cv2.dilate(band.astype(np.uint8), np.ones((1, 2 * wobble + 1), np.uint8)) > 0
    # a line at one radius (the ring's inner edge) covers most angles even where ink is patchy; one that
    # wanders covers nearly all within its wobble. Text covers half its arc's angles at any one radius.
    lines = (band.mean(axis=0) > 0.6) | (near.mean(axis=0) > 0.9)
    lines = cv2.dilate(lines.astype(np.uint8)[None, :], np.ones((1, 2 * wobble + 1), np.uint8))[0] > 0
    out = band.copy()
    out[:, lines] = False
    return out


def _handedness(pts: np.ndarray) -> bool:
    (ax, ay), (bx, by), (cx, cy) = pts
    return (bx - ax) * (cy - by) - (by - ay) * (cx - bx) > 0


def _polar(disc: np.ndarray) -> np.ndarray:
    c = disc.shape[0] / 2
    return cv2.warpPolar(disc, (int(DISC * 1.1), 720), (c, c), DISC * 1.1, cv2.WARP_POLAR_LINEAR)


def _widest_gap(filled: np.ndarray) -> tuple[int, int]:
    """Middle row and length of the longest circular run of empty angles (the bottom, under the legend)."""
    n = len(filled)
    if filled.all():
        return 0, 0
    start = int(np.argmax(filled))  # begin the scan at ink so no run wraps
    best = (0, 0)
    run = 0
    for i in range(1, n + 1):
        j = (start + i) % n
        if not filled[j]:
            run += 1
            if run > best[1]:
                best = ((j - run // 2) % n, run)
        else:
            run = 0
    return best


def _ink_image(mask: np.ndarray, margin: int = 12) -> np.ndarray:
    """Black ink on white, RGB, with a margin: what OCR engines expect."""
    img = cv2.copyMakeBorder(255 - mask, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)


def _legend_crop(ring: Ring) -> np.ndarray:
    c = ring.disc.shape[0] // 2
    top, bottom = (0.40, 0.74) if ring.oval else (0.32, 0.70)
    half = int(DISC * 0.62)
    return ring.disc[c + int(DISC * top) : c + int(DISC * bottom), c - half : c + half]


def legend_image(ring: Ring) -> np.ndarray:
    """The horizontal kind text under the star (收货专用章 …), arc text cut away."""
    return _ink_image(_trim(_legend_crop(ring)))


def has_legend_ink(ring: Ring) -> bool:
    """Whether anything is printed under the star: a company seal has nothing there, the special seals
    (收货专用章 …) have their kind. Ink that could not be read means the kind is unknown, not `company`."""
    return float((_legend_crop(ring) > 60).mean()) > LEGEND_INK


def arc_image(ring: Ring) -> np.ndarray:
    """The legend along the top arc as one straight strip, characters upright, left to right."""
    polar = _polar(ring.disc)
    radii = polar.shape[1]
    strip = polar[:, int(radii * 0.52) : int(radii * 0.9)]
    half = min(140.0, ring.text_span / 2 + 12)
    lo, hi = int((270 - half) * 2), int((270 + half) * 2)
    arc = np.vstack([strip, strip])[lo:hi]
    return _ink_image(_trim(cv2.rotate(arc, cv2.ROTATE_90_COUNTERCLOCKWISE)))


def bottom_arc_image(ring: Ring) -> np.ndarray:
    """The text along the bottom arc (收货专用章 printed round the foot, tops towards the centre) as one
    straight strip, characters upright, left to right."""
    polar = _polar(ring.disc)
    radii = polar.shape[1]
    strip = polar[:, int(radii * 0.52) : int(radii * 0.9)]
    lo, hi = (90 - 65) * 2, (90 + 65) * 2  # polar rows, two per degree; 90° is the foot
    return _ink_image(_trim(cv2.rotate(strip[lo:hi], cv2.ROTATE_90_CLOCKWISE)))


def _trim(mask: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(mask > 60)
    if len(xs) == 0:
        return mask
    return mask[max(0, ys.min() - 2) : ys.max() + 3, max(0, xs.min() - 2) : xs.max() + 3]


def classify_kind(legend: str, arc: str = "", *, square: bool = False) -> SealKind:
    if square:
        return SealKind.PERSONAL
    if _AUTHORITY.search(arc):
        return SealKind.OTHER
    for pattern, kind in _KINDS:
        if re.search(pattern, legend):
            return kind
    return _nearest_legend(legend)


_LEGENDS = {
    "收货专用章": SealKind.RECEIVING,
    "财务专用章": SealKind.FINANCE,
    "发票专用章": SealKind.INVOICE,
    "合同专用章": SealKind.CONTRACT,
}


def _nearest_legend(legend: str) -> SealKind:
    """A legend misread in a character or two (收得专明章) is still closest to the legend it is; one as
    close to two legends (…专用章 alone) tells nothing, and stays `company` for the caller to doubt."""
    import difflib

    text = re.sub(r"[^\u4e00-\u9fff]", "", legend)
    if len(text) < 3:
        return SealKind.COMPANY
    scored = sorted(((difflib.SequenceMatcher(None, text, name).ratio(), k) for name, k in _LEGENDS.items()))
    (second, _), (best, kind) = scored[-2], scored[-1]
    return kind if best >= 0.6 and best > second + 0.05 else SealKind.COMPANY


def owner_name(arc: str, score: float) -> str:
    """The arc text when it is surely a name, else empty (an empty text is not compared; a wrong one is)."""
    text = _clean(arc)
    return text if score >= MIN_TEXT_SCORE and _NAME.match(text) else ""


def find_seals(
    image: np.ndarray,
    dpi: float = 200.0,
    *,
    read_text: bool = True,
    engine: OcrEngine | str = DEFAULT_ENGINE,
    regions: list[RedRegion] | None = None,
) -> tuple[Seal, ...]:
    """Seals on an upright page (H×W×3 RGB); their texts read by ``engine`` (an engine named is only
    fetched, and its models loaded, when there is a ring to read). `regions`: the page's `red_regions`, when
    the caller measured them already (the seal-ink wash of the same, unturned page)."""
    seals: list[Seal] = []
    for blob in find_blobs(image, dpi, regions):
        if is_square_seal(blob):
            seals.append(Seal(SealKind.PERSONAL, blob.bbox, 0.8, shape="square"))
            continue
        for part in [blob] if one_ellipse(blob) else split_rings(blob, dpi):
            ring = normalise_ring(part) if _width_mm(part.bbox, dpi) >= MIN_RING_MM else None
            if ring is not None:
                seals.append(_ring_seal(part, ring, engine if read_text else None))
    return tuple(seals)


def _ring_seal(blob: Blob, ring: Ring, engine: OcrEngine | str | None) -> Seal:
    """The seal a ring makes; its texts are read unless ``engine`` is None."""
    legend, arc, score = "", "", 0.0
    reader = None if engine is None else as_engine(engine)
    inked = has_legend_ink(ring)
    if reader is not None:
        # nothing printed under the star (a company seal): no legend to read, and a blank crop read anyway
        # gives stray marks at best (one recognition of the two or three a seal costs)
        if inked:
            legend, _ = reader.read_line(legend_image(ring))
        arc, score = reader.read_line(arc_image(ring))
    kind = classify_kind(legend, arc)
    if reader is not None and kind == SealKind.COMPANY and ring.text_span > 300:
        kind = _kind_all_round(ring, kind, reader)
    # `company` means nothing is printed under the star; ink there that could not be read leaves the
    # kind open (a reviewer looks), it does not make the seal a company seal
    confident = kind != SealKind.COMPANY or not inked
    return Seal(
        kind=kind,
        bbox=blob.bbox,
        confidence=0.9 if confident else 0.6,
        text=owner_name(arc, score),
        shape="oval" if ring.oval else "round",
    )


def _kind_all_round(ring: Ring, kind: SealKind, reader: OcrEngine) -> SealKind:
    """Text all the way round leaves no gap to find the seal's top by: the kind may sit under the star on
    the other side of the symmetry axis, or run along the bottom arc. Try both before calling it a company
    seal."""
    turned = replace(ring, disc=cv2.rotate(ring.disc, cv2.ROTATE_180))
    legend = [legend_image(turned)] if has_legend_ink(turned) else []
    for image in (*legend, bottom_arc_image(ring), bottom_arc_image(turned)):
        text, _ = reader.read_line(image)
        found = next((k for pattern, k in _KINDS if re.search(pattern, text)), None)
        if found is not None:
            return found
    return kind


def _width_mm(bbox: BBox, dpi: float) -> float:
    return max(bbox[2] - bbox[0], bbox[3] - bbox[1]) / dpi * 25.4


def _clean(text: str) -> str:
    return re.sub(r"[\s★☆*·.。,，]", "", text)
