"""Signing and verification throughput, as ratios of figures measured in the same run.

* signing: personal PAdES signatures per second through the service's own signing path
  (``services.personal_signature``: document checks, the seal field, the visible appearance with the
  embedded Vietnamese font, the signature; what ``sign_personal`` does besides its permission check
  and audit entry) against ``openssl speed rsa2048`` signatures per second on the same machine
  (target: at least 1/100); pyHanko's naive use (key parsed for every signature) is printed beside it;
* verification: issued documents (the personal signature, the number and date filled, the seal,
  the validation data; six revisions) verified per second on one core by ``verify.verify_pdf``
  (target: at least 20), beside the same without the validated-path cache (``pathcache``) and
  beside pyHanko as shipped called the obvious way (``validate_pdf_signature`` per signature, trust
  roots read from their files, the same difference policy, dangvu's speedups of pyHanko taken out for
  that run).

Both sides are timed in CPU seconds of this process, as ``openssl speed`` times its signatures (user
CPU time; its ``-elapsed`` flag would switch to wall time): the machine is shared, and wall time
would count the other processes' turns. The wall-clock rates are printed too.

Needs no database. ``--profile`` prints a pyinstrument profile of each path (pip install pyinstrument).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def openssl_rsa2048_per_second() -> float:
    """``openssl speed rsa2048``: RSA-2048 signatures per CPU second (its default accounting)."""
    output = subprocess.run(
        ["openssl", "speed", "-seconds", "3", "rsa2048"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"rsa 2048 bits\s+\S+\s+\S+\s+([\d.]+)", output)
    assert match, output
    return float(match.group(1))


def rate(function: Callable[[Any], Any], items: Sequence[Any]) -> tuple[float, float, list[Any]]:
    """(items per CPU second, items per wall second, results)."""
    cpu, wall = time.process_time(), time.perf_counter()
    results = [function(item) for item in items]
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return len(items) / cpu, len(items) / wall, results


def profiled(label: str, function: Callable[[Any], Any], items: Sequence[Any]) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for item in items:
        function(item)
    profiler.stop()
    print(f"\n## profile: {label}\n" + profiler.output_text(unicode=True, color=False))


def main(count: int = 60, profile: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
    os.environ["DANGVU_SIGNING_DIR"] = tempfile.mkdtemp(prefix="dangvu-bench-signing-")
    os.environ["DANGVU_DATA_DIR"] = tempfile.mkdtemp(prefix="dangvu-bench-")
    os.environ["DANGVU_SIGNING_TSA_URL"] = ""
    import django

    django.setup()
    from pyhanko.sign import signers
    from pyhanko.sign.signers import SimpleSigner

    from dangvu.signing import ca, keys, services
    from dangvu.signing.pdfdoc import incremental_writer
    from dangvu.signing.verify import verify_pdf
    from tests.signing.conftest import PLACES, party_document

    authority = ca.open_or_create_root()
    person = ca.issue_person(
        authority, username="lanhdao", full_name="Lê Quang Hùng", organisation="Đảng ủy xã An Phú"
    )
    seal = ca.issue_organisation(authority, code="XA", name="Đảng ủy xã An Phú")
    image = str(keys.signing_dir() / "orgs" / "XA.png")
    documents = [party_document(f"Văn bản số {i}. ") for i in range(count)]

    def sign(document: bytes) -> bytes:
        return services.personal_signature(document, keys.load_credential(person), PLACES, position="BÍ THƯ")

    def issue(signed: bytes) -> bytes:
        filled = services.fill_number(
            pdf=signed, places=PLACES, number="Số 12-QĐ/ĐU", date_text="An Phú, ngày 01 tháng 12 năm 2026"
        )
        return services.seal_signature(filled, keys.load_credential(seal), PLACES, image=image)

    sign(documents[0])  # warm: font cut, key loaded, certificate checked
    ours, ours_wall, signed = rate(sign, documents)

    naive_count = max(5, count // 6)

    def naive(document: bytes) -> None:
        signer = SimpleSigner.load_pkcs12(str(person), passphrase=keys.passphrase())
        meta = signers.PdfSignatureMetadata(field_name="Sig", md_algorithm="sha256")
        signers.PdfSigner(meta, signer).sign_pdf(incremental_writer(document))

    naive_rate, _wall, _ = rate(naive, documents[:naive_count])

    issued = [issue(pdf) for pdf in signed[: max(10, count // 3)]]
    assert verify_pdf(issued[0]).valid
    verified, verified_wall, reports = rate(verify_pdf, issued)
    assert all(report.valid for report in reports)
    naive_verified, naive_valid = naive_verification(issued[: max(5, len(issued) // 2)])
    uncached = uncached_verification(issued)
    # As the gunicorn workers run it: deploy/gunicorn.conf.py freezes the loaded application for the
    # cyclic collector (dangvu.core.collector); the figures above are without that.
    from dangvu.core.collector import freeze_loaded_application

    freeze_loaded_application()
    served, served_wall, _reports = rate(verify_pdf, issued)

    if profile:
        profiled("signing", sign, documents[: max(10, count // 3)])
        profiled("verification", verify_pdf, issued)

    baseline = openssl_rsa2048_per_second()
    print(f"openssl speed rsa2048: {baseline:,.0f} signatures per CPU second (baseline, same run)")
    print(
        f"signing: {ours:,.1f} documents per CPU second = 1/{baseline / ours:,.0f} of openssl "
        f"(target ≥ 1/100: {'met' if ours * 100 >= baseline else 'NOT met'}); "
        f"{ours_wall:,.1f}/s wall clock"
    )
    print(
        f"signing (naive pyHanko, key parsed each time): {naive_rate:,.1f}/s "
        f"= 1/{baseline / naive_rate:,.0f} of openssl"
    )
    print(
        f"verification (2 signatures, number filled, DSS, difference analysis): {verified:,.1f} "
        f"documents per CPU second, one core (target ≥ 20: {'met' if verified >= 20 else 'NOT met'}); "
        f"{verified_wall:,.1f}/s wall clock"
    )
    print(
        f"verification without the validated-path cache (dangvu.signing.pathcache: the signer's path "
        f"built and validated for every document): {uncached:,.1f}/s; with it = {verified / uncached:,.2f}×"
    )
    print(
        f"verification (naive pyHanko as shipped, {naive_valid}): {naive_verified:,.1f}/s; "
        f"ours = {verified / naive_verified:,.2f}× that"
    )
    print(
        f"verification in a gunicorn worker (loaded application frozen for the collector, as "
        f"deploy/gunicorn.conf.py does): {served:,.1f} documents per CPU second "
        f"(target ≥ 20: {'met' if served >= 20 else 'NOT met'}); {served_wall:,.1f}/s wall clock"
    )


def uncached_verification(documents: Sequence[bytes]) -> float:
    """``verify_pdf`` with the validated-path cache taken out: documents per CPU second."""
    from dangvu.signing import pathcache
    from dangvu.signing.verify import verify_pdf

    pathcache.uninstall()
    try:
        uncached, _wall, _reports = rate(verify_pdf, documents)
    finally:
        pathcache.install()
    return uncached


def naive_verification(documents: Sequence[bytes]) -> tuple[float, str]:
    """pyHanko 0.38 as shipped, called the obvious way: documents per CPU second, and how many of the
    signatures it found valid (the same difference policy; revocation not required)."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from dangvu.signing import keys, speedups
    from dangvu.signing.verify import DIFF_POLICY

    def verify(pdf: bytes) -> list[bool]:
        reader = PdfFileReader(io.BytesIO(pdf))
        roots = [load_cert_from_pemder(str(path)) for path in keys.trust_root_paths()]
        return [
            validate_pdf_signature(
                signature, ValidationContext(trust_roots=roots), diff_policy=DIFF_POLICY
            ).bottom_line
            for signature in reader.embedded_regular_signatures
        ]

    speedups.uninstall()
    try:
        naive, _wall, results = rate(verify, documents)
    finally:
        speedups.install()
    valid = sum(ok for result in results for ok in result)
    return naive, f"{valid} of {sum(len(result) for result in results)} signatures valid"


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--profile"]
    main(int(arguments[0]) if arguments else 60, profile="--profile" in sys.argv[1:])
