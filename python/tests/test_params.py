"""The Python params mirror the JVM stages' params: names, defaults, types and docs."""

import pytest
from pyspark.ml.common import _java2py
from pyspark.ml.param import TypeConverters

import txtrain
from txtrain.classification import _to_network_config, _to_string_map

# Params from pyspark.ml.param.shared: PySpark's own docs, same names and defaults.
SHARED = {"featuresCol", "labelCol", "predictionCol", "probabilityCol", "seed"}
CONVERTERS = {
    "IntParam": {TypeConverters.toInt},
    "LongParam": {TypeConverters.toInt},
    "StringMapParam": {_to_string_map},
    "Param": {TypeConverters.toString, _to_network_config},
}


def jvm_model(spark, network):
    jvm = spark._jvm
    conf = jvm.org.deeplearning4j.nn.conf.MultiLayerConfiguration.fromJson(network)
    net = jvm.org.deeplearning4j.nn.multilayer.MultiLayerNetwork(conf)
    net.init()
    return jvm.io.txtrain.spark.ml.TxtrainClassificationModel(net)


def assert_mirrors(spark, py, java):
    sc = spark.sparkContext
    jparams = {p.name(): p for p in java.params()}
    assert sorted(p.name for p in py.params) == sorted(jparams)
    for name, jp in jparams.items():
        p = py.getParam(name)
        assert p.typeConverter in CONVERTERS[jp.getClass().getSimpleName()], name
        if name not in SHARED:
            assert p.doc == jp.doc(), name
        if java.hasDefault(jp):
            default = _java2py(sc, java.getDefault(jp).get())
            assert py.hasDefault(p), name
            assert py.getOrDefault(p) == p.typeConverter(default), name
        else:
            assert not py.isDefined(p), name


def test_classifier_params_mirror_the_jvm_estimator(spark):
    assert_mirrors(spark, txtrain.TxtrainClassifier(), spark._jvm.io.txtrain.spark.ml.TxtrainClassifier())


def test_model_params_mirror_the_jvm_model(spark, network):
    java = jvm_model(spark, network)
    assert_mirrors(spark, txtrain.TxtrainClassificationModel(java), java)


def test_defaults():
    clf = txtrain.TxtrainClassifier()
    assert clf.getFeaturesCol() == "features"
    assert clf.getLabelCol() == "label"
    assert clf.getPredictionCol() == "prediction"
    assert clf.getProbabilityCol() == "probability"
    assert clf.getEpochs() == 1
    assert clf.getBatchSizePerWorker() == 32
    assert clf.getAveragingFrequency() == 5
    assert clf.getSeed() == 12345
    assert clf.getNumWorkers() is None
    assert clf.getCheckpointDir() is None
    assert clf.getNetworkConfig() is None
    assert clf.getTxtrainOptions() == {}


def test_keyword_constructor_setters_and_copy(spark, network, tmp_path):
    path = tmp_path / "net.json"
    path.write_text(network)
    clf = txtrain.TxtrainClassifier(networkConfig=str(path), featuresCol="pixels", epochs=3, numWorkers=2,
                                    seed=2**40, txtrainOptions={"spark.txtrain.checkpoint.retain": 5})
    assert clf.getNetworkConfig() == network, "a file path is read into the JSON"
    assert clf.getFeaturesCol() == "pixels"
    assert clf.getEpochs() == 3
    assert clf.getSeed() == 2**40
    assert clf.getTxtrainOptions() == {"spark.txtrain.checkpoint.retain": "5"}
    clf.setBatchSizePerWorker(16).setAveragingFrequency(3).setCheckpointDir("/tmp/x") \
        .setTxtrainOption("spark.txtrain.checkpoint.policy", "every-rounds:2")
    assert (clf.getBatchSizePerWorker(), clf.getAveragingFrequency(), clf.getCheckpointDir()) == (16, 3, "/tmp/x")
    assert clf.getTxtrainOptions() == {"spark.txtrain.checkpoint.policy": "every-rounds:2",
                                       "spark.txtrain.checkpoint.retain": "5"}
    clf.setParams(numWorkers=None, epochs=4)
    assert clf.getNumWorkers() == 2 and clf.getEpochs() == 4, "None leaves a param as it is"
    copy = clf.copy({clf.epochs: 7})
    assert copy.getEpochs() == 7 and clf.getEpochs() == 4
    assert copy.uid == clf.uid

    # what the JVM stage gets: every value, with its JVM type (seed is a long)
    java = clf._to_java()
    assert java.getEpochs() == 4
    assert java.getSeed() == 2**40
    assert java.getNumWorkers() == 2
    assert java.getNetworkConfig() == network
    assert dict(java.getTxtrainOptions()) == clf.getTxtrainOptions()
    small = txtrain.TxtrainClassifier(seed=7)._to_java()
    assert small.getSeed() == 7, "a small int reaches the JVM's LongParam as a long"


def test_a_jvm_configuration_object_is_taken_as_its_json(spark, network):
    conf = spark._jvm.org.deeplearning4j.nn.conf.MultiLayerConfiguration.fromJson(network)
    clf = txtrain.TxtrainClassifier(networkConfig=conf)
    assert clf.getNetworkConfig() == conf.toJson()


@pytest.mark.parametrize("kwargs, param", [
    ({"epochs": "two"}, "epochs"),
    ({"seed": 1.5}, "seed"),
    ({"featuresCol": 3}, "featuresCol"),
    ({"txtrainOptions": ["spark.txtrain.checkpoint.policy"]}, "txtrainOptions"),
    ({"txtrainOptions": {"spark.txtrain.checkpoint.retain": object()}}, "txtrainOptions"),
    ({"networkConfig": 42}, "networkConfig"),
])
def test_wrong_python_types_are_type_errors_naming_the_param(kwargs, param):
    with pytest.raises(TypeError, match=f'param "{param}"'):
        txtrain.TxtrainClassifier(**kwargs)
