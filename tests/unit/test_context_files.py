"""run.save(): what lands in files/ and what is reported for upload, per policy."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

import pytest

from trackwell.schema.errors import InvalidArgument
from trackwell.sdk.context.files import FileSaver

Report = tuple[str, str, int, str]


class Reports:
    def __init__(self) -> None:
        self.items: list[Report] = []
        self._lock = threading.Lock()

    def __call__(self, path: str, sha: str, size: int, policy: str) -> None:
        with self._lock:
            self.items.append((path, sha, size, policy))

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Report]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.items) >= count:
                    return list(self.items)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} reports, got {self.items}")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    (work / "ckpt" / "sub").mkdir(parents=True)
    return work


def test_now_copies_byte_exact_keeping_relative_paths(workdir: Path, tmp_path: Path) -> None:
    blob = os.urandom(3 * 1024 * 1024 + 17)
    (workdir / "ckpt" / "model.bin").write_bytes(blob)
    (workdir / "ckpt" / "sub" / "opt.bin").write_bytes(b"opt")
    files = tmp_path / "run" / "files"
    reports = Reports()
    saver = FileSaver(files, reports, cwd=workdir)

    saved = saver.save("ckpt/**/*.bin", policy="now")

    assert sorted(saved) == [str(files / "ckpt/model.bin"), str(files / "ckpt/sub/opt.bin")]
    assert (files / "ckpt" / "model.bin").read_bytes() == blob
    assert sorted(reports.items) == [
        ("ckpt/model.bin", _sha(blob), len(blob), "now"),
        ("ckpt/sub/opt.bin", _sha(b"opt"), 3, "now"),
    ]
    saver.finish_files()
    assert len(reports.items) == 2  # "now" files are not reported again


def test_base_path_sets_the_relative_path(workdir: Path, tmp_path: Path) -> None:
    (workdir / "ckpt" / "sub" / "a.txt").write_text("a")
    files = tmp_path / "files"
    reports = Reports()
    saver = FileSaver(files, reports, cwd=workdir)
    saver.save(str(workdir / "ckpt" / "sub" / "a.txt"), base_path=workdir / "ckpt", policy="now")
    saver.save(str(workdir / "ckpt" / "sub" / "a.txt"), policy="now")  # absolute, no base: no folders
    assert [r[0] for r in reports.items] == ["sub/a.txt", "a.txt"]
    assert (files / "sub" / "a.txt").read_text() == "a"
    assert (files / "a.txt").read_text() == "a"


def test_globs_reaching_outside_base_path_are_refused(workdir: Path, tmp_path: Path) -> None:
    saver = FileSaver(tmp_path / "files", Reports(), cwd=workdir)
    with pytest.raises(InvalidArgument) as err:
        saver.save("../*.txt", policy="now")
    assert err.value.field == "base_path"
    with pytest.raises(InvalidArgument):
        saver.save(str(tmp_path / "x.txt"), base_path=workdir, policy="now")
    with pytest.raises(InvalidArgument) as bad_policy:
        saver.save("*.txt", policy="sometimes")
    assert bad_policy.value.field == "policy"
    with pytest.raises(InvalidArgument) as no_glob:
        saver.save(None, policy="now")
    assert no_glob.value.field == "glob_str"
    assert not (tmp_path / "files").exists() or not any((tmp_path / "files").iterdir())


def test_live_files_are_reported_again_when_they_change_and_new_matches_appear(
    workdir: Path, tmp_path: Path
) -> None:
    log_file = workdir / "metrics.csv"
    log_file.write_text("step,loss\n")
    files = tmp_path / "files"
    reports = Reports()
    saver = FileSaver(files, reports, poll_interval=0.05, cwd=workdir)
    saver.save("*.csv", policy="live")
    assert reports.wait_for(1)[0][3] == "live"

    log_file.write_text("step,loss\n1,0.5\n")
    assert reports.wait_for(2)[1] == ("metrics.csv", _sha(b"step,loss\n1,0.5\n"), 16, "live")
    assert (files / "metrics.csv").read_text() == "step,loss\n1,0.5\n"

    (workdir / "later.csv").write_text("new")
    assert reports.wait_for(3)[2][0] == "later.csv"

    time.sleep(0.3)  # unchanged files are not reported again
    os.utime(log_file)  # touched, same bytes: not reported either
    time.sleep(0.3)
    assert len(reports.items) == 3
    saver.finish_files()
    assert len(reports.items) == 3


def test_end_files_are_copied_at_finish_with_their_final_content(workdir: Path, tmp_path: Path) -> None:
    final = workdir / "ckpt" / "final.pt"
    final.write_bytes(b"epoch 1")
    files = tmp_path / "files"
    reports = Reports()
    saver = FileSaver(files, reports, cwd=workdir)
    saver.save("ckpt/*.pt", policy="end")
    assert reports.items == []
    final.write_bytes(b"epoch 10")
    saver.finish_files()
    saver.finish_files()  # idempotent
    assert reports.items == [("ckpt/final.pt", _sha(b"epoch 10"), 8, "end")]
    assert (files / "ckpt" / "final.pt").read_bytes() == b"epoch 10"


def test_saving_a_file_already_in_files_dir_reports_it_without_copying(tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()
    (files / "model.h5").write_bytes(b"weights")
    reports = Reports()
    saver = FileSaver(files, reports, cwd=tmp_path)
    saver.save(str(files / "model.h5"), policy="now")  # wandb.save(os.path.join(run.dir, "model.h5"))
    assert reports.items == [("model.h5", _sha(b"weights"), 7, "now")]
    assert sorted(p.name for p in files.iterdir()) == ["model.h5"]


def test_a_glob_over_the_working_dir_never_copies_the_run_files_into_themselves(tmp_path: Path) -> None:
    files = tmp_path / "trackwell" / "run-1" / "files"
    files.mkdir(parents=True)
    (files / "output.log").write_text("x")
    (tmp_path / "notes.txt").write_text("n")
    reports = Reports()
    saver = FileSaver(files, reports, cwd=tmp_path)
    saver.save("**/*", policy="now")
    assert [r[0] for r in reports.items] == ["notes.txt"]
