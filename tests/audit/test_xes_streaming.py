"""The XES writer streams: a big log goes out a few traces at a time and is never held whole.

Two honest measures (not timings): tracemalloc's peak while 2,000 generated traces are written
to a file, against what holding those traces alone takes; and, since lxml's own tree lives in C
memory tracemalloc does not see, the writes themselves: each reaches the file while the traces
are still being generated, never more than a chunk's worth behind."""
from __future__ import annotations

import tracemalloc
from datetime import datetime, timedelta, timezone

from server.audit.services.event_log import LogEvent, LogTrace
from server.audit.services.log_import import read_log
from server.audit.services.xes import FLUSH_EVERY, write_xes

TRACES = 2_000
STEPS = 5
T0 = datetime(2026, 1, 5, 1, 0, tzinfo=timezone.utc)


def synthetic(count: int, progress: list | None = None):
    """`count` traces of STEPS steps (a start and a completion each), made one at a time."""
    for n in range(count):
        events = []
        for k in range(STEPS):
            at = T0 + timedelta(hours=n, minutes=30 * k)
            common = dict(role=f"Jabatan {k}", element_id=f"s{k:02d}_langkah", row=str(k + 1), waktu=f"{k + 1} hari",
                          task_id=n * STEPS + k, task_state="completed")
            events.append(LogEvent(f"Langkah nomor {k + 1}", "start", at, **common))
            events.append(LogEvent(f"Langkah nomor {k + 1}", "complete", at + timedelta(minutes=20),
                                   resource=f"pegawai.{n % 97}", resource_id=n % 97, **common))
        if progress is not None:
            progress[0] += 1
        yield LogTrace(str(n + 1), events, n + 1, {"title": f"Permohonan {n + 1}", "status": "completed",
                                                   "version": 1, "started_at": T0 + timedelta(hours=n)})


class Recorder:
    """A file that notes how many traces had been generated at each write."""

    def __init__(self, path, progress: list):
        self.out, self.progress, self.seen = path.open("wb"), progress, []

    def write(self, data: bytes) -> None:
        self.seen.append(self.progress[0])
        self.out.write(data)


def test_two_thousand_traces_are_written_without_holding_them(tmp_path):
    tracemalloc.start()
    held = list(synthetic(TRACES))
    holding, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del held

    progress = [0]
    sink = Recorder(tmp_path / "besar.xes", progress)
    tracemalloc.start()
    write_xes(synthetic(TRACES, progress), sink, log_name="SOP sintetis", tz="Asia/Jakarta")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sink.out.close()

    assert holding > 5 * 1024 * 1024  # what the 2,000 traces take when held (about 9 MB)
    print(f"holding {holding:,} B, peak while writing {peak:,} B")
    assert peak < holding / 8, (peak, holding)
    # the writes follow the generation a chunk at a time: never more than one chunk behind
    assert len(sink.seen) >= TRACES // FLUSH_EVERY
    assert sink.seen[0] <= FLUSH_EVERY
    assert all(b - a <= FLUSH_EVERY for a, b in zip(sink.seen, sink.seen[1:]))

    size = (tmp_path / "besar.xes").stat().st_size
    assert size > 10 * peak  # the file is far bigger than what writing it held
    log = read_log("besar.xes", (tmp_path / "besar.xes").read_bytes())
    assert len(log.traces) == TRACES and log.events == TRACES * STEPS * 2
    assert log.traces[-1].events[-1].resource == f"pegawai.{(TRACES - 1) % 97}"
