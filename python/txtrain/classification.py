"""
``TxtrainClassifier`` and ``TxtrainClassificationModel``: PySpark wrappers of
``io.txtrain.spark.ml.TxtrainClassifier`` and ``io.txtrain.spark.ml.TxtrainClassificationModel``.

The wrappers hold no behaviour of their own: params are forwarded to the JVM stage when it fits,
transforms or saves, and everything else happens there. Params have the Java stages' names (in
camelCase, as PySpark's own ML params do) and defaults.
"""

import os
import sys
from collections.abc import Mapping
from typing import Any, Dict, Optional

from pyspark import keyword_only
from pyspark.ml.param import Param, Params, TypeConverters
from pyspark.ml.param.shared import (
    HasFeaturesCol,
    HasLabelCol,
    HasPredictionCol,
    HasProbabilityCol,
    HasSeed,
)
from pyspark.ml.util import JavaMLReadable, JavaMLReader, JavaMLWritable
from pyspark.ml.wrapper import JavaEstimator, JavaModel
from pyspark.sql import DataFrame

from txtrain._jvm import jvm_class, jvm_errors
from txtrain.networks import read_config

__all__ = ["TxtrainClassifier", "TxtrainClassificationModel"]

_JAVA_PACKAGE = "io.txtrain.spark.ml"


def _to_network_config(value: Any) -> str:
    """networkConfig: DL4J configuration JSON, the path of a file holding it, or a JVM
    ``MultiLayerConfiguration`` (a Py4J object with ``toJson()``)."""
    if hasattr(value, "toJson") and not isinstance(value, (str, os.PathLike)):
        return str(value.toJson())
    return read_config(value)


def _to_string_map(value: Any) -> Dict[str, str]:
    """txtrainOptions: a mapping of ``spark.txtrain.*`` keys to values; numbers and booleans
    become their Spark configuration text (``True`` -> ``"true"``)."""
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a dict of str to str, got {type(value).__name__}")
    out: Dict[str, str] = {}
    for k, v in value.items():
        if not isinstance(k, str):
            raise TypeError(f"option keys must be str, got {type(k).__name__} {k!r}")
        if isinstance(v, bool):
            v = "true" if v else "false"
        elif isinstance(v, (int, float)):
            v = str(v)
        elif not isinstance(v, str):
            raise TypeError(f"the value of {k!r} must be a str, int, float or bool, got {type(v).__name__}")
        out[k] = v
    return dict(sorted(out.items()))


class _TxtrainReader(JavaMLReader):
    """Reads with the JVM class named by the Python class's ``_java_class``."""

    @classmethod
    def _java_loader_class(cls, clazz: type) -> str:
        return clazz._java_class  # type: ignore[attr-defined]


class _TxtrainOutputParams(HasFeaturesCol, HasPredictionCol, HasProbabilityCol):
    """Column params shared by the classifier and its model (same names and defaults as Spark's
    classifiers): ``featuresCol`` in; ``predictionCol`` and ``probabilityCol`` out (an empty
    ``probabilityCol`` leaves that column out)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)


class _TxtrainClassifierParams(_TxtrainOutputParams, HasLabelCol, HasSeed):
    """The params of :class:`TxtrainClassifier` (docs as on the JVM)."""

    networkConfig: "Param[str]" = Param(
        Params._dummy(),
        "networkConfig",
        "the DL4J MultiLayerConfiguration as JSON (conf.toJson())",
        typeConverter=_to_network_config,
    )
    epochs: "Param[int]" = Param(
        Params._dummy(), "epochs", "training epochs (>= 1)", typeConverter=TypeConverters.toInt
    )
    batchSizePerWorker: "Param[int]" = Param(
        Params._dummy(),
        "batchSizePerWorker",
        "examples per minibatch on each worker (>= 1)",
        typeConverter=TypeConverters.toInt,
    )
    averagingFrequency: "Param[int]" = Param(
        Params._dummy(),
        "averagingFrequency",
        "minibatches each worker fits between parameter averages, i.e. per round (>= 1)",
        typeConverter=TypeConverters.toInt,
    )
    numWorkers: "Param[int]" = Param(
        Params._dummy(),
        "numWorkers",
        "parameter-averaging workers (>= 1); unset: Spark's default parallelism",
        typeConverter=TypeConverters.toInt,
    )
    checkpointDir: "Param[str]" = Param(
        Params._dummy(),
        "checkpointDir",
        "directory URI under which each fit keeps its checkpoints and log (run-<key> per fit);"
        " unset: the SparkConf's spark.txtrain.checkpoint.dir",
        typeConverter=TypeConverters.toString,
    )
    txtrainOptions: "Param[Dict[str, str]]" = Param(
        Params._dummy(),
        "txtrainOptions",
        "spark.txtrain.* options for the training master (checkpoint policy, lease, retries, ...)",
        typeConverter=_to_string_map,
    )

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._setDefault(epochs=1, batchSizePerWorker=32, averagingFrequency=5, seed=12345, txtrainOptions={})

    def getNetworkConfig(self) -> Optional[str]:
        """The network configuration JSON, or None if not set."""
        return self.getOrDefault(self.networkConfig) if self.isDefined(self.networkConfig) else None

    def getEpochs(self) -> int:
        return self.getOrDefault(self.epochs)

    def getBatchSizePerWorker(self) -> int:
        return self.getOrDefault(self.batchSizePerWorker)

    def getAveragingFrequency(self) -> int:
        return self.getOrDefault(self.averagingFrequency)

    def getNumWorkers(self) -> Optional[int]:
        """The number of workers, or None for Spark's default parallelism."""
        return self.getOrDefault(self.numWorkers) if self.isDefined(self.numWorkers) else None

    def getCheckpointDir(self) -> Optional[str]:
        """The checkpoint root, or None (then the SparkConf's spark.txtrain.checkpoint.dir is used)."""
        return self.getOrDefault(self.checkpointDir) if self.isDefined(self.checkpointDir) else None

    def getTxtrainOptions(self) -> Dict[str, str]:
        return _to_string_map(self.getOrDefault(self.txtrainOptions))


class TxtrainClassifier(JavaEstimator["TxtrainClassificationModel"], _TxtrainClassifierParams,
                        JavaMLWritable, JavaMLReadable["TxtrainClassifier"]):
    """
    Trains a DL4J ``MultiLayerNetwork`` classifier on a DataFrame with txtrain's transactional
    parameter averaging. A fit that dies (the kernel, the driver, a cluster restart) resumes at
    its next uncommitted round when it is run again with the same ``checkpointDir``, and ends with
    the model, bit for bit, that an uninterrupted fit gives; a fit whose run already finished
    returns the trained model without training again.

    Input: ``featuresCol`` an ml ``Vector``, ``array<double>`` or ``array<float>`` of the
    network's input size; ``labelCol`` class indices ``0..numClasses-1`` (e.g. from
    ``StringIndexer``). The network is DL4J configuration JSON: from :mod:`txtrain.networks`,
    ``conf.toJson()`` on the JVM, or a file holding it.

    Bit-exact resume needs a deterministic input (the same rows in the same order and partitions
    whenever the DataFrame is computed) and the same ND4J thread settings (``OMP_NUM_THREADS``).

    Errors: bad input (a missing or wrongly typed column, a label that is not a class index, a
    feature size that is not the network's input size, an unusable network, an invalid param or
    txtrain option) raises :class:`ValueError` with the JVM's message; a wrong Python type for a
    param raises :class:`TypeError`.

    >>> clf = TxtrainClassifier(networkConfig=txtrain.networks.mlp(784, [64], 10),
    ...                         featuresCol="pixels", epochs=2, checkpointDir="/tmp/runs")  # doctest: +SKIP
    >>> model = clf.fit(train)                                                            # doctest: +SKIP
    """

    _java_class = _JAVA_PACKAGE + ".TxtrainClassifier"

    @keyword_only
    def __init__(
        self,
        *,
        featuresCol: str = "features",
        labelCol: str = "label",
        predictionCol: str = "prediction",
        probabilityCol: str = "probability",
        networkConfig: Optional[str] = None,
        epochs: int = 1,
        batchSizePerWorker: int = 32,
        averagingFrequency: int = 5,
        numWorkers: Optional[int] = None,
        seed: int = 12345,
        checkpointDir: Optional[str] = None,
        txtrainOptions: Optional[Dict[str, str]] = None,
    ) -> None:
        super().__init__()
        jvm_class(self._java_class)  # a clear error without the jar
        self._java_obj = self._new_java_obj(self._java_class, self.uid)
        kwargs = self._input_kwargs
        self.setParams(**kwargs)

    @keyword_only
    def setParams(
        self,
        *,
        featuresCol: str = "features",
        labelCol: str = "label",
        predictionCol: str = "prediction",
        probabilityCol: str = "probability",
        networkConfig: Optional[str] = None,
        epochs: int = 1,
        batchSizePerWorker: int = 32,
        averagingFrequency: int = 5,
        numWorkers: Optional[int] = None,
        seed: int = 12345,
        checkpointDir: Optional[str] = None,
        txtrainOptions: Optional[Dict[str, str]] = None,
    ) -> "TxtrainClassifier":
        """Sets the given params; a param given as None stays unset."""
        kwargs = {k: v for k, v in self._input_kwargs.items() if v is not None}
        return self._set(**kwargs)

    def setFeaturesCol(self, value: str) -> "TxtrainClassifier":
        return self._set(featuresCol=value)

    def setLabelCol(self, value: str) -> "TxtrainClassifier":
        return self._set(labelCol=value)

    def setPredictionCol(self, value: str) -> "TxtrainClassifier":
        return self._set(predictionCol=value)

    def setProbabilityCol(self, value: str) -> "TxtrainClassifier":
        """An empty name leaves the probability column out."""
        return self._set(probabilityCol=value)

    def setNetworkConfig(self, value: str) -> "TxtrainClassifier":
        """The network: DL4J configuration JSON, or the path of a file holding it (read now)."""
        return self._set(networkConfig=value)

    def setEpochs(self, value: int) -> "TxtrainClassifier":
        return self._set(epochs=value)

    def setBatchSizePerWorker(self, value: int) -> "TxtrainClassifier":
        return self._set(batchSizePerWorker=value)

    def setAveragingFrequency(self, value: int) -> "TxtrainClassifier":
        return self._set(averagingFrequency=value)

    def setNumWorkers(self, value: int) -> "TxtrainClassifier":
        return self._set(numWorkers=value)

    def setSeed(self, value: int) -> "TxtrainClassifier":
        return self._set(seed=value)

    def setCheckpointDir(self, value: str) -> "TxtrainClassifier":
        return self._set(checkpointDir=value)

    def setTxtrainOptions(self, value: Dict[str, str]) -> "TxtrainClassifier":
        """Replaces all txtrain options (``spark.txtrain.*`` keys, see the README)."""
        return self._set(txtrainOptions=value)

    def setTxtrainOption(self, key: str, value: str) -> "TxtrainClassifier":
        """Adds one txtrain option, e.g. ``("spark.txtrain.checkpoint.policy", "every-rounds:5")``."""
        options = self.getTxtrainOptions()
        options[key] = value
        return self._set(txtrainOptions=options)

    def _fit(self, dataset: DataFrame) -> "TxtrainClassificationModel":
        with jvm_errors():
            return super()._fit(dataset)

    def _create_model(self, java_model: Any) -> "TxtrainClassificationModel":
        return TxtrainClassificationModel(java_model)

    @classmethod
    def read(cls) -> JavaMLReader["TxtrainClassifier"]:
        return _TxtrainReader(cls)


class TxtrainClassificationModel(JavaModel, _TxtrainOutputParams, JavaMLWritable,
                                 JavaMLReadable["TxtrainClassificationModel"]):
    """
    A network trained by :class:`TxtrainClassifier`. ``transform`` appends ``predictionCol`` (the
    class index with the largest output, as a double) and ``probabilityCol`` (the network's
    outputs as an ml ``Vector``; left out when the name is empty). ``save``/``load`` use Spark ML
    persistence (params plus the network in DL4J's ``ModelSerializer`` format), readable by the
    JVM's ``TxtrainClassificationModel.load`` and back.

    ``transform`` checks the schema at once (:class:`ValueError` for a missing or wrongly typed
    features column); a bad row fails the Spark job that computes the result.
    """

    _java_class = _JAVA_PACKAGE + ".TxtrainClassificationModel"

    def setFeaturesCol(self, value: str) -> "TxtrainClassificationModel":
        return self._set(featuresCol=value)

    def setPredictionCol(self, value: str) -> "TxtrainClassificationModel":
        return self._set(predictionCol=value)

    def setProbabilityCol(self, value: str) -> "TxtrainClassificationModel":
        """An empty name leaves the probability column out."""
        return self._set(probabilityCol=value)

    @property
    def numClasses(self) -> int:
        """The number of classes (the network's output size)."""
        return int(self._call_java("numClasses"))

    @property
    def numFeatures(self) -> int:
        """The feature vector size the network takes, or -1 if its first layer does not say."""
        return int(self._call_java("numFeatures"))

    def parametersSha256(self) -> str:
        """SHA-256 (hex) of the network's parameters: equal digests mean bit-identical models."""
        return str(self._call_java("parametersSha256"))

    @property
    def runDirectory(self) -> Optional[str]:
        """The checkpoint run directory the model was trained in; None for a loaded model."""
        opt = self._java_obj.runDirectory()
        return str(opt.get()) if opt.isPresent() else None

    def _transform(self, dataset: DataFrame) -> DataFrame:
        with jvm_errors():
            return super()._transform(dataset)

    @classmethod
    def read(cls) -> JavaMLReader["TxtrainClassificationModel"]:
        return _TxtrainReader(cls)


# PySpark's ML persistence (PipelineModel.load, CrossValidatorModel.load, ...) finds the Python
# class of a JVM stage by importing the JVM class's package name as a Python module; point that
# name at this module.
sys.modules.setdefault(_JAVA_PACKAGE, sys.modules[__name__])
