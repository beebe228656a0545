package io.txtrain.spark.dl4j;

import io.txtrain.core.codec.PayloadReader;
import io.txtrain.core.codec.PayloadWriter;

/**
 * Position of the committed state: the last round and where it lies in its epoch, plus the
 * network's iteration counter. Round 0 is the initial state, "after epoch -1".
 */
record TrainingCursor(long round, int epoch, int split, int splitCount, int iteration) {
    static TrainingCursor initial(int iteration) {
        return new TrainingCursor(0, -1, 0, 1, iteration);
    }

    boolean epochComplete() {
        return split == splitCount - 1;
    }

    /** True if every round of {@code e} is already committed. */
    boolean covers(int e) {
        return epoch > e || (epoch == e && epochComplete());
    }

    TrainingCursor next(int e, int s, int count, int minibatches) {
        return new TrainingCursor(round + 1, e, s, count, iteration + minibatches);
    }

    byte[] encode() {
        return new PayloadWriter().i64(round).i32(epoch).i32(split).i32(splitCount).i32(iteration).toBytes();
    }

    static TrainingCursor decode(byte[] b) {
        PayloadReader r = new PayloadReader(b);
        TrainingCursor c = new TrainingCursor(r.i64(), r.i32(), r.i32(), r.i32(), r.i32());
        r.end();
        return c;
    }
}
