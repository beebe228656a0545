"""
txtrain for PySpark: transactional, resumable training of DL4J networks on Apache Spark.

A thin wrapper over txtrain's JVM classes: :class:`TxtrainClassifier` and
:class:`TxtrainClassificationModel` are Spark ML stages (Pipeline, evaluators, CrossValidator,
TrainValidationSplit, save/load); :mod:`txtrain.networks` builds network configurations;
:func:`spark_conf` attaches txtrain's jar and plugin to a SparkSession::

    spark = SparkSession.builder.config(map=txtrain.spark_conf()).getOrCreate()
"""

from txtrain import networks
from txtrain.classification import TxtrainClassificationModel, TxtrainClassifier
from txtrain.conf import PLUGIN, find_jars, spark_conf
from txtrain.history import run_history
from txtrain.idx import load_idx

__version__ = "0.1.0.dev0"

__all__ = [
    "TxtrainClassifier",
    "TxtrainClassificationModel",
    "networks",
    "spark_conf",
    "find_jars",
    "PLUGIN",
    "run_history",
    "load_idx",
]
