"""Finding txtrain's jar and the Spark settings that attach it."""

import os
import re
from pathlib import Path

import pytest

import txtrain

REPO = Path(__file__).resolve().parents[2]


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK")
    return path


def test_explicit_jars_win_over_the_environment(tmp_path, monkeypatch):
    a, b, c = (touch(tmp_path / n) for n in ("a.jar", "b.jar", "c.jar"))
    monkeypatch.setenv("TXTRAIN_JAR", str(c))
    assert txtrain.find_jars(str(a)) == [str(a)]
    assert txtrain.find_jars([a, b]) == [str(a), str(b)]
    assert txtrain.find_jars(f"{a},{b}") == [str(a), str(b)]
    assert txtrain.find_jars() == [str(c)]
    monkeypatch.setenv("TXTRAIN_JAR", os.pathsep.join([str(a), str(b)]))
    assert txtrain.find_jars() == [str(a), str(b)]


def test_missing_jars_are_named_with_their_source(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="jars argument: no such jar file: .*nope.jar"):
        txtrain.find_jars(str(tmp_path / "nope.jar"))
    monkeypatch.setenv("TXTRAIN_JAR", str(tmp_path / "gone.jar"))
    with pytest.raises(FileNotFoundError, match="environment variable TXTRAIN_JAR: no such jar file: .*gone.jar"):
        txtrain.find_jars()


def test_the_repository_assembly_jar_is_found_from_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("TXTRAIN_JAR", raising=False)
    jar = touch(tmp_path / "repo" / "txtrain-assembly" / "target" / "txtrain-assembly-0.1.0.jar")
    work = tmp_path / "repo" / "examples" / "notebooks"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    assert txtrain.find_jars() == [str(jar)]


def test_spark_conf(tmp_path):
    a, b = touch(tmp_path / "a.jar"), touch(tmp_path / "b.jar")
    assert txtrain.spark_conf([a, b]) == {"spark.jars": f"{a},{b}", "spark.plugins": txtrain.PLUGIN}
    assert txtrain.spark_conf(a, plugin=False) == {"spark.jars": str(a)}


def test_the_running_session_has_the_plugin_and_java17_flags(spark):
    """spark_conf adds no --add-opens: Spark 3.5 gives the driver and the executors every flag in the
    project's txtrain.addOpens (pom.xml) itself. If this fails, txtrain needs a flag Spark lacks:
    add it to spark.driver/executor.extraJavaOptions in spark_conf."""
    flags = re.search(r"<txtrain.addOpens>(.*?)</txtrain.addOpens>", (REPO / "pom.xml").read_text()).group(1).split()
    assert flags
    jvm = spark._jvm
    driver = set(jvm.java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
    executor = set(spark.sparkContext.getConf().get("spark.executor.extraJavaOptions").split())
    assert [f for f in flags if f not in driver] == []
    assert [f for f in flags if f not in executor] == []
    plugins = jvm.io.txtrain.spark.plugin.TxtrainPlugin
    assert spark.sparkContext.getConf().get("spark.plugins") == plugins().getClass().getName()
