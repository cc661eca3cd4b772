from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class PendingSignature(models.Model):
    """A document prepared for a signature made outside the server (a USB token in the browser, the
    command-line signer): the prepared PDF with its reserved place, the attributes to sign and the
    signer's certificates. No private key ever reaches the server. Deleted when the signature is
    embedded; expired ones are useless (``expires_at``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    prepared_pdf = models.BinaryField()
    signed_attributes = models.BinaryField()
    document_digest = models.BinaryField()
    reserved_start = models.PositiveBigIntegerField()
    reserved_end = models.PositiveBigIntegerField()
    certificates = models.BinaryField()  # the signer's certificate, then its chain (PEM)
    input_sha256 = models.CharField(max_length=64)
    # What the signature is for (e.g. "documents.document:12"): the finishing step of that record only
    # accepts its own requests; ``context`` keeps what it needs to carry on (places, version, position).
    purpose = models.CharField(max_length=80, blank=True, default="")
    context = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="signing_pending_expires")]

    def __str__(self) -> str:
        return f"Chờ ký {self.id}"
