"""Issuing under concurrent clerks on PostgreSQL: 0 duplicates, 0 gaps, issues per second.

``CLIENTS`` threads (default 50), each with its own database connection, start together and each
issues ``PER_CLIENT`` approved documents of one unit and one type through ``services.document_issue``
(the clerk's whole verb: the document row locked, the number taken from the series under its row lock,
the number written, the status moved, the audit entry). The documents are TỐI MẬT, registered as
metadata only, so that the figure is the numbering's and not the PDF signature's (bench_signing.py
measures that). Then every number of the series from 01 to the last must be used exactly once.

Runs against ``DANGVU_BENCH_DATABASE_URL`` (bench/common.py), migrated if needed; it adds a unit
"Đảng ủy xã Bench-Issue" and its documents and leaves them there (each run numbers a new year).

    .venv/bin/python bench/bench_document_issue.py [CLIENTS] [PER_CLIENT]
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402 - the path first


def main(clients: int = 50, per_client: int = 10) -> None:
    common.create_database()
    common.setup_django()
    from django.core.management import call_command
    from django.db import close_old_connections, connection

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from dangvu.documents import services
    from dangvu.documents.models import Document, DocumentType, SeriesNumber
    from dangvu.orgs.models import Org
    from dangvu.orgs.services import org_create
    from tests.conftest import grant, make_user, org_type

    admin = get_user_model().objects.filter(username="bench-issue-admin").first() or make_user(
        "bench-issue-admin", superuser=True
    )
    org = Org.objects.filter(code="BENCHISSUE").first() or org_create(
        actor=admin, name="Đảng ủy xã Bench-Issue", code="BENCHISSUE", org_type=org_type("dang-bo-xa")
    )
    clerk = get_user_model().objects.filter(username="bench-issue-clerk").first()
    if clerk is None:
        clerk = make_user("bench-issue-clerk")
        grant(clerk, "van-thu", org)
        grant(clerk, "lanh-dao", org)  # clearance for TỐI MẬT
    kind = DocumentType.objects.filter(abbreviation="NQ").order_by("pk").first()
    # each run numbers a year of its own, so that its series starts from 01
    year = 2000 + Document.objects.filter(registry_org=org).count() % 900
    on = date(year, 12, 1)
    documents = Document.objects.bulk_create(
        [
            Document(
                direction="outgoing",
                registry_org=org,
                status="approved",
                doc_type=kind,
                secrecy="toi-mat",
                subject=f"Nghị quyết thử cấp số {i}",
            )
            for i in range(clients * per_client)
        ]
    )
    close_old_connections()
    barrier = threading.Barrier(clients)
    errors: list[BaseException] = []
    numbers: list[str] = []
    lock = threading.Lock()

    def client(batch: list[Document]) -> None:
        try:
            barrier.wait()
            for document in batch:
                issued = services.document_issue(actor=clerk, document=document, on=on)
                with lock:
                    numbers.append(issued.number_text)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(documents[i::clients],)) for i in range(clients)]
    load_before = os.getloadavg()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    load_after = os.getloadavg()

    issued = len(numbers)
    duplicates = sum(count - 1 for count in Counter(numbers).values() if count > 1)
    taken = sorted(
        SeriesNumber.objects.filter(series__org=org, series__period=f"year:{year}").values_list(
            "number", flat=True
        )
    )
    gaps = len(set(range(1, max(taken, default=0) + 1)) - set(taken))
    print(f"clients: {clients}, documents each: {per_client}, errors: {len(errors)} {errors[:1]}")
    print(
        f"issued: {issued} in {seconds:.2f} s = {issued / seconds:,.1f} issues/s; duplicates: {duplicates}; "
        f"gaps: {gaps}; numbers {taken[0] if taken else '-'}..{taken[-1] if taken else '-'}"
    )
    print(f"load average before {load_before}, after {load_after}")


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:]]
    main(*arguments)
