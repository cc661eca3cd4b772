"""Full-text search over documents (FTS5 on SQLite, the GIN word index on PostgreSQL): words of the subject,
body and OCR text, accents ignored, every word a prefix; the index follows inserts, edits and deletions;
on PostgreSQL the query is the indexed expression."""

from datetime import date

import pytest
from django.db import connection, transaction

from dangvu.core import search as core_search
from dangvu.documents import services
from dangvu.documents.fulltext import match, terms, words_only
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
    assert found(office.clerk, "rien") == set()  # a word's inside is not a word's start
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
