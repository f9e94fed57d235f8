"""Matting benchmark: `python -m engine.matting_bench MATTING_GT [--kinds a,b] [--images N] [--save DIR]`.

MATTING_GT is a folder holding `p3m/image/*.jpg` and reference alphas `p3m/alpha/*.png` (../shared/matting_gt).
Two parts, both through the engine's own matte path (face detection, RVM, clean-ups, upsampling):

1. The reference photos themselves: SAD, MSE and gradient error against the reference alpha.
2. Composites, at 1024 px on the long side: each reference person, cut out with its known alpha, is put on
   24 backgrounds generated here (walls, warm colours, skin tones, busy rooms, dark, gradients, a second
   person beside the head; 3 of each kind), saved as JPEG and matted again. Besides the three errors this counts leftover blobs and holes, and the edge colour error on red.

A leftover blob is old background the matte kept: a connected region of alpha error > 0.2 larger than 50 px
outside the person, where "outside" means reference alpha < 0.05 and more than EDGE_TOLERANCE of the long side
(5 px on a composite, 1-3 px in a 413x531 output) from the reference person. Without that tolerance every
photo counts, since a matte that runs a few pixels wide along the whole hair outline is one long region
(that count is printed too, as "edge"). Most leftovers lie low on the body (between an arm and the body, by
a hand), below what an ID photo shows: "in a 35x45 frame" counts only those reaching into the output frame
the engine chooses for a 35x45 mm request on the same person (framed once per person, on a plain wall);
when the engine cannot frame that person (no face found, or refused) all of its leftovers count. A hole is the same inside the person (reference > 0.95, alpha too
low). The edge colour error on red is the engine's foreground colours composited on FF0000 against the true
person composited on FF0000, mean |difference| (0..255) over the pixels where either alpha is partial: the
halos and tints the new background would show.

Errors are at the photo's full resolution with alpha in 0..1: SAD = sum|a - ref| / 1000, MSE = mean((a - ref)^2),
gradient error = sum((|grad a| - |grad ref|)^2) / 1000 with Gaussian-derivative gradients (sigma 1.4), the
measure of the alphamatting.com benchmark.
"""

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from . import foreground, models, params, pipeline
from .context import Context
from .errors import EngineError
from .stages import background, detect, matte

# Faces blurred by the data set's anonymisation (reported apart: RVM reads the blur as a hole in the head).
BLURRED = {"p_09ba26b4", "p_22fc0130", "p_514ca06a", "p_51c916fc", "p_71bcce3a", "p_d684dae3"}
LEFTOVER_ERROR = 0.2  # alpha error counted as a leftover (or a hole)
LEFTOVER_PIXELS = 50  # a leftover region must be larger than this (full-resolution px)
BACKGROUND_REF = 0.05  # reference alpha below this is "outside the person"...
EDGE_TOLERANCE = 0.005  # ...when also this far (fraction of the long side) from any reference alpha above it
PERSON_REF = 0.95  # reference alpha above this is "inside the person" (for holes)
GRADIENT_SIGMA = 1.4
# Composites are made at the matte's own size (engine/stages/matte.py MATTE_MAX_SIDE): 288 of them at the
# reference photos' 1-2 MP took too long on 2 shared cores, and the leftovers are the same.
COMPOSITE_SIDE = 1024
RED = (255, 0, 0)


@dataclass
class Score:
    sad: float
    mse: float
    gradient: float
    leftovers: int = 0
    edge: int = 0  # leftover regions counted without the edge tolerance
    framed: int = 0  # leftovers that reach into the output frame of a 35x45 mm request
    holes: int = 0
    red_edge: float = 0.0  # mean |colour error| (0..255) over partial pixels, on FF0000


# -- measures ---------------------------------------------------------------------------------------------


def gradient_magnitude(alpha):
    smooth = cv2.GaussianBlur(alpha, (0, 0), GRADIENT_SIGMA)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
    return np.sqrt(gx * gx + gy * gy)


def score(alpha, reference):
    """SAD, MSE and gradient error of `alpha` against `reference` (both HxW float32 in 0..1)."""
    diff = alpha - reference
    grad = gradient_magnitude(alpha) - gradient_magnitude(reference)
    return Score(
        sad=float(np.abs(diff).sum() / 1000),
        mse=float(np.mean(diff * diff)),
        gradient=float((grad * grad).sum() / 1000),
    )


def count_regions(mask, smallest=LEFTOVER_PIXELS):
    """Connected regions (8-neighbourhood) of `mask` larger than `smallest` px."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    return int((stats[1:, cv2.CC_STAT_AREA] > smallest).sum())


def leftovers(alpha, reference):
    """(blobs, edge regions, holes): old background the matte kept outside the person beyond the edge
    tolerance, the same counted right up to the person's edge, and holes cut inside the person."""
    diff = alpha - reference
    background_side = reference < BACKGROUND_REF
    kept = (diff > LEFTOVER_ERROR) & background_side
    distance = cv2.distanceTransform(background_side.astype(np.uint8), cv2.DIST_L2, 3)
    far = kept & (distance > EDGE_TOLERANCE * max(reference.shape))
    cut = (diff < -LEFTOVER_ERROR) & (reference > PERSON_REF)
    return count_regions(far), count_regions(kept), count_regions(cut)


def measured(alpha, reference, frame=None):
    """The Score of `alpha`, leftovers included (and those inside `frame`, a boolean map, when given)."""
    result = score(alpha, reference)
    result.leftovers, result.edge, result.holes = leftovers(alpha, reference)
    result.framed = result.leftovers if frame is None else leftovers(alpha * frame, reference * frame)[0]
    return result


def output_frame(rgb):
    """Boolean map of the part of `rgb` that a 35x45 mm photo (the engine's framing) shows, or None when
    the engine cannot frame it (no face found, or refused)."""
    _, png = cv2.imencode(".png", rgb[..., ::-1])
    ctx = Context(params=params.parse({"mm_width": 35, "mm_height": 45}), source_bytes=png.tobytes())
    try:
        for stage in pipeline.stages_through("geometry"):
            stage.run(ctx)
    except EngineError:
        return None
    t, (w, h) = ctx.transform, (ctx.params.width, ctx.params.height)
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
    corners = (corners - [t.tx, t.ty]) / t.scale  # levelled source px
    if ctx.level_matrix is not None:
        back = cv2.invertAffineTransform(np.asarray(ctx.level_matrix, np.float64))
        corners = corners @ back[:, :2].T + back[:, 2]
    frame = np.zeros(rgb.shape[:2], np.uint8)
    cv2.fillPoly(frame, [np.round(corners).astype(np.int32)], 1)
    return frame.astype(np.float32)


def red_edge_error(image, alpha, true_colours, reference):
    """Mean colour error on FF0000 over the partial pixels of either matte: halos and leftover tints."""
    red = background.background_image(alpha.shape[1], alpha.shape[0], RED)
    made = background.composite(foreground.estimate(image, alpha), alpha, red).astype(np.int16)
    truth = background.composite(true_colours, reference, red).astype(np.int16)
    partial = ((alpha > 0.01) & (alpha < 0.99)) | ((reference > 0.01) & (reference < 0.99))
    if not partial.any():
        return 0.0
    return float(np.abs(made - truth)[partial].mean())


# -- the engine's matte -----------------------------------------------------------------------------------


def engine_alpha(rgb):
    """The person's alpha at the size of `rgb`, as the engine makes it (face region and clean-ups)."""
    try:
        face = detect.find_face(rgb, level=False, allow_several=True).face
    except EngineError:
        face = None  # blurred faces are often not found; the whole matte is then kept
    return matte.full_alpha(rgb, face)


# -- backgrounds ------------------------------------------------------------------------------------------


def _wall(shape, colour, rng, light=0.06, grain=2.0):
    """A flat wall with soft uneven lighting and sensor grain."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    falloff = 1.0 - light * np.hypot((xx - cx) / w, (yy - cy) / h)
    wall = np.asarray(colour, np.float32) * falloff[..., None]
    return wall + rng.normal(0, grain, (h, w, 3)).astype(np.float32)


def _gradient(shape, top, bottom, horizontal=False):
    h, w = shape
    t = np.linspace(0.0, 1.0, w if horizontal else h, dtype=np.float32)
    line = np.asarray(top, np.float32) * (1 - t[:, None]) + np.asarray(bottom, np.float32) * t[:, None]
    return np.broadcast_to(line[None] if horizontal else line[:, None], (h, w, 3)).astype(np.float32)


def _radial(shape, centre, edge, rng):
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.1, 0.5) * h
    t = np.clip(np.hypot(xx - cx, yy - cy) / (0.8 * max(h, w)), 0, 1)[..., None]
    return np.asarray(centre, np.float32) * (1 - t) + np.asarray(edge, np.float32) * t


def _busy_room(shape, rng, dark=False):
    """Shelves, frames, a window and a plant-like clutter of blurred shapes: a busy indoor background."""
    h, w = shape
    base = (70, 60, 55) if dark else (200, 190, 175)
    room = _wall(shape, base, rng, light=0.2).astype(np.float32)
    for _ in range(40):
        x0, y0 = int(rng.uniform(-0.1, 1) * w), int(rng.uniform(-0.1, 1) * h)
        x1, y1 = x0 + int(rng.uniform(0.03, 0.3) * w), y0 + int(rng.uniform(0.02, 0.25) * h)
        colour = rng.uniform(0, 255, 3)
        cv2.rectangle(room, (x0, y0), (x1, y1), colour.tolist(), thickness=-1 if rng.random() < 0.7 else 6)
    for _ in range(25):  # books, cables, leaves
        p0 = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
        p1 = (int(p0[0] + rng.normal(0, 0.15) * w), int(p0[1] + rng.normal(0, 0.15) * h))
        cv2.line(room, p0, p1, rng.uniform(0, 255, 3).tolist(), thickness=int(rng.uniform(2, 14)))
    window = (int(rng.uniform(0, 0.7) * w), int(rng.uniform(0, 0.3) * h))
    cv2.rectangle(room, window, (window[0] + w // 4, window[1] + h // 4), (250, 250, 245), thickness=-1)
    return cv2.GaussianBlur(room, (0, 0), 1.5 + 3 * rng.random())


def _second_person(shape, reference, rng, wall, skin, shirt):
    """A wall with another person's shoulder and a skin-coloured blob (cheek, arm) right beside the head."""
    canvas = _wall(shape, wall, rng)
    h, w = shape
    rows = np.nonzero((reference > 0.5).any(axis=1))[0]
    top = int(rows[0]) if rows.size else h // 4
    head_rows = reference[top : top + max(1, h // 5)] > 0.5
    cols = np.nonzero(head_rows.any(axis=0))[0]
    left, right = (int(cols[0]), int(cols[-1])) if cols.size else (w // 3, 2 * w // 3)
    side = rng.choice([-1, 1])
    x = left - int(0.08 * w) if side < 0 else right + int(0.08 * w)
    y = top + int(rng.uniform(0.05, 0.2) * h)
    axes = (int(0.12 * w), int(0.16 * h))
    cv2.ellipse(canvas, (x, y), axes, float(rng.uniform(-20, 20)), 0, 360, skin, thickness=-1)
    shoulder = (x, y + int(0.55 * h))  # the top of a shoulder, the rest of it below the frame
    cv2.ellipse(canvas, shoulder, (int(0.3 * w), int(0.35 * h)), 0, 0, 360, shirt, thickness=-1)
    return cv2.GaussianBlur(canvas, (0, 0), 2.0)


def backgrounds(shape, reference, seed=0):
    """{kind: [HxWx3 float32 backgrounds]}, three per kind (24 in all), the same for a given seed."""
    rng = np.random.default_rng(seed)
    return {
        "white wall": [_wall(shape, c, rng) for c in ((255, 255, 255), (248, 248, 246), (240, 242, 245))],
        "off-white wall": [_wall(shape, c, rng) for c in ((236, 229, 214), (225, 222, 212), (244, 236, 222))],
        "warm pink/orange": [
            _wall(shape, c, rng) for c in ((241, 170, 178), (245, 160, 90), (226, 110, 120))
        ],
        "skin-coloured": [_wall(shape, c, rng) for c in ((226, 178, 146), (196, 134, 100), (241, 203, 180))],
        "busy indoor": [_busy_room(shape, rng), _busy_room(shape, rng), _busy_room(shape, rng, dark=True)],
        "dark": [_wall(shape, c, rng, light=0.3) for c in ((18, 18, 22), (48, 38, 32), (30, 40, 60))],
        "gradient": [
            _gradient(shape, (250, 250, 250), (90, 120, 170)),
            _gradient(shape, (250, 180, 120), (120, 120, 125), horizontal=True),
            _radial(shape, (255, 250, 235), (60, 55, 50), rng),
        ],
        "second person": [
            _second_person(shape, reference, rng, (235, 232, 225), (225, 175, 145), (40, 45, 60)),
            _second_person(shape, reference, rng, (200, 205, 210), (200, 140, 110), (180, 40, 40)),
            _second_person(shape, reference, rng, (250, 250, 250), (240, 205, 185), (240, 240, 240)),
        ],
    }


def composite_photo(colours, reference, backdrop, quality=92):
    """The person (colours, reference alpha) over `backdrop` in linear light, saved and read back as a JPEG."""
    backdrop8 = np.clip(backdrop + 0.5, 0, 255).astype(np.uint8)
    photo = background.composite(colours, reference, backdrop8)
    ok, data = cv2.imencode(".jpg", photo[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1].copy() if ok else photo


# -- the runs ---------------------------------------------------------------------------------------------


def load_pairs(folder, limit=None):
    """[(name, rgb uint8, reference alpha float32)] from FOLDER/p3m/image and FOLDER/p3m/alpha."""
    root = folder / "p3m" if (folder / "p3m").is_dir() else folder
    pairs = []
    for path in sorted((root / "image").glob("*.jpg"))[:limit]:
        rgb = np.asarray(Image.open(path).convert("RGB"))
        alpha = np.asarray(Image.open(root / "alpha" / f"{path.stem}.png").convert("L"), np.float32) / 255.0
        pairs.append((path.stem, rgb, alpha))
    return pairs


def run_reference(pairs):
    """{name: Score} on the reference photos themselves."""
    scores = {}
    for name, rgb, reference in pairs:
        scores[name] = measured(engine_alpha(rgb), reference)
    return scores


def run_composites(pairs, kinds=None, save=None):
    """{kind: [Score]} over every reference person on every generated background of each kind."""
    results = {}
    for index, (name, rgb, reference) in enumerate(pairs):
        rgb, reference = at_most(rgb, reference, COMPOSITE_SIDE)
        # The person's colours freed of their own background, so the composite holds no trace of it.
        colours = foreground.estimate(rgb, reference)
        # Where the person stands is the same on every background: framed once, on a plain wall.
        frame = output_frame(composite_photo(colours, reference, np.full(rgb.shape, 240, np.float32)))
        print(f"  compositing {name} ({index + 1}/{len(pairs)})", file=sys.stderr, flush=True)
        for kind, backdrops in backgrounds(reference.shape, reference, seed=index).items():
            if kinds and kind not in kinds:
                continue
            for number, backdrop in enumerate(backdrops):
                photo = composite_photo(colours, reference, backdrop)
                alpha = engine_alpha(photo)
                result = measured(alpha, reference, frame)
                result.red_edge = red_edge_error(photo, alpha, colours, reference)
                results.setdefault(kind, []).append(result)
                if save is not None and result.leftovers:
                    _save_case(
                        save, f"{name}_{kind.replace(' ', '-').replace('/', '-')}{number}", photo, alpha
                    )
    return results


def at_most(rgb, reference, side):
    """The photo and its reference alpha shrunk to at most `side` px on the long side."""
    factor = side / max(reference.shape)
    if factor >= 1.0:
        return rgb, reference
    size = (round(reference.shape[1] * factor), round(reference.shape[0] * factor))
    return (
        cv2.resize(rgb, size, interpolation=cv2.INTER_AREA),
        cv2.resize(reference, size, interpolation=cv2.INTER_AREA),
    )


def _save_case(folder, stem, photo, alpha):
    folder.mkdir(parents=True, exist_ok=True)
    Image.fromarray(photo).save(folder / f"{stem}.jpg", quality=90)
    Image.fromarray(np.clip(alpha * 255 + 0.5, 0, 255).astype(np.uint8)).save(folder / f"{stem}_alpha.png")


# -- report -----------------------------------------------------------------------------------------------


def _stats(values):
    return statistics.median(values), statistics.mean(values)


def report_reference(scores):
    print("Reference photos (SAD median / mean, MSE mean, gradient error mean, region counts):")
    groups = (
        ("all", list(scores.values())),
        ("real faces", [s for k, s in scores.items() if k not in BLURRED]),
        ("blurred faces", [s for k, s in scores.items() if k in BLURRED]),
    )
    for title, group in groups:
        if group:
            _row(title, group)
    print("  per image: " + ", ".join(f"{k} {s.sad:.1f}" for k, s in scores.items()))


def report_composites(results):
    print("Composites per background kind:")
    everything = []
    for kind, group in results.items():
        _row(kind, group, red=True)
        everything.extend(group)
    if everything:
        _row("all composites", everything, red=True)


def _row(title, group, red=False):
    """One line of figures; `red` (composites) adds the in-frame leftovers and the edge colour error."""
    sad_median, sad_mean = _stats([s.sad for s in group])
    framed = f", in a 35x45 frame {sum(s.framed for s in group):3d}" if red else ""
    text = (
        f"  {title:18s} n={len(group):3d}  SAD {sad_median:6.2f} / {sad_mean:6.2f}  "
        f"MSE {1000 * statistics.mean(s.mse for s in group):6.2f}e-3  "
        f"grad {statistics.mean(s.gradient for s in group):6.2f}  "
        f"leftovers {sum(s.leftovers for s in group):3d} (edge {sum(s.edge for s in group):3d}{framed})  "
        f"holes {sum(s.holes for s in group):3d}"
    )
    if red:
        text += f"  red edge {statistics.mean(s.red_edge for s in group):5.2f}"
    print(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the matting reference folder (../shared/matting_gt)")
    parser.add_argument("--kinds", default="", help="comma-separated background kinds (default: all)")
    parser.add_argument("--images", type=int, default=None, help="use only the first N reference photos")
    parser.add_argument("--no-composites", action="store_true", help="only the reference photos")
    parser.add_argument("--save", type=Path, default=None, help="write composites with leftovers here")
    args = parser.parse_args(argv)
    pairs = load_pairs(args.folder, args.images)
    if not pairs:
        print(f"no reference photos in {args.folder}", file=sys.stderr)
        return 2
    models.warm_up()
    started = time.perf_counter()
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}; {len(pairs)} reference photos")
    report_reference(run_reference(pairs))
    if not args.no_composites:
        kinds = {k.strip() for k in args.kinds.split(",") if k.strip()}
        report_composites(run_composites(pairs, kinds, args.save))
    print(f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
