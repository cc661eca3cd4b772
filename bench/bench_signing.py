"""Signing and verification throughput, as ratios of figures measured in the same run.

* signing: personal PAdES signatures per second (document checks, seal field, visible appearance with
  the embedded Vietnamese font, signature, validation data) against ``openssl speed rsa2048``
  signatures per second on the same machine (target: at least 1/100); pyHanko's naive use (key parsed
  for every signature) is printed beside it;
* verification: sealed documents (two signatures, number filled, DSS) verified per second on one core
  (target: at least 20).

Needs no database: it drives the signing core (``prepare_personal`` + ``pades.sign_field``) that the
service functions wrap with the permission check and the audit entry.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def openssl_rsa2048_per_second() -> float:
    output = subprocess.run(
        ["openssl", "speed", "-seconds", "3", "rsa2048"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"rsa 2048 bits\s+\S+\s+\S+\s+([\d.]+)", output)
    assert match, output
    return float(match.group(1))


def main(count: int = 60) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
    os.environ["DANGVU_SIGNING_DIR"] = tempfile.mkdtemp(prefix="dangvu-bench-signing-")
    os.environ["DANGVU_DATA_DIR"] = tempfile.mkdtemp(prefix="dangvu-bench-")
    import django

    django.setup()
    from pyhanko.sign import signers
    from pyhanko.sign.signers import SimpleSigner

    from dangvu.signing import ca, keys, pades, services
    from dangvu.signing.pdfdoc import fill_text_fields, incremental_writer, written
    from dangvu.signing.verify import verify_pdf
    from tests.signing.conftest import PLACES, party_document

    authority = ca.open_or_create_root()
    person = ca.issue_person(
        authority, username="lanhdao", full_name="Lê Quang Hùng", organisation="Đảng ủy xã An Phú"
    )
    seal = ca.issue_organisation(authority, code="XA", name="Đảng ủy xã An Phú")
    documents = [party_document(f"Văn bản số {i}. ") for i in range(count)]

    def sign(document: bytes) -> bytes:
        credential = keys.load_credential(person)
        services.pades_check(credential)
        writer = services.prepare_personal(document, PLACES)
        box = services._rounded(PLACES.box)
        return pades.sign_field(
            writer,
            credential,
            field=services.PERSONAL_FIELD,
            new_field=pades.personal_field_spec(
                name=services.PERSONAL_FIELD, page=0, box=box, lock=services.personal_lock(PLACES)
            ),
            style=pades.personal_style(
                name="Lê Quang Hùng", position="BÍ THƯ", at=django.utils.timezone.now(), width=box[2] - box[0]
            ),
            certify=True,
        )

    sign(documents[0])  # warm: font cut, key loaded, certificate checked
    started = time.perf_counter()
    signed = [sign(d) for d in documents]
    ours = count / (time.perf_counter() - started)

    naive_count = max(5, count // 6)
    started = time.perf_counter()
    for document in documents[:naive_count]:
        naive = SimpleSigner.load_pkcs12(str(person), passphrase=keys.passphrase())
        meta = signers.PdfSignatureMetadata(field_name="Sig", md_algorithm="sha256")
        signers.PdfSigner(meta, naive).sign_pdf(incremental_writer(document))
    naive_rate = naive_count / (time.perf_counter() - started)

    sealed = []
    seal_credential = keys.load_credential(seal)
    for pdf in signed[: max(10, count // 3)]:
        writer = incremental_writer(pdf)
        fill_text_fields(
            writer, {PLACES.number_field: "Số 12-QĐ/ĐU", PLACES.date_field: "ngày 01 tháng 12 năm 2026"}
        )
        filled = written(writer)
        sealed.append(
            pades.sign_field(
                incremental_writer(filled),
                seal_credential,
                field=services.SEAL_FIELD,
                style=pades.seal_style(str(keys.signing_dir() / "orgs" / "XA.png")),
                permissions=pades.MDPPerm.NO_CHANGES,
            )
        )
    assert verify_pdf(sealed[0]).valid
    started = time.perf_counter()
    for pdf in sealed:
        assert verify_pdf(pdf).valid
    verified = len(sealed) / (time.perf_counter() - started)

    baseline = openssl_rsa2048_per_second()
    print(f"openssl speed rsa2048: {baseline:,.0f} signatures/s (baseline, same run)")
    print(
        f"signing (cached key):  {ours:,.1f} documents/s = 1/{baseline / ours:,.0f} of openssl (target ≥ 1/100)"
    )
    print(
        f"signing (naive pyHanko, key parsed each time): {naive_rate:,.1f}/s "
        f"= 1/{baseline / naive_rate:,.0f} of openssl"
    )
    print(
        f"verification (2 signatures, DSS, diff analysis): {verified:,.1f} documents/s on one core (target ≥ 20)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
