package io.txtrain.spark.dl4j;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import org.apache.spark.broadcast.Broadcast;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.deeplearning4j.spark.data.loader.RemoteFileSourceFactory;
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
            DataSet ds = objects.size() == 1 ? objects.get(0).copy() : DataSet.merge(objects);
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
            MultiDataSet ds = objects.size() == 1 ? objects.get(0).copy()
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

    /** Objects are paths of serialized DataSets, loaded on the worker (DL4J's fitPaths). */
    static final class DataSetPaths extends ObjectFitter<String> {
        private static final long serialVersionUID = 1L;
        private final DataSetLoader loader;
        private final Broadcast<SerializableHadoopConfig> conf;
        private final DataSets inner = new DataSets();

        DataSetPaths(DataSetLoader loader, Broadcast<SerializableHadoopConfig> conf) {
            this.loader = loader;
            this.conf = conf;
        }

        @Override
        long fit(ModelAdapter model, List<String> paths) {
            RemoteFileSourceFactory sources = new RemoteFileSourceFactory(conf);
            List<DataSet> loaded = new ArrayList<>(paths.size());
            for (String p : paths) {
                try {
                    loaded.add((DataSet) loader.load(sources.getSource(p)));
                } catch (IOException e) {
                    throw new UncheckedIOException("could not load training data " + p, e);
                }
            }
            return inner.fit(model, loaded);
        }

        @Override
        long hash(String path) {
            return hashString(path);
        }
    }

    /** Objects are paths of serialized MultiDataSets, loaded on the worker. */
    static final class MultiDataSetPaths extends ObjectFitter<String> {
        private static final long serialVersionUID = 1L;
        private final MultiDataSetLoader loader;
        private final Broadcast<SerializableHadoopConfig> conf;
        private final MultiDataSets inner = new MultiDataSets();

        MultiDataSetPaths(MultiDataSetLoader loader, Broadcast<SerializableHadoopConfig> conf) {
            this.loader = loader;
            this.conf = conf;
        }

        @Override
        long fit(ModelAdapter model, List<String> paths) {
            RemoteFileSourceFactory sources = new RemoteFileSourceFactory(conf);
            List<MultiDataSet> loaded = new ArrayList<>(paths.size());
            for (String p : paths) {
                try {
                    loaded.add(loader.load(sources.getSource(p)));
                } catch (IOException e) {
                    throw new UncheckedIOException("could not load training data " + p, e);
                }
            }
            return inner.fit(model, loaded);
        }

        @Override
        long hash(String path) {
            return hashString(path);
        }
    }

    static long hashString(String s) {
        CRC32C crc = new CRC32C();
        crc.update(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return crc.getValue();
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
