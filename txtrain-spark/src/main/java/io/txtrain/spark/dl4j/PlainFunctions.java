package io.txtrain.spark.dl4j;

import org.apache.spark.api.java.function.Function2;

import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction2;

/**
 * A round job's functions as plain named classes for Spark's Scala API. Spark's closure cleaner
 * inspects lambdas (its own Java-API wrappers included) by reading their class files on every job;
 * named classes are passed through as they are, which saves each round that work.
 */
final class PlainFunctions {
    private PlainFunctions() {
    }

    /** A Java partition function with its partition index, for {@code RDD.mapPartitionsWithIndex}. */
    static final class WithIndex<T, U> extends AbstractFunction2<Object, Iterator<T>, Iterator<U>>
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final Function2<Integer, java.util.Iterator<T>, java.util.Iterator<U>> f;

        WithIndex(Function2<Integer, java.util.Iterator<T>, java.util.Iterator<U>> f) {
            this.f = f;
        }

        @Override
        public Iterator<U> apply(Object partition, Iterator<T> data) {
            try {
                return JavaConverters.asScalaIterator(f.call((Integer) partition, JavaConverters.asJavaIterator(data)));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
