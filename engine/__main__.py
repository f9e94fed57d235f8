"""Command line: `python -m engine IN OUT key=value ...` with the seed's parameter names.

Writes the ID photo to OUT (and a layout sheet next to it when layout=1) and prints the result as JSON:
what was measured in the photo, the checks, warnings and per-stage timings. On failure prints the error
as JSON and exits with status 2 (bad parameter) or 1 (the photo cannot be processed).
"""

import json
import sys
from pathlib import Path

from . import params as params_module
from .errors import EngineError, ParamError
from .pipeline import process

USAGE = "usage: python -m engine IN OUT [key=value ...]   e.g. size=413x531 bg_color=438EDB format=jpg"


def parse_pairs(pairs):
    data = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"not a key=value pair: {pair!r}\n{USAGE}")
        data[key.strip()] = value
    return data


def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2 or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr)
        return 2
    source, target = Path(args[0]), Path(args[1])
    try:
        params = params_module.parse(parse_pairs(args[2:]))
        result = process(source.read_bytes(), params)
    except EngineError as exc:
        print(json.dumps({"ok": False, "error": exc.as_dict()}, ensure_ascii=False))
        return 2 if isinstance(exc, ParamError) else 1
    target.write_bytes(result.image)
    extra = {}
    if result.layout_image:
        sheet = target.with_name(f"{target.stem}_layout{target.suffix}")
        sheet.write_bytes(result.layout_image)
        extra["layout_image"] = str(sheet)
    if result.layout_pdf:
        pdf = target.with_name(f"{target.stem}_layout.pdf")
        pdf.write_bytes(result.layout_pdf)
        extra["layout_pdf"] = str(pdf)
    report = {
        "ok": True,
        "output": str(target),
        "size": [result.width, result.height],
        "dpi": result.dpi,
        "format": result.format,
        "measurements": result.measurements,
        "checks": result.checks,
        "warnings": result.warnings,
        "timings_ms": result.timings,
        **extra,
    }
    print(json.dumps(report, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
