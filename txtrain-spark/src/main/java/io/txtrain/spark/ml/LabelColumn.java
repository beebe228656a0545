package io.txtrain.spark.ml;

import java.io.Serializable;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The label column of a classifier: numeric, each value an integer class index in
 * {@code [0, numClasses)} (as {@code StringIndexer} produces).
 */
final class LabelColumn implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final int numClasses;

    LabelColumn(String name, int numClasses) {
        this.name = name;
        this.numClasses = numClasses;
    }

    String name() {
        return name;
    }

    /** Fails unless {@code schema} has the column with a numeric type. */
    void checkSchema(StructType schema) {
        StructField f = Columns.field(schema, name, "label");
        if (!(f.dataType() instanceof NumericType)) {
            throw new InvalidInputException("label column '" + name + "' has type " + f.dataType().simpleString()
                    + "; expected a numeric type holding class indices 0.." + (numClasses - 1)
                    + " (index string labels with StringIndexer)");
        }
    }

    /** The class index in {@code row}'s field {@code index}; fails on null, fractions and out-of-range values. */
    int read(Row row, int index, long rowInPartition, int partition) {
        Object v = row.get(index);
        if (v == null) {
            throw new InvalidInputException("label column '" + name + "' is null in "
                    + InvalidInputException.where(rowInPartition, partition));
        }
        double d = ((Number) v).doubleValue();
        if (!(d >= 0 && d < numClasses && d == Math.rint(d))) {
            throw new InvalidInputException("label " + v + " in column '" + name + "' ("
                    + InvalidInputException.where(rowInPartition, partition) + ") is out of range for the network's "
                    + numClasses + " outputs: expected an integer class index 0.." + (numClasses - 1));
        }
        return (int) d;
    }
}
