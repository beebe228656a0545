"""TxtrainClassifier in PySpark's ML machinery: Pipeline, evaluator, CrossValidator, TrainValidationSplit."""

import os

from pyspark.ml import Pipeline
from pyspark.ml.evaluation import MulticlassClassificationEvaluator
from pyspark.ml.feature import StringIndexer
from pyspark.ml.tuning import CrossValidator, ParamGridBuilder, TrainValidationSplit

import txtrain
from conftest import small_classifier


def run_dirs(root):
    return sorted(d for d in os.listdir(root) if d.startswith("run-"))


def test_pipeline_fits_predicts_and_evaluates(spark, blobs, network, tmp_dir):
    indexer = StringIndexer(inputCol="class", outputCol="classIndex", stringOrderType="alphabetAsc")
    clf = small_classifier(network, tmp_dir, labelCol="classIndex", epochs=3)
    model = Pipeline(stages=[indexer, clf]).fit(blobs.drop("label"))
    net = model.stages[-1]
    assert isinstance(net, txtrain.TxtrainClassificationModel)
    assert (net.numClasses, net.numFeatures) == (3, 12)
    assert net.getFeaturesCol() == "features"

    predictions = model.transform(blobs)
    assert predictions.columns == ["class", "label", "features", "classIndex", "prediction", "probability"]
    rows = predictions.select("probability").take(3)
    assert all(abs(sum(r.probability) - 1) < 1e-4 for r in rows)
    accuracy = MulticlassClassificationEvaluator(labelCol="classIndex", metricName="accuracy").evaluate(predictions)
    assert accuracy > 0.9

    history = txtrain.run_history(spark, net.runDirectory)
    assert [r["round"] for r in history["rounds"]] == list(range(1, 3 * 8 + 1)), "3 epochs of 8 rounds"
    assert len(history["starts"]) == 1 and history["starts"][0]["nextRound"] == 1
    assert run_dirs(tmp_dir) == [os.path.basename(net.runDirectory)]

    no_probability = net.copy().setProbabilityCol("")
    assert "probability" not in no_probability.transform(blobs).columns


def test_cross_validator_fits_each_fold_and_grid_point_in_its_own_run(spark, blobs, network, tmp_dir):
    clf = small_classifier(network, tmp_dir, epochs=1)
    grid = ParamGridBuilder().addGrid(clf.averagingFrequency, [1, 2]).build()
    evaluator = MulticlassClassificationEvaluator(metricName="accuracy")
    cv = CrossValidator(estimator=clf, estimatorParamMaps=grid, evaluator=evaluator, numFolds=2, seed=5)
    cv_model = cv.fit(blobs)
    assert len(cv_model.avgMetrics) == 2 and all(m > 0.5 for m in cv_model.avgMetrics)
    best = cv_model.bestModel
    assert isinstance(best, txtrain.TxtrainClassificationModel)
    assert len(run_dirs(tmp_dir)) == 2 * 2 + 1, "2 folds x 2 grid points, then the best on all data"
    assert evaluator.evaluate(cv_model.transform(blobs)) > 0.5


def test_train_validation_split(spark, blobs, network, tmp_dir):
    clf = small_classifier(network, tmp_dir, epochs=1)
    grid = ParamGridBuilder().addGrid(clf.batchSizePerWorker, [4, 8]).build()
    tvs = TrainValidationSplit(estimator=clf, estimatorParamMaps=grid, trainRatio=0.75, seed=5,
                               evaluator=MulticlassClassificationEvaluator(metricName="accuracy"))
    tvs_model = tvs.fit(blobs)
    assert len(tvs_model.validationMetrics) == 2
    assert isinstance(tvs_model.bestModel, txtrain.TxtrainClassificationModel)
    assert len(run_dirs(tmp_dir)) == 3
    assert "prediction" in tvs_model.transform(blobs).columns


def test_a_finished_fit_returns_the_same_model_without_training(spark, blobs, network, fitted):
    model, root = fitted
    again = small_classifier(network, root).fit(blobs)
    assert again.parametersSha256() == model.parametersSha256()
    assert again.runDirectory == model.runDirectory
    history = txtrain.run_history(spark, model.runDirectory)
    assert history["committedRound"] == 2 * 8
