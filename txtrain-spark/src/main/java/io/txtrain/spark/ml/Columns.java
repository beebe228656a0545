package io.txtrain.spark.ml;

import java.util.Arrays;

import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Schema look-ups with errors that name the column, its role and the columns there are. */
final class Columns {
    private Columns() {
    }

    /** The field {@code name}; fails naming the {@code role} (e.g. "features") and the available columns. */
    static StructField field(StructType schema, String name, String role) {
        if (name == null || name.isEmpty()) {
            throw new InvalidInputException("the " + role + " column name is empty");
        }
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new InvalidInputException(role + " column '" + name + "' does not exist; the DataFrame has "
                    + Arrays.toString(schema.fieldNames()));
        }
        return schema.apply(name);
    }

    /** Fails if an output column {@code name} already exists. */
    static void checkAbsent(StructType schema, String name, String role) {
        if (Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new InvalidInputException(role + " column '" + name + "' already exists in the DataFrame;"
                    + " choose another name with set" + Character.toUpperCase(role.charAt(0)) + role.substring(1)
                    + "Col(...)");
        }
    }
}
