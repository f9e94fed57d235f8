"""The engine catalogues' English texts as msgids: each document spec's notes and forbidden_reason, and the
outfit names.

The engine has no Django, so the message extraction (`python -m idphoto_site.locales update`) cannot see
the texts in engine/specs; this module lists every distinct one with gettext_noop so they reach the
catalogues, and photos/wording.py `known` shows them with gettext. tests/test_i18n.py fails when a
catalogue holds a text that is not listed here: run `python -m photos.spec_texts`, then update the catalogues.
"""


def gettext_noop(text):
    """Django's gettext_noop (marks a msgid, returns it unchanged), without needing the settings, so that
    `python -m photos.spec_texts` runs as it is."""
    return text


FORBIDDEN_REASONS = (
    gettext_noop('identity photos must show the holder as they are, without retouching'),
    gettext_noop('the authority refuses digitally altered photos'),
)
NOTES = (
    gettext_noop("22x32 mm (260x378 px at 300 dpi), e.g. driving licences in some provinces. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop('2x2 in print (e.g. DS-260 immigrant visa interviews). Same head and eye bands as the passport.'),
    gettext_noop('2x2 in. Head 1 to 1 3/8 in (25-35 mm) from the chin to the top of the hair; eyes 1 1/8 to 1 3/8 in (28-35 mm) above the bottom edge. No filters or digital alteration; no glasses.'),
    gettext_noop("33x48 mm (390x567 px at 300 dpi); some shops call it 'small 2-inch'. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop('35-40 mm wide, 45-50 mm high; chin to top of the head (not the hair) 32-36 mm.'),
    gettext_noop("35x45 mm (413x531 px at 300 dpi), the size many visa and exam forms ask for. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop('50x70 mm, chin to crown 31-36 mm, taken by a commercial photographer; no editing of any kind, so the original plain background is kept.'),
    gettext_noop('At least 35x45 mm, chin to crown 31-36 mm, plain white or light background.'),
    gettext_noop('Chin to crown 26-30 mm from age 11; face width 16-20 mm; printed at 400 dpi or more.'),
    gettext_noop("Chin to crown 32-36 mm; most applications now use a digital photo (900x1200 to 4500x6000 px). (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop('Chin to top of the skull (hair excluded) 32-36 mm; approved photographer or booth.'),
    gettext_noop('Exactly 600x600 px JPEG, at most 240 kB; head 50-69 % of the image height.'),
    gettext_noop("Exam registration portals (e.g. the teacher qualification exam) ask for a 295x413 px JPEG on a white background, at most 200 kB. Check the current exam notice. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop("Exit-entry document photo guide: 33x48 mm, head 28-33 mm long and 21-24 mm wide, 3-5 mm from the top of the head to the top edge, at least 7 mm below the chin, white background. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop("Face (chin to crown) 34 +- 2 mm, 4 +- 2 mm of space above the head. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop('Fotomustertafel: chin to top of the head (hair ignored) 32-36 mm; only photos under 27 or over 40 mm are rejected outright. Since May 2025 photos are submitted digitally by certified photographers.'),
    gettext_noop("GA 461 photo: 358x441 px at 350 dpi (26x32 mm), head width 207 +- 14 px, white background. The police station takes the photo itself in most places; this is for the digital submissions. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop("German missions ask for ICAO / Schengen photos: head 32-36 mm. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop("Head (crown to chin) 32-36 mm, white background, taken within 6 months. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop('Head 28-33 mm high and 15-22 mm wide, 3-5 mm below the top edge, chin at least 7 mm above the bottom; white or near-white background, ears visible.'),
    gettext_noop('Head 29-34 mm from the chin to the crown; plain cream or light grey background; unaltered.'),
    gettext_noop("Head from the chin to the crown 3.2-3.6 cm. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop("ICAO 9303 photo: chin to crown 32-36 mm on 35x45 mm, light plain background. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop("ICAO photo: face (chin to crown) 70-80 % of the height, i.e. 32-36 mm. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop("Paper visa and consular applications in the United States use 2x2 in photos with the US head and eye bands. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop('Same Fotomustertafel as the passport.'),
    gettext_noop("Same photo format as the passport: 50x70 mm, head 31-36 mm. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop("Same photo standard as the passport. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop('Same rules as the passport.'),
    gettext_noop("Same size and head band as the passport. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop("Schengen / ICAO photo, head 32-36 mm. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size for PSK application in India: 35×45 mm; Size for US / UK / Canada visa applications via VFS: 51×51 mm (2×2 inch); Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Face must cover 70-80% of frame; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 25×35 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 26×32 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 2×2 inch (51×51 mm); Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 30×40 mm (3×4 cm); Plain RED background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Head centered and straight; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 30×40 mm (3×4 cm); Plain light grey background; Neutral expression; Both eyes open and visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 30×40 mm (3×4 cm); Plain white background; Neutral expression, mouth closed; Both eyes open and visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 30×40 mm; Plain light grey background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 30×40 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 33×48 mm; Plain light grey background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×40 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm (3.5×4.5 cm); Plain light grey background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm (biometric); Plain light grey or white background; Neutral expression; Eyes open; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm; Plain cream or light grey background; Neutral expression; Eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm; Plain light blue background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm; Plain light grey background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm; Plain light grey background; Neutral expression; Both eyes open and visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm; Plain light grey or white background; Neutral expression; Both eyes open and visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Face centered, looking straight at camera; File size optimized for NVSP upload'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Face centered, looking straight at camera; File size typically 20-50 KB for online RTO upload'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Head centered, facing camera directly; Face should cover 70 - 80% of frame; Taken within the last 6 months; No shadows on face or background'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Head straight and centered; Face must cover 70 - 80% of the frame; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and visible; No glasses; Head centered, no tilt; Face height 32 - 36 mm from chin to crown; Taken within the last 6 months; No shadows on face or background'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm; Plain white background; Neutral expression; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm; Plain white background; Neutral expression; Eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm; Plain white or light grey background; Neutral expression, mouth closed; Eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×45 mm; Plain white or light grey background; Neutral expression; Eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 35×50 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 36×47 mm (unique Finnish format); Plain grey background - lighter for dark hair, medium for light hair; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Head centered and straight; Face must cover 70 - 80% of frame; Taken within the last 6 months; ICAO biometric compliant'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 36×47 mm; Plain grey background; Neutral expression; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 38×48 mm; Plain light grey background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 38×48 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 40×40 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 40×50 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 40×60 mm (4×6 cm); Plain RED background - mandatory for Indonesian passport; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Head centered and straight; Face must cover 70 - 80% of frame; No shadows on face or background; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 40×60 mm (4×6 cm); Plain RED background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Head centered and straight; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 40×60 mm equivalent (400×600 px upload); Plain RED background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 40×60 mm equivalent; Plain RED background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 40×60 mm; Plain light blue background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 40×60 mm; Plain light grey background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 40×60 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Head centered and straight; Taken within the last 6 months; No shadows on face or background'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 40×60 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 43×55 mm; Plain light grey background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 43×55 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 45×45 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 45×55 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 50×60 mm; Plain light grey background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 50×60 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and clearly visible; No glasses; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 50×70 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and visible; No glasses; Head centered and straight; Face must occupy 70 - 80% of the frame; Taken within the last 6 months'),
    gettext_noop('Size and background colour from the passport-photo-specs data set; no head band recorded. Published rules: Size: 50×70 mm; Plain white background; Neutral expression, mouth closed; Both eyes open and visible; No glasses; Taken within the last 6 months'),
    gettext_noop("Square JPEG between 350 and 1000 px, 10 kB to 1 MB, plain white background. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop('Square JPEG, 600x600 px here (600 to 1200 px accepted), at most 240 kB. Head 50-69 % and eyes 56-69 % of the image height above the bottom (bands here in mm at 300 dpi).'),
    gettext_noop("The common Chinese 1-inch size (295x413 px at 300 dpi) used for résumés, exams and many forms. No authority band: the head is placed by the engine's defaults. White, blue or red backgrounds are all common; check what the form asks for. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop("The common Chinese 2-inch size (413x579 px at 300 dpi). Some shops call 35x53 mm '2-inch' too. (Band entered from the authority's published rule as known; not in the packaged data.)"),
    gettext_noop("USCIS forms ask for the State Department's 2x2 in passport-style photo. (Band entered from the authority's published rule as known; not in the packaged data.)"),
)

OUTFIT_NAMES = (
    gettext_noop('Navy suit, white shirt, red tie'),
    gettext_noop('Charcoal suit, white shirt, striped navy tie'),
    gettext_noop('Black suit, white shirt, black tie'),
    gettext_noop('Grey suit, light blue shirt, burgundy tie'),
    gettext_noop('Navy suit, light blue shirt, open collar'),
    gettext_noop('Black suit, white shirt, open collar'),
    gettext_noop('Beige suit, white shirt, brown tie'),
    gettext_noop('Brown suit, cream shirt, green tie'),
    gettext_noop('Navy peak-lapel suit, white shirt, silver tie'),
    gettext_noop('Black dinner jacket, bow tie'),
    gettext_noop('White shirt, navy tie'),
    gettext_noop('Light blue shirt, navy striped tie'),
    gettext_noop('White shirt, open collar'),
    gettext_noop('Light blue shirt, open collar'),
    gettext_noop('Pink shirt, grey tie'),
    gettext_noop('Grey suit, white shirt, open collar'),
    gettext_noop('Charcoal peak-lapel suit, white shirt, red striped tie'),
    gettext_noop('Navy blazer, white shirt, striped burgundy tie'),
    gettext_noop('Black shirt, open collar'),
    gettext_noop('Grey V-neck sweater, white shirt, navy tie'),
    gettext_noop('Black blazer, white round-neck top'),
    gettext_noop('Navy blazer, white V-neck top'),
    gettext_noop('Grey blazer, white open-collar shirt'),
    gettext_noop('Beige blazer, black round-neck top'),
    gettext_noop('White blazer, black V-neck top'),
    gettext_noop('Burgundy blazer, cream top'),
    gettext_noop('Black collarless jacket, white top'),
    gettext_noop('Navy blazer, light blue shirt'),
    gettext_noop('White open-collar blouse'),
    gettext_noop('Light blue open-collar blouse'),
    gettext_noop('Black round-neck top'),
    gettext_noop('Cream V-neck blouse'),
    gettext_noop('White bow blouse'),
    gettext_noop('Pink round-neck blouse'),
    gettext_noop('Navy scoop-neck top'),
    gettext_noop('Grey scoop-neck top'),
    gettext_noop('Teal blazer, white top'),
    gettext_noop('Camel blazer, white shirt'),
    gettext_noop('Black shawl-collar blazer, white top'),
    gettext_noop('Red V-neck blouse'),
    gettext_noop('White shirt'),
    gettext_noop('Light blue shirt'),
    gettext_noop('Navy polo'),
    gettext_noop('White polo'),
    gettext_noop('Red polo'),
    gettext_noop('School blazer, striped tie (navy)'),
    gettext_noop('School blazer, striped tie (green)'),
    gettext_noop('School sweater, white shirt, navy tie'),
    gettext_noop('White shirt, red tie'),
    gettext_noop('Navy cardigan, white round-collar blouse'),
)


def catalogue_texts():
    """(forbidden reasons, notes): the distinct non-empty texts of the engine's spec catalogue, sorted."""
    from engine import specs

    every = specs.all_specs()
    return (
        sorted({spec.forbidden_reason for spec in every if spec.forbidden_reason}),
        sorted({spec.notes for spec in every if spec.notes}),
    )


def write():
    """Rewrite this module's lists from the engine's spec and outfit catalogues."""
    import re
    from pathlib import Path

    from engine.outfits.catalog import OUTFITS

    path = Path(__file__)
    reasons, notes = catalogue_texts()
    outfits = [outfit.name for outfit in OUTFITS.values()]

    def listed(texts):
        return "".join(f"    gettext_noop({text!r}),\n" for text in texts)

    source = path.read_text(encoding="utf-8")
    source = re.sub(r"(?s)FORBIDDEN_REASONS = \(\n.*?\n\)\n", lambda m: f"FORBIDDEN_REASONS = (\n{listed(reasons)})\n", source, 1)
    source = re.sub(r"(?s)NOTES = \(\n.*?\n\)\n", lambda m: f"NOTES = (\n{listed(notes)})\n", source, 1)
    source = re.sub(
        r"(?s)OUTFIT_NAMES = \(\n.*?\n\)\n", lambda m: f"OUTFIT_NAMES = (\n{listed(outfits)})\n", source, 1
    )
    path.write_text(source, encoding="utf-8")


if __name__ == "__main__":
    write()
