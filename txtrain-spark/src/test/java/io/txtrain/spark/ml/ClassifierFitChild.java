package io.txtrain.spark.ml;

import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * A notebook-like driver for the crash test: fits {@link TxtrainClassifierResumeTest#classifier}
 * on {@link TxtrainClassifierResumeTest#data}. args = checkpoint directory. Prints {@code ROUND}
 * after each committed round and {@code FINAL <sha256>} at the end.
 */
public final class ClassifierFitChild {
    public static void main(String[] args) {
        SparkSession spark = MlFrames.session("ml-fit-child");
        TxtrainClassifier classifier = TxtrainClassifierResumeTest.classifier(args[0])
                .setListeners(new BaseTrainingListener() {
                    @Override
                    public void iterationDone(Model model, int iteration, int epoch) {
                        System.out.println("ROUND");
                        System.out.flush();
                    }
                });
        TxtrainClassificationModel model = classifier.fit(TxtrainClassifierResumeTest.data(spark));
        System.out.println("FINAL " + model.parametersSha256());
        System.out.flush();
        spark.stop();
    }
}
