"""Seal the entries written before the keyed chain: check their old (unkeyed) chain, then give each its
MAC and its link, in the old order. Refuses to seal a log whose old chain does not verify."""

import hashlib
from datetime import UTC
from typing import Any

from django.db import migrations

from dangvu.audit.models import GENESIS, audit_key, canonical_json, link_mac, payload_mac

BATCH = 5000


def _payload(entry: Any) -> dict[str, Any]:
    return {
        "created_at": entry.created_at.astimezone(UTC).isoformat(),
        "actor_id": entry.actor_id,
        "actor_repr": entry.actor_repr,
        "ip": entry.ip,
        "user_agent": entry.user_agent,
        "channel": entry.channel,
        "action": entry.action,
        "event": entry.event,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "org_id": entry.org_id,
        "changes": entry.changes,
        "data": entry.data,
    }


def _old_hash(entry: Any) -> str:
    payload = _payload(entry) | {"seq": entry.seq, "prev_hash": entry.prev_hash}
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def _triggers(schema_editor: Any, state: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE audit_auditentry {state} TRIGGER audit_entry_append_only")


def seal(apps: Any, schema_editor: Any) -> None:
    entry_model = apps.get_model("audit", "AuditEntry")
    link_model = apps.get_model("audit", "AuditChainLink")
    key = audit_key()
    _triggers(schema_editor, "DISABLE")
    previous_old, previous, expected = GENESIS, GENESIS, 1
    after = 0
    while True:
        batch = list(entry_model.objects.filter(seq__gt=after).order_by("seq")[:BATCH])
        if not batch:
            break
        links = []
        for entry in batch:
            if entry.seq != expected or entry.prev_hash != previous_old or _old_hash(entry) != entry.entry_hash:
                raise RuntimeError(
                    f"The audit log does not verify at entry {expected}: run verify_audit with the previous "
                    "version and investigate before upgrading."
                )
            previous_old = entry.entry_hash
            mac = payload_mac(_payload(entry), key)
            entry_model.objects.filter(pk=entry.pk).update(mac=mac)
            previous = link_mac(entry.seq, entry.pk, mac, previous, key)
            links.append(link_model(seq=entry.seq, entry_id=entry.pk, mac=previous))
            expected += 1
        link_model.objects.bulk_create(links)
        after = batch[-1].seq
    _triggers(schema_editor, "ENABLE")


def unseal(apps: Any, schema_editor: Any) -> None:
    """Back to the unkeyed chain: number the linked entries in chain order and hash them again."""
    entry_model = apps.get_model("audit", "AuditEntry")
    link_model = apps.get_model("audit", "AuditChainLink")
    _triggers(schema_editor, "DISABLE")
    previous = GENESIS
    for link in link_model.objects.order_by("seq").iterator(chunk_size=BATCH):
        entry = entry_model.objects.filter(pk=link.entry_id).first()
        if entry is None:
            continue
        entry.seq, entry.prev_hash = link.seq, previous
        entry.entry_hash = _old_hash(entry)
        entry_model.objects.filter(pk=entry.pk).update(
            seq=entry.seq, prev_hash=entry.prev_hash, entry_hash=entry.entry_hash
        )
        previous = entry.entry_hash
    head = apps.get_model("audit", "AuditChainHead")
    last = link_model.objects.order_by("-seq").first()
    head.objects.update_or_create(
        id=1, defaults={"last_seq": last.seq if last else 0, "last_hash": previous}
    )
    link_model.objects.all().delete()
    _triggers(schema_editor, "ENABLE")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_audit_keyed_chain_schema")]
    operations = [migrations.RunPython(seal, unseal)]
