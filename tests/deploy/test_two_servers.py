"""Two application servers, one PostgreSQL, one TANCERT_HOME (docs/deployment.md): real `tancert serve`
processes take concurrent actions through the API, the sweep runs on both at once, and afterwards the record
is one valid chain with its checkpoints, every certificate has its own number, and each thing was done once."""

from __future__ import annotations

import re
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from deployenv import TANCERT, call, pg_url, process_env, servers
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from tancert.certificates.models import Certificate
from tancert.people.actions import create_api_token
from tancert.records import chain
from tancert.records.models import Event

from flow import transferred_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="several servers share one PostgreSQL; a SQLite file serves one machine"),
]


def at_once(jobs: list[tuple]) -> list[tuple[int, dict]]:
    """Every request sent at the same moment, each from its own thread."""
    barrier = threading.Barrier(len(jobs))

    def send(job):
        base, method, path, token, body = job
        barrier.wait(timeout=60)
        return call(base, method, path, token=token, body=body)

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(send, jobs))


def test_two_servers_keep_one_chain_one_numbering_and_sweep_once(p, settings, tmp_path):
    settings.MEDIA_ROOT = str(Path(settings.DATA_DIR) / "media")  # the servers' file store is this process's too
    ends = timezone.localdate() + timedelta(days=60)
    decisions = [transferred_in(p, n, expires_on=ends) for n in range(4)]
    certadmin = create_api_token(p.certadmin, "two servers", by=None)[1]
    sysadmin = create_api_token(p.sysadmin, "two servers", by=None)[1]
    env = process_env(settings.DATA_DIR, pg_url())

    with servers(env, tmp_path) as (a, b):
        issues = [((a, b)[i % 2], "POST", f"/api/v1/decisions/{d.pk}/certificate", certadmin, None)
                  for i, d in enumerate(decisions)]
        twice = [(b, "POST", f"/api/v1/decisions/{decisions[0].pk}/certificate", certadmin, None)]
        days = [((b, a)[i % 2], "POST", "/api/v1/calendar", sysadmin,
                 {"day": f"2031-05-0{i + 1}", "is_workday": False, "note": "劳动节"}) for i in range(4)]
        answers = at_once(issues + twice + days)
        # The sweep on both servers at once, on the day after the certificates expire.
        sweeps = [subprocess.Popen([*TANCERT, "sweep", "--today", (ends + timedelta(days=1)).isoformat()], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in (a, b)]
        outs = [(s.communicate(timeout=180)[0], s.returncode) for s in sweeps]
        # The first decision went to both servers at once: one of the two issued it, the other was refused.
        issued = [body for status, body in answers[:5] if status == 201]
        numbers = [body["number"] for body in issued]
        looked_up = [call((a, b)[i % 2], "GET", f"/api/v1/public/certificates/{n}") for i, n in enumerate(numbers)]

    assert sorted(s for s, _ in answers[1:4]) == [201] * 3, answers[:5]
    assert sorted(s for s, _ in (answers[0], answers[4])) == [201, 422], (answers[0], answers[4])
    assert len(issued) == 4 and all(body.get("rule") for status, body in answers[:5] if status == 422)
    assert [s for s, _ in answers[5:]] == [201] * 4, answers[5:]
    # One numbering across both servers: four numbers, consecutive serials.
    serials = sorted(int(re.search(r"CMS(\d+)R", n).group(1)) for n in numbers)
    assert serials == list(range(serials[0], serials[0] + 4)), numbers
    assert Certificate.objects.count() == 4
    # The sweep ran twice at once and expired each certificate once; neither run failed.
    assert [rc for _out, rc in outs] == [0, 0], outs
    expired = [int(re.search(r"expired certificates: (\d+)", out).group(1)) for out, _rc in outs]
    assert sum(expired) == 4, outs
    assert Event.objects.filter(action="certificate.expired").count() == 4
    assert [(s, body["status"]) for s, body in looked_up] == [(200, "expired")] * 4
    # One chain: every event linked and signed, and the checkpoints that both servers wrote agree with it.
    result = chain.verify()
    assert result.ok, result.reason
    assert result.count == Event.objects.count()
    assert result.latest_checkpoint["seq"] == Event.objects.aggregate(m=Max("seq"))["m"]
