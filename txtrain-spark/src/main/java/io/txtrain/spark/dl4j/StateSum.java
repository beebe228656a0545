package io.txtrain.spark.dl4j;

import java.nio.ByteBuffer;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The element-wise sum of states, folded in the order they are added, in double precision. Its
 * {@link #mean()} is {@link FlatState#mean} of the same states in the same order, bit for bit,
 * wherever it is computed (driver or executor): both are this fold.
 */
final class StateSum {
    private FlatState first;
    private double[] sum;
    private int count;

    /** @throws IllegalStateException if {@code s} differs in size or type from the first state added */
    void add(FlatState s) {
        if (first == null) {
            first = s;
            sum = new double[s.length()];
        } else if (first.isEmpty()) {
            count++;
            return;
        } else if (s.length() != sum.length || s.dataType() != first.dataType()) {
            throw new IllegalStateException("workers returned states of different sizes");
        }
        ByteBuffer v = s.view();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += s.get(v, i);
        }
        count++;
    }

    int count() {
        return count;
    }

    /** The mean of the states added, in their type (FLOAT or DOUBLE); the first state if it is empty. */
    FlatState mean() {
        if (first == null) {
            throw new IllegalStateException("no state to average");
        }
        if (first.isEmpty()) {
            return first;
        }
        int k = count;
        ByteBuffer out = StateMemory.kept(first.sizeBytes()); // on the driver, the next committed state
        for (double s : sum) {
            if (first.dataType() == DataType.DOUBLE) {
                out.putDouble(s / k);
            } else {
                out.putFloat((float) (s / k));
            }
        }
        return FlatState.over(first.dataType(), out);
    }
}
