"""Hand-entered document rules with the bands the authorities publish (input of `build.py`).

Only sizes and background colours are taken from the package `passport-photo-specs`; every band below
(head height chin-to-crown, eye line above the bottom edge, margin above the head, face width) is entered
here by hand from the authority's published rules, with the page it comes from. `checked` is the day the
figure was compared with the package `passport-photo-specs-data` (22 entries with source pages and head
heights) and with the authority's rule as known; `memory` marks figures that could not be compared with
any packaged source here and come from the authority's published rules as remembered: re-check those
first when a page can be fetched.

Keys: `id` is the stable spec id (never reuse or renumber). `pkg` names the document of
`passport-photo-specs` this entry replaces (its size and background colour are used unless given here).
Lengths are in millimetres; `face_width_px` is used only where the authority gives pixels.
"""

CHECKED = "2026-11-25"
US_INCH = 25.4
# The US rules are in inches: head 1 to 1 3/8 in, eyes 1 1/8 to 1 3/8 in above the bottom edge.
US_HEAD = (round(1 * US_INCH, 1), round(1.375 * US_INCH, 1))
US_EYES = (round(1.125 * US_INCH, 1), round(1.375 * US_INCH, 1))
US_SQUARE = (round(2 * US_INCH, 1), round(2 * US_INCH, 1))
ICAO_HEAD = (32.0, 36.0)  # 70-80 % of a 45 mm photo, the Schengen / ICAO 9303 figure on a 35x45 photo
GOV = frozenset({"beauty", "outfit"})
UNALTERED = frozenset({"beauty", "outfit", "background"})
CONSUMER = frozenset()

US_STATE_PASSPORT = "https://travel.state.gov/content/travel/en/passports/how-apply/photos.html"
US_STATE_VISA = "https://travel.state.gov/content/travel/en/us-visas/visa-information-resources/photos.html"
US_STATE_DIGITAL = (
    "https://travel.state.gov/content/travel/en/us-visas/visa-information-resources/photos/"
    "digital-image-requirements.html"
)
SCHENGEN_URL = "https://home-affairs.ec.europa.eu/policies/schengen-borders-and-visa/visa-policy_en"
DE_URL = "https://www.bundesdruckerei-gmbh.de/files/dokumente/pdf/fotomustertafel-300dpi.pdf"
FR_URL = "https://www.service-public.gouv.fr/particuliers/vosdroits/F10619"
UK_URL = "https://www.gov.uk/photos-for-passports"
CN_NIA_URL = "https://www.nia.gov.cn/"
CA_PASSPORT_URL = "https://www.canada.ca/en/immigration-refugees-citizenship/services/canadian-passports/photos.html"
CA_TRV_URL = (
    "https://www.canada.ca/en/immigration-refugees-citizenship/services/application/application-forms-guides/"
    "temporary-resident-visa-application-photograph-specifications.html"
)
UNALTERED_WHY = "the authority refuses digitally altered photos"

OFFICIAL = [
    # --- Common Chinese sizes (consumer and exam photos: every edit is allowed) ---
    dict(
        id=1, slug="cn-1-inch", country="China", country_code="CN", document="1-inch photo (一寸)", kind="print",
        mm=(25, 35), bg_color="438EDB", bg_name="Blue", forbidden=CONSUMER, source_url="", memory=True,
        notes="The common Chinese 1-inch size (295x413 px at 300 dpi) used for résumés, exams and many forms. "
        "No authority band: the head is placed by the engine's defaults. White, blue or red backgrounds are "
        "all common; check what the form asks for.",
    ),
    dict(
        id=2, slug="cn-2-inch", country="China", country_code="CN", document="2-inch photo (二寸)", kind="print",
        mm=(35, 49), bg_color="438EDB", bg_name="Blue", forbidden=CONSUMER, source_url="", memory=True,
        notes="The common Chinese 2-inch size (413x579 px at 300 dpi). Some shops call 35x53 mm '2-inch' too.",
    ),
    # --- United States ---
    dict(
        id=3, slug="us-passport", country="United States", country_code="US", document="Passport", kind="print",
        pkg="us-passport", mm=US_SQUARE, head=US_HEAD, eyes=US_EYES, forbidden=GOV, source_url=US_STATE_PASSPORT,
        notes="2x2 in. Head 1 to 1 3/8 in (25-35 mm) from the chin to the top of the hair; eyes 1 1/8 to 1 3/8 in "
        "(28-35 mm) above the bottom edge. No filters or digital alteration; no glasses.",
    ),
    dict(
        id=4, slug="us-visa", country="United States", country_code="US", document="Visa", kind="print",
        pkg="us-visa", mm=US_SQUARE, head=US_HEAD, eyes=US_EYES, forbidden=GOV, source_url=US_STATE_VISA,
        notes="2x2 in print (e.g. DS-260 immigrant visa interviews). Same head and eye bands as the passport.",
    ),
    dict(
        id=5, slug="us-visa-digital", country="United States", country_code="US", document="Visa (DS-160 digital)",
        kind="digital", mm=None, px=(600, 600), head=(25.4, 35.0), eyes=(28.5, 35.0), file_size=(None, 240_000),
        bg_color="FFFFFF", bg_name="White", forbidden=GOV, source_url=US_STATE_DIGITAL,
        notes="Square JPEG, 600x600 px here (600 to 1200 px accepted), at most 240 kB. Head 50-69 % and eyes "
        "56-69 % of the image height above the bottom (bands here in mm at 300 dpi).",
    ),
    dict(
        id=6, slug="us-dv-lottery", country="United States", country_code="US",
        document="Diversity Visa (DV lottery)", kind="digital", mm=None, px=(600, 600), head=(25.4, 35.0),
        eyes=(28.5, 35.0), file_size=(None, 240_000), bg_color="FFFFFF", bg_name="White", forbidden=GOV, source_url=US_STATE_VISA,
        notes="Exactly 600x600 px JPEG, at most 240 kB; head 50-69 % of the image height.",
    ),
    dict(
        id=7, slug="us-green-card", country="United States", country_code="US", document="Green Card",
        kind="print", pkg="us-green-card", mm=US_SQUARE, head=US_HEAD, eyes=US_EYES, forbidden=GOV,
        source_url="https://www.uscis.gov/", memory=True,
        notes="USCIS forms ask for the State Department's 2x2 in passport-style photo.",
    ),
    # --- Schengen area (Schengen visa rules follow ICAO 9303: face 70-80 % of the photo height) ---
    dict(
        id=8, slug="schengen-visa", country="Schengen / EU", country_code="EU", document="Schengen visa",
        kind="print", pkg="schengen-visa", mm=(35, 45), head=ICAO_HEAD, forbidden=GOV, source_url=SCHENGEN_URL,
        memory=True, notes="ICAO 9303 photo: chin to crown 32-36 mm on 35x45 mm, light plain background.",
    ),
    dict(
        id=9, slug="de-passport", country="Germany", country_code="DE", document="Passport", kind="print",
        pkg="germany-passport", mm=(35, 45), head=(32, 36), forbidden=GOV, source_url=DE_URL,
        notes="Fotomustertafel: chin to top of the head (hair ignored) 32-36 mm; only photos under 27 or over "
        "40 mm are rejected outright. Since May 2025 photos are submitted digitally by certified photographers.",
    ),
    dict(
        id=10, slug="de-id-card", country="Germany", country_code="DE", document="ID card (Personalausweis)",
        kind="print", pkg="germany-id-card", mm=(35, 45), head=(32, 36), forbidden=GOV,
        source_url="https://www.bundesdruckerei-gmbh.de/files/dokumente/pdf/fotomustertafel.pdf",
        notes="Same Fotomustertafel as the passport.",
    ),
    dict(
        id=11, slug="de-visa", country="Germany", country_code="DE", document="Visa (Schengen)", kind="print",
        pkg="germany-visa", mm=(35, 45), head=ICAO_HEAD, forbidden=GOV, source_url=SCHENGEN_URL, memory=True,
        notes="German missions ask for ICAO / Schengen photos: head 32-36 mm.",
    ),
    dict(
        id=12, slug="fr-passport", country="France", country_code="FR", document="Passport", kind="print",
        pkg="france-passport", mm=(35, 45), head=(32, 36), forbidden=GOV, source_url=FR_URL,
        notes="Chin to top of the skull (hair excluded) 32-36 mm; approved photographer or booth.",
    ),
    dict(
        id=13, slug="fr-id-card", country="France", country_code="FR", document="ID card (CNI)", kind="print",
        pkg="france-id-card", mm=(35, 45), head=(32, 36), forbidden=GOV, source_url=FR_URL,
        notes="Same rules as the passport.",
    ),
    dict(
        id=14, slug="fr-visa", country="France", country_code="FR", document="Visa (Schengen)", kind="print",
        pkg="france-visa", mm=(35, 45), head=ICAO_HEAD, forbidden=GOV, source_url=SCHENGEN_URL, memory=True,
        notes="Schengen / ICAO photo, head 32-36 mm.",
    ),
    dict(
        id=15, slug="it-passport", country="Italy", country_code="IT", document="Passport", kind="print",
        pkg="italy-passport", mm=(35, 45), head=ICAO_HEAD, forbidden=GOV,
        source_url="https://www.poliziadistato.it/articolo/191", memory=True,
        notes="ICAO photo: face (chin to crown) 70-80 % of the height, i.e. 32-36 mm.",
    ),
    dict(
        id=16, slug="es-visa", country="Spain", country_code="ES", document="Visa (Schengen)", kind="print",
        pkg="spain-visa", mm=(35, 45), head=ICAO_HEAD, forbidden=GOV, source_url=SCHENGEN_URL, memory=True,
        notes="Schengen / ICAO photo, head 32-36 mm.",
    ),
    # --- United Kingdom ---
    dict(
        id=17, slug="gb-passport", country="United Kingdom", country_code="GB", document="Passport", kind="print",
        pkg="uk-passport", mm=(35, 45), head=(29, 34), forbidden=GOV, source_url=UK_URL,
        notes="Head 29-34 mm from the chin to the crown; plain cream or light grey background; unaltered.",
    ),
    dict(
        id=18, slug="gb-visa", country="United Kingdom", country_code="GB", document="Visa", kind="print",
        pkg="uk-visa", mm=(35, 45), head=(29, 34), forbidden=GOV,
        source_url="https://www.gov.uk/government/publications/photographs-for-visa-applications", memory=True,
        notes="Same size and head band as the passport.",
    ),
    # --- China (exit-entry documents share one photo standard) ---
    dict(
        id=19, slug="cn-passport", country="China", country_code="CN", document="Passport", kind="print",
        pkg="china-passport", mm=(33, 48), head=(28, 33), head_top=(3, 5), face_width=(21, 24), forbidden=GOV,
        source_url=CN_NIA_URL, memory=True,
        notes="Exit-entry document photo guide: 33x48 mm, head 28-33 mm long and 21-24 mm wide, 3-5 mm from the "
        "top of the head to the top edge, at least 7 mm below the chin, white background.",
    ),
    dict(
        id=20, slug="cn-visa", country="China", country_code="CN", document="Visa", kind="print",
        pkg="china-visa", mm=(33, 48), head=(28, 33), head_top=(3, 5), face_width=(15, 22), forbidden=GOV,
        source_url="https://www.visaforchina.cn/SYD4_EN/qianzhengyewu/jichuzhishi/changjianwenti/"
        "552371235904950309.html",
        notes="Head 28-33 mm high and 15-22 mm wide, 3-5 mm below the top edge, chin at least 7 mm above the "
        "bottom; white or near-white background, ears visible.",
    ),
    dict(
        id=21, slug="cn-hk-macao-permit", country="China", country_code="CN",
        document="Exit-entry permit to Hong Kong and Macao (港澳通行证)", kind="print", mm=(33, 48), head=(28, 33),
        head_top=(3, 5), face_width=(21, 24), bg_color="FFFFFF", bg_name="White", forbidden=GOV,
        source_url=CN_NIA_URL, memory=True, notes="Same photo standard as the passport.",
    ),
    dict(
        id=22, slug="cn-resident-id", country="China", country_code="CN", document="Resident identity card",
        kind="digital", mm=(26, 32), dpi=350, px=(358, 441), face_width_px=(193, 221), bg_color="FFFFFF",
        bg_name="White", forbidden=GOV, source_url="https://www.mps.gov.cn/", memory=True,
        notes="GA 461 photo: 358x441 px at 350 dpi (26x32 mm), head width 207 +- 14 px, white background. "
        "The police station takes the photo itself in most places; this is for the digital submissions.",
    ),
    # --- Canada (passport photos must come unaltered from a commercial photographer) ---
    dict(
        id=23, slug="ca-passport", country="Canada", country_code="CA", document="Passport", kind="print",
        pkg="canada-passport", mm=(50, 70), head=(31, 36), forbidden=UNALTERED, source_url=CA_PASSPORT_URL,
        notes="50x70 mm, chin to crown 31-36 mm, taken by a commercial photographer; no editing of any kind, so "
        "the original plain background is kept.",
    ),
    dict(
        id=24, slug="ca-pr-card", country="Canada", country_code="CA", document="Permanent resident card",
        kind="print", pkg="canada-pr-card", mm=(50, 70), head=(31, 36), forbidden=UNALTERED,
        source_url="https://www.canada.ca/en/immigration-refugees-citizenship/services/"
        "permanent-residents/card.html", memory=True,
        notes="Same photo format as the passport: 50x70 mm, head 31-36 mm.",
    ),
    dict(
        id=25, slug="ca-visa", country="Canada", country_code="CA", document="Visa (temporary resident)",
        kind="print", pkg="canada-visa", mm=(35, 45), head=(31, 36), forbidden=GOV, source_url=CA_TRV_URL,
        notes="At least 35x45 mm, chin to crown 31-36 mm, plain white or light background.",
    ),
    # --- Japan ---
    dict(
        id=26, slug="jp-passport", country="Japan", country_code="JP", document="Passport", kind="print",
        pkg="japan-passport", mm=(35, 45), head=(32, 36), head_top=(2, 6), forbidden=GOV,
        source_url="https://www.mofa.go.jp/mofaj/toko/passport/ic_photo.html", memory=True,
        notes="Face (chin to crown) 34 +- 2 mm, 4 +- 2 mm of space above the head.",
    ),
    # --- Australia, New Zealand ---
    dict(
        id=27, slug="au-passport", country="Australia", country_code="AU", document="Passport", kind="print",
        pkg="australia-passport", mm=(35, 45), head=(32, 36), forbidden=GOV,
        source_url="https://www.passports.gov.au/help/passport-photos",
        notes="35-40 mm wide, 45-50 mm high; chin to top of the head (not the hair) 32-36 mm.",
    ),
    dict(
        id=28, slug="nz-passport", country="New Zealand", country_code="NZ", document="Passport (print)",
        kind="print", pkg="nz-passport", mm=(35, 45), head=(32, 36), forbidden=GOV,
        source_url="https://www.passports.govt.nz/passport-photos/", memory=True,
        notes="Chin to crown 32-36 mm; most applications now use a digital photo (900x1200 to 4500x6000 px).",
    ),
    # --- Netherlands, Korea, Taiwan ---
    dict(
        id=29, slug="nl-passport", country="Netherlands", country_code="NL", document="Passport / ID card",
        kind="print", pkg="netherlands-passport", mm=(35, 45), dpi=400, head=(26, 30), face_width=(16, 20),
        bg_color="EEEEEE", bg_name="Light grey", forbidden=GOV,
        source_url="https://www.rijksoverheid.nl/themas/migratie-en-reizen/paspoort-en-identiteitskaart/"
        "eisen-pasfoto-paspoort-id-kaart",
        notes="Chin to crown 26-30 mm from age 11; face width 16-20 mm; printed at 400 dpi or more.",
    ),
    dict(
        id=30, slug="kr-passport", country="South Korea", country_code="KR", document="Passport", kind="print",
        pkg="south-korea-passport", mm=(35, 45), head=(32, 36), forbidden=GOV,
        source_url="https://www.passport.go.kr/", memory=True,
        notes="Head (crown to chin) 32-36 mm, white background, taken within 6 months.",
    ),
    dict(
        id=31, slug="tw-passport", country="Taiwan", country_code="TW", document="Passport", kind="print",
        pkg="taiwan-passport", mm=(35, 45), head=(32, 36), forbidden=GOV,
        source_url="https://www.boca.gov.tw/", memory=True,
        notes="Head from the chin to the crown 3.2-3.6 cm.",
    ),
    # --- India ---
    dict(
        id=32, slug="in-visa-2x2", country="India", country_code="IN", document="Visa (2x2 in, paper application)",
        kind="print", mm=US_SQUARE, head=US_HEAD, eyes=US_EYES, bg_color="FFFFFF", bg_name="White",
        forbidden=GOV, source_url="https://indianvisaonline.gov.in/", memory=True,
        notes="Paper visa and consular applications in the United States use 2x2 in photos with the US head "
        "and eye bands.",
    ),
    dict(
        id=33, slug="in-evisa", country="India", country_code="IN", document="e-Visa", kind="digital", mm=None,
        px=(600, 600), file_size=(10_000, 1_000_000), bg_color="FFFFFF", bg_name="White", forbidden=GOV,
        source_url="https://indianvisaonline.gov.in/evisa/", memory=True,
        notes="Square JPEG between 350 and 1000 px, 10 kB to 1 MB, plain white background.",
    ),
    # --- More Chinese consumer sizes ---
    dict(
        id=34, slug="cn-small-2-inch", country="China", country_code="CN", document="Small 2-inch photo (小二寸)",
        kind="print", mm=(35, 45), bg_color="438EDB", bg_name="Blue", forbidden=CONSUMER, source_url="",
        memory=True, notes="35x45 mm (413x531 px at 300 dpi), the size many visa and exam forms ask for.",
    ),
    dict(
        id=35, slug="cn-large-1-inch", country="China", country_code="CN", document="Large 1-inch photo (大一寸)",
        kind="print", mm=(33, 48), bg_color="FFFFFF", bg_name="White", forbidden=CONSUMER, source_url="",
        memory=True, notes="33x48 mm (390x567 px at 300 dpi); some shops call it 'small 2-inch'.",
    ),
    dict(
        id=36, slug="cn-small-1-inch", country="China", country_code="CN", document="Small 1-inch photo (小一寸)",
        kind="print", mm=(22, 32), bg_color="438EDB", bg_name="Blue", forbidden=CONSUMER, source_url="",
        memory=True, notes="22x32 mm (260x378 px at 300 dpi), e.g. driving licences in some provinces.",
    ),
    dict(
        id=37, slug="cn-exam-1-inch", country="China", country_code="CN", document="1-inch exam photo (考试报名)",
        kind="digital", mm=(25, 35), file_size=(None, 200_000), bg_color="FFFFFF", bg_name="White",
        forbidden=CONSUMER, source_url="", memory=True,
        notes="Exam registration portals (e.g. the teacher qualification exam) ask for a 295x413 px JPEG on a "
        "white background, at most 200 kB. Check the current exam notice.",
    ),
]
