"""Three languages: every message the web app uses is in each catalogue, translated and not fuzzy; the
catalogues compile without GNU gettext; Accept-Language, the switcher, <html lang> and e-mails follow."""

import pytest
from django.conf import settings
from django.core import mail as outbox_mail
from django.test import Client
from django.utils import translation

from idphoto_site import locales
from photos import mail, queue, report, services, wording
from photos.models import UserLanguage

from .a11y_support import CHECKS
from .photos_support import make_upload, make_user
from .test_photos_views import client_for

LANGUAGES = [code for code, _ in settings.LANGUAGES if code != "en"]


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request in another language leaves it active in this thread: later tests expect the default."""
    yield
    translation.deactivate()


def catalogue(code):
    return locales.LOCALE_DIR / translation.to_locale(code) / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_has_every_message_translated_and_nothing_fuzzy(code):
    problems = locales.problems(locales.read(catalogue(code)))
    assert not problems, f"{len(problems)} entries: {problems[:10]}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_has_every_message_the_code_uses_in_the_catalogue(code):
    used = locales.extract()
    present = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in locales.read(catalogue(code)) if m.id}
    missing = sorted(set(used) - present)
    assert not missing, "run `python -m idphoto_site.locales update` and translate: " + "; ".join(
        f"{msgid!r} ({used[(ctx, msgid)][1][0]})" for ctx, msgid in missing[:15]
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_compiles_the_catalogue_with_python_only(code, tmp_path):
    target = tmp_path / "django.mo"
    assert locales.compile_one(catalogue(code), target) == []
    assert target.stat().st_size > 10_000


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "lang", "words"),
    [("zh-CN,zh;q=0.9", "zh-Hans", "护照"), ("es-ES,es;q=0.8", "es", "Fotos de pasaporte"), ("en-GB", "en", "Passport")],
)
def test_it_honours_accept_language_and_sets_html_lang(accept, lang, words):
    html = Client(HTTP_ACCEPT_LANGUAGE=accept).get("/").content.decode()
    assert f'<html lang="{lang}">' in html
    assert words in html


@pytest.mark.django_db
def test_it_switches_language_and_remembers_it_for_e_mails(monkeypatch, mailoutbox):
    monkeypatch.setattr(queue, "enqueue_order", lambda order_id: None)
    owner, staff = make_user("ana", credits=20), make_user("sam", staff=True)
    client = client_for(owner)
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/my/"}, follow=True)
    assert '<html lang="es">' in response.content.decode() and "Mis fotos" in response.content.decode()
    assert UserLanguage.objects.get(user=owner).code == "es"
    order, _ = services.create_paid_order(owner, make_upload(owner), {"format": "png"}, 6, "k")
    with translation.override("en"):  # the staff member works in English
        services.reject(order, staff, "Ojos cerrados.")
    message = outbox_mail.outbox[-1]
    with translation.override("es"):
        assert message.subject == str(mail.SUBJECTS["rejected"])
    assert message.subject != "Your ID photo needs a new picture" and "Ojos cerrados." in message.body


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_words_the_compliance_report_and_documents_in_each_language(code):
    from engine import specs

    germany = next(s for s in specs.all_specs() if s.country_code == "DE" and s.document == "Passport")
    with translation.override("en"):
        english = [report.for_people(c) for c in CHECKS]
    with translation.override(code):
        shown = [report.for_people(c) for c in CHECKS]
        title = wording.spec_title(germany)
    for there, here in zip(english, shown, strict=True):
        assert here["verdict"] != there["verdict"] and here["name"] != there["name"], here
        assert here["fix"] != there["fix"] or not there["fix"], here
    assert title != "Germany passport" and ("德国" in title or "Alemania" in title)


def engine_warnings():
    """Every sentence the engine passes to ctx.warn, an f-string's values replaced by a sample number."""
    import ast
    from pathlib import Path

    import engine

    found = []
    for path in Path(engine.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "warn" and node.args:
                found.append(_sample_text(node.args[0]))
    return [text for text in found if any(c.isalpha() for c in text)]


def _sample_text(node):
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_sample_text(part) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # "text: " + " ".join(chars) + "."
        return _sample_text(node.left) + _sample_text(node.right)
    return "7"  # a value filled in at run time


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_shows_every_engine_warning_in_the_readers_language(code):
    warnings = engine_warnings()
    assert len(warnings) >= 15, warnings  # the AST walk found the engine's warnings, not nothing
    with translation.override(code):
        untranslated = [text for text in warnings if wording.known(text) == text]
        enlarged = wording.known(
            "The photo is small for this size: it was enlarged 1.4 times, so the ID photo may look soft. "
            "A larger or closer photo gives a sharper result."
        )
    assert not untranslated, untranslated
    assert "1.4" in enlarged and "enlarged" not in enlarged


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, query", [("zh-hans", "德国护照"), ("es", "pasaporte alemania"), ("en", "germany passport")]
)
def test_it_finds_documents_by_their_name_in_the_readers_language(code, query):
    client = client_for(make_user("lin"))
    client.post("/i18n/setlang/", {"language": code, "next": "/"})
    html = client.get("/documents/", {"q": query}).content.decode()
    with translation.override(code):
        germany = next(s for s in wording.search_specs("", limit=None) if s.country_code == "DE" and s.document == "Passport")
        assert f"<b>{wording.spec_title(germany)}</b>" in html  # a result, not the query echoed


@pytest.mark.django_db
def test_it_finds_no_document_for_a_word_no_title_holds():
    client = client_for(make_user("lin"))
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert 'class="spec-item"' not in client.get("/documents/", {"q": "火星护照"}).content.decode()


def test_it_lists_every_spec_text_of_the_catalogue_for_translation():
    from engine import specs
    from photos import spec_texts

    every = specs.all_specs()
    texts = {spec.notes for spec in every} | {spec.forbidden_reason for spec in every}
    missing = sorted(text for text in texts - set(spec_texts.NOTES) - set(spec_texts.FORBIDDEN_REASONS) if text)
    assert not missing, "run `python -m photos.spec_texts`, then update and translate the catalogues: " + repr(missing[:5])


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_shows_the_spec_notes_and_forbidden_reasons_in_the_readers_language(code):
    from engine import specs
    from photos import options

    every = specs.all_specs()
    texts = sorted(({spec.notes for spec in every} | {spec.forbidden_reason for spec in every}) - {""})
    refusing = next(spec for spec in every if spec.forbidden_reason)
    with translation.override(code):
        untranslated = [text for text in texts if wording.known(text) == text]
        reason = options.edit_reason(refusing, "beauty")
    assert len(texts) >= 80 and not untranslated, untranslated[:5]
    assert refusing.forbidden_reason.rstrip(".") not in reason


def test_it_names_chinas_photo_sizes_in_the_readers_language():
    from engine import specs

    sizes = [spec for spec in specs.all_specs() if spec.country == "China" and "inch" in spec.document]
    assert len(sizes) >= 5
    with translation.override("zh-hans"):
        chinese = {wording.spec_title(spec) for spec in sizes}
    with translation.override("es"):
        spanish = {wording.spec_title(spec) for spec in sizes}
    assert "中国一寸照" in chinese and "中国小二寸照" in chinese
    assert "Foto de 1 pulgada de China" in spanish
    assert not any("inch" in title for title in chinese | spanish)


def test_it_lists_every_outfit_name_for_translation():
    from engine.outfits.catalog import OUTFITS
    from photos import spec_texts

    missing = [outfit.name for outfit in OUTFITS.values() if outfit.name not in spec_texts.OUTFIT_NAMES]
    assert not missing, "run `python -m photos.spec_texts`, then update and translate the catalogues: " + repr(missing[:5])


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_it_names_the_outfits_in_the_readers_language_on_the_options_page(code):
    from engine.outfits.catalog import OUTFITS

    owner = make_user("lin", credits=30)
    upload = make_upload(owner)
    client = client_for(owner)
    client.post("/i18n/setlang/", {"language": code, "next": "/"})
    html = client.get(f"/u/{upload.code}/").content.decode()
    with translation.override(code):
        names = {outfit_id: wording.outfit_name(outfit_id) for outfit_id in OUTFITS}
    assert all(names[outfit_id] != outfit.name for outfit_id, outfit in OUTFITS.items()), "an outfit left in English"
    for outfit_id in ("man_1", "woman_15", "child_10"):
        assert f'data-outfit="{outfit_id}" title="{names[outfit_id]}"' in html and OUTFITS[outfit_id].name not in html


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_it_shows_the_rules_and_the_reason_on_the_document_card_in_the_readers_language(code):
    from django.utils.html import escape

    from engine import specs

    spec = next(s for s in specs.all_specs() if s.notes and s.forbidden_reason)
    client = client_for(make_user("lin"))
    client.post("/i18n/setlang/", {"language": code, "next": "/"})
    html = client.get(f"/documents/{spec.id}/").content.decode()
    with translation.override(code):
        notes, reason = wording.known(spec.notes), wording.known(spec.forbidden_reason)
    assert escape(notes) in html and escape(spec.notes) not in html
    assert escape(reason.rstrip(".")) in html and escape(spec.forbidden_reason) not in html
