"""Full-text search over documents (FTS5 on SQLite, the GIN word index on PostgreSQL): words of the subject,
body and OCR text, accents ignored, every word a prefix; the index follows inserts, edits and deletions;
on PostgreSQL the query is the indexed expression."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection, transaction

from dangvu.core import search as core_search
from dangvu.documents import services
from dangvu.documents.fulltext import NewestWindow, match, terms, words_only
from dangvu.documents.models import Document
from dangvu.documents.search import search_documents

pytestmark = pytest.mark.django_db


def incoming(office, tree, subject, **extra):
    return services.document_register_incoming(
        actor=office.clerk,
        org=tree.xa,
        doc_type="CV",
        subject=subject,
        sender_name="Văn phòng Tỉnh ủy",
        received_on=date(2026, 11, 30),
        **extra,
    )


def found(user, query):
    return set(search_documents(user, query).values_list("subject", flat=True))


def test_words_anywhere_in_the_text_accents_ignored_each_word_a_prefix(office, tree):
    incoming(office, tree, "Về chuyển đổi số trong cơ quan Đảng", number_text="12-CV/VPTU")
    incoming(office, tree, "Về công tác phát triển đảng viên")
    assert found(office.clerk, "chuyen doi so") == {"Về chuyển đổi số trong cơ quan Đảng"}
    assert found(office.clerk, "CHUYỂN đổi") == {"Về chuyển đổi số trong cơ quan Đảng"}
    assert found(office.clerk, "phat trien dang") == {"Về công tác phát triển đảng viên"}
    assert found(office.clerk, "dang") == {
        "Về chuyển đổi số trong cơ quan Đảng",
        "Về công tác phát triển đảng viên",
    }
    assert found(office.clerk, "van phong tinh uy") == found(office.clerk, "dang")  # the sender's words
    assert found(office.clerk, "rien hoa") == set()  # a word's inside is not a word's start
    assert found(office.clerk, "chuyen hoa") == set()  # every word must match
    assert found(office.clerk, "12/CV-VPTU") == {"Về chuyển đổi số trong cơ quan Đảng"}  # the number, any way


def test_the_index_follows_edits_and_deletions(office, tree):
    document = incoming(office, tree, "Về kế hoạch kiểm tra")
    services.document_correct(actor=office.clerk, document=document, subject="Về chương trình giám sát")
    assert found(office.clerk, "kiem tra") == set()
    assert found(office.clerk, "giam sat") == {"Về chương trình giám sát"}
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(search_text=words_only("Thông báo kết luận"))
    assert found(office.clerk, "ket luan") == {"Về chương trình giám sát"}
    document.files.all().delete()
    Document.objects.filter(pk=document.pk).delete()
    assert not match(Document.objects.all(), "ket luan").exists()


def test_what_users_type_is_bounded_and_harmless(office, tree):
    incoming(office, tree, "Về an ninh mạng")
    assert terms('an" OR * NEAR( ninh') == ["near", "ninh", "an", "or"]
    assert found(office.clerk, 'an" OR * NEAR( ninh:* & !') == set()  # FTS syntax is not syntax here
    assert found(office.clerk, "an ninh") == {"Về an ninh mạng"}
    assert len(terms(" ".join(f"w{i}" for i in range(100)))) == 12


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN word index is PostgreSQL's")
def test_postgresql_answers_from_the_word_index(office, tree):
    incoming(office, tree, "Về chuyển đổi số")
    query = match(Document.objects.all(), "chuyen doi").values("pk")
    sql, params = query.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # On a one-row table any index is as cheap: with plain scans off, only an index that can answer
        # the condition remains (a btree in list order would otherwise be walked with a filter).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "documents_document_fts" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the word statistics are PostgreSQL's")
def test_words_in_most_documents_are_tested_on_the_rows_the_rare_word_finds(office, tree):
    from dangvu.documents import fulltext

    for i in range(40):
        incoming(office, tree, f"Về công tác Đảng số {i} năm 2026")
    incoming(office, tree, "Về công tác Đảng ở xã Hiệp Yên")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documents_document")
    core_search._statistics.clear()  # the statistics are read again
    assert fulltext.share("documents_document", "dang") == pytest.approx(1.0, abs=0.05)
    assert fulltext.share("documents_document", "hiep") < 0.05  # 1 document in 41
    # "dang" and the prefix "c" (every document) are tested on the rows "hiep" finds.
    assert fulltext.split_common("documents_document", terms("dang hiep c")) == (["hiep"], ["dang", "c"])
    sql, _params = match(Document.objects.all(), "dang hiep c").query.sql_with_params()
    assert "ts_match_vq" in sql
    assert found(office.clerk, "dang hiep c") == {"Về công tác Đảng ở xã Hiệp Yên"}
    assert found(office.clerk, "Đảng yên") == {"Về công tác Đảng ở xã Hiệp Yên"}
    assert len(found(office.clerk, "dang 2026")) == 40
    core_search._statistics.clear()


def test_fragments_of_the_number_and_of_the_subject_when_no_word_starts_so(office, tree):
    incoming(office, tree, "Về chuyển đổi số trong cơ quan Đảng", number_text="12-NQ/TU")
    incoming(office, tree, "Về công tác phát triển đảng viên", number_text="05-QĐ/HU")
    report = incoming(office, tree, "Báo cáo tình hình", number_text="07-BC/TU")
    text = "Nội dung chuyển đổi số"  # as the OCR of its scan writes it
    Document.objects.filter(pk=report.pk).update(
        ocr_text=text, search_text=words_only(report.search_text, text)
    )
    # A piece of a symbol: inside the normalised numbers, however it is written.
    assert found(office.clerk, "NQ/T") == {"Về chuyển đổi số trong cơ quan Đảng"}
    assert found(office.clerk, "qđ-hu") == {"Về công tác phát triển đảng viên"}
    assert found(office.clerk, "/TU") == {"Về chuyển đổi số trong cơ quan Đảng", "Báo cáo tình hình"}
    # No word starts so: pieces of the subject (accents ignored), not of the body.
    assert found(office.clerk, "uyển đổi") == {"Về chuyển đổi số trong cơ quan Đảng"}
    assert found(office.clerk, "rien dang") == {"Về công tác phát triển đảng viên"}
    assert found(office.clerk, "ội dung") == set()  # the OCR text's inside: words only
    # Words that start words are found as words (the subject fragment is not looked for).
    assert found(office.clerk, "chuyen doi") == {"Về chuyển đổi số trong cơ quan Đảng", "Báo cáo tình hình"}
    assert found(office.clerk, "ển") == set()  # two letters: words only (a trigram needs three)
    # The subject's folded words follow corrections.
    document = Document.objects.get(number_key="5 qd hu")
    assert document.subject_key == "ve cong tac phat trien dang vien"
    services.document_correct(actor=office.clerk, document=document, subject="Về kiểm tra giám sát")
    assert found(office.clerk, "iem tra giam") == {"Về kiểm tra giám sát"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram indexes are PostgreSQL's")
def test_postgresql_answers_fragments_from_the_trigram_indexes(office, tree):
    incoming(office, tree, "Về chuyển đổi số", number_text="12-NQ/TU")
    for query, index in [
        ("NQ/TU", "documents_document_number_trgm"),
        ("uyen doi", "documents_document_subject_trgm"),
    ]:
        sql, params = search_documents(office.clerk, query).values("pk").query.sql_with_params()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert index in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the newest-first window is PostgreSQL's")
def test_a_page_read_from_the_newest_documents_is_the_page_of_all_of_them(office, tree):
    """Forty documents a day apart, every third one about "giám sát": pages newest first through the
    window equal the pages of the whole table, whether the window holds them or must widen or give up."""
    for i in range(40):
        incoming(office, tree, f"Về giám sát {i}" if i % 3 == 0 else f"Về kiểm tra {i}")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i, pk in enumerate(Document.objects.order_by("pk").values_list("pk", flat=True)):
        Document.objects.filter(pk=pk).update(created_at=start + timedelta(days=i))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documents_document")
    core_search._statistics.clear()
    rows = Document.objects.filter(subject__startswith="Về giám sát").order_by("-created_at", "-pk")
    everything = list(rows.values_list("pk", flat=True))
    assert len(everything) == 14
    for share in [0.9, 0.33, 0.05]:
        windowed = rows.filter(NewestWindow(share))
        for start_, stop in [(0, 1), (0, 2), (0, 5), (2, 6), (0, 14), (10, 20), (0, 50)]:
            assert list(windowed.values_list("pk", flat=True)[start_:stop]) == everything[start_:stop]
        assert windowed.count() == 14  # no slice: no window
    # Two newest matches, in about a third of the documents by the estimate: a window of the newest
    # days holds them: the query reads those two by their keys.
    sql, params = rows.filter(NewestWindow(0.9)).values("pk")[:2].query.sql_with_params()
    assert '"created_at" >= ' in sql
    assert params[-2] >= start + timedelta(days=20)
    assert params[-1] == everything[:2]
    # Another order: no window.
    sql, _params = (
        rows.filter(NewestWindow(0.33)).order_by("subject").values("pk")[:2].query.sql_with_params()
    )
    assert '"created_at" >= ' not in sql
    core_search._statistics.clear()
