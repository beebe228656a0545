package io.txtrain.spark.ml;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import org.apache.hadoop.fs.Path;

/**
 * Where one fit trains: {@code <checkpointDir>/run-<key>}, the key a SHA-256 prefix of everything
 * that defines the fit's result (network configuration, epochs, averaging settings, workers, seed
 * and the data's fingerprint), so
 * <ul>
 * <li>the same fit run again (a re-run notebook cell, a restarted cluster) finds its directory and
 * resumes, or returns the finished model at once;</li>
 * <li>different fits under one checkpoint directory (CrossValidator folds, a parameter grid, changed
 * data) never share a run.</li>
 * </ul>
 * Recovery options (checkpoint policy, lease timeouts, ...) are not part of the key.
 */
final class RunDirectory {
    private RunDirectory() {
    }

    /** The run directory under {@code root} for a fit with these identity {@code attributes}. */
    static String resolve(String root, Map<String, String> attributes) {
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(attributes).forEach((k, v) -> canonical.append(k).append('=').append(v).append('\n'));
        String key = HexFormat.of().formatHex(sha256(canonical.toString())).substring(0, 16);
        return new Path(new Path(root), "run-" + key).toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
