package io.txtrain.spark.ml;

import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The schema a classifier's model produces: the input plus prediction (and probability) columns. */
final class OutputSchema {
    private OutputSchema() {
    }

    static Param<String> featuresParam(Identifiable owner) {
        return new Param<>(owner, "featuresCol", "features column: " + FeatureColumn.ALLOWED);
    }

    static Param<String> predictionParam(Identifiable owner) {
        return new Param<>(owner, "predictionCol", "prediction column (double: the class index)");
    }

    static Param<String> probabilityParam(Identifiable owner) {
        return new Param<>(owner, "probabilityCol",
                "class probabilities column (ml Vector of the network's outputs); empty for none");
    }

    /**
     * {@code schema} with the prediction column (double, nominal metadata with the class count) and,
     * unless its name is empty, the probability column (ml Vector of size numClasses) appended, after
     * checking the features column and that the output columns do not exist yet.
     */
    static StructType append(OutputColumnParams params, StructType schema, NetworkShape shape) {
        new FeatureColumn(params.getFeaturesCol(), shape).checkSchema(schema);
        Columns.checkAbsent(schema, params.getPredictionCol(), "prediction");
        StructField prediction = NominalAttribute.defaultAttr().withName(params.getPredictionCol())
                .withNumValues(shape.numClasses()).toStructField();
        StructType out = schema.add(prediction.name(), prediction.dataType(), false, prediction.metadata());
        if (!params.getProbabilityCol().isEmpty()) {
            Columns.checkAbsent(out, params.getProbabilityCol(), "probability");
            StructField probability = new AttributeGroup(params.getProbabilityCol(), shape.numClasses())
                    .toStructField();
            out = out.add(probability.name(), probability.dataType(), false, probability.metadata());
        }
        return out;
    }
}
