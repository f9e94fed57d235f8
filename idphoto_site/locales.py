"""The translation catalogues (locale/<lang>/LC_MESSAGES/django.po) without GNU gettext.

- `python -m idphoto_site.locales` compiles every .po to its .mo (`make run` and `make test` do it), so a fresh
  clone serves every language with nothing but the pip-installed Babel. Fuzzy and untranslated entries are
  reported and left out of the .mo (they show in English); tests/test_i18n.py fails while any exist.
- `python -m idphoto_site.locales update` extracts the messages of the web app (Django templates through
  Django's own templatize, Python through Babel) and adds the new ones to each catalogue, untranslated, and
  marks those no longer used obsolete. The same extraction is what the test compares the catalogues with.
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCALE_DIR = REPO / "locale"
# Where the web app's user-facing text lives (the engine and the seed API speak English by contract).
SOURCES = ("templates", "photos", "accounts", "payments", "idphoto_site")
PY_KEYWORDS = {
    "_": None, "gettext": None, "gettext_lazy": None, "gettext_noop": None,
    "ngettext": (1, 2), "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2), "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3), "npgettext_lazy": ((1, "c"), 2, 3),
}
TEMPLATE_SUFFIXES = (".html", ".txt")


def catalogues(root=LOCALE_DIR):
    return sorted(root.glob("*/LC_MESSAGES/django.po"))


def read(po_path):
    from babel.messages.pofile import read_po

    with open(po_path, "rb") as handle:
        return read_po(handle, abort_invalid=True)


def problems(catalog):
    """(msgid, what is wrong) for every entry that would not be shown translated."""
    found = []
    for message in catalog:
        if not message.id:
            continue  # the header
        if message.fuzzy:
            found.append((message.id, "fuzzy"))
        elif not (all(message.string) if isinstance(message.string, (list, tuple)) else message.string):
            found.append((message.id, "untranslated"))
    return found


def _source_files(root=REPO):
    for folder in SOURCES:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if "migrations" in path.parts or "__pycache__" in path.parts:
                continue
            if path.suffix == ".py" or path.suffix in TEMPLATE_SUFFIXES:
                yield path


def extract(root=REPO):
    """{(context, msgid): (plural or None, [places])} for every message the web app's code and templates use."""
    import io

    from babel.messages.extract import extract as babel_extract
    from django.utils.translation.template import templatize

    found = {}
    for path in _source_files(root):
        text = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            # templatize keeps line numbers but not Python indentation, which Babel's tokenizer would refuse
            text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).split("\n"))
        for lineno, message, _comments, context in babel_extract(
            "python", io.BytesIO(text.encode("utf-8")), keywords=PY_KEYWORDS, options={"encoding": "utf-8"}
        ):
            singular, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
            if not singular:
                continue
            entry = found.setdefault((context, singular), (plural, []))
            entry[1].append(f"{path.relative_to(root)}:{lineno}")
    return found


def update(root=REPO):
    """Add new messages to every catalogue (untranslated) and mark unused ones obsolete."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    template = Catalog(project="idphoto", charset="utf-8")
    for (context, msgid), (plural, places) in sorted(extract(root).items(), key=lambda item: item[1][1][0]):
        key = (msgid, plural) if plural else msgid
        template.add(key, context=context, locations=[(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1])) for p in places])
    for po_path in catalogues(root / "locale"):
        catalog = read(po_path)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.fuzzy = False  # the header; entries keep their own flags
        with open(po_path, "wb") as handle:
            write_po(handle, catalog, width=110, ignore_obsolete=True, include_lineno=False)
        print(f"updated {po_path}")


def compile_one(po_path, mo_path=None):
    from babel.messages.mofile import write_mo

    catalog = read(po_path)
    mo_path = Path(mo_path or Path(po_path).with_suffix(".mo"))
    with open(mo_path, "wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    return problems(catalog)


def main(paths):
    if paths[:1] == ["update"]:
        import os

        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idphoto_site.settings")
        django.setup()  # templatize reads the template engine's settings
        return update()
    for po_path in [Path(p) for p in paths] or catalogues():
        for msgid, what in compile_one(po_path):
            print(f"{po_path}: {what}: {msgid!r}", file=sys.stderr)
        print(f"compiled {po_path.with_suffix('.mo')}")


if __name__ == "__main__":
    main(sys.argv[1:])
