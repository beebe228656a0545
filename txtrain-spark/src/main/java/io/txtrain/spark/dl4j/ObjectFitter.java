package io.txtrain.spark.dl4j;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import org.apache.spark.broadcast.Broadcast;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.deeplearning4j.spark.data.loader.RemoteFileSourceFactory;
import org.nd4j.common.loader.Loader;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * How one kind of training object (T, as in the user's RDD) is packed for the round layout (P),
 * hashed for fingerprints, and fitted as minibatches on a worker. Deterministic.
 */
abstract class ObjectFitter<T, P extends Serializable> implements Serializable {
    private static final long serialVersionUID = 1L;

    abstract P pack(T object);

    abstract long hash(P packed);

    /** Fits one minibatch made of {@code objects}, in order; returns its example count. */
    abstract long fit(ModelAdapter model, List<P> objects);

    /** DataSets: features, labels and their masks. */
    static final class DataSets extends ObjectFitter<DataSet, PackedArrays> {
        private static final long serialVersionUID = 1L;

        @Override
        PackedArrays pack(DataSet ds) {
            return PackedArrays.of(ds.getFeatures(), ds.getLabels(), ds.getFeaturesMaskArray(), ds.getLabelsMaskArray());
        }

        @Override
        long hash(PackedArrays p) {
            return p.hash();
        }

        @Override
        long fit(ModelAdapter model, List<PackedArrays> objects) {
            DataSet ds;
            try {
                ds = new DataSet(PackedArrays.stack(objects, 0), PackedArrays.stack(objects, 1),
                        PackedArrays.stack(objects, 2), PackedArrays.stack(objects, 3));
            } catch (IllegalArgumentException differentShapes) {
                List<DataSet> list = new ArrayList<>();
                for (PackedArrays p : objects) {
                    list.add(new DataSet(p.array(0), p.array(1), p.array(2), p.array(3)));
                }
                ds = DataSet.merge(list); // pads time series of different lengths
            }
            model.fit(ds);
            return ds.numExamples();
        }
    }

    /** MultiDataSets: all feature and label arrays and their masks. */
    static final class MultiDataSets extends ObjectFitter<MultiDataSet, PackedArrays> {
        private static final long serialVersionUID = 1L;

        @Override
        PackedArrays pack(MultiDataSet ds) {
            int nf = ds.numFeatureArrays();
            int nl = ds.numLabelsArrays();
            INDArray[] all = new INDArray[2 * (nf + nl) + 1];
            all[0] = org.nd4j.linalg.factory.Nd4j.createFromArray((float) nf, (float) nl).reshape(1, 2);
            for (int i = 0; i < nf; i++) {
                all[1 + i] = ds.getFeatures(i);
                all[1 + nf + nl + i] = ds.getFeaturesMaskArray(i);
            }
            for (int i = 0; i < nl; i++) {
                all[1 + nf + i] = ds.getLabels(i);
                all[1 + 2 * nf + nl + i] = ds.getLabelsMaskArray(i);
            }
            return PackedArrays.of(all);
        }

        @Override
        long hash(PackedArrays p) {
            return p.hash();
        }

        @Override
        long fit(ModelAdapter model, List<PackedArrays> objects) {
            float[] counts = objects.get(0).array(0).toFloatVector();
            int nf = (int) counts[0];
            int nl = (int) counts[1];
            MultiDataSet ds;
            try {
                ds = new org.nd4j.linalg.dataset.MultiDataSet(slots(objects, 1, nf), slots(objects, 1 + nf, nl),
                        slots(objects, 1 + nf + nl, nf), slots(objects, 1 + 2 * nf + nl, nl));
            } catch (IllegalArgumentException differentShapes) {
                List<org.nd4j.linalg.dataset.MultiDataSet> list = new ArrayList<>();
                for (PackedArrays p : objects) {
                    list.add(new org.nd4j.linalg.dataset.MultiDataSet(slots(List.of(p), 1, nf),
                            slots(List.of(p), 1 + nf, nl), slots(List.of(p), 1 + nf + nl, nf),
                            slots(List.of(p), 1 + 2 * nf + nl, nl)));
                }
                ds = org.nd4j.linalg.dataset.MultiDataSet.merge(list);
            }
            model.fit(ds);
            return ds.getFeatures(0).size(0);
        }

        private static INDArray[] slots(List<PackedArrays> objects, int from, int n) {
            INDArray[] out = new INDArray[n];
            boolean any = false;
            for (int i = 0; i < n; i++) {
                out[i] = PackedArrays.stack(objects, from + i);
                any |= out[i] != null;
            }
            return any ? out : null;
        }
    }

    /** Objects are paths of serialized (Multi)DataSets, loaded on the worker (DL4J's fitPaths). */
    abstract static class Paths<D> extends ObjectFitter<String, String> {
        private static final long serialVersionUID = 1L;
        private final Loader<? extends D> loader;
        private final Broadcast<SerializableHadoopConfig> conf;

        Paths(Loader<? extends D> loader, Broadcast<SerializableHadoopConfig> conf) {
            this.loader = loader;
            this.conf = conf;
        }

        @Override
        String pack(String path) {
            return path;
        }

        @Override
        long hash(String path) {
            return hashString(path);
        }

        @Override
        long fit(ModelAdapter model, List<String> paths) {
            RemoteFileSourceFactory sources = new RemoteFileSourceFactory(conf);
            List<D> loaded = new ArrayList<>(paths.size());
            for (String p : paths) {
                try {
                    loaded.add(loader.load(sources.getSource(p)));
                } catch (IOException e) {
                    throw new UncheckedIOException("could not load training data " + p, e);
                }
            }
            return fitLoaded(model, loaded);
        }

        abstract long fitLoaded(ModelAdapter model, List<D> loaded);
    }

    static final class DataSetPaths extends Paths<DataSet> {
        private static final long serialVersionUID = 1L;

        DataSetPaths(DataSetLoader loader, Broadcast<SerializableHadoopConfig> conf) {
            super(loader, conf);
        }

        @Override
        long fitLoaded(ModelAdapter model, List<DataSet> loaded) {
            DataSet ds = loaded.size() == 1 ? loaded.get(0) : DataSet.merge(loaded);
            model.fit(ds);
            return ds.numExamples();
        }
    }

    static final class MultiDataSetPaths extends Paths<MultiDataSet> {
        private static final long serialVersionUID = 1L;

        MultiDataSetPaths(MultiDataSetLoader loader, Broadcast<SerializableHadoopConfig> conf) {
            super(loader, conf);
        }

        @Override
        long fitLoaded(ModelAdapter model, List<MultiDataSet> loaded) {
            List<org.nd4j.linalg.dataset.MultiDataSet> concrete = new ArrayList<>();
            for (MultiDataSet m : loaded) {
                concrete.add(m instanceof org.nd4j.linalg.dataset.MultiDataSet md ? md
                        : new org.nd4j.linalg.dataset.MultiDataSet(m.getFeatures(), m.getLabels(),
                                m.getFeaturesMaskArrays(), m.getLabelsMaskArrays()));
            }
            MultiDataSet ds = concrete.size() == 1 ? concrete.get(0)
                    : org.nd4j.linalg.dataset.MultiDataSet.merge(concrete);
            model.fit(ds);
            return ds.getFeatures(0).size(0);
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
}
