package io.txtrain.spark.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import io.txtrain.core.policy.PolicySpec;
import io.txtrain.spark.TelemetryRegistry;
import io.txtrain.spark.TxtrainSettings;
import io.txtrain.spark.testing.SparkTestSupport;

/** spark.txtrain.* validation at driver startup, unknown-key warnings, and the configuration template. */
class PluginConfigTest {

    static SparkConf conf() {
        return SparkTestSupport.baseConf("local[1]", "plugin-config").set("spark.plugins", TxtrainPlugin.class.getName());
    }

    static IllegalArgumentException startupFails(SparkConf conf) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JavaSparkContext(conf).stop());
        assertEquals(null, TelemetryRegistry.current());
        return e;
    }

    @Test
    void invalidMonitorIntervalFailsStartupNamingKeyValueAndForms() {
        String msg = startupFails(conf().set("spark.txtrain.monitor.interval", "fast")).getMessage();
        assertTrue(msg.contains("spark.txtrain.monitor.interval = 'fast'"), msg);
        assertTrue(msg.contains("ms|s|m|min|h|d"), msg);
        msg = startupFails(conf().set("spark.txtrain.monitor.interval", "10ms")).getMessage();
        assertTrue(msg.contains("spark.txtrain.monitor.interval = '10ms'") && msg.contains(">= 100ms"), msg);
    }

    @Test
    void windowShorterThanIntervalFailsStartup() {
        String msg = startupFails(conf().set("spark.txtrain.monitor.interval", "5s")
                .set("spark.txtrain.monitor.window", "2s")).getMessage();
        assertTrue(msg.contains("spark.txtrain.monitor.window = '2s'") && msg.contains("spark.txtrain.monitor.interval"),
                msg);
    }

    @Test
    void invalidTrainerAndPolicyValuesFailStartup() {
        String msg = startupFails(conf().set("spark.txtrain.checkpoint.policy", "sometimes")).getMessage();
        assertTrue(msg.contains("spark.txtrain.checkpoint.policy = 'sometimes'") && msg.contains(PolicySpec.FORMS), msg);
        msg = startupFails(conf().set("spark.txtrain.monitor.gpu", "maybe")).getMessage();
        assertTrue(msg.contains("spark.txtrain.monitor.gpu = 'maybe'") && msg.contains("true | false"), msg);
        msg = startupFails(conf().set("spark.txtrain.mtbf.prior", "-1h")).getMessage();
        assertTrue(msg.contains("spark.txtrain.mtbf.prior = '-1h'") && msg.contains("a duration > 0"), msg);
        msg = startupFails(conf().set("spark.txtrain.round.maxAttempts", "0")).getMessage();
        assertTrue(msg.contains("spark.txtrain.round.maxAttempts = '0'") && msg.contains(">= 1"), msg);
    }

    @Test
    void misspelledKeyStopsStartupNamingTheClosestKey() {
        String msg = startupFails(conf().set("spark.txtrain.checkpoint.polcy", "every-rounds:5")).getMessage();
        assertTrue(msg.contains("unknown configuration key spark.txtrain.checkpoint.polcy (did you mean "
                + "spark.txtrain.checkpoint.policy?)"), msg);
        assertTrue(msg.contains("spark.txtrain.conf.allowUnknownKeys=true"), msg);
    }

    @Test
    void unknownKeyIsOnlyWarnedAboutWhenAllowedAndSparkStarts() {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger log = (Logger) LogManager.getLogger(TxtrainSettings.class);
        AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent e) {
                if (e.getLevel().isMoreSpecificThan(Level.WARN)) {
                    warnings.add(e.getMessage().getFormattedMessage());
                }
            }
        };
        capture.start();
        log.addAppender(capture);
        JavaSparkContext sc = null;
        try {
            sc = new JavaSparkContext(conf().set("spark.txtrain.monitor.intervall", "2s")
                    .set("spark.txtrain.conf.allowUnknownKeys", "true"));
            assertNotNull(TelemetryRegistry.current(), "the plugin started");
        } finally {
            log.removeAppender(capture);
            if (sc != null) {
                sc.stop();
            }
        }
        assertTrue(warnings.stream().anyMatch(w -> w.contains("unknown configuration key spark.txtrain.monitor.intervall")),
                warnings.toString());
        assertFalse(warnings.stream().anyMatch(w -> w.contains("spark.txtrain.monitor.interval ")), warnings.toString());
    }

    /** The template lists exactly the documented keys and the plugin class, and its values are the defaults. */
    @Test
    void templateDocumentsEveryKnownKey() throws Exception {
        Path template = Paths.get("..", "conf", "spark-defaults.conf.template");
        Pattern entry = Pattern.compile("^#\\s*(spark\\.[\\w.]+)\\s+(\\S+)\\s*$");
        Map<String, String> values = new TreeMap<>();
        String plugins = null;
        for (String line : Files.readAllLines(template)) {
            Matcher m = entry.matcher(line);
            if (m.matches() && m.group(1).startsWith(TxtrainSettings.PREFIX)) {
                assertEquals(null, values.put(m.group(1), m.group(2)), "listed twice: " + m.group(1));
            } else if (m.matches() && m.group(1).equals("spark.plugins")) {
                plugins = m.group(2);
            }
        }
        assertEquals(TxtrainPlugin.class.getName(), plugins);
        java.util.Set<String> documented = new java.util.TreeSet<>();
        io.txtrain.core.config.TxtrainConfig.entries().stream().filter(e -> !e.internal())
                .forEach(e -> documented.add(e.key()));
        assertEquals(documented, values.keySet());
        TxtrainSettings s = TxtrainSettings.of(values).validate();
        assertTrue(s.checkKeys().isEmpty());
        // The listed values are the defaults.
        TxtrainSettings d = TxtrainSettings.of(Map.of());
        assertEquals(d.monitorInterval(), s.monitorInterval());
        assertEquals(d.monitorWindow(), s.monitorWindow());
        assertEquals(d.monitorGpuTimeout(), s.monitorGpuTimeout());
        assertEquals(d.core(), s.core());
        assertEquals(d.maxAttempts(), s.maxAttempts());
        assertEquals(d.executorWait(), s.executorWait());
        assertEquals(io.txtrain.core.policy.AdaptivePolicySettings.defaults(),
                io.txtrain.core.policy.AdaptivePolicySettings.fromConf(values));
    }
}
