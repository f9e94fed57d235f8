"""Measure every outfit on a folder of portraits and write contact sheets.

    python -m engine.outfits.report ../shared/portraits OUTDIR [--ids man_1,woman_5] [--only p04,p16]

For each portrait whose crown is in the frame (the others cannot be framed as an ID photo), the photo is
framed at the default size and every outfit is put on. Per portrait and outfit it measures:

- own: the person's own clothes still showing (px): pixels that were clothing (person, not skin, not the
  face, not hair connected to the head, below the chin) and after dressing are still their own pixels in
  the matte, neither under the garment nor kept as hair in front;
- jag: edge jaggedness (px): RMS distance of the dressed matte's 0.5 outline below the collar line from the
  same outline smoothed along its length (a stair-stepped outline measures 0.2-0.4, an anti-aliased one
  under 0.1);
- dE: colour difference (CIE76, Lab) between the skin the outfit invents in an open neckline (pixels that
  are at least SKIN_SHARE that skin: the garment's soft edge over it is neither) and the real neck above it
  (from a little below the chin down to where the real skin ends; outfits that invent no skin have none);
- skin: how many pixels of invented skin the outfit shows (pixels at least SKIN_SHARE painted skin; the
  photo's own skin showing in a neckline is not invented);
- grain: median absolute Laplacian of luma inside the garment, divided by the same inside the person's own
  clothes (1.0: the garment has the photo's fabric grain and noise);
- gap: background under the face (px, dressed matte under 0.5) between the cheeks (0.1 face widths in from
  the cheek points), from the cheeks' height down to 0.5 face widths below the chin, outside the face oval:
  where a neck or a collar stands on a photo, so background there makes the head look pasted on;
- cut: straight horizontal cuts in the dressed matte (px): pixels where it falls from person to background
  within two rows (by more than CUT_DROP), in runs of at least CUT_RUN face widths along one row (a cut
  through hair or fur; a natural outline falling that sharply is curved and runs a few pixels per row);
- jaw: abrupt pixels at the jaw's corners (px), where the jaw and the neck meet the garment's collar and
  shoulder on either side (`jaw_zones`): pixels of the photo on blue, red or white that stand out from
  the median of their 3x3 neighbours by more than JAW_STEP levels in a channel (a speck of their collar, a
  notch or a spike of the garment, a ragged pixel), plus pixels where the matte steps from background
  straight to solid next to them (a hard, stair-stepped outline: a ledge's edge). An anti-aliased outline
  running smoothly from the jaw into the collar scores a few; a natural outline has none of either.

It writes OUTDIR/report.md (the table) and OUTDIR/report.json, and per portrait a print-size sheet of all
outfits on blue (`print_<p>.png`, tiles at half size, about as a 35x45 mm print looks on screen), and a
100% sheet of a few outfits with 3x zooms of the neck and shoulder on blue, red and white
(`full_<p>.png`).
"""

import argparse
import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from .. import mesh
from .. import params as P
from ..beauty import regions
from ..beauty.filters import luma
from ..context import Context
from ..errors import EngineError
from ..pipeline import stages_through
from ..stages import outfit as outfit_stage
from . import fit as fit_module
from .catalog import OUTFITS

BACKGROUNDS = {"blue": (0x43, 0x8E, 0xDB), "red": (255, 0, 0), "white": (255, 255, 255)}
FULL_SHEET_IDS = ("man_1", "man_5", "man_20", "woman_2", "woman_5", "woman_15", "child_3", "child_10")
UP_TO_GEOMETRY = stages_through("geometry")
SKIN_SHARE = 0.75  # a pixel counts as painted skin when at least this much of it is
CUT_DROP, CUT_RUN = 0.6, 0.08  # a straight cut: the matte falls by this much, along this many face widths
# The jaw's corners: from JAW_ZONE[0] to JAW_ZONE[1] neck half-widths out from the neck's centre, from
# JAW_ZONE[2] neck half-widths above the garment's top line down to JAW_ZONE[3] below it.
JAW_ZONE = (0.5, 2.2, 1.2, 0.4)
JAW_STEP = 60.0  # levels (0-255, any channel) by which an abrupt pixel stands out from its 3x3 median


FRAMED_FIELDS = ("canvas", "canvas_alpha", "canvas_original", "canvas_landmarks", "canvas_coverage")


def framed(path, cache=None):
    """A context framed at the default size (None when the crown is cut by the photo's edge); the framed
    arrays are kept in `cache` (a folder) to re-run quickly."""
    stored = cache / f"{path.stem}.npz" if cache else None
    if stored and stored.exists():
        ctx = Context(params=P.parse({}), source_bytes=b"")
        with np.load(stored) as arrays:
            for name in FRAMED_FIELDS:
                setattr(ctx, name, arrays[name])
        return ctx
    ctx = Context(params=P.parse({}), source_bytes=path.read_bytes())
    try:
        for stage in UP_TO_GEOMETRY:
            stage.run(ctx)
    except EngineError:
        return None
    if ctx.crown_cut or ctx.canvas is None:
        return None
    if stored:
        cache.mkdir(parents=True, exist_ok=True)
        np.savez(stored, **{name: getattr(ctx, name) for name in FRAMED_FIELDS})
    return ctx


def own_clothes(ctx, fit):
    """The person's own clothing pixels below the chin (bool HxW)."""
    h, w = ctx.canvas_alpha.shape
    points = ctx.canvas_landmarks
    lab = fit_module._lab(ctx.canvas.astype(np.float32))
    person = (ctx.canvas_alpha > 0.5) & (ctx.canvas_coverage > 0.5)
    face_skin = regions.skin_mask((h, w), points) > 0.5
    skin_ref = np.median(lab[face_skin], axis=0)
    skin = fit_module._distance(lab, skin_ref) < fit_module.SKIN_DISTANCE
    skin = cv2.dilate(skin.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    _like, hair, _ref = fit_module._hair_like(lab, person, points, skin_ref)
    face = regions.polygon_mask((h, w), points, regions.FACE_OVAL) > 0
    own = person & ~skin & ~face
    if hair is not None:  # hair on the head and beside the face; below the collar, the hair kept in front
        own &= ~(hair & (np.arange(h)[:, None] < fit.collar_y))
    if fit.hair is not None:
        own &= fit.hair < 0.5
    own[: int(points[mesh.CHIN][1] + 0.05 * fit.face_width)] = False
    return own


def grain(rgb, mask):
    """Median absolute Laplacian of luma inside `mask` eroded by 3 px (None if too little is left)."""
    core = cv2.erode(mask.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    if core.sum() < 200:
        return None
    lap = cv2.Laplacian(luma(rgb), cv2.CV_32F, ksize=1)
    return float(np.median(np.abs(lap[core])))


def jaggedness(alpha, y0):
    """RMS distance (px) of the 0.5 outline of `alpha` below row y0 from its smoothed self."""
    up = 4
    big = cv2.resize(alpha.astype(np.float32), None, fx=up, fy=up, interpolation=cv2.INTER_LINEAR) > 0.5
    contours, _ = cv2.findContours(big.astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    h, w = big.shape
    errors = []
    for contour in contours:
        pts = contour[:, 0, :].astype(np.float32)
        if len(pts) < 60:
            continue
        k = 8 * up + 1
        padded = np.concatenate([pts[-k:], pts, pts[:k]])
        kernel = np.ones(k, np.float32) / k
        smooth = np.stack([np.convolve(padded[:, i], kernel, mode="same")[k:-k] for i in range(2)], 1)
        keep = (
            (pts[:, 1] > y0 * up) & (pts[:, 0] > 3 * up) & (pts[:, 0] < w - 3 * up) & (pts[:, 1] < h - 3 * up)
        )
        errors.append(np.linalg.norm(pts - smooth, axis=1)[keep] / up)
    errors = np.concatenate(errors) if errors else np.zeros(0)
    return float(np.sqrt((errors**2).mean())) if errors.size > 20 else 0.0


def shown_skin(outfit_id, fit, dressed, ctx):
    """Pixels that show mostly (SKIN_SHARE) skin the outfit invented (not the photo's own skin that shows in
    a neckline): it is drawn again with the invented skin in two
    marker colours, and the difference between the two says how much of each pixel is that skin (the
    garment's soft edge over the skin counts as neither skin nor garment)."""
    import dataclasses

    marks = [(0.0, 255.0, 0.0), (255.0, 0.0, 255.0)]
    again = [
        outfit_stage.dress(
            dataclasses.replace(fit, skin=m, skin_row=None, shade_skin=False),
            outfit_id,
            ctx.canvas,
            None,
            ctx.canvas_alpha,
        ).canvas.astype(np.float32)
        for m in marks
    ]
    share = np.abs(again[0] - again[1]).sum(axis=-1) / np.abs(np.subtract(*marks)).sum()
    return (share > SKIN_SHARE) & (dressed.coverage > 0.9) & (dressed.hair < 0.1)


def neck_delta_e(ctx, fit, dressed, skin_shown):
    """CIE76 between the median Lab of the painted neckline skin and of the real neck just above it."""
    if skin_shown.sum() < 30:
        return None
    h, w = skin_shown.shape
    rows, cols = np.arange(h)[:, None], np.abs(np.arange(w) - fit.cx)[None, :]
    neck = (
        (rows >= fit.chin_y + 0.2 * fit.neck)
        & (rows < fit.collar_y + getattr(fit, "skin_depth", 0.0))
        & (cols < 0.7 * fit.neck)
        & (fit.skin_like > 0.5)
    )
    if neck.sum() < 15:
        return None
    a = np.median(fit_module._lab(dressed.canvas.astype(np.float32))[skin_shown], axis=0)
    b = np.median(fit_module._lab(ctx.canvas.astype(np.float32))[neck], axis=0)
    return float(np.linalg.norm(a - b))


def gap_under_face(alpha, points):
    """Background pixels (matte under 0.5) under the face between the cheeks (bool HxW)."""
    h, w = alpha.shape
    fw = regions.face_width(points)
    chin_y = points[mesh.CHIN][1]
    xa, xb = sorted((points[mesh.CHEEK_A][0], points[mesh.CHEEK_B][0]))
    face = regions.polygon_mask((h, w), points, regions.FACE_OVAL) > 0
    rows, cols = np.arange(h)[:, None], np.arange(w)[None, :]
    zone = (rows > points[mesh.CHEEK_A][1]) & (rows < chin_y + 0.5 * fw)
    zone = zone & (cols > xa + 0.1 * fw) & (cols < xb - 0.1 * fw) & ~face
    return zone & (alpha < 0.5)


def straight_cuts(alpha, face_width):
    """Pixels of straight horizontal cuts in a matte (bool HxW): where it falls from person to background
    within two rows, in runs along a row at least CUT_RUN face widths long."""
    falls = np.zeros(alpha.shape, bool)
    falls[1:-1] = (alpha[:-2] - alpha[2:]) > CUT_DROP
    run = max(3, round(CUT_RUN * face_width))
    # A run of `run` pixels along a row survives an erosion by a row of `run` pixels.
    line = np.ones((1, run), np.uint8)
    return cv2.dilate(cv2.erode(falls.astype(np.uint8), line), line) > 0


def jaw_zones(fit):
    """Where the jaw and the neck meet the garment's collar and shoulder, on both sides (bool HxW): a band
    along the garment's top line beside the neck (JAW_ZONE)."""
    h, w = fit.height, fit.width
    rows = np.arange(h)[:, None]
    dx = np.abs(np.arange(w) - fit.cx)[None, :]
    top = fit.garment_top[None, :]
    near, far, above, below = JAW_ZONE
    return (dx >= near * fit.neck) & (dx <= far * fit.neck) & (rows >= top - above * fit.neck) & (
        rows <= top + below * fit.neck
    )


def jaw_corners(dressed, zones):
    """Abrupt pixels in the jaw's corners (int, px; see the module's doc): on each of the three backgrounds,
    pixels standing out from their 3x3 median by more than JAW_STEP, plus (once) pixels beside which the
    matte steps from background (under 0.05) straight to solid (over 0.95)."""
    count = 0
    for colour in BACKGROUNDS.values():
        shown = on(colour, dressed.canvas, dressed.alpha)
        median = cv2.medianBlur(shown, 3).astype(np.int16)
        count += int((zones & (np.abs(shown.astype(np.int16) - median).max(axis=2) > JAW_STEP)).sum())
    a = dressed.alpha
    hard = np.zeros(a.shape, bool)
    for axis in (0, 1):
        lo = np.minimum(a, np.roll(a, 1, axis=axis))
        hi = np.maximum(a, np.roll(a, 1, axis=axis))
        step = (lo < 0.05) & (hi > 0.95)
        hard |= step & (a > 0.95)
        hard |= np.roll(step & (np.roll(a, 1, axis=axis) > 0.95), -1, axis=axis)
    return count + int((zones & hard).sum())


def on(background, canvas, alpha):
    a = alpha[..., None]
    return np.clip(canvas * a + np.array(background, np.float32) * (1 - a) + 0.5, 0, 255).astype(np.uint8)


def measure_portrait(path, ids, cache=None):
    ctx = framed(path, cache)
    if ctx is None:
        return None
    started = time.perf_counter()
    fit = fit_module.measure(ctx.canvas, ctx.canvas_alpha, ctx.canvas_landmarks)
    fit_ms = (time.perf_counter() - started) * 1000
    own = own_clothes(ctx, fit)
    own_grain = grain(ctx.canvas, own)
    zones = jaw_zones(fit)
    rows, dressed_all, dress_ms = {}, {}, []
    for cid in ids:
        started = time.perf_counter()
        dressed = outfit_stage.dress(fit, cid, ctx.canvas, ctx.canvas_original, ctx.canvas_alpha)
        dress_ms.append((time.perf_counter() - started) * 1000)
        visible = own & (dressed.alpha > 0.5) & (dressed.coverage < 0.5) & (dressed.hair < 0.5)
        skin = shown_skin(cid, fit, dressed, ctx)
        garment = (dressed.coverage > 0.99) & (dressed.hair < 0.01) & ~skin
        ours = grain(dressed.canvas, garment)
        rows[cid] = {
            "own": int(visible.sum()),
            "jag": round(jaggedness(dressed.alpha, fit.collar_y + 2), 3),
            "dE": None if (d := neck_delta_e(ctx, fit, dressed, skin)) is None else round(d, 1),
            "skin": int(skin.sum()),
            "grain": None if ours is None or not own_grain else round(ours / own_grain, 2),
            "grain_px": None if ours is None else round(ours, 2),
            "gap": int(gap_under_face(dressed.alpha, ctx.canvas_landmarks).sum()),
            "cut": int(straight_cuts(dressed.alpha, fit.face_width).sum()),
            "jaw": jaw_corners(dressed, zones),
        }
        dressed_all[cid] = dressed
    summary = {
        "own_px": int(own.sum()),
        "own_grain": None if own_grain is None else round(own_grain, 2),
        "fit_ms": round(fit_ms, 1),
        "dress_ms": round(float(np.median(dress_ms)), 1),
    }
    return ctx, fit, rows, summary, dressed_all


def write_sheets(outdir, name, ctx, fit, dressed_all):
    tiles = [on(BACKGROUNDS["blue"], ctx.canvas, ctx.canvas_alpha)]
    tiles += [on(BACKGROUNDS["blue"], d.canvas, d.alpha) for d in dressed_all.values()]
    half = [cv2.resize(t, (t.shape[1] // 2, t.shape[0] // 2), interpolation=cv2.INTER_AREA) for t in tiles]
    _grid(half, 9, outdir / f"print_{name}.png")
    full = []
    h, w = ctx.canvas_alpha.shape
    for cid in [c for c in FULL_SHEET_IDS if c in dressed_all]:
        d = dressed_all[cid]
        top = int(np.clip(fit.chin_y - 0.2 * fit.face_width, 0, h - 8))
        crop = slice(top, h), slice(0, w)
        zooms = [
            cv2.resize(on(bg, d.canvas, d.alpha)[crop], None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
            for bg in (BACKGROUNDS["blue"], BACKGROUNDS["red"], BACKGROUNDS["white"])
        ]
        row = [on(BACKGROUNDS["blue"], d.canvas, d.alpha)] + zooms
        height = max(t.shape[0] for t in row)
        full.append(np.hstack([np.pad(t, ((0, height - t.shape[0]), (0, 0), (0, 0))) for t in row]))
    if full:
        _grid(full, 1, outdir / f"full_{name}.png")


def _grid(tiles, per_row, target):
    height = max(t.shape[0] for t in tiles)
    width = max(t.shape[1] for t in tiles)
    tiles = [np.pad(t, ((0, height - t.shape[0]), (0, width - t.shape[1]), (0, 0))) for t in tiles]
    tiles += [np.zeros_like(tiles[0])] * (-len(tiles) % per_row)
    rows = [np.hstack(tiles[i : i + per_row]) for i in range(0, len(tiles), per_row)]
    Image.fromarray(np.vstack(rows)).save(target)


def _fmt(values, digits=2, worst=max):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    return f"{np.median(values):.{digits}f} ({worst(values):.{digits}f})"


def table(results):
    head = (
        "| portrait | own clothes px visible: median (max) | jaggedness px | neck dE | invented skin px "
        "| grain ratio (median (min)) | gap px | cut px | jaw corners px | own grain | fit ms | dress ms |"
    )
    lines = [head, "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, (rows, summary) in results.items():
        vals = list(rows.values())
        lines.append(
            f"| {name} | {_fmt([r['own'] for r in vals], 0)} | {_fmt([r['jag'] for r in vals])} "
            f"| {_fmt([r['dE'] for r in vals], 1)} | {_fmt([r.get('skin') for r in vals], 0)} "
            f"| {_fmt([r['grain'] for r in vals], 2, min)} "
            f"| {_fmt([r.get('gap') for r in vals], 0)} | {_fmt([r.get('cut') for r in vals], 0)} "
            f"| {_fmt([r.get('jaw') for r in vals], 0)} "
            f"| {summary['own_grain']} | {summary['fit_ms']} | {summary['dress_ms']} |"
        )
    lines.append(overall(results))
    return "\n".join(lines)


def overall(results):
    """One line over every portrait and outfit: own clothes left as a share of theirs, and the medians."""
    rows = [(r, summary) for rows_, summary in results.values() for r in rows_.values()]
    theirs = sum(summary["own_px"] for _r, summary in rows)
    left = sum(r["own"] for r, _summary in rows)
    share = f"{100 * left / theirs:.2f}% of theirs" if theirs else "-"
    return (
        f"| all | {share} | {_fmt([r['jag'] for r, _ in rows])} | {_fmt([r['dE'] for r, _ in rows], 1)} "
        f"| {_fmt([r.get('skin') for r, _ in rows], 0)} | {_fmt([r['grain'] for r, _ in rows], 2, min)} "
        f"| {_fmt([r.get('gap') for r, _ in rows], 0)} | {_fmt([r.get('cut') for r, _ in rows], 0)} "
        f"| {_fmt([r.get('jaw') for r, _ in rows], 0)} | | | |"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("portraits", type=Path)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--ids", default="", help="comma-separated outfit ids (default: all 50)")
    parser.add_argument("--only", default="", help="comma-separated portrait prefixes, e.g. p04,p16")
    parser.add_argument("--skip", default="", help="comma-separated portrait prefixes to leave out")
    parser.add_argument("--cache", type=Path, help="folder keeping the framed photos between runs")
    args = parser.parse_args(argv)
    ids = [i for i in args.ids.split(",") if i] or list(OUTFITS)
    only = tuple(p for p in args.only.split(",") if p)
    skip = tuple(p for p in args.skip.split(",") if p)
    args.outdir.mkdir(parents=True, exist_ok=True)
    paths = sorted(p for p in args.portraits.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    results = {}
    for path in paths:
        if only and not path.name.startswith(only) or skip and path.name.startswith(skip):
            continue
        measured = measure_portrait(path, ids, args.cache)
        if measured is None:
            print(f"{path.name}: crown cut, skipped", file=sys.stderr)
            continue
        ctx, fit, rows, summary, dressed_all = measured
        name = path.stem[:3]
        results[name] = (rows, summary)
        write_sheets(args.outdir, name, ctx, fit, dressed_all)
        print(f"{name}: {summary}", file=sys.stderr)
    text = table(results)
    (args.outdir / "report.md").write_text(text + "\n")
    (args.outdir / "report.json").write_text(json.dumps(results, indent=1))
    print(text)


if __name__ == "__main__":
    main()
