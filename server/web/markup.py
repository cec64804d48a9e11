"""The dossier's repeated pieces as HTML: the photo cards, the photos on the site map, and the
timeline's sentences. Built in Python with every value escaped, because a dossier may have
hundreds of photos and a Jinja loop over them costs several times more than the rest of the
page (docs/benchmarks.md)."""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for
from markupsafe import Markup, escape

from server.evidence.models import PhotoStatus
from server.web import i18n, labels
from server.web.dossier import Dossier, Event, worst_severity
from server.web.rendering import when
from server.web.sitemap import SiteMap

SENTINEL = 987654321


def _id_url(endpoint: str) -> Callable[[int], str]:
    """``url_for(endpoint, photo_id=n)`` for many n at the cost of one ``url_for``."""
    pattern = url_for(endpoint, photo_id=SENTINEL)
    head, tail = pattern.split(str(SENTINEL))
    return lambda n: f"{head}{n}{tail}"


def gallery(built: Dossier) -> Markup:
    """The photo cards: thumbnail, number and time taken, who took it for which item, its
    warnings and critical flags. Built as escaped strings, like the map's marks: a dossier
    may have hundreds of photos, and a template loop costs several times more."""
    photo_url, thumbnail_url = _id_url("web.photo"), _id_url("web.thumbnail")
    english = i18n.language() == "en"  # asked once, not once per photo
    refused = escape(i18n.t("dossier.rejected_photo"))
    cards = []
    for p in built.photos:
        flags = [(f.severity, labels.finding_name(f.code)[english],
                  labels.words(f.message_en if english else f.message_zh, english))
                 for f in p.findings if f.severity != "info"]  # fmt: skip
        if p.status != PhotoStatus.accepted:
            flags.insert(
                0, ("critical", str(refused), labels.finding_name(p.rejection_code)[english])
            )
            picture = f'<span class="noimg">{refused}</span>'
        else:
            picture = (
                f'<img src="{escape(thumbnail_url(p.id))}" alt="#{p.id}" loading="lazy" '
                'width="320" height="240">'
            )
        worst = worst_severity(p)
        css = f"thumb flag-{escape(worst)}" if worst else "thumb"
        taken = when(p.exif_taken_at) if p.exif_taken_at else "—"
        item = labels.photo_item_name(p.item)[english] if p.item else ""
        byline = escape(built.name(p.inspector_id) + (f" · {item}" if item else ""))
        marks = "".join(
            f'<span class="sev sev-{escape(severity)}" title="{escape(message)}">'
            f"{escape(code)}</span>"
            for severity, code, message in flags
        )
        cards.append(
            f'<a class="{css}" href="{escape(photo_url(p.id))}" data-photo="{p.id}">{picture}'
            f'<div class="meta"><div><b>#{p.id} · {escape(taken)}</b></div>'
            f'<div class="muted">{byline}</div>'
            + (f'<div class="flags">{marks}</div>' if marks else "")
            + "</div></a>"
        )
    return Markup("\n".join(cards))


def map_marks(site_map: SiteMap | None, place_names: dict[str, str]) -> Markup:
    """The photos on the site map as SVG: accuracy circles first (under every pin), then the
    pins, each a link to its photo. Built here rather than in the template, as plain strings
    of numbers and escaped names: one dossier may put hundreds of photos on its map."""
    if site_map is None:
        return Markup("")
    photo_url = _id_url("web.photo")
    names = {place: escape(name) for place, name in place_names.items()}
    circles, pins = [], []
    for pin in site_map.pins:
        place = escape(pin.place)
        if pin.r > 0 and not pin.off_map:
            circles.append(f'<circle class="acc {place}" cx="{pin.x}" cy="{pin.y}" r="{pin.r}"/>')
        far = ""
        if pin.off_map or pin.place == "outside":  # as the photo page says it (one function)
            far = " · " + i18n.t("dossier.map.distance", m=round(pin.distance_m))
        label = ""
        if pin.off_map or pin.place == "outside":
            left = pin.x > site_map.width - 90
            x, anchor = (pin.x - 8, "end") if left else (pin.x + 8, "start")
            label = (
                f'<text x="{x}" y="{pin.y - 8}" text-anchor="{anchor}">#{pin.photo_id}{far}</text>'
            )
        radius = 6 if pin.place == "outside" else 4.5
        pins.append(
            f'<a href="{escape(photo_url(pin.photo_id))}"><circle class="pin {place}" '
            f'cx="{pin.x}" cy="{pin.y}" r="{radius}" data-photo="{pin.photo_id}" '
            f'data-place="{place}"><title>#{pin.photo_id} · {names[pin.place]}{far}</title>'
            f"</circle>{label}</a>"
        )
    return Markup("\n".join([*circles, *pins]))


def say(dossier: Dossier, event: Event) -> str:
    """A timeline event in the page's language."""
    fields = {}
    for name, value in event.fields.items():
        if isinstance(value, tuple) and value and value[0] == "@user":
            fields[name] = dossier.name(value[1])
        elif isinstance(value, tuple) and value and value[0] == "@action":
            fields[name] = i18n.action_label(value[1])
        elif isinstance(value, tuple) and value and value[0] == "@inspection_status":
            fields[name] = i18n.inspection_status_label(value[1])
        elif isinstance(value, tuple) and value and value[0] == "@statuses":
            parts = (f"{i18n.inspection_status_label(k)} {n}" for k, n in value[1])
            fields[name] = i18n.pick("，", ", ").join(parts)
        elif isinstance(value, tuple) and value and value[0] in ("@outcome", "@decision_status"):
            prefix = "outcome" if value[0] == "@outcome" else "decision_status"
            fields[name] = i18n.t(f"{prefix}.{value[1]}")
        elif isinstance(value, tuple) and len(value) == 2:
            fields[name] = i18n.pick(*value)
        else:
            fields[name] = value
    return i18n.t(event.key, **fields)
