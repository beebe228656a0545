package io.txtrain.spark.dl4j;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** Merges a worker's training objects into minibatches and fits them; hashes objects for fingerprints. */
abstract class ObjectFitter<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Fits one minibatch made of {@code objects}; returns its example count. */
    abstract long fit(ModelAdapter model, List<T> objects);

    abstract long hash(T object);

    static final class DataSets extends ObjectFitter<DataSet> {
        private static final long serialVersionUID = 1L;

        @Override
        long fit(ModelAdapter model, List<DataSet> objects) {
            DataSet ds = objects.size() == 1 ? objects.get(0) : DataSet.merge(objects);
            model.fit(ds);
            return ds.numExamples();
        }

        @Override
        long hash(DataSet ds) {
            return combine(hashArray(ds.getFeatures()), hashArray(ds.getLabels()));
        }
    }

    static final class MultiDataSets extends ObjectFitter<MultiDataSet> {
        private static final long serialVersionUID = 1L;

        @Override
        long fit(ModelAdapter model, List<MultiDataSet> objects) {
            MultiDataSet ds = objects.size() == 1 ? objects.get(0)
                    : org.nd4j.linalg.dataset.MultiDataSet.merge(new ArrayList<>(objects));
            model.fit(ds);
            return ds.getFeatures(0).size(0);
        }

        @Override
        long hash(MultiDataSet ds) {
            long h = 17;
            for (INDArray f : ds.getFeatures()) {
                h = combine(h, hashArray(f));
            }
            for (INDArray l : ds.getLabels()) {
                h = combine(h, hashArray(l));
            }
            return h;
        }
    }

    static long combine(long a, long b) {
        return io.txtrain.training.Seeds.mix(a * 31 + b);
    }

    static long hashArray(INDArray a) {
        if (a == null) {
            return 0;
        }
        CRC32C crc = new CRC32C();
        for (long s : a.shape()) {
            crc.update((int) s);
        }
        float[] v = a.dup('c').reshape(a.length()).toFloatVector();
        ByteBuffer b = ByteBuffer.allocate(v.length * 4);
        b.asFloatBuffer().put(v);
        crc.update(b.array());
        return crc.getValue();
    }
}
