"""Regenerate `catalogue.json` from the package `passport-photo-specs` and the hand-entered `official.py`.

    .venv/bin/python -m engine.specs.build          # rewrite engine/specs/catalogue.json
    .venv/bin/python -m engine.specs.build --check  # exit 1 if the committed file is out of date

From the package only the size and the background colour of each of its documents are taken: its
geometry is free text and sometimes wrong. Bands come from `official.py`. Ids are stable: an id already in
the committed catalogue is kept for the same slug, and a new package document gets the next free id from
1001 on, so a package update never renumbers what clients already use.
"""

import json
import sys
from pathlib import Path

from ..units import MM_PER_INCH
from .official import CHECKED, GOV, OFFICIAL, UNALTERED_WHY

CATALOGUE = Path(__file__).with_name("catalogue.json")
FIRST_PACKAGE_ID = 1001

# The package's country ids are slugs; the catalogue uses ISO 3166 alpha-2 codes ("EU" for Schengen).
ISO2 = {
    "us": "US",
    "uk": "GB",
    "canada": "CA",
    "australia": "AU",
    "india": "IN",
    "schengen": "EU",
    "uae": "AE",
    "germany": "DE",
    "japan": "JP",
    "brazil": "BR",
    "mexico": "MX",
    "china": "CN",
    "indonesia": "ID",
    "finland": "FI",
    "france": "FR",
    "spain": "ES",
    "italy": "IT",
    "poland": "PL",
    "sweden": "SE",
    "norway": "NO",
    "denmark": "DK",
    "switzerland": "CH",
    "austria": "AT",
    "belgium": "BE",
    "portugal": "PT",
    "netherlands": "NL",
    "greece": "GR",
    "hungary": "HU",
    "romania": "RO",
    "ukraine": "UA",
    "turkey": "TR",
    "israel": "IL",
    "qatar": "QA",
    "kuwait": "KW",
    "saudi-arabia": "SA",
    "egypt": "EG",
    "south-africa": "ZA",
    "nigeria": "NG",
    "russia": "RU",
    "south-korea": "KR",
    "thailand": "TH",
    "vietnam": "VN",
    "malaysia": "MY",
    "philippines": "PH",
    "singapore": "SG",
    "hong-kong": "HK",
    "taiwan": "TW",
    "pakistan": "PK",
    "bangladesh": "BD",
    "argentina": "AR",
    "new-zealand": "NZ",
    "ireland": "IE",
    "iceland": "IS",
    "cyprus": "CY",
    "malta": "MT",
    "bulgaria": "BG",
    "croatia": "HR",
    "czech-republic": "CZ",
    "slovakia": "SK",
    "slovenia": "SI",
    "estonia": "EE",
    "latvia": "LV",
    "lithuania": "LT",
    "serbia": "RS",
    "bosnia": "BA",
    "montenegro": "ME",
    "north-macedonia": "MK",
    "albania": "AL",
    "moldova": "MD",
    "kazakhstan": "KZ",
    "belarus": "BY",
    "georgia": "GE",
    "armenia": "AM",
    "azerbaijan": "AZ",
    "uzbekistan": "UZ",
    "kyrgyzstan": "KG",
    "morocco": "MA",
    "tunisia": "TN",
    "algeria": "DZ",
    "jordan": "JO",
    "lebanon": "LB",
    "kenya": "KE",
    "nepal": "NP",
    "sri-lanka": "LK",
    "myanmar": "MM",
    "cambodia": "KH",
    "colombia": "CO",
    "peru": "PE",
    "chile": "CL",
    "ethiopia": "ET",
    "ghana": "GH",
    "iran": "IR",
    "tanzania": "TZ",
    "yemen": "YE",
    "iraq": "IQ",
    "senegal": "SN",
    "cameroon": "CM",
    "sudan": "SD",
    "bahrain": "BH",
    "oman": "OM",
}


def package_documents():
    """(country record, document record) for every document of passport-photo-specs, in package order."""
    import passport_photo_specs

    return [(country, doc) for country in passport_photo_specs.countries() for doc in country["documents"]]


def package_version():
    import passport_photo_specs

    return passport_photo_specs.__version__


def px_of(mm, dpi):
    return round(mm / MM_PER_INCH * dpi)


def _package_size(doc):
    """Size in mm and px at the package's dpi; when its mm and px disagree, its px (exact inches) wins."""
    dpi = doc["dpi"]
    mm = (float(doc["widthMm"]), float(doc["heightMm"]))
    px = (int(doc["widthPx"]), int(doc["heightPx"]))
    if any(abs(px_of(m, dpi) - p) > 1 for m, p in zip(mm, px)):
        mm = tuple(round(p / dpi * MM_PER_INCH, 1) for p in px)  # 51 mm "2x2 in" at 600 px is 50.8 mm
    return mm, px, dpi


def _document_kind(name):
    return "digital" if name.lower().replace("-", "").startswith(("evisa", "e visa", "evoa")) else "print"


def from_package(country, doc):
    mm, px, dpi = _package_size(doc)
    return {
        "slug": doc["id"],
        "country": country["name"],
        "country_code": ISO2[country["id"]],
        "document": doc["name"],
        "kind": _document_kind(doc["name"]),
        "mm": list(mm),
        "dpi": dpi,
        "px": list(px),
        "bg_color": doc["bgColor"].lstrip("#").upper(),
        "bg_name": doc["bgColorLabel"],
        "head_height_mm": None,
        "eyes_from_bottom_mm": None,
        "head_top_mm": None,
        "face_width_px": None,
        "file_size_bytes": None,
        # A government document: retouching and a changed outfit misrepresent the holder.
        "forbidden_edits": sorted(GOV),
        "forbidden_reason": "identity photos must show the holder as they are, without retouching",
        "source_url": "",
        "checked": CHECKED,
        "notes": "Size and background colour from the passport-photo-specs data set; no head band recorded. "
        "Published rules: " + "; ".join(doc.get("requirements", [])),
        "package_doc": doc["id"],
    }


def from_official(entry, package_doc=None, package_country=None):
    dpi = entry.get("dpi") or (package_doc["dpi"] if package_doc else 300)
    mm = entry.get("mm")
    px = entry.get("px") or [px_of(v, dpi) for v in mm]
    bg_color = entry.get("bg_color") or package_doc["bgColor"].lstrip("#").upper()
    bg_name = entry.get("bg_name") or package_doc["bgColorLabel"]
    face_width_px = entry.get("face_width_px")
    if face_width_px is None and entry.get("face_width"):
        face_width_px = [px_of(v, dpi) for v in entry["face_width"]]  # nearest: shown back in mm
    notes = entry["notes"]
    if entry.get("memory"):
        notes += " (Band entered from the authority's published rule as known; not in the packaged data.)"
    return {
        "slug": entry["slug"],
        "country": entry["country"],
        "country_code": entry["country_code"],
        "document": entry["document"],
        "kind": entry["kind"],
        "mm": list(mm) if mm else None,
        "dpi": dpi,
        "px": list(px),
        "bg_color": bg_color,
        "bg_name": bg_name,
        "head_height_mm": _band(entry.get("head")),
        "eyes_from_bottom_mm": _band(entry.get("eyes")),
        "head_top_mm": _band(entry.get("head_top")),
        "face_width_px": list(face_width_px) if face_width_px else None,
        "file_size_bytes": list(entry["file_size"]) if entry.get("file_size") else None,
        "forbidden_edits": sorted(entry["forbidden"]),
        "forbidden_reason": UNALTERED_WHY if entry["forbidden"] else "",
        "source_url": entry["source_url"],
        "checked": CHECKED,
        "notes": notes,
        "package_doc": entry.get("pkg"),
    }


def _band(band):
    return [float(band[0]), float(band[1])] if band else None


def _existing_ids(path):
    if not path.exists():
        return {}
    return {row["slug"]: row["id"] for row in json.loads(path.read_text(encoding="utf-8"))["specs"]}


def build(existing_ids=None):
    """The catalogue as a dict ready to be written as JSON."""
    existing_ids = existing_ids or {}
    docs = package_documents()
    by_package_id = {doc["id"]: (country, doc) for country, doc in docs}
    rows = []
    for entry in OFFICIAL:
        country, doc = by_package_id.get(entry.get("pkg"), (None, None))
        if entry.get("pkg") and doc is None:
            raise SystemExit(f"official entry {entry['slug']}: package document {entry['pkg']} not found")
        rows.append({"id": entry["id"], **from_official(entry, doc, country)})
    replaced = {entry.get("pkg") for entry in OFFICIAL}
    next_id = max([FIRST_PACKAGE_ID - 1, *existing_ids.values()]) + 1
    for country, doc in docs:
        if doc["id"] in replaced:
            continue
        spec_id = existing_ids.get(doc["id"])
        if spec_id is None:
            spec_id, next_id = next_id, next_id + 1
        rows.append({"id": spec_id, **from_package(country, doc)})
    rows.sort(key=lambda row: row["id"])
    return {
        "generated_by": "engine/specs/build.py",
        "package": f"passport-photo-specs {package_version()}",
        "package_documents": len(docs),
        "specs": rows,
    }


def render(catalogue):
    return json.dumps(catalogue, ensure_ascii=False, indent=1) + "\n"


def main(argv):
    text = render(build(_existing_ids(CATALOGUE)))
    if "--check" in argv:
        current = CATALOGUE.read_text(encoding="utf-8") if CATALOGUE.exists() else ""
        if current != text:
            print("engine/specs/catalogue.json is out of date: run python -m engine.specs.build")
            return 1
        print("catalogue.json is up to date")
        return 0
    CATALOGUE.write_text(text, encoding="utf-8")
    print(f"wrote {CATALOGUE} ({len(json.loads(text)['specs'])} specs)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
