package io.txtrain.spark.ml;

import java.util.Iterator;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Converts a partition of (features, label) rows into one DL4J {@code DataSet} per row, in row
 * order: features {@code [1, n]} as float, labels one-hot {@code [1, numClasses]}. Streams (holds
 * one row at a time) and is deterministic: the same rows give the same DataSets. A row that does
 * not fit the network fails the task with an {@link InvalidInputException}.
 */
final class RowsToDataSets implements FlatMapFunction<Iterator<Row>, DataSet> {
    private static final long serialVersionUID = 1L;

    private final FeatureColumn features;
    private final LabelColumn label;
    private final int numClasses;

    /** Rows hold the features at index 0 and the label at index 1. */
    RowsToDataSets(FeatureColumn features, LabelColumn label, int numClasses) {
        this.features = features;
        this.label = label;
        this.numClasses = numClasses;
    }

    @Override
    public Iterator<DataSet> call(Iterator<Row> rows) {
        TaskContext task = TaskContext.get();
        int partition = task == null ? 0 : task.partitionId();
        return new Iterator<>() {
            private long row;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public DataSet next() {
                Row r = rows.next();
                long i = row++;
                float[] x = features.read(r, 0, i, partition);
                float[] y = new float[numClasses];
                y[label.read(r, 1, i, partition)] = 1f;
                return new DataSet(Nd4j.create(new float[][] {x}), Nd4j.create(new float[][] {y}));
            }
        };
    }
}
