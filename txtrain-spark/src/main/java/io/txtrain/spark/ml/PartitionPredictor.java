package io.txtrain.spark.ml;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Appends the prediction (and, if asked, the class probabilities) to each row of a partition,
 * keeping the rows and their order. Rows go through the network in batches of {@code batchSize};
 * the network comes from the executor's pool for the task's duration. The prediction is the index
 * of the largest output (the first one on ties), as a double.
 */
final class PartitionPredictor implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final BroadcastNetwork network;
    private final FeatureColumn features;
    private final int featureIndex;
    private final boolean withProbability;
    private final int batchSize;

    PartitionPredictor(BroadcastNetwork network, FeatureColumn features, int featureIndex, boolean withProbability,
                       int batchSize) {
        this.network = network;
        this.features = features;
        this.featureIndex = featureIndex;
        this.withProbability = withProbability;
        this.batchSize = batchSize;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (!rows.hasNext()) {
            return rows;
        }
        TaskContext task = TaskContext.get();
        int partition = task == null ? 0 : task.partitionId();
        MultiLayerNetwork net = network.borrow();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) ctx -> network.release(net));
        }
        return new Iterator<>() {
            private final List<Row> batch = new ArrayList<>(batchSize);
            private INDArray out;
            private int next;
            private long seen;

            @Override
            public boolean hasNext() {
                return next < batch.size() || rows.hasNext();
            }

            @Override
            public Row next() {
                if (next == batch.size()) {
                    if (!rows.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    fill();
                }
                Row in = batch.get(next);
                double[] p = out.getRow(next).toDoubleVector();
                next++;
                int best = 0;
                for (int k = 1; k < p.length; k++) {
                    if (p[k] > p[best]) {
                        best = k;
                    }
                }
                Object[] values = new Object[in.size() + (withProbability ? 2 : 1)];
                for (int i = 0; i < in.size(); i++) {
                    values[i] = in.get(i);
                }
                values[in.size()] = (double) best;
                if (withProbability) {
                    values[in.size() + 1] = Vectors.dense(p);
                }
                return RowFactory.create(values);
            }

            private void fill() {
                batch.clear();
                next = 0;
                List<float[]> x = new ArrayList<>(batchSize);
                while (batch.size() < batchSize && rows.hasNext()) {
                    Row r = rows.next();
                    x.add(features.read(r, featureIndex, seen++, partition));
                    batch.add(r);
                }
                out = net.output(Nd4j.create(x.toArray(new float[0][])), false);
            }
        };
    }
}
