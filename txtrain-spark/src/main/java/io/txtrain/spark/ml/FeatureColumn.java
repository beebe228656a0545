package io.txtrain.spark.ml;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The features column: an ml {@code Vector}, {@code array<double>} or {@code array<float>}, read
 * into one {@code float[]} per row (the network's precision). Reading is a pure function of the
 * row, so the conversion is deterministic.
 */
final class FeatureColumn implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String ALLOWED = "an ml Vector (org.apache.spark.ml.linalg), array<double> or array<float>";

    private final String name;
    private final NetworkShape shape;

    FeatureColumn(String name, NetworkShape shape) {
        this.name = name;
        this.shape = shape;
    }

    String name() {
        return name;
    }

    /**
     * Fails unless {@code schema} has the column with an allowed type; when its ML attribute
     * metadata gives the vector size (as {@code VectorAssembler} sets it), that size must be the
     * network's input size.
     */
    void checkSchema(StructType schema) {
        StructField f = Columns.field(schema, name, "features");
        DataType t = f.dataType();
        if (t.equals(SQLDataTypes.VectorType())) {
            int size = AttributeGroup.fromStructField(f).size();
            if (size >= 0) {
                shape.checkFeatureSize(name, size, "from the column's metadata");
            }
            return;
        }
        if (t instanceof ArrayType a
                && (a.elementType().equals(DataTypes.DoubleType) || a.elementType().equals(DataTypes.FloatType))) {
            return;
        }
        String hint = t.typeName().equals("vector")
                ? " (this is an old org.apache.spark.mllib Vector: convert it with MLUtils.convertVectorColumnsToML)"
                : "";
        throw new InvalidInputException("features column '" + name + "' has type " + t.simpleString()
                + "; expected " + ALLOWED + hint);
    }

    /** The features of {@code row}'s field {@code index}; fails on null values and a wrong size. */
    float[] read(Row row, int index, long rowInPartition, int partition) {
        Object v = row.get(index);
        if (v == null) {
            throw new InvalidInputException("features column '" + name + "' is null in "
                    + InvalidInputException.where(rowInPartition, partition));
        }
        float[] out;
        if (v instanceof Vector vec) {
            checkSize(vec.size(), rowInPartition, partition);
            double[] values = vec.toArray(); // a dense vector's own array; a sparse one's dense copy
            out = new float[values.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) values[i];
            }
        } else {
            List<Object> values = row.getList(index);
            checkSize(values.size(), rowInPartition, partition);
            out = new float[values.size()];
            for (int i = 0; i < out.length; i++) {
                Object x = values.get(i);
                if (x == null) {
                    throw new InvalidInputException("features column '" + name + "' has a null element at index "
                            + i + " in " + InvalidInputException.where(rowInPartition, partition));
                }
                out[i] = ((Number) x).floatValue();
            }
        }
        return out;
    }

    private void checkSize(long size, long rowInPartition, int partition) {
        shape.checkFeatureSize(name, size, InvalidInputException.where(rowInPartition, partition));
    }

    @Override
    public String toString() {
        return "FeatureColumn" + Arrays.asList(name, shape);
    }
}
