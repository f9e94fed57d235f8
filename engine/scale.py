"""Scale run: `python -m engine.scale PHOTO_DIR OUT_DIR [--limit N] [key=value ...]`.

Runs the whole engine in this one process over every photo in PHOTO_DIR and prints how many were produced,
how many were refused (by reason), and how many were delivered although an independent look at the finished
photo fails: the output is detected and measured again from scratch (engine/measure.py, a fresh detection,
mesh and matte, not the numbers the engine planned) and must show exactly one upright face inside the
requested band. OUT_DIR receives contact sheets: `refused-NN.png` (each refused source with its reason) and
`produced-NN.png` (each output, failing ones framed in red), for a person to judge.

The default request is the one ../shared/lfw_dev's README suggests for its 250x250 press photos: 177x228 px
(35x45 mm scaled), face height 162-182 px, head top 10-30 px. It asks for a transparent PNG, so the
re-measurement finds the crown in the alpha the customer receives (matting a finished photo again on blue
loses a teal cap or blue-grey hair against it); the contact sheets show the outputs on blue.
"""

import argparse
import collections
import io
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from . import measure
from .errors import EngineError
from .params import parse
from .pipeline import process

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
DEFAULT_REQUEST = {
    "size": "177x228",
    "min_face_height": "162",
    "max_face_height": "182",
    "min_head_top": "10",
    "max_head_top": "30",
    "format": "png",  # transparent: the re-measurement takes the crown from the alpha the customer receives
}
SHEET_BACKGROUND = (0x43, 0x8E, 0xDB)
# The re-measurement uses another detection and matte run on a small photo: a few px of hair or a fraction
# of an eye's height is noise, not a wrong framing.
BAND_SLACK_PX = 4.0
MAX_ROLL_DEG = 8.0
TILE = (177, 228)
CAPTION_ROWS = 34
SHEET_COLUMNS = 8
SHEET_ROWS = 5


@dataclass
class Outcome:
    name: str
    source: bytes
    output: bytes | None = None
    reason: str = ""  # refusal: the error kind and failing check ids
    detail: str = ""  # refusal message, or what the re-measurement found wrong
    problems: list = field(default_factory=list)  # delivered photo: what the independent look found
    seconds: float = 0.0


def independent_problems(output, fields):
    """What is wrong with a delivered photo when it is measured again from scratch ([] when nothing)."""
    try:
        found = measure.measure(output)
    except EngineError as exc:
        return [f"re-measure: {exc.kind}"]
    problems = []
    if found["faces_found"] != 1:
        problems.append(f"{found['faces_found']} faces")
    if abs(found["roll_deg"]) > MAX_ROLL_DEG:
        problems.append(f"roll {found['roll_deg']:.0f} deg")
    for name in ("face_height", "head_top", "face_width", "chin_top", "eyes_top"):
        low, high = _band(fields, name)
        value = found[name]
        if (low is not None and value < low - BAND_SLACK_PX) or (
            high is not None and value > high + BAND_SLACK_PX
        ):
            problems.append(f"{name} {value:.0f} outside {low}-{high}")
    return problems


def _band(fields, name):
    exact = fields.get(name)
    if exact is not None:
        return float(exact), float(exact)
    low, high = fields.get(f"min_{name}"), fields.get(f"max_{name}")
    return (float(low) if low is not None else None), (float(high) if high is not None else None)


def run_one(path, fields, params):
    data = path.read_bytes()
    outcome = Outcome(name=path.stem, source=data)
    started = time.perf_counter()
    try:
        result = process(data, params)
    except EngineError as exc:
        failing = [c["id"] for c in exc.data.get("checks", []) if c.get("status") == "fail"]
        outcome.reason = exc.kind + (f" ({', '.join(failing)})" if failing else "")
        outcome.detail = exc.message
    else:
        outcome.output = result.image
        outcome.problems = independent_problems(result.image, fields)
    outcome.seconds = time.perf_counter() - started
    return outcome


def run(photo_dir, fields, limit=None):
    params = parse(fields)
    paths = sorted(p for p in Path(photo_dir).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if limit:
        # An even spread over the alphabet, not the first N (who would share initials, not variety).
        paths = paths[:: max(1, len(paths) // limit)][:limit]
    return [run_one(path, fields, params) for path in paths]


def summary(outcomes):
    produced = [o for o in outcomes if o.output is not None]
    refused = collections.Counter(o.reason for o in outcomes if o.output is None)
    failing = [o for o in produced if o.problems]
    return {
        "photos": len(outcomes),
        "produced": len(produced),
        "refused": sum(refused.values()),
        "refused_by_reason": dict(refused.most_common()),
        "delivered_but_failing": len(failing),
        "failing": {o.name: o.problems for o in failing},
        "median_seconds": round(float(np.median([o.seconds for o in outcomes])), 3) if outcomes else 0.0,
    }


# --- contact sheets ---------------------------------------------------------------------------------------


def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without scalable default font
        return ImageFont.load_default()


def _tile(image_bytes, caption, colour, backdrop=False):
    image = Image.open(io.BytesIO(image_bytes))
    image = image.convert("RGBA")
    image.thumbnail(TILE)
    tile = Image.new("RGB", (TILE[0] + 6, TILE[1] + CAPTION_ROWS + 6), colour)
    inner = Image.new("RGB", TILE, SHEET_BACKGROUND if backdrop else (255, 255, 255))
    inner.paste(image, ((TILE[0] - image.width) // 2, (TILE[1] - image.height) // 2), image)
    tile.paste(inner, (3, 3))
    draw = ImageDraw.Draw(tile)
    draw.rectangle((3, TILE[1] + 3, TILE[0] + 2, TILE[1] + CAPTION_ROWS + 2), fill=(255, 255, 255))
    for row, line in enumerate(_wrap(caption, 34)[:3]):
        draw.text((5, TILE[1] + 4 + row * 11), line, fill=(0, 0, 0), font=_font(10))
    return tile


def _wrap(text, width):
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def write_sheets(outcomes, out_dir):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    refused = [_tile(o.source, f"{o.name}: {o.reason}", (200, 120, 0)) for o in outcomes if o.output is None]
    produced = [
        _tile(
            o.output,
            f"{o.name}: {'; '.join(o.problems) or 'ok'}",
            (220, 0, 0) if o.problems else (0, 150, 0),
            backdrop=True,
        )
        for o in outcomes
        if o.output is not None
    ]
    written = []
    for kind, tiles in (("refused", refused), ("produced", produced)):
        per_sheet = SHEET_COLUMNS * SHEET_ROWS
        for number, start in enumerate(range(0, len(tiles), per_sheet), 1):
            path = out_dir / f"{kind}-{number:02d}.png"
            _sheet(tiles[start : start + per_sheet]).save(path)
            written.append(path)
    return written


def _sheet(tiles):
    w, h = tiles[0].size
    rows = -(-len(tiles) // SHEET_COLUMNS)
    sheet = Image.new("RGB", (SHEET_COLUMNS * w, rows * h), (255, 255, 255))
    for i, tile in enumerate(tiles):
        sheet.paste(tile, ((i % SHEET_COLUMNS) * w, (i // SHEET_COLUMNS) * h))
    return sheet


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("photos", type=Path)
    parser.add_argument("out", type=Path, help="folder for the contact sheets (outside the repository)")
    parser.add_argument("--limit", type=int, default=None, help="an even subset of this many photos")
    parser.add_argument("fields", nargs="*", help="key=value request fields instead of the default request")
    args = parser.parse_args(argv)
    fields = dict(DEFAULT_REQUEST)
    fields.update(dict(item.split("=", 1) for item in args.fields))
    outcomes = run(args.photos, fields, args.limit)
    counts = summary(outcomes)
    write_sheets(outcomes, args.out)
    print(
        f"photos {counts['photos']}: produced {counts['produced']}, refused {counts['refused']}, "
        f"delivered but failing the re-measurement {counts['delivered_but_failing']}"
    )
    for reason, count in counts["refused_by_reason"].items():
        print(f"  refused {count:3d}  {reason}")
    for name, problems in counts["failing"].items():
        print(f"  FAILING {name}: {'; '.join(problems)}")
    for o in outcomes:
        if o.output is None:
            print(f"  refused {o.name}: {o.reason}: {o.detail}")
    print(f"median {counts['median_seconds'] * 1000:.0f} ms per photo; sheets in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
