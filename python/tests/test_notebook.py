"""
examples/notebooks/fashion-mnist.ipynb, executed headless in a fresh Jupyter kernel on local Spark:
top to bottom, and the notebook way of resuming: the kernel and its JVM are killed with SIGKILL in
the middle of the fit, a new kernel runs the notebook again with the same checkpoint directory, the
fit resumes at the next round and ends with the model of an uninterrupted run.
"""

import asyncio
import os
import re
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "notebooks" / "fashion-mnist.ipynb"
# A short run: 1,200 training images in rounds of 2 workers x 16 examples x 2 minibatches,
# 19 rounds per epoch, 2 epochs, a checkpoint every 4 rounds.
SHORT = {
    "TXTRAIN_NB_TRAIN_LIMIT": "1200",
    "TXTRAIN_NB_TEST_LIMIT": "300",
    "TXTRAIN_NB_EPOCHS": "2",
    "TXTRAIN_NB_BATCH_SIZE": "16",
    "TXTRAIN_NB_AVERAGING_FREQUENCY": "2",
    "TXTRAIN_NB_CHECKPOINT_EVERY": "4",
}
TOTAL_ROUNDS = 2 * 19
CELL_TIMEOUT = 600
START = re.compile(r"driver start \((first start|after a crash|after a clean stop)\): from (the initial state|the "
                   r"checkpoint of round (\d+)), (\d+) round\(s\) replayed, next round (\d+)")


def client_for(checkpoint_dir, model_dir, monkeypatch):
    for k, v in SHORT.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("TXTRAIN_NB_CHECKPOINT_DIR", str(checkpoint_dir))
    monkeypatch.setenv("TXTRAIN_NB_MODEL_DIR", str(model_dir))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    return nb, NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                              resources={"metadata": {"path": str(NOTEBOOK.parent)}})


def text_of(nb):
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                out.append(o.text)
            elif o.output_type in ("execute_result", "display_data") and "text/plain" in o.data:
                out.append(o.data["text/plain"])
    return "\n".join(out)


def images_of(nb):
    return [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]


def sha_of(text):
    found = re.findall(r"^model sha256=([0-9a-f]{64})$", text, re.M)
    assert len(found) == 1, text
    return found[0]


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    """The notebook run top to bottom without interruption."""
    monkeypatch = pytest.MonkeyPatch()
    try:
        root = tmp_path_factory.mktemp("notebook-clean")
        nb, client = client_for(root / "checkpoints", root / "model", monkeypatch)
        client.execute()
        return nb, root
    finally:
        monkeypatch.undo()


def test_the_notebook_runs_top_to_bottom(clean_run):
    nb, root = clean_run
    text = text_of(nb)
    accuracy = re.search(r"^held-out accuracy (\d\.\d{3})$", text, re.M)
    assert accuracy, text
    assert float(accuracy.group(1)) > 0.5
    assert "1200 training images, 300 test images" in text
    starts = START.findall(text)
    assert [s[0] for s in starts] == ["first start"], text
    assert f"committed rounds: {TOTAL_ROUNDS};" in text
    assert images_of(nb), "the loss and timeline plot"
    sha_of(text)
    model = root / "model"
    assert (model / "metadata" / "part-00000").is_file()
    stages = sorted(os.listdir(model / "stages"))
    assert len(stages) == 2 and stages[1].startswith("1_TxtrainClassifier"), stages
    assert (model / "stages" / stages[1] / "data" / "network.zip").is_file()


def newest_checkpoint_round(checkpoint_dir: Path) -> int:
    best = -1
    for ckpt in checkpoint_dir.glob("run-*/checkpoints/ckpt-*"):
        best = max(best, int(ckpt.name.split("-")[1]))  # ckpt-<round:19d>-<epoch:10d> (docs/PROTOCOL.md §1)
    return best


def test_a_killed_kernel_resumes_when_the_notebook_runs_again(clean_run, tmp_path, monkeypatch):
    clean_sha = sha_of(text_of(clean_run[0]))
    checkpoints = tmp_path / "checkpoints"
    nb, client = client_for(checkpoints, tmp_path / "model-1", monkeypatch)
    outcome = {}

    def run():
        try:
            asyncio.run(client.async_execute())
        except BaseException as e:  # the kernel dies under it
            outcome["error"] = e

    runner = threading.Thread(target=run, daemon=True)
    runner.start()
    deadline = time.monotonic() + CELL_TIMEOUT
    seen = -1
    while seen < 8:
        assert runner.is_alive(), f"the notebook ended before the kill: {outcome}\n{text_of(nb)}"
        assert time.monotonic() < deadline, "no checkpoint of round 8 or later"
        seen = newest_checkpoint_round(checkpoints)
        time.sleep(0.02)
    kernel = psutil.Process(client.km.provisioner.process.pid)
    victims = kernel.children(recursive=True) + [kernel]
    assert any("java" in p.name() for p in victims), [p.name() for p in victims]
    for p in victims:
        p.kill()  # SIGKILL: the kernel and the Spark driver JVM it started
    _, alive = psutil.wait_procs(victims, timeout=30)
    assert not alive
    runner.join(120)
    assert not runner.is_alive() and "error" in outcome, "the kernel's death ends the execution"
    assert seen < TOTAL_ROUNDS

    nb, client = client_for(checkpoints, tmp_path / "model-2", monkeypatch)
    client.execute()
    text = text_of(nb)
    starts = START.findall(text)
    assert [s[0] for s in starts] == ["first start", "after a crash"], text
    _, _, resumed_from, replayed, next_round = starts[1]
    resumed_from, replayed, next_round = int(resumed_from), int(replayed), int(next_round)
    assert resumed_from >= seen, "from the newest checkpoint there was"
    assert next_round == resumed_from + replayed + 1, "the round after the last committed one"
    assert seen < next_round <= TOTAL_ROUNDS, "the fit resumed mid-way"
    assert f"committed rounds: {TOTAL_ROUNDS};" in text
    assert re.search(r"^held-out accuracy \d\.\d{3}$", text, re.M), text
    assert sha_of(text) == clean_sha, "bit-identical to the uninterrupted run"
