"""Several processes share one TANCERT_HOME (docs/deployment.md): the keys made on first use are made once,
and no process reads a key another one is still writing."""

from __future__ import annotations

import multiprocessing

PROCESSES = 6


def _first_use(barrier, answers) -> None:
    """In a child process: ask for every key at the same moment as the others."""
    try:
        from tancert.certificates import pades, seal
        from tancert.records import keys

        barrier.wait(timeout=30)
        answers.put((seal.key_id(seal.private_key().public_key()), keys.current_key_id(), pades.fingerprint()))
    except BaseException as exc:  # noqa: BLE001 - the parent reports what went wrong
        answers.put(repr(exc))


def test_processes_making_the_first_keys_at_once_share_one_of_each(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path  # a fresh home: no key exists yet
    monkeypatch.delenv("TANCERT_SEAL_KEY", raising=False)
    monkeypatch.delenv("TANCERT_RECORDS_KEY", raising=False)
    monkeypatch.delenv("TANCERT_SIGNING_KEY", raising=False)
    ctx = multiprocessing.get_context("fork")  # the children inherit the settings above
    barrier, answers = ctx.Barrier(PROCESSES), ctx.Queue()
    children = [ctx.Process(target=_first_use, args=(barrier, answers)) for _ in range(PROCESSES)]
    for child in children:
        child.start()
    got = [answers.get(timeout=60) for _ in children]
    for child in children:
        child.join(timeout=30)
    assert all(isinstance(a, tuple) for a in got), got
    assert len(set(got)) == 1, got  # one seal key, one records key, one signing certificate
    assert not list((tmp_path / "keys").glob("*.new"))
