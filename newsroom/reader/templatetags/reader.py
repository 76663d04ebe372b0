from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import dateformat, formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext

from newsroom.entities.models import Entity

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced, for paging links."""
    params = context["request"].GET.copy()
    for name, value in changes.items():
        params[name] = value
    return "?" + params.urlencode()


# Highlights are rendered here rather than by an included template per segment: an article
# page or an entity page has hundreds of them, and an include apiece dominated render time.
def _link(entity, text: str, preview: bool) -> str:
    language, prefix = get_language(), get_script_prefix()
    opening = _opening(entity.pk, entity.kind, entity.name, preview, language, prefix)
    return mark_safe(f"{opening}{conditional_escape(text)}</a>")  # noqa: S308 - escaped


@lru_cache(maxsize=20_000)
def _opening(pk: int, kind: str, name: str, preview: bool, language: str, prefix: str) -> str:
    """The <a …> of a highlight: the same for every mention of an entity on a page. The
    language (of the kind's label) and the script prefix (of the URLs) are part of the key."""
    attrs = ""
    if preview:
        attrs = format_html(
            ' data-preview="{}" aria-describedby="entity-preview"',
            reverse("reader:entity_preview", args=[pk]),
        )
    return format_html(
        '<a class="ent ent-{}" href="{}"{} title="{}: {}">',
        kind.lower(),
        reverse("reader:entity", args=[pk]),
        attrs,
        Entity.Kind(kind).label,
        name,
    )


@register.simple_tag
def entity_link(entity, text: str, preview: bool = False) -> str:
    """A highlight: the entity's kind as class, a link to its page, its kind and name as title."""
    return _link(entity, text, preview)


@register.simple_tag
def segments(segs, preview: bool = False) -> str:
    """Plain, highlighted (entity mentions) and marked (search matches) stretches of text."""
    out = []
    for seg in segs:
        if seg.mention is not None:
            out.append(_link(seg.mention.entity, seg.text, preview))
        elif seg.match:
            out.append(format_html("<mark>{}</mark>", seg.text))
        else:
            out.append(conditional_escape(seg.text))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def _time(moment) -> str:
    when = template_localtime(moment)
    return format_html(
        '<time datetime="{}">{}</time>',
        dateformat.format(when, "c"),
        formats.date_format(when, "j F Y"),
    )


@register.simple_tag
def article_meta(article, original: bool = False) -> str:
    """Source · date line of an article (as the date filter would format it); an undated
    article says so and gives when it was received, the date it is listed by. ``original``
    adds the link to the article's own page."""
    parts = []
    if article.source_id:
        parts.append(format_html("<bdi>{}</bdi>", article.source.name))
    if article.published_at:
        parts.append(_time(article.published_at))
    else:
        parts.append(
            format_html(
                '<span class="undated">{} {}</span>',
                gettext("بلا تاريخ نشر؛ وصل في"),
                _time(article.placed_at),
            )
        )
    if original and article.url:
        parts.append(
            format_html(
                '<a href="{}" rel="noopener noreferrer nofollow">{}</a>',
                article.url,
                gettext("المصدر الأصلي"),
            )
        )
    return format_html('<p class="meta">{}</p>', mark_safe(" · ".join(parts)))  # noqa: S308
