package io.txtrain.spark.ml;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A {@code Map<String, String>} parameter that Spark ML persistence can save and load (as a JSON
 * object). Values are kept as sorted, unmodifiable copies.
 */
public final class StringMapParam extends Param<Map<String, String>> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    public StringMapParam(Identifiable parent, String name, String doc) {
        super(parent, name, doc);
    }

    /** A sorted, unmodifiable copy of {@code m}. */
    static Map<String, String> copyOf(Map<String, String> m) {
        return Collections.unmodifiableMap(new TreeMap<>(m));
    }

    @Override
    public String jsonEncode(Map<String, String> value) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + name() + " as JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, String> jsonDecode(String json) {
        try {
            return copyOf(JSON.readValue(json, new TypeReference<TreeMap<String, String>>() { }));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(name() + " = '" + json + "': expected a JSON object of strings", e);
        }
    }
}
