package io.txtrain.spark.dl4j;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;
import org.nd4j.shade.jackson.dataformat.yaml.YAMLFactory;

/**
 * {@link MasterOptions} as JSON or YAML (Jackson, as shaded in ND4J): one field per option under
 * DL4J's names, storage levels by Spark's constant names, and {@code settings} with the
 * {@code spark.txtrain.*} keys. Reading rejects unknown fields and bad values, naming them.
 */
final class MasterJson {
    static final String TYPE = "io.txtrain.spark.dl4j.TransactionalTrainingMaster";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> FIELDS = Set.of("@class", "numWorkers", "rddDataSetNumExamples",
            "batchSizePerWorker", "averagingFrequency", "aggregationDepth", "workerPrefetchNumBatches", "saveUpdater",
            "rngSeed", "repartition", "repartitionStrategy", "storageLevel", "storageLevelStreams",
            "rddTrainingApproach", "exportDirectory", "collectTrainingStats", "settings");

    private MasterJson() {
    }

    static String toJson(MasterOptions o) {
        return write(JSON, o);
    }

    static String toYaml(MasterOptions o) {
        return write(YAML, o);
    }

    static MasterOptions fromJson(String json) {
        return read(JSON, json, "JSON");
    }

    static MasterOptions fromYaml(String yaml) {
        return read(YAML, yaml, "YAML");
    }

    private static String write(ObjectMapper mapper, MasterOptions o) {
        ObjectNode n = mapper.createObjectNode();
        n.put("@class", TYPE);
        if (o.numWorkers == null) {
            n.putNull("numWorkers");
        } else {
            n.put("numWorkers", o.numWorkers);
        }
        n.put("rddDataSetNumExamples", o.rddDataSetNumExamples);
        n.put("batchSizePerWorker", o.batchSizePerWorker);
        n.put("averagingFrequency", o.averagingFrequency);
        n.put("aggregationDepth", o.aggregationDepth);
        n.put("workerPrefetchNumBatches", o.workerPrefetchNumBatches);
        n.put("saveUpdater", o.saveUpdater);
        n.put("rngSeed", o.rngSeed);
        n.put("repartition", o.repartition.name());
        n.put("repartitionStrategy", o.repartitionStrategy.name());
        n.put("storageLevel", StorageLevels.name(o.storageLevel));
        n.put("storageLevelStreams", StorageLevels.name(o.storageLevelStreams));
        n.put("rddTrainingApproach", o.rddTrainingApproach.name());
        n.put("exportDirectory", o.exportDirectory);
        n.put("collectTrainingStats", o.collectTrainingStats);
        ObjectNode settings = n.putObject("settings");
        new TreeMap<>(o.settings).forEach(settings::put);
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the training master's settings", e);
        }
    }

    private static MasterOptions read(ObjectMapper mapper, String text, String format) {
        JsonNode n;
        try {
            n = mapper.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid " + format + " for a TransactionalTrainingMaster: "
                    + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(format + " for a TransactionalTrainingMaster must be an object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException("unknown field '" + f + "' in TransactionalTrainingMaster "
                        + format + "; known fields: " + new java.util.TreeSet<>(FIELDS));
            }
        }
        if (n.has("@class") && !TYPE.equals(n.get("@class").asText())) {
            throw new IllegalArgumentException("@class is " + n.get("@class").asText() + ", expected " + TYPE);
        }
        MasterOptions o = new MasterOptions();
        JsonNode workers = n.get("numWorkers");
        o.numWorkers = workers == null || workers.isNull() ? null : integer(n, "numWorkers");
        o.rddDataSetNumExamples = integer(n, "rddDataSetNumExamples");
        o.batchSizePerWorker = n.has("batchSizePerWorker") ? integer(n, "batchSizePerWorker") : o.batchSizePerWorker;
        o.averagingFrequency = n.has("averagingFrequency") ? integer(n, "averagingFrequency") : o.averagingFrequency;
        o.aggregationDepth = n.has("aggregationDepth") ? integer(n, "aggregationDepth") : o.aggregationDepth;
        o.workerPrefetchNumBatches = n.has("workerPrefetchNumBatches") ? integer(n, "workerPrefetchNumBatches")
                : o.workerPrefetchNumBatches;
        o.saveUpdater = n.has("saveUpdater") ? bool(n, "saveUpdater") : o.saveUpdater;
        if (n.has("rngSeed")) {
            if (!n.get("rngSeed").canConvertToLong()) {
                throw bad("rngSeed", n, "a long");
            }
            o.rngSeed = n.get("rngSeed").asLong();
        }
        o.repartition = n.has("repartition") ? enumValue(n, "repartition", Repartition.class) : o.repartition;
        o.repartitionStrategy = n.has("repartitionStrategy")
                ? enumValue(n, "repartitionStrategy", RepartitionStrategy.class) : o.repartitionStrategy;
        o.storageLevel = n.has("storageLevel") ? StorageLevels.of(text(n, "storageLevel")) : o.storageLevel;
        o.storageLevelStreams = n.has("storageLevelStreams") ? StorageLevels.of(text(n, "storageLevelStreams"))
                : o.storageLevelStreams;
        o.rddTrainingApproach = n.has("rddTrainingApproach")
                ? enumValue(n, "rddTrainingApproach", RDDTrainingApproach.class) : o.rddTrainingApproach;
        o.exportDirectory = text(n, "exportDirectory");
        o.collectTrainingStats = n.has("collectTrainingStats") && bool(n, "collectTrainingStats");
        JsonNode settings = n.get("settings");
        if (settings != null && !settings.isNull()) {
            if (!settings.isObject()) {
                throw bad("settings", n, "an object of spark.txtrain.* keys");
            }
            settings.fields().forEachRemaining(e -> o.settings.put(e.getKey(), e.getValue().asText()));
        }
        return o;
    }

    private static int integer(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw bad(field, n, "an integer");
        }
        return v.asInt();
    }

    private static boolean bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (!v.isBoolean()) {
            throw bad(field, n, "true or false");
        }
        return v.asBoolean();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static <E extends Enum<E>> E enumValue(JsonNode n, String field, Class<E> type) {
        String v = text(n, field);
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw bad(field, n, "one of " + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    private static IllegalArgumentException bad(String field, JsonNode n, String expected) {
        return new IllegalArgumentException("TransactionalTrainingMaster setting '" + field + "' is " + n.get(field)
                + "; expected " + expected);
    }

}
