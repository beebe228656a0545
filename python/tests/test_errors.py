"""Bad input: Python exceptions with the JVM's message, without a Py4J stack trace."""

import pytest

import txtrain
from conftest import small_classifier
from txtrain._jvm import jvm_class


def value_error(call, *fragments):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    for f in fragments:
        assert f in message, message
    assert "Py4J" not in message and "\tat " not in message, message
    assert info.value.__cause__ is None
    assert info.value.__context__ is None or info.value.__suppress_context__, "no JVM exception in the chain"
    return message


def test_missing_and_mistyped_columns(spark, blobs, network, tmp_dir):
    value_error(lambda: small_classifier(network, tmp_dir, featuresCol="pixels").fit(blobs),
                "features column 'pixels' does not exist", "class, label, features")
    value_error(lambda: small_classifier(network, tmp_dir, featuresCol="class").fit(blobs),
                "features column 'class' has type string")
    value_error(lambda: small_classifier(network, tmp_dir, labelCol="nope").fit(blobs), "label column 'nope'")
    value_error(lambda: small_classifier(network, tmp_dir, predictionCol="label").fit(blobs),
                "column 'label' already exists")


def test_labels_and_sizes_that_do_not_fit_the_network(spark, blobs, network, tmp_dir):
    from pyspark.sql import functions as F

    value_error(lambda: small_classifier(network, tmp_dir).fit(blobs.withColumn("label", F.col("label") + 1)),
                "label 3.0 in column 'label'", "out of range for the network's 3 outputs")
    wider = txtrain.networks.mlp(13, [8], 3)
    value_error(lambda: small_classifier(wider, tmp_dir).fit(blobs),
                "vectors of size 12 but the network's input size is 13")


def test_model_transform_checks_the_schema(spark, blobs, fitted):
    model, _ = fitted
    value_error(lambda: model.copy().setFeaturesCol("pixels").transform(blobs), "features column 'pixels'")


def test_network_and_param_values(spark, blobs, network, tmp_dir):
    value_error(lambda: small_classifier(None, tmp_dir).fit(blobs), "networkConfig is not set")
    value_error(lambda: small_classifier('{"confs": 3}', tmp_dir).fit(blobs),
                "networkConfig is not a DL4J MultiLayerConfiguration")
    value_error(lambda: small_classifier(network, tmp_dir, epochs=0).fit(blobs), "epochs", "0")
    value_error(lambda: small_classifier(network, tmp_dir, txtrainOptions={
        "spark.txtrain.checkpoint.policy": "sometimes"}).fit(blobs), "spark.txtrain.checkpoint.policy", "sometimes")


def test_network_builders(spark, tmp_path):
    value_error(lambda: txtrain.networks.mlp(784, [64], 10, activation="rectifier"),
                "activation 'rectifier' is not a DL4J activation: expected one of", "relu")
    value_error(lambda: txtrain.networks.mlp(784, [64, 0], 10), "hidden = [64, 0]: layer 1 has size 0")
    value_error(lambda: txtrain.networks.mlp(784, [64], 1), "numClasses = 1")
    value_error(lambda: txtrain.networks.lenet(10, 28), "lenet needs images of at least 16x16")
    value_error(lambda: txtrain.networks.from_json(str(tmp_path / "missing.json")), "missing.json",
                "neither DL4J configuration JSON")
    value_error(lambda: txtrain.networks.from_json("{oops"), "networkConfig is not a DL4J MultiLayerConfiguration")
    with pytest.raises(TypeError, match="hidden must be a sequence"):
        txtrain.networks.mlp(784, 64, 10)
    with pytest.raises(TypeError, match="num_inputs must be an int"):
        txtrain.networks.mlp("784", [64], 10)


def test_network_builders_give_what_they_say(spark, tmp_path):
    lenet = txtrain.networks.lenet(28, 28, 1, 10)
    assert (txtrain.networks.num_features(lenet), txtrain.networks.num_classes(lenet)) == (784, 10)
    mlp = txtrain.networks.mlp(784, [64, 32], 10, activation="tanh")
    path = tmp_path / "mlp.json"
    path.write_text(mlp)
    assert txtrain.networks.from_json(path) == mlp
    assert (txtrain.networks.num_features(mlp), txtrain.networks.num_classes(mlp)) == (784, 10)


def test_without_the_jar_the_error_says_how_to_attach_it(spark):
    with pytest.raises(RuntimeError, match="not on the Spark driver's classpath.*spark_conf"):
        jvm_class("io.txtrain.spark.ml.NoSuchClass")
