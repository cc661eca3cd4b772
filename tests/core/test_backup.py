"""`dangvu backup` and `dangvu restore`: a backup restored into an empty installation (another data
directory and database, driven as separate processes) passes verify_audit and holds the same files;
a backup whose checksums do not match is refused before anything is touched."""

import hashlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from dangvu.audit.models import AuditEntry
from dangvu.members.importer import run_import
from dangvu.members.models import Member, MemberImport

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
CSV = "\ufeffHọ và tên,Giới tính,Ngày sinh,Số CCCD,Mã chi bộ\n" + "\n".join(
    f"Người Thứ {i},Nam,1980,{i:012d},A1" for i in range(1, 31)
)


def checksums(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def installation(tree, people, settings, tmp_path):
    """An installation with members, audit entries, an uploaded file and an audit checkpoint."""
    settings.MEDIA_ROOT = tmp_path / "media"
    checkpoints = tmp_path / "checkpoints"
    (checkpoints / "2026").mkdir(parents=True)
    (checkpoints / "2026" / "checkpoint-000001.json").write_text('{"seq": 1, "mac": "ab"}')
    settings.DANGVU_BACKUP_DIRS = [f"checkpoints={checkpoints}"]
    run_import(
        actor=people.province, org=tree.xa, upload=SimpleUploadedFile("m.csv", CSV.encode()), dry_run=False
    )
    job = MemberImport.objects.create(created_by=people.province, org=tree.xa, filename="m.csv")
    job.file.save("m.csv", ContentFile(CSV.encode()))
    (settings.MEDIA_ROOT / "nested" / "deeper").mkdir(parents=True)
    (settings.MEDIA_ROOT / "nested" / "deeper" / "tài liệu.pdf").write_bytes(b"%PDF-1.7\x00\xff" * 1000)
    return {"media": settings.MEDIA_ROOT, "checkpoints": checkpoints}


@pytest.fixture
def empty_database():
    """The empty installation's database: a new SQLite file, or a new PostgreSQL database."""
    if connection.vendor == "sqlite":
        yield {}
        return
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:6]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    yield {"DATABASE_URL": url}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def dangvu(args, env):
    return subprocess.run(
        [sys.executable, "-m", "dangvu", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def target_env(target: Path, database: dict[str, str]) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DANGVU_", "DATABASE_URL", "REDIS_URL"))}
    return (
        env
        | database
        | {
            "DJANGO_SETTINGS_MODULE": "dangvu.settings",
            "DANGVU_DATA_DIR": str(target),
            "DANGVU_MEDIA_ROOT": str(target / "media"),
            "DANGVU_BACKUP_DIRS": f"checkpoints={target / 'checkpoints'}",
        }
    )


def test_a_backup_restores_into_an_empty_installation_that_verifies(installation, empty_database, tmp_path):
    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    database_file = "database.sqlite3" if connection.vendor == "sqlite" else "database.dump"
    assert manifest["database"] == {"vendor": connection.vendor, "file": database_file}
    assert sorted(manifest["files"]) == sorted(
        [
            database_file,
            "directories/checkpoints/2026/checkpoint-000001.json",
            "storages/default/imports/m.csv",
            "storages/default/nested/deeper/tài liệu.pdf",
        ]
    )
    assert not (tmp_path / "backup.partial").exists()

    target = tmp_path / "restored"
    env = target_env(target, empty_database)
    restored = dangvu(["restore", str(tmp_path / "backup")], env)
    assert restored.returncode == 0, restored.stderr
    entries = AuditEntry.objects.count()
    assert f"Audit chain verified: {entries} entries." in restored.stdout
    verified = dangvu(["verify_audit"], env)
    assert verified.returncode == 0, verified.stderr
    assert f"Nhật ký toàn vẹn: {entries} bản ghi, chuỗi băm khớp." in verified.stdout
    counted = dangvu(
        ["shell", "-c", "from dangvu.members.models import Member; print(Member.objects.count())"], env
    )
    assert counted.stdout.splitlines()[-1] == str(Member.objects.count()) == "30"
    assert checksums(target / "media") == checksums(installation["media"])
    assert checksums(target / "checkpoints") == checksums(installation["checkpoints"])
    assert len(checksums(target / "media")) == 2

    # The restored installation is not empty any more: a second restore is refused.
    again = dangvu(["restore", str(tmp_path / "backup")], env)
    assert again.returncode == 1
    assert "is not empty" in again.stderr


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        ("alter_file", "storages/default/imports/m.csv: checksum does not match"),
        ("truncate_database", "checksum does not match"),
        ("remove_file", "directories/checkpoints/2026/checkpoint-000001.json: missing"),
        ("add_file", "storages/default/extra.txt: not in the manifest"),
        ("edit_manifest", "manifest.json: checksum does not match manifest.sha256"),
    ],
)
def test_restore_refuses_a_backup_whose_checksums_do_not_match(installation, tmp_path, damage, problem):
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    database = backup / ("database.sqlite3" if connection.vendor == "sqlite" else "database.dump")
    if damage == "alter_file":
        path = backup / "storages/default/imports/m.csv"
        path.write_bytes(path.read_bytes().replace(b"Nam", b"Nu"))
    elif damage == "truncate_database":
        database.write_bytes(database.read_bytes()[:-100])
    elif damage == "remove_file":
        (backup / "directories/checkpoints/2026/checkpoint-000001.json").unlink()
    elif damage == "add_file":
        (backup / "storages/default/extra.txt").write_text("x")
    else:
        path = backup / "manifest.json"
        path.write_text(path.read_text().replace('"format": 1', '"format": 1 '))
    members = Member.objects.count()
    with pytest.raises(CommandError, match="does not match") as refused:
        call_command("restore", str(backup), "--replace")
    assert problem in str(refused.value)
    assert Member.objects.count() == members == 30  # nothing was touched
    with pytest.raises(CommandError, match="does not match"):
        call_command("restore", str(backup), "--check-only")


def test_restore_refuses_to_overwrite_a_live_installation(installation, tmp_path):
    call_command("backup", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(tmp_path / "backup"))
