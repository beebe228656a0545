"""Attaching txtrain to a SparkSession: where the jar is, and the Spark settings that load it."""

import glob
import os
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Union

__all__ = ["PLUGIN", "find_jars", "spark_conf"]

#: txtrain's Spark plugin: monitoring, failure tracking, metrics and the adaptive checkpoint interval.
PLUGIN = "io.txtrain.spark.plugin.TxtrainPlugin"

_ENV = "TXTRAIN_JAR"
_ASSEMBLY = os.path.join("txtrain-assembly", "target", "txtrain-assembly-*.jar")

PathsLike = Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]]


def _split(paths: PathsLike) -> List[str]:
    if isinstance(paths, (str, os.PathLike)):
        text = os.fspath(paths)
        return [p for p in text.replace(",", os.pathsep).split(os.pathsep) if p.strip()]
    return [os.fspath(p) for p in paths]


def _checked(paths: List[str], source: str) -> List[str]:
    if not paths:
        raise FileNotFoundError(f"{source} names no jar")
    out = []
    for p in paths:
        if not os.path.isfile(p):
            raise FileNotFoundError(f"{source}: no such jar file: {p}")
        out.append(os.path.abspath(p))
    return out


def _assembly_near(starts: Iterable[Path]) -> Optional[str]:
    for start in starts:
        for d in [start, *start.parents]:
            jars = [j for j in glob.glob(str(d / _ASSEMBLY)) if not j.endswith(("-sources.jar", "-javadoc.jar"))]
            if jars:
                return max(jars, key=os.path.getmtime)
    return None


def find_jars(jars: Optional[PathsLike] = None) -> List[str]:
    """
    The jar(s) that hold txtrain and everything it needs beyond a Spark distribution, in this
    order of precedence:

    1. ``jars``: a path, a list of paths, or a ``os.pathsep``- or comma-separated string;
    2. the environment variable ``TXTRAIN_JAR`` (one path or an ``os.pathsep``-separated list);
    3. the repository's ``txtrain-assembly/target/txtrain-assembly-*.jar``, looked up from the
       working directory and from this package's location upwards (the newest if several).

    Raises FileNotFoundError naming where a missing path came from, or how to get the jar.
    """
    if jars is not None:
        return _checked(_split(jars), "jars argument")
    env = os.environ.get(_ENV)
    if env:
        return _checked(_split(env), f"environment variable {_ENV}")
    found = _assembly_near([Path.cwd().resolve(), Path(__file__).resolve().parent])
    if found:
        return [found]
    raise FileNotFoundError(
        "txtrain's jar was not found: pass spark_conf(jars=...), set the environment variable "
        f"{_ENV}, or build {_ASSEMBLY} in the txtrain repository (mvn -B -ntp package -DskipTests)"
    )


def spark_conf(jars: Optional[PathsLike] = None, *, plugin: bool = True) -> Dict[str, str]:
    """
    Spark settings that attach txtrain to a new SparkSession::

        spark = SparkSession.builder.config(map=txtrain.spark_conf()).getOrCreate()

    ``spark.jars`` gets the jar(s) from :func:`find_jars` (on the driver's classpath and shipped
    to the executors) and, with ``plugin``, ``spark.plugins`` gets txtrain's plugin. They take
    effect when the JVM starts, so stop a running session first. Java 17 needs no extra
    ``--add-opens`` flags: Spark 3.5 adds every one txtrain needs to the driver and the executors
    itself. Merge with your own ``spark.jars``/``spark.plugins`` values if you set any (the
    builder keeps the last value of a key).
    """
    conf = {"spark.jars": ",".join(find_jars(jars))}
    if plugin:
        conf["spark.plugins"] = PLUGIN
    return conf
