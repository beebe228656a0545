package io.txtrain.spark.dl4j;

import java.nio.ByteBuffer;

import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Puts a round's mean together on the driver from the slices the averaging tasks return
 * ({@link ExecutorAggregation}), in any order, each copied into place as it arrives (where the
 * driver keeps states, {@link StateMemory#kept}: off its heap for large ones), so no whole serialized
 * copy of the mean is ever held. Spark's result handler: called once per finished task.
 */
final class MeanAssembly extends AbstractFunction2<Object, ExecutorAggregation.MeanSlice, BoxedUnit> {
    private final long round;
    private final int slices;
    private final boolean[] arrived;
    private int count;
    private RoundAggregate first;
    private int firstIndex;
    private int paramsLength;
    private int updaterLength;
    private ByteBuffer params;
    private ByteBuffer updater;
    private String problem;

    MeanAssembly(long round, int slices) {
        this.round = round;
        this.slices = slices;
        this.arrived = new boolean[slices];
    }

    @Override
    public synchronized BoxedUnit apply(Object index, ExecutorAggregation.MeanSlice s) {
        RoundAggregate part = s.part();
        if (problem != null) {
            return BoxedUnit.UNIT;
        }
        if (part.problem() != null) {
            problem = part.problem();
            return BoxedUnit.UNIT;
        }
        int k = s.index();
        if (k < 0 || k >= slices || arrived[k]) {
            problem = "round " + round + ": unexpected averaging slice " + k + " of " + slices;
            return BoxedUnit.UNIT;
        }
        if (first == null) {
            first = part;
            firstIndex = k;
            paramsLength = s.paramsLength();
            updaterLength = s.updaterLength();
            params = StateMemory.kept(paramsLength * part.params().width());
            updater = part.updater() == null ? null : StateMemory.kept(updaterLength * part.updater().width());
        } else if (s.paramsLength() != paramsLength || s.updaterLength() != updaterLength
                || part.examples() != first.examples() || part.dataHash() != first.dataHash()
                || (part.updater() == null) != (updater == null)
                || part.params().dataType() != first.params().dataType()) {
            problem = "round " + round + ": averaging slices " + firstIndex + " and " + k
                    + " disagree on the round's states or workers";
            return BoxedUnit.UNIT;
        }
        if (!place(params, part.params(), paramsLength, k) || updater != null
                && !place(updater, part.updater(), updaterLength, k)) {
            problem = "round " + round + ": averaging slice " + k + " of " + slices + " has the wrong size";
            return BoxedUnit.UNIT;
        }
        arrived[k] = true;
        count++;
        return BoxedUnit.UNIT;
    }

    /** Copies slice {@code k} of a vector of {@code length} elements into {@code into}; false if its size is wrong. */
    private boolean place(ByteBuffer into, FlatState slice, int length, int k) {
        int width = slice.width();
        int start = ExecutorAggregation.sliceStart(length, k, slices);
        int end = ExecutorAggregation.sliceStart(length, k + 1, slices);
        if (slice.sizeBytes() != (end - start) * width || into.capacity() != length * width) {
            return false;
        }
        into.duplicate().position(start * width).put(slice.view());
        return true;
    }

    /**
     * The round's aggregate, once every slice arrived.
     *
     * @throws IllegalStateException with the reason, if the results could not be combined
     */
    synchronized RoundAggregate whole() {
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        if (count != slices) {
            throw new IllegalStateException("round " + round + ": " + count + " of " + slices
                    + " averaging slices arrived");
        }
        return new RoundAggregate(round, FlatState.over(first.params().dataType(), params),
                updater == null ? null : FlatState.over(first.updater().dataType(), updater), first.workers(),
                first.seeds(), first.examples(), first.minibatches(), first.meanScore(), first.dataHash(),
                first.environment(), null);
    }
}
