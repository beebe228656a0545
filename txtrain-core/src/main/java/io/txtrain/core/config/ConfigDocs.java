package io.txtrain.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the user documentation of {@link TxtrainConfig}: {@code conf/spark-defaults.conf.template}
 * and the README's configuration table. Test-only keys are left out.
 */
public final class ConfigDocs {
    static final String TEMPLATE_HEADER = """
            # txtrain settings for conf/spark-defaults.conf (or --conf on spark-submit).
            # Generated from io.txtrain.core.config.TxtrainConfig (ConfigDocsTest keeps this file equal to it).
            # Every user-facing spark.txtrain.* key is listed below, commented out, with its default.
            # An unknown spark.txtrain.* key (a misspelling) stops the job at startup, naming the closest valid
            # key; invalid values stop the job at startup with the key, the value and the allowed forms.
            # Durations: a number of seconds or a number with unit ms|s|m|min|h|d (e.g. 500ms, 30s, 5m, 1h).
            # Byte sizes: a number of bytes or a number with unit k|m|g|t (e.g. 64m).

            # --- Plugin (enables monitoring and the adaptive policy) ---
            # spark.plugins                                  io.txtrain.spark.plugin.TxtrainPlugin
            """;
    static final String TEMPLATE_FOOTER = """

            # --- HDFS client (not txtrain keys; see RELIABILITY.md) ---
            # Without NameNode HA, an HDFS client fails on the first refused connection, so a NameNode restart
            # fails the job (it resumes when resubmitted). Retrying NameNode calls rides through the restart:
            # spark.hadoop.dfs.client.retry.policy.enabled   true
            # spark.hadoop.dfs.client.retry.policy.spec      1000,60
            # txtrain bounds how long an unreachable NameNode can stall a job or bin/txtrain (about a minute);
            # these are its defaults where you set nothing:
            # spark.hadoop.ipc.client.connect.timeout                    10000
            # spark.hadoop.ipc.client.connect.max.retries.on.timeouts    2
            # spark.hadoop.ipc.client.rpc-timeout.ms                     20000
            """;

    private ConfigDocs() {
    }

    /** The full text of {@code conf/spark-defaults.conf.template}. */
    public static String template() {
        StringBuilder b = new StringBuilder(TEMPLATE_HEADER);
        for (Map.Entry<String, List<ConfigEntry<?>>> s : sections().entrySet()) {
            b.append("\n# --- ").append(s.getKey()).append(" ---\n");
            for (ConfigEntry<?> e : s.getValue()) {
                b.append("# ").append(e.doc()).append(" Allowed: ").append(e.allowed()).append(".\n");
                b.append(String.format("# %-46s %s%n", e.key(), e.defaultText()));
            }
        }
        return b.append(TEMPLATE_FOOTER).toString();
    }

    /** The README's Markdown table: key, default, allowed values, meaning. */
    public static String markdownTable() {
        StringBuilder b = new StringBuilder("| key | default | allowed | meaning |\n|---|---|---|---|\n");
        for (List<ConfigEntry<?>> s : sections().values()) {
            for (ConfigEntry<?> e : s) {
                b.append("| `").append(e.key()).append("` | ")
                        .append(e.hasDefault() ? "`" + e.defaultText() + "`" : "(unset)").append(" | ")
                        .append(e.allowed().replace("|", "\\|")).append(" | ").append(e.doc()).append(" |\n");
            }
        }
        return b.toString();
    }

    private static Map<String, List<ConfigEntry<?>>> sections() {
        Map<String, List<ConfigEntry<?>>> out = new LinkedHashMap<>();
        for (ConfigEntry<?> e : TxtrainConfig.entries()) {
            if (!e.internal()) {
                out.computeIfAbsent(e.section(), k -> new java.util.ArrayList<>()).add(e);
            }
        }
        return out;
    }
}
