package io.txtrain.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;

/**
 * The user documentation of the configuration is generated from {@link TxtrainConfig}. After
 * changing a key, regenerate with
 * {@code mvn -pl txtrain-core test -Dtest=ConfigDocsTest -Dtxtrain.regenerateDocs=true}.
 */
class ConfigDocsTest {
    static final Path ROOT = Paths.get("..");
    static final String BEGIN = "<!-- configuration table: generated from TxtrainConfig by ConfigDocsTest -->\n";
    static final String END = "<!-- end of configuration table -->";
    static final boolean REGENERATE = Boolean.getBoolean("txtrain.regenerateDocs");

    @Test
    void templateIsGeneratedFromTheDeclarations() throws Exception {
        Path template = ROOT.resolve("conf/spark-defaults.conf.template");
        String expected = ConfigDocs.template();
        if (REGENERATE) {
            Files.writeString(template, expected, StandardCharsets.UTF_8);
        }
        assertEquals(expected, Files.readString(template), template + " differs from TxtrainConfig; regenerate it"
                + " (see this test's Javadoc)");
    }

    @Test
    void readmeTableIsGeneratedFromTheDeclarations() throws Exception {
        Path readme = ROOT.resolve("README.md");
        String text = Files.readString(readme);
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        assertTrue(b >= 0 && e > b, "README.md has no generated configuration table between its markers");
        String current = text.substring(b + BEGIN.length(), e);
        String expected = ConfigDocs.markdownTable();
        if (REGENERATE) {
            Files.writeString(readme, text.substring(0, b + BEGIN.length()) + expected + text.substring(e));
            current = expected;
        }
        assertEquals(expected, current, "README.md's configuration table differs from TxtrainConfig; regenerate it");
    }

    @Test
    void testOnlyKeysAreKnownButNotDocumented() {
        assertTrue(TxtrainConfig.unknownKeys(java.util.List.of(TxtrainConfig.FAIL_TASKS.key())).isEmpty());
        assertTrue(!ConfigDocs.template().contains(TxtrainConfig.FAIL_TASKS.key()));
        assertTrue(!ConfigDocs.markdownTable().contains(TxtrainConfig.FAIL_TASKS.key()));
    }
}
