"""save/load from Python, and between Python and the JVM in both directions."""

import json
import os

from pyspark.ml import Pipeline, PipelineModel

import txtrain
from conftest import small_classifier


def predictions(model, frame):
    return [(r.prediction, tuple(r.probability)) for r in model.transform(frame).select("prediction", "probability").collect()]


def stage_metadata(path):
    with open(os.path.join(path, "metadata", "part-00000")) as f:
        return json.loads(f.readline())


def test_estimator_round_trip(spark, network, tmp_dir):
    clf = small_classifier(network, "/tmp/somewhere", featuresCol="pixels", numWorkers=3,
                           txtrainOptions={"spark.txtrain.checkpoint.retain": "4"})
    path = os.path.join(tmp_dir, "clf")
    clf.save(path)
    assert stage_metadata(path)["class"] == "io.txtrain.spark.ml.TxtrainClassifier"
    loaded = txtrain.TxtrainClassifier.load(path)
    assert isinstance(loaded, txtrain.TxtrainClassifier)
    assert loaded.uid == clf.uid
    assert {p.name: v for p, v in loaded.extractParamMap().items()} == \
        {p.name: v for p, v in clf.extractParamMap().items()}


def test_model_round_trip_in_python(spark, blobs, fitted, tmp_dir):
    model, _ = fitted
    path = os.path.join(tmp_dir, "model")
    model.write().overwrite().save(path)
    loaded = txtrain.TxtrainClassificationModel.load(path)
    assert loaded.parametersSha256() == model.parametersSha256()
    assert loaded.runDirectory is None
    assert predictions(loaded, blobs) == predictions(model, blobs)


def test_saved_in_python_loads_in_the_jvm(spark, blobs, network, fitted, tmp_dir):
    model, root = fitted
    jvm = spark._jvm
    path = os.path.join(tmp_dir, "model")
    model.setPredictionCol("guess").save(path)
    try:
        java = jvm.io.txtrain.spark.ml.TxtrainClassificationModel.load(path)
        assert java.parametersSha256() == model.parametersSha256()
        assert java.getPredictionCol() == "guess"
    finally:
        model.setPredictionCol("prediction")

    pipeline_path = os.path.join(tmp_dir, "pipeline")
    Pipeline(stages=[small_classifier(network, root)]).fit(blobs).save(pipeline_path)
    java_pipeline = jvm.org.apache.spark.ml.PipelineModel.load(pipeline_path)
    stage = java_pipeline.stages()[0]
    assert stage.getClass().getName() == "io.txtrain.spark.ml.TxtrainClassificationModel"
    assert stage.parametersSha256() == model.parametersSha256(), "the same run: the finished fit"


def test_saved_in_the_jvm_loads_in_python(spark, blobs, network, fitted, tmp_dir):
    model, root = fitted
    jvm = spark._jvm
    estimator = small_classifier(network, root)  # keeps the JVM object attached to the gateway
    java_estimator = estimator._to_java()
    java_model = java_estimator.fit(blobs._jdf)
    path = os.path.join(tmp_dir, "jvm-model")
    java_model.write().overwrite().save(path)
    loaded = txtrain.TxtrainClassificationModel.load(path)
    assert isinstance(loaded, txtrain.TxtrainClassificationModel)
    assert loaded.parametersSha256() == java_model.parametersSha256() == model.parametersSha256()
    assert predictions(loaded, blobs) == predictions(model, blobs)

    stages = spark.sparkContext._gateway.new_array(jvm.org.apache.spark.ml.PipelineStage, 1)
    stages[0] = java_estimator
    pipeline_path = os.path.join(tmp_dir, "jvm-pipeline")
    jvm.org.apache.spark.ml.Pipeline().setStages(stages).fit(blobs._jdf).write().overwrite().save(pipeline_path)
    loaded_pipeline = PipelineModel.load(pipeline_path)
    stage = loaded_pipeline.stages[0]
    assert isinstance(stage, txtrain.TxtrainClassificationModel)
    assert stage.parametersSha256() == model.parametersSha256()

    java_estimator.write().overwrite().save(os.path.join(tmp_dir, "jvm-clf"))
    clf = txtrain.TxtrainClassifier.load(os.path.join(tmp_dir, "jvm-clf"))
    assert clf.getNetworkConfig() == network
    assert clf.getTxtrainOptions() == {"spark.txtrain.checkpoint.policy": "off"}
