package io.txtrain.spark.ml;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.training.Seeds;

/**
 * Count and content hash of converted training data, in partition and row order: the same rows in
 * the same order give the same fingerprint. Computing it is one Spark job over the data.
 */
final class DataFingerprint {
    private DataFingerprint() {
    }

    /** {@code "<examples>:<16 hex digits>"}. */
    static String of(JavaRDD<DataSet> data) {
        List<long[]> parts = data.mapPartitionsWithIndex((idx, it) -> {
            long n = 0;
            long h = 0;
            while (it.hasNext()) {
                DataSet ds = it.next();
                h = combine(h, combine(hash(ds.getFeatures()), hash(ds.getLabels())));
                n++;
            }
            return List.of(new long[] {idx, n, h}).iterator();
        }, true).collect();
        long total = 0;
        long fp = 0;
        for (long[] p : parts) { // collect() returns partitions in order
            total += p[1];
            fp = combine(fp, p[2]);
        }
        return String.format("%d:%016x", total, fp);
    }

    private static long combine(long a, long b) {
        return Seeds.mix(a * 31 + b);
    }

    private static long hash(INDArray a) {
        float[] v = a.toFloatVector();
        ByteBuffer b = ByteBuffer.allocate(v.length * 4);
        b.asFloatBuffer().put(v);
        CRC32C crc = new CRC32C();
        crc.update(b.array());
        return crc.getValue();
    }
}
