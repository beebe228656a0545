package io.txtrain.spark.dl4j;

import java.io.Serializable;

/** A training object at its position in the epoch's permuted order, with its content hash. */
final class Placed<T> implements Serializable {
    private static final long serialVersionUID = 1L;
    final long position;
    final long hash;
    final T object;

    Placed(long position, long hash, T object) {
        this.position = position;
        this.hash = hash;
        this.object = object;
    }
}
