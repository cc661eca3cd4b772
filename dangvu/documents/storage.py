"""Document files through Django's storage API (local disk by default, S3-compatible object storage by
configuration), originals kept byte for byte with their SHA-256, secret files encrypted at rest.

Envelope encryption: each secret file gets its own random 256-bit key (AES-GCM); that key is stored
wrapped by the **master key** (``DANGVU_DOCUMENTS_MASTER_KEYS``: the first encrypts, every key listed
decrypts, so a new master key is put first and ``dangvu rewrap_document_keys`` re-wraps the file keys with
it before the old one is removed). The database never holds a usable key.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile

from dangvu.documents.models import DocumentFile

_DEVELOPMENT_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"dangvu-development-documents-key").digest())


def master_keys() -> list[tuple[str, bytes]]:
    """(key id, 32-byte key) for every configured master key, the current one first."""
    configured = list(getattr(settings, "DANGVU_DOCUMENTS_MASTER_KEYS", []) or [])
    if not configured:
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured("DANGVU_DOCUMENTS_MASTER_KEYS must be set in production.")
        configured = [_DEVELOPMENT_KEY.decode()]
    keys = []
    for text in configured:
        raw = base64.urlsafe_b64decode(text.encode())
        if len(raw) != 32:
            raise ImproperlyConfigured("Each DANGVU_DOCUMENTS_MASTER_KEYS entry must be 32 bytes, base64.")
        keys.append((hashlib.sha256(raw).hexdigest()[:12], raw))
    return keys


def _wrap(file_key: bytes) -> str:
    key_id, master = master_keys()[0]
    nonce = os.urandom(12)
    wrapped = AESGCM(master).encrypt(nonce, file_key, key_id.encode())
    return f"{key_id}:{base64.b64encode(nonce + wrapped).decode()}"


def _unwrap(wrapped_key: str) -> bytes:
    key_id, _, payload = wrapped_key.partition(":")
    master = dict(master_keys()).get(key_id)
    if master is None:
        raise ImproperlyConfigured(f"The master key {key_id} of a secret file is not configured.")
    raw = base64.b64decode(payload)
    return AESGCM(master).decrypt(raw[:12], raw[12:], key_id.encode())


def store(
    *, document: Any, kind: str, name: str, content: bytes, content_type: str, actor: Any = None
) -> DocumentFile:
    """Store ``content`` as a file of ``document`` (encrypted when the document is secret)."""
    digest = hashlib.sha256(content).hexdigest()
    wrapped = ""
    payload = content
    if document.secrecy:
        file_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        payload = nonce + AESGCM(file_key).encrypt(nonce, content, digest.encode())
        wrapped = _wrap(file_key)
    record = DocumentFile(
        document=document,
        kind=kind,
        name=name[:255],
        content_type=content_type[:100],
        size=len(content),
        sha256=digest,
        wrapped_key=wrapped,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record.file.save(f"{digest[:16]}{'.bin' if wrapped else _suffix(name)}", ContentFile(payload), save=False)
    record.save()
    return record


def read(record: DocumentFile) -> bytes:
    """The file's bytes as stored by ``store`` (decrypted); refuses a file whose content no longer
    matches its recorded SHA-256."""
    with record.file.open("rb") as handle:
        payload = handle.read()
    if record.wrapped_key:
        payload = AESGCM(_unwrap(record.wrapped_key)).decrypt(
            payload[:12], payload[12:], record.sha256.encode()
        )
    if hashlib.sha256(payload).hexdigest() != record.sha256:
        raise ValueError(f"The stored file {record.pk} does not match its SHA-256.")
    return payload


def rewrap_all() -> int:
    """Wrap every secret file's key with the current master key (after a rotation)."""
    current = master_keys()[0][0]
    count = 0
    for record in DocumentFile.objects.exclude(wrapped_key="").exclude(wrapped_key__startswith=f"{current}:"):
        record.wrapped_key = _wrap(_unwrap(record.wrapped_key))
        record.save(update_fields=["wrapped_key"])
        count += 1
    return count


def _suffix(name: str) -> str:
    extension = os.path.splitext(name)[1].lower()
    return extension if extension in {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".docx"} else ".bin"
