"""What a fit's run directory records (committed rounds, checkpoints, driver starts), from the JVM."""

import json
from typing import Any, Dict

from pyspark.sql import SparkSession

from txtrain._jvm import jvm_class, jvm_errors

__all__ = ["run_history"]


def run_history(spark: SparkSession, run_directory: str) -> Dict[str, Any]:
    """
    The history of a run directory (``TxtrainClassificationModel.runDirectory``), read by the JVM's
    ``io.txtrain.spark.ml.RunHistory`` without changing it: a dict with

    - ``rounds``: one dict per committed round (``round``, ``epoch``, ``score``, ``examples``,
      ``commitMillis``, ``stateSha256``), in round order; ``committedRound``: the last one (0: none);
    - ``checkpoints``: the published checkpoints (``round``, ``createdMillis``, ``bytes``,
      ``trusted``, ``problem``), oldest round first;
    - ``starts``: the driver starts (``timeMillis``, ``checkpointRound`` resumed from or -1,
      ``replayedRounds``, ``nextRound``, ``previousCrashed``, ``previousHolder``);
    - ``errors``: messages of parts that could not be read.

    Only what the directory still holds: retention deletes old checkpoints and the log they cover
    (raise ``spark.txtrain.checkpoint.retain`` to keep a run's whole history).
    """
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    with jvm_errors():
        text = jvm_class("io.txtrain.spark.ml.RunHistory").json(run_directory, conf)
    return json.loads(text)
