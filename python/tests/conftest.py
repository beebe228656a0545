import os
import shutil
import tempfile

import pytest


def _ensure_jars() -> None:
    """Makes TXTRAIN_JAR point at the assembly jar for this process and the notebook kernels it starts."""
    import txtrain

    os.environ["TXTRAIN_JAR"] = os.pathsep.join(txtrain.find_jars())


_ensure_jars()
# ND4J's thread settings must be the same wherever rounds run for bit-identical resume.
os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    import txtrain

    session = (
        SparkSession.builder.master("local[2]")
        .appName("txtrain-python-tests")
        .config(map=txtrain.spark_conf())
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture()
def tmp_dir():
    d = tempfile.mkdtemp(prefix="txtrain-py-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


CLASS_NAMES = ["circle", "square", "triangle"]


def blob_rows(n: int, seed: int = 3, features: int = 12):
    """Gaussian blobs, one per class, in a fixed order: (class name, label, features)."""
    import numpy as np
    from pyspark.ml.linalg import Vectors

    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 2, (len(CLASS_NAMES), features))
    rows = []
    for i in range(n):
        y = i % len(CLASS_NAMES)
        rows.append((CLASS_NAMES[y], float(y), Vectors.dense(centres[y] + rng.normal(0, 1, features))))
    return rows


@pytest.fixture(scope="session")
def blobs(spark):
    """240 rows (class, label, features[12]) in 2 partitions; deterministic."""
    return spark.createDataFrame(blob_rows(240), ["class", "label", "features"]).cache()


@pytest.fixture(scope="session")
def network(spark):
    import txtrain

    return txtrain.networks.mlp(12, [8], 3, learning_rate=0.01, seed=42)


def small_classifier(network: str, checkpoint_dir: str, **params):
    """A classifier that fits the blobs in a few seconds: 2 workers x 8 examples x 2 minibatches per round."""
    import txtrain

    kwargs = dict(networkConfig=network, epochs=2, numWorkers=2, batchSizePerWorker=8, averagingFrequency=2,
                  seed=99, checkpointDir=checkpoint_dir,
                  txtrainOptions={"spark.txtrain.checkpoint.policy": "off"})
    kwargs.update(params)
    return txtrain.TxtrainClassifier(**kwargs)


@pytest.fixture(scope="session")
def fitted(spark, blobs, network, tmp_path_factory):
    """A model fitted on the blobs, and its checkpoint root."""
    root = str(tmp_path_factory.mktemp("fitted"))
    return small_classifier(network, root).fit(blobs), root
