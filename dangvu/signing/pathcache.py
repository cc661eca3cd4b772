"""Certificate paths validated once for many documents.

Every document a committee issues is signed by the same few certificates (its leaders' and its seal),
and verifying each one built the signer's path to the trust root again and validated it again
(revocation lists, validity periods; building alone prepares the certificate's names for messages that
are never shown): a fifth of a verification. Here a path that validated is remembered, keyed by all
that its validity depends on:

* the certificate (its SHA-256 fingerprint);
* the set of trust roots (a digest of their encodings): a context over other roots never finds the
  entry, and ``trust`` empties the cache whenever the configured roots change;
* the validation time: the exact moment of a point-in-time validation (a timestamp's time), otherwise
  the current time rounded down to a bucket of ``BUCKET_SECONDS``; and within a bucket an entry is used
  only while every certificate of the path is valid at the moment asked about;
* the revocation policy (required or soft, retroactive, online fetching) and a digest of the revocation
  data the context holds (local lists, the document's DSS): a new revocation list or OCSP response is a
  new key, so a revocation published since is never hidden;
* the PKIX parameters (paths validated under any are not remembered).

Only successes are remembered. A failure — no path, a revoked certificate, revocation data required and
missing — is decided again every time, so a revocation source that comes back is seen at once.

Installed with the speedups (``install``): pyHanko's signature validation asks ``find_valid_path`` for
the signer's (and a timestamp authority's) path; the contexts made by ``trust.validation_context`` build
their paths only when that asks for one.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import x509
from pyhanko.sign.validation import generic_cms
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator import find_valid_path as _original_find_valid_path
from pyhanko_certvalidator.path import ValidationPath
from pyhanko_certvalidator.policy_decl import PKIXValidationParams
from pyhanko_certvalidator.registry import CertificateRegistry, PathBuilder, TrustManager
from pyhanko_certvalidator.util import CancelableAsyncIterator

BUCKET_SECONDS = 300
SIZE = 1024


def roots_digest(roots: Iterable[x509.Certificate]) -> bytes:
    """The identity of a set of trust roots (order and duplicates aside)."""
    return hashlib.sha256(b"".join(sorted({hashlib.sha256(r.dump()).digest() for r in roots}))).digest()


class _DeferredPaths(CancelableAsyncIterator[ValidationPath]):
    """pyHanko's lazy path iterator, made only when a path is asked for (making it already costs)."""

    def __init__(self, builder: PathBuilder, certificate: x509.Certificate) -> None:
        self._builder = builder
        self._certificate = certificate
        self._paths: CancelableAsyncIterator[ValidationPath] | None = None

    async def __anext__(self) -> ValidationPath:
        if self._paths is None:
            self._paths = PathBuilder.async_build_paths_lazy(self._builder, self._certificate)
            statistics.builds += 1
        return await self._paths.__anext__()

    async def cancel(self) -> None:
        if self._paths is not None:
            await self._paths.cancel()


class RootsPathBuilder(PathBuilder):
    """pyHanko's path builder over trust roots whose digest is known, building on demand."""

    def __init__(self, trust_manager: TrustManager, registry: CertificateRegistry, digest: bytes) -> None:
        super().__init__(trust_manager=trust_manager, registry=registry)
        self.roots_digest = digest

    def async_build_paths_lazy(
        self, end_entity_cert: x509.Certificate
    ) -> CancelableAsyncIterator[ValidationPath]:
        return _DeferredPaths(self, end_entity_cert)


def use_roots_digest(context: ValidationContext, digest: bytes) -> ValidationContext:
    """Let ``context``'s validated paths be remembered under the roots ``digest`` (its trust roots')."""
    builder = context.path_builder
    context.path_builder = RootsPathBuilder(builder.trust_manager, builder.registry, digest)
    return context


@dataclass
class Statistics:
    builds: int = 0  # paths built (pyHanko's path search started)
    hits: int = 0
    stored: int = 0


statistics = Statistics()


@dataclass(frozen=True)
class _Entry:
    path: ValidationPath
    valid_from: datetime
    valid_until: datetime


class PathCache:
    """Validated paths by (certificate, roots, time, revocation policy and data); successes only."""

    def __init__(self, size: int = SIZE) -> None:
        self._entries: OrderedDict[bytes, _Entry] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def key(
        certificate: x509.Certificate, context: ValidationContext, params: PKIXValidationParams | None
    ) -> bytes | None:
        builder = context.path_builder
        if params is not None or not isinstance(builder, RootsPathBuilder):
            return None
        timing = context.timing_params
        moment = timing.validation_time
        if timing.point_in_time_validation:
            when = f"at {moment.isoformat()}"
        else:
            when = f"bucket {int(moment.timestamp()) // BUCKET_SECONDS}"
        revocation = hashlib.sha256()
        for data in (*context.crls, *context.ocsps):
            revocation.update(hashlib.sha256(data.dump()).digest())
        policy = (
            f"{context.revinfo_policy!r}|{context.retroactive_revinfo}|{context.fetching_allowed}|"
            f"{context.time_tolerance.total_seconds()}|{when}"
        )
        return b"\0".join(
            (
                hashlib.sha256(certificate.dump()).digest(),
                builder.roots_digest,
                revocation.digest(),
                policy.encode(),
            )
        )

    def get(self, key: bytes, moment: datetime) -> ValidationPath | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or not entry.valid_from <= moment <= entry.valid_until:
                return None
            self._entries.move_to_end(key)
            return entry.path

    def put(self, key: bytes, path: ValidationPath) -> None:
        certificates = [c for c in path.iter_certs(include_root=True) if isinstance(c, x509.Certificate)]
        if not certificates:
            return
        entry = _Entry(
            path,
            valid_from=max(c.not_valid_before for c in certificates),
            valid_until=min(c.not_valid_after for c in certificates),
        )
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


PATHS = PathCache()


async def find_valid_path(
    certificate: x509.Certificate,
    paths: CancelableAsyncIterator[ValidationPath],
    validation_context: ValidationContext,
    pkix_validation_params: PKIXValidationParams | None = None,
) -> Any:
    """pyHanko's ``find_valid_path``, answering from ``PATHS`` when the same path validated before."""
    key = PathCache.key(certificate, validation_context, pkix_validation_params)
    if key is not None:
        cached = PATHS.get(key, validation_context.moment)
        if cached is not None:
            statistics.hits += 1
            await paths.cancel()
            return cached
    path = await _original_find_valid_path(
        certificate,
        paths,
        validation_context=validation_context,
        pkix_validation_params=pkix_validation_params,
    )
    if key is not None:
        PATHS.put(key, path)
        statistics.stored += 1
    return path


def install() -> None:
    generic_cms.find_valid_path = find_valid_path  # type: ignore[attr-defined]


def uninstall() -> None:
    generic_cms.find_valid_path = _original_find_valid_path  # type: ignore[attr-defined]
