"""Access to txtrain's JVM classes through PySpark's Py4J gateway, and JVM errors as Python ones."""

from contextlib import contextmanager
from typing import Any, Iterator, Optional

from py4j.java_gateway import JavaObject, JavaPackage, is_instance_of
from py4j.protocol import Py4JJavaError
from pyspark import SparkContext
from pyspark.errors.exceptions.captured import CapturedException


def jvm_class(name: str) -> Any:
    """The Py4J handle of the JVM class ``name``; fails clearly without a SparkContext or the jar."""
    sc = SparkContext._active_spark_context
    if sc is None or sc._jvm is None:
        raise RuntimeError(
            "no active SparkContext: start one first, e.g. "
            "SparkSession.builder.config(map=txtrain.spark_conf()).getOrCreate()"
        )
    obj = sc._jvm
    for part in name.split("."):
        obj = getattr(obj, part)
    if isinstance(obj, JavaPackage):
        raise RuntimeError(
            f"{name} is not on the Spark driver's classpath: the SparkSession was started without "
            "txtrain's jar. Start it with SparkSession.builder.config(map=txtrain.spark_conf()) "
            "(a running session must be stopped first: the classpath is fixed when the JVM starts)"
        )
    return obj


def _throwable(e: BaseException) -> Optional[JavaObject]:
    if isinstance(e, Py4JJavaError):
        return e.java_exception
    if isinstance(e, CapturedException):
        return getattr(e, "_origin", None)
    return None


def invalid_input_message(e: BaseException) -> Optional[str]:
    """The message of the first java.lang.IllegalArgumentException in ``e``'s JVM cause chain, if any."""
    t = _throwable(e)
    sc = SparkContext._active_spark_context
    if t is None or sc is None:
        return None
    gw = sc._gateway
    seen = 0
    while t is not None and seen < 20:
        if is_instance_of(gw, t, "java.lang.IllegalArgumentException"):
            return t.getMessage()
        t = t.getCause()
        seen += 1
    return None


@contextmanager
def jvm_errors() -> Iterator[None]:
    """Turns a JVM IllegalArgumentException (bad input, bad configuration) into a ValueError with
    the JVM's message; other JVM failures propagate unchanged."""
    try:
        yield
    except (Py4JJavaError, CapturedException) as e:
        msg = invalid_input_message(e)
        if msg is None:
            raise
        raise ValueError(msg) from None
