"""`tancert backup` and `tancert restore`: the database, the file store and the records' files outside the
database, taken in an order that keeps them consistent (docs/deployment.md, Backups).

A backup is a folder:

    manifest.json            format, time, database vendor, SHA-256 of every file below
    database.pgdump          pg_dump --format=custom (PostgreSQL), or database.sqlite3 (SQLite's backup API)
    records/checkpoints.jsonl
    keys/…                   the records keyring (public), and the private keys unless --without-private-keys
    media/…                  uploads, certificate PDFs, scans of signed originals

The order matters because `tancert records verify` compares the database with the files outside it:
1. the checkpoint file is copied *before* the dump: a checkpoint line is written only after its event
   committed, so every copied line names an event the dump holds (a later line would read as a cut-off tail);
2. the database;
3. the keys *after* the dump: the keyring only grows, so it lists every key that signed a dumped event;
4. the file store last: a file an event of the dump names was written before that event committed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

from tancert.certificates import pades, seal
from tancert.records import chain, checkpoints, keys

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"


class BackupError(Exception):
    """What the operator must fix before a backup or restore can go on (one sentence)."""


def _key_files() -> dict[str, Path]:
    """Where this installation keeps each key file, by its name in the backup (the modules that make the keys
    know their places: DATA_DIR/keys, or TANCERT_RECORDS_KEY, TANCERT_SEAL_KEY, TANCERT_SIGNING_KEY/CERT)."""
    signing_key, signing_cert = pades._paths()
    return {"records-ed25519.pem": keys.key_path(), "seal-ed25519.pem": seal._key_path(),
            "signing-key.pem": signing_key, "signing-cert.pem": signing_cert}


# Copied even --without-private-keys: the keyring (handled on its own) and the signing certificate are public.
PUBLIC_KEY_FILES = {"signing-cert.pem"}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> dict:
    """libpq's environment for pg_dump and pg_restore, from the connection Django uses (the password never
    appears on a command line)."""
    db = connection.settings_dict
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"),
                     ("PGDATABASE", "NAME")):
        if db.get(key):
            env[var] = str(db[key])
    if (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def _run(argv: list[str]) -> None:
    try:
        done = subprocess.run(argv, env=_pg_env(), capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"{argv[0]} not found: install the PostgreSQL client tools of the server's version") from exc
    if done.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {(done.stderr or done.stdout).strip()[:2000]}")


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def _dump_database(folder: Path) -> str:
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(folder / PG_DUMP)])
        return PG_DUMP
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name in ("", ":memory:") or "mode=memory" in name:
            raise BackupError("an in-memory SQLite database cannot be backed up")
        source, target = sqlite3.connect(name), sqlite3.connect(folder / SQLITE_COPY)
        try:
            source.backup(target)  # a consistent copy while others keep writing
        finally:
            source.close()
            target.close()
        return SQLITE_COPY
    raise BackupError(f"no backup for the {connection.vendor} database")


def create(folder: Path, *, private_keys: bool = True) -> dict:
    """Write a backup into `folder` (which must not exist yet); returns the manifest."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True)
    except FileExistsError as exc:
        raise BackupError(f"{folder} exists already: a backup goes into a new folder") from exc
    os.chmod(folder, 0o700)  # it may hold the private keys
    started = datetime.now(UTC).isoformat(timespec="seconds")
    if checkpoints.path().exists():  # 1. before the dump (module docstring)
        _copy(checkpoints.path(), folder / "records" / "checkpoints.jsonl")
    database = _dump_database(folder)  # 2.
    if keys.keyring_path().exists():  # 3. after the dump
        _copy(keys.keyring_path(), folder / "keys" / "records-keyring.json")
    for name, path in _key_files().items():
        if path.exists() and (private_keys or name in PUBLIC_KEY_FILES):
            _copy(path, folder / "keys" / name)
    media = Path(settings.MEDIA_ROOT)
    if media.exists():  # 4. last
        shutil.copytree(media, folder / "media", dirs_exist_ok=True)
    files = {str(p.relative_to(folder)): _sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}
    manifest = {"format": FORMAT, "started": started, "finished": datetime.now(UTC).isoformat(timespec="seconds"),
                "vendor": connection.vendor, "database": database, "private_keys": private_keys, "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def read_manifest(folder: Path) -> dict:
    """The backup's manifest, after checking every file against it: a damaged backup is refused before
    anything is written."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} holds no readable {MANIFEST}: not a tancert backup") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    for name, digest in manifest["files"].items():
        path = Path(folder) / name
        if ".." in Path(name).parts or not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"{name} is missing or damaged (its SHA-256 differs from the manifest)")
    return manifest


@dataclass
class Restored:
    manifest: dict
    verify: chain.VerifyResult


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def _restore_database(folder: Path, manifest: dict) -> None:
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"the backup is of a {manifest['vendor']} database; DATABASE_URL names {connection.vendor}")
    if not _database_is_empty():
        raise BackupError("the target database has tables: restore into a new, empty database")
    if connection.vendor == "postgresql":
        connection.close()
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname",
              connection.settings_dict["NAME"], str(folder / PG_DUMP)])
        return
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    source, copy = sqlite3.connect(folder / SQLITE_COPY), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()


def _place(source: Path, target: Path) -> None:
    """Put a file where this installation expects it; an existing different file is never overwritten."""
    if target.exists():
        if _sha256(target) != _sha256(source):
            raise BackupError(f"{target} exists and differs from the backup's copy: move it away first")
        return
    _copy(source, target)
    if target.suffix == ".pem" and "cert" not in target.name:
        os.chmod(target, 0o600)


def restore(folder: Path) -> Restored:
    """Restore a backup into the configured (empty) database and TANCERT_HOME, then verify the record.

    The files outside the database are checked before the database is touched, so a refusal leaves nothing
    half-restored."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if checkpoints.path().exists() and checkpoints.path().stat().st_size:
        raise BackupError(f"{checkpoints.path()} exists: restore into a new TANCERT_HOME")
    places = {folder / "keys" / "records-keyring.json": keys.keyring_path()}
    places.update({folder / "keys" / name: path for name, path in _key_files().items()})
    places = {src: dst for src, dst in places.items() if src.exists()}
    for src, dst in places.items():
        if dst.exists() and _sha256(dst) != _sha256(src):
            raise BackupError(f"{dst} exists and differs from the backup's copy: move it away first")
    _restore_database(folder, manifest)
    for src, dst in places.items():
        _place(src, dst)
    if (folder / "media").exists():
        shutil.copytree(folder / "media", Path(settings.MEDIA_ROOT), dirs_exist_ok=True)
    if (folder / "records" / "checkpoints.jsonl").exists():
        _copy(folder / "records" / "checkpoints.jsonl", checkpoints.path())
    return Restored(manifest, chain.verify())
