"""Backup and restore of a whole installation: the database, the stored files and the audit checkpoints.

A backup is a directory::

    manifest.json        what is inside, with the SHA-256 and size of every other file
    manifest.sha256      the SHA-256 of manifest.json
    database.dump        PostgreSQL: pg_dump's custom format (one consistent snapshot)
    database.sqlite3     SQLite: a copy made with SQLite's online backup API (consistent, no lock held long)
    storages/<alias>/…   every file of each backed-up Django storage (``DANGVU_BACKUP_STORAGES``: the
                         uploaded files and the audit checkpoints)
    directories/<name>/… every file of each extra directory (``DANGVU_BACKUP_DIRS``, ``name=/path``)

Order matters for consistency: the audit checkpoints (and extra directories) are copied first, then the
database, then the uploaded files. A checkpoint therefore never names an entry the dump lacks, and every
file the dump refers to was stored before the dump was taken (files are saved before the rows that name
them are committed); files stored later are harmless extras.

``restore`` checks every checksum before it touches anything and refuses a backup that does not match
(a missing, extra, altered or truncated file); it restores into an empty installation unless told to
replace what is there, then recomputes the audit chain.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why (safe to show an operator)."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def backup_storages() -> list[str]:
    """The storage aliases to back up: configured ones that exist in ``STORAGES``."""
    wanted = getattr(settings, "DANGVU_BACKUP_STORAGES", ["default", "audit_checkpoints"])
    return [alias for alias in wanted if alias in settings.STORAGES]


def backup_directories() -> dict[str, Path]:
    """Extra directories: ``{name: path}`` from ``DANGVU_BACKUP_DIRS`` (``name=/path`` items)."""
    result: dict[str, Path] = {}
    for item in getattr(settings, "DANGVU_BACKUP_DIRS", []):
        name, _sep, path = item.partition("=")
        if not path or not name.isidentifier():
            raise BackupError(f"DANGVU_BACKUP_DIRS: “{item}” is not name=/path")
        result[name] = Path(path)
    return result


def _storage_files(storage: Storage, prefix: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:  # a storage whose directory was never created holds nothing
        return
    for name in sorted(files):
        yield f"{prefix}{name}"
    for directory in sorted(directories):
        yield from _storage_files(storage, f"{prefix}{directory}/")


def _directory_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from sorted(p for p in root.rglob("*") if p.is_file())


# --- Backup --------------------------------------------------------------------------------------------


def _dump_database(target: Path) -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target / "database.sqlite3")
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return "database.sqlite3"
    if connection.vendor == "postgresql":
        # pg_dump reads one snapshot (REPEATABLE READ): the dump is consistent while the site runs.
        _pg(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "-f",
                str(target / "database.dump"),
            ],
            db,
        )
        return "database.dump"
    raise BackupError(f"no backup method for the {connection.vendor} database")


def _pg(command: list[str], db: Mapping[str, object]) -> None:
    env = os.environ | {"PGPASSWORD": str(db.get("PASSWORD") or "")}
    args = [*command, "-h", str(db.get("HOST") or "localhost"), "-p", str(db.get("PORT") or 5432)]
    args += ["-U", str(db.get("USER") or "postgres"), "-d", str(db["NAME"])]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _copy_storage(alias: str, target: Path) -> None:
    storage = storages[alias]
    for name in _storage_files(storage):
        destination = target / "storages" / alias / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, destination.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)


def _copy_directory(root: Path, target: Path) -> None:
    for path in _directory_files(root):
        destination = target / path.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)


@dataclass
class BackupSummary:
    path: Path
    files: int
    bytes: int


def backup_create(destination: Path) -> BackupSummary:
    """Write a complete backup to the new directory ``destination`` (see the module's docstring).

    Written to ``<destination>.partial`` and renamed at the end: a backup interrupted half-way never
    looks complete.
    """
    destination = destination.resolve()
    if destination.exists():
        raise BackupError(f"{destination} already exists")
    partial = destination.with_name(destination.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    aliases = backup_storages()
    directories = backup_directories()
    # Checkpoints before the database, uploaded files after it (see the module's docstring).
    first = [a for a in aliases if a != "default"]
    for alias in first:
        _copy_storage(alias, partial)
    for name, root in directories.items():
        _copy_directory(root, partial / "directories" / name)
    database_file = _dump_database(partial)
    if "default" in aliases:
        _copy_storage("default", partial)
    files = {}
    total = 0
    for path in sorted(p for p in partial.rglob("*") if p.is_file()):
        size = path.stat().st_size
        files[path.relative_to(partial).as_posix()] = {"sha256": sha256_of(path), "size": size}
        total += size
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": connection.vendor, "file": database_file},
        "storages": aliases,
        "directories": {name: str(root) for name, root in directories.items()},
        "files": files,
    }
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False).encode()
    (partial / MANIFEST).write_bytes(text)
    (partial / MANIFEST_SUM).write_text(f"{hashlib.sha256(text).hexdigest()}  {MANIFEST}\n")
    partial.rename(destination)
    return BackupSummary(destination, len(files), total)


# --- Verify and restore ---------------------------------------------------------------------------------


@dataclass
class Verification:
    manifest: dict[str, Any]
    problems: list[str] = field(default_factory=list)


def backup_verify(source: Path) -> Verification:
    """Compare every file with the manifest; ``problems`` lists each mismatch (empty when all match)."""
    try:
        text = (source / MANIFEST).read_bytes()
        expected = (source / MANIFEST_SUM).read_text().split()[0]
    except (OSError, IndexError) as error:
        raise BackupError(f"{source} is not a dangvu backup (no readable manifest)") from error
    if hashlib.sha256(text).hexdigest() != expected:
        return Verification({}, [f"{MANIFEST}: checksum does not match {MANIFEST_SUM}"])
    manifest = json.loads(text)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    problems = []
    listed: dict[str, dict[str, Any]] = manifest["files"]
    present = {
        p.relative_to(source).as_posix()
        for p in source.rglob("*")
        if p.is_file() and p.name not in {MANIFEST, MANIFEST_SUM}
    }
    for name in sorted(set(listed) - present):
        problems.append(f"{name}: missing")
    for name in sorted(present - set(listed)):
        problems.append(f"{name}: not in the manifest")
    for name in sorted(set(listed) & present):
        path = source / name
        if path.stat().st_size != listed[name]["size"] or sha256_of(path) != listed[name]["sha256"]:
            problems.append(f"{name}: checksum does not match")
    return Verification(manifest, problems)


def _database_is_empty() -> bool:
    return not [t for t in connection.introspection.table_names() if not t.startswith("sqlite_")]


def _restore_database(source: Path, manifest: dict[str, Any], replace: bool) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"the backup holds a {vendor} database; this installation uses {connection.vendor}")
    if not replace and not _database_is_empty():
        raise BackupError("the database is not empty; restore into an empty one (or pass --replace)")
    dump = source / manifest["database"]["file"]
    if vendor == "sqlite":
        connection.ensure_connection()
        backup = sqlite3.connect(dump)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()
        return
    connection.close()
    clean = ["--clean", "--if-exists"] if replace else []
    _pg(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            *clean,
            str(dump),
        ],
        connection.settings_dict,
    )


def _restore_storage(alias: str, source: Path, replace: bool) -> int:
    storage = storages[alias]
    root = source / "storages" / alias
    existing = list(_storage_files(storage))
    if existing and not replace:
        raise BackupError(
            f"the storage “{alias}” is not empty; restore into an empty one (or pass --replace)"
        )
    for name in existing:
        storage.delete(name)
    count = 0
    for path in _directory_files(root):
        name = path.relative_to(root).as_posix()
        with path.open("rb") as stream:
            saved = storage.save(name, File(stream))
        if saved != name:
            raise BackupError(f"the storage “{alias}” saved {name} as {saved}")
        count += 1
    return count


def _restore_directory(root: Path, target: Path, replace: bool) -> int:
    if any(_directory_files(target)):
        if not replace:
            raise BackupError(f"{target} is not empty; restore into an empty directory (or pass --replace)")
        shutil.rmtree(target)
    count = 0
    for path in _directory_files(root):
        destination = target / path.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        count += 1
    return count


def backup_restore(source: Path, *, replace: bool = False) -> Verification:
    """Restore ``source`` after checking every checksum; raise ``BackupError`` on any mismatch."""
    verification = backup_verify(source)
    if verification.problems:
        raise BackupError(
            "the backup does not match its checksums; nothing was restored:\n  "
            + "\n  ".join(verification.problems[:50])
        )
    manifest = verification.manifest
    # Every target is checked before anything is written.
    configured = backup_directories()
    targets = {name: configured.get(name, Path(path)) for name, path in manifest["directories"].items()}
    missing = [alias for alias in manifest["storages"] if alias not in settings.STORAGES]
    if missing:
        raise BackupError(f"the backup holds storages this installation lacks: {', '.join(missing)}")
    if not replace:
        for alias in manifest["storages"]:
            if any(_storage_files(storages[alias])):
                raise BackupError(
                    f"the storage “{alias}” is not empty; restore into an empty one (or --replace)"
                )
        for target in targets.values():
            if any(_directory_files(target)):
                raise BackupError(f"{target} is not empty; restore into an empty directory (or --replace)")
    _restore_database(source, manifest, replace)
    for alias in manifest["storages"]:
        _restore_storage(alias, source, replace)
    for name, target in targets.items():
        _restore_directory(source / "directories" / name, target, replace)
    return verification
