package io.txtrain.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TxtrainConfigTest {
    @Test
    void misspelledKeysAreNamedWithTheClosestDeclaredKey() {
        Map<String, String> u = TxtrainConfig.unknownKeys(List.of("spark.txtrain.checkpoint.polcy",
                "spark.txtrain.Lease.timeout", "spark.txtrain.somethingElseEntirely", "spark.other.key",
                "spark.txtrain.checkpoint.policy"));
        assertEquals("spark.txtrain.checkpoint.policy", u.get("spark.txtrain.checkpoint.polcy"));
        assertEquals("spark.txtrain.lease.timeout", u.get("spark.txtrain.Lease.timeout"));
        assertTrue(u.containsKey("spark.txtrain.somethingElseEntirely"));
        assertEquals(null, u.get("spark.txtrain.somethingElseEntirely"));
        assertEquals(3, u.size(), u.toString());
    }

    @Test
    void byteSizesAcceptSparkSuffixes() {
        assertEquals(64L << 20, TxtrainConfig.SEGMENT_BYTES.get(Map.of(TxtrainConfig.SEGMENT_BYTES.key(), "64m")));
        assertEquals(1L << 30, TxtrainConfig.SEGMENT_BYTES.get(Map.of(TxtrainConfig.SEGMENT_BYTES.key(), "1g")));
        assertEquals(8192L, TxtrainConfig.SEGMENT_BYTES.get(Map.of(TxtrainConfig.SEGMENT_BYTES.key(), "8192")));
        assertEquals(4096L, TxtrainConfig.SEGMENT_BYTES.get(Map.of(TxtrainConfig.SEGMENT_BYTES.key(), "4KB")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TxtrainConfig.SEGMENT_BYTES.get(Map.of(TxtrainConfig.SEGMENT_BYTES.key(), "64 lots")));
        assertTrue(e.getMessage().startsWith("spark.txtrain.log.segmentBytes = '64 lots': expected a byte size >= 4096"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TxtrainConfig.SEGMENT_BYTES.get(Map.of(TxtrainConfig.SEGMENT_BYTES.key(), "1k")));
        assertTrue(e.getMessage().contains(">= 4096"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("99999999999t"));
    }

    @Test
    void everyDefaultParsesToItself() {
        for (ConfigEntry<?> e : TxtrainConfig.entries()) {
            Object parsed = e.parse(e.defaultText());
            Object dflt = e.get(Map.of());
            if (dflt != null) {
                assertEquals(dflt, parsed, e.key());
            }
        }
    }

    @Test
    void badValuesNameKeyValueAndAllowedForms() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TxtrainConfig.LEASE_TIMEOUT.get(Map.of(TxtrainConfig.LEASE_TIMEOUT.key(), "0s")));
        assertEquals("spark.txtrain.lease.timeout = '0s': expected a duration > 0, "
                + io.txtrain.core.policy.Durations.FORMS, e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TxtrainConfig.PERMISSION.get(Map.of(TxtrainConfig.PERMISSION.key(), "rwx")));
        assertTrue(e.getMessage().contains("an octal mode"), e.getMessage());
        assertEquals(Duration.ofMillis(100),
                TxtrainConfig.MONITOR_INTERVAL.get(Map.of(TxtrainConfig.MONITOR_INTERVAL.key(), "100ms")));
    }
}
