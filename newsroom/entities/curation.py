"""Curation of entities by editors: merge, rename, change kind, split an alias off, reject.

Every service changes the stored mentions at once (reader pages show the result on the next
request), records a ``LinkRule`` so that linking makes the same decision when articles are
annotated again, and writes a ``CurationLog`` entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpResponsePermanentRedirect
from django.utils.translation import ngettext

from newsroom.entities.linking import lock_entities, refresh_article_counts
from newsroom.entities.models import (
    Alias,
    CurationLog,
    DistinctPair,
    Entity,
    LinkRule,
    Mention,
    MergedEntity,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    User = AbstractBaseUser | None

NAME_MAX_LENGTH = Entity._meta.get_field("name").max_length


class CurationError(ValueError):
    """The curation cannot be carried out; the message says why, in the editor's language."""


def merge_entities(*, survivor: Entity, others: Iterable[Entity], user: User) -> Entity:
    """Merge ``others`` into ``survivor``: their aliases and mentions move, their pages redirect."""
    with transaction.atomic():
        lock_entities(exclusive=True)
        survivor = _current(survivor)
        merged = [_current(other) for other in others if other.pk != survivor.pk]
        merged = list({entity.pk: entity for entity in merged}.values())
        if not merged:
            raise CurationError("اختر كيانًا واحدًا على الأقل غير الكيان الباقي.")
        merged_ids = [entity.pk for entity in merged]
        described = [_describe(entity) for entity in merged]

        Mention.objects.filter(entity_id__in=merged_ids).update(entity=survivor)
        _move_aliases(Alias.objects.filter(entity_id__in=merged_ids), survivor)
        # Decisions that led to the merged entities now lead to the survivor, and so do their
        # own names.
        LinkRule.objects.filter(entity_id__in=merged_ids).update(entity=survivor)
        for entity in merged:
            _set_rule(LinkRule.Match.NAME, entity.kind, entity.key, survivor)
        MergedEntity.objects.filter(survivor_id__in=merged_ids).update(survivor=survivor)
        MergedEntity.objects.bulk_create(
            [MergedEntity(old_id=e.pk, name=e.name, survivor=survivor) for e in merged]
        )
        Entity.objects.filter(pk__in=merged_ids).delete()
        refresh_article_counts([survivor.pk])

        names = "، ".join(entity["name"] for entity in described)
        _log(
            user,
            CurationLog.Action.MERGE,
            survivor,
            f"دمج {names} في {survivor.name}",
            {"survivor": _describe(survivor), "merged": described},
        )
    survivor.refresh_from_db()
    return survivor


def rename_entity(*, entity: Entity, name: str, user: User) -> Entity:
    """Give the entity another display name; it keeps its key, so linking still finds it."""
    name = " ".join(name.split())
    if not name:
        raise CurationError("الاسم فارغ.")
    if len(name) > NAME_MAX_LENGTH:
        raise CurationError(
            ngettext("الاسم أطول من حرف واحد.", "الاسم أطول من %(n)s حرف.", NAME_MAX_LENGTH)
            % {"n": NAME_MAX_LENGTH}
        )
    with transaction.atomic():
        lock_entities(exclusive=True)
        entity = _current(entity)
        old = entity.name
        if name == old:
            return entity
        entity.name = name
        entity.save(update_fields=["name"])
        _log(
            user,
            CurationLog.Action.RENAME,
            entity,
            f"إعادة تسمية {old} إلى {name}",
            {"entity": entity.pk, "old": old, "new": name},
        )
    return entity


def kind_conflict(entity: Entity, kind: str) -> str:
    """Why ``entity`` cannot become ``kind`` (empty when it can)."""
    other = Entity.objects.filter(kind=kind, key=entity.key).exclude(pk=entity.pk).first()
    if other is not None:
        return f"يوجد كيان آخر بهذا الاسم وهذا النوع ({other.name})؛ ادمج الكيانين بدلًا من ذلك."
    rule = LinkRule.objects.filter(match=LinkRule.Match.NAME, kind=kind, key=entity.key).first()
    if rule is not None and rule.entity_id != entity.pk:
        if rule.entity_id is None:
            return "هذا الاسم مرفوض بهذا النوع."
        return f"هذا الاسم بهذا النوع مربوط بكيان آخر ({rule.entity.name})؛ ادمج الكيانين."
    return ""


def change_kind(*, entity: Entity, kind: str, user: User) -> Entity:
    """Make the entity a person, organisation, place or other; names of the old kind still
    link to it."""
    if kind not in Entity.Kind.values:
        raise CurationError("نوع غير معروف.")
    with transaction.atomic():
        lock_entities(exclusive=True)
        entity = _current(entity)
        old = entity.kind
        if kind == old:
            return entity
        if problem := kind_conflict(entity, kind):
            raise CurationError(problem)
        entity.kind = kind
        entity.save(update_fields=["kind"])
        _set_rule(LinkRule.Match.NAME, old, entity.key, entity)
        _log(
            user,
            CurationLog.Action.CHANGE_KIND,
            entity,
            f"تغيير نوع {entity.name} من {Entity.Kind(old).label} إلى {entity.get_kind_display()}",
            {"entity": entity.pk, "old": old, "new": kind},
        )
    return entity


def split_alias(*, alias: Alias, user: User, name: str = "") -> Entity:
    """Make the alias's spelling an entity of its own (named ``name`` or the alias text).

    The spelling (every alias sharing its key, whichever entity holds it) and its mentions move
    to that entity, an existing one of the same kind and key or a new one; from then on linking
    gives that spelling to it.
    """
    with transaction.atomic():
        lock_entities(exclusive=True)
        try:
            alias = Alias.objects.select_related("entity").get(pk=alias.pk)
        except Alias.DoesNotExist:
            raise CurationError("هذا الاسم البديل لم يعد موجودًا.") from None
        source = alias.entity
        if alias.key == source.key:
            raise CurationError(
                "هذه التهجئة هي اسم الكيان نفسه؛ لا يمكن فصلها عنه (أعد تسميته أو غيّر نوعه)."
            )
        name = " ".join(name.split())[:NAME_MAX_LENGTH] or alias.text
        target, created = Entity.objects.get_or_create(
            kind=source.kind, key=alias.key, defaults={"name": name}
        )
        moving = Alias.objects.filter(key=alias.key).exclude(entity=target)
        losers = set(moving.values_list("entity_id", flat=True))
        Mention.objects.filter(alias__in=moving).update(entity=target)
        _move_aliases(moving, target)
        _set_rule(LinkRule.Match.SPELLING, "", alias.key, target)
        refresh_article_counts(losers | {target.pk})
        _log(
            user,
            CurationLog.Action.SPLIT,
            target,
            f"فصل {alias.text} عن {source.name}",
            {
                "alias": alias.text,
                "key": alias.key,
                "from": _describe(source),
                "taken_from": sorted(losers),
                "to": _describe(target),
                "new_entity": created,
            },
        )
    target.refresh_from_db()
    return target


def reject_entity(*, entity: Entity, user: User) -> None:
    """Remove a false entity with its mentions; its names are not annotated again."""
    with transaction.atomic():
        lock_entities(exclusive=True)
        entity = _current(entity)
        described = _describe(entity)
        described["aliases"] = sorted(entity.aliases.values_list("text", flat=True))
        # Every kind, unless another entity of another kind shares the name.
        shared = Entity.objects.filter(key=entity.key).exclude(pk=entity.pk).exists()
        LinkRule.objects.filter(entity=entity).update(entity=None)
        _set_rule(LinkRule.Match.NAME, entity.kind if shared else "", entity.key, None)
        Mention.objects.filter(entity=entity).delete()
        entity.aliases.all().delete()
        entity_id = entity.pk
        entity.delete()
        _log(
            user,
            CurationLog.Action.REJECT,
            None,
            f"رفض {described['name']}",
            {**described, "id": entity_id},
        )


def mark_distinct(*, first: Entity, second: Entity, user: User) -> None:
    """Record that two entities are not the same, so they are not suggested for merging."""
    if first.pk == second.pk:
        raise CurationError("اختر كيانين مختلفين.")
    low, high = sorted([first, second], key=lambda e: e.pk)
    with transaction.atomic():
        _, created = DistinctPair.objects.get_or_create(first=low, second=high)
        if created:
            _log(
                user,
                CurationLog.Action.DISTINCT,
                low,
                f"{low.name} و{high.name} ليسا كيانًا واحدًا",
                {"entities": [_describe(low), _describe(high)]},
            )


def redirect_target(pk: int) -> Entity | None:
    """The entity that entity ``pk`` was merged into, if it was."""
    merged = MergedEntity.objects.filter(old_id=pk).select_related("survivor").first()
    return merged.survivor if merged else None


def merged_redirect(pk: int) -> HttpResponsePermanentRedirect | None:
    """For views: a permanent redirect to the survivor when entity ``pk`` was merged away."""
    survivor = redirect_target(pk)
    return HttpResponsePermanentRedirect(survivor.get_absolute_url()) if survivor else None


def log_action(user: User, action: str, summary: str, details: dict[str, Any]) -> CurationLog:
    """Record a curation action that is not one of the services here (e.g. re-annotation)."""
    return _log(user, action, None, summary, details)


def _current(entity: Entity) -> Entity:
    try:
        return Entity.objects.get(pk=entity.pk)
    except Entity.DoesNotExist:
        raise CurationError(f"الكيان {entity.name} لم يعد موجودًا (دُمج أو رُفض).") from None


def _describe(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.pk,
        "name": entity.name,
        "kind": entity.kind,
        "key": entity.key,
        "article_count": entity.article_count,
    }


def _move_aliases(aliases, target: Entity) -> None:
    """Give ``aliases`` to ``target``; a spelling it already has keeps the target's alias."""
    have = dict(target.aliases.values_list("text", "pk"))
    for alias in list(aliases):
        if alias.text in have:
            Mention.objects.filter(alias=alias).update(alias_id=have[alias.text])
            alias.delete()
        else:
            alias.entity = target
            alias.save(update_fields=["entity"])
            have[alias.text] = alias.pk


def _set_rule(match: str, kind: str, key: str, entity: Entity | None) -> None:
    LinkRule.objects.update_or_create(match=match, kind=kind, key=key, defaults={"entity": entity})


def _log(
    user: User, action: str, entity: Entity | None, summary: str, details: dict
) -> CurationLog:
    if user is not None and not user.is_authenticated:
        user = None
    if user is not None:
        details = {**details, "username": user.get_username()}
    return CurationLog.objects.create(
        user=user,
        action=action,
        entity=entity,
        summary=summary[: CurationLog._meta.get_field("summary").max_length],
        details=details,
    )
