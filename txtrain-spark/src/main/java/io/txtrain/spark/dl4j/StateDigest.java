package io.txtrain.spark.dl4j;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 digests of model state, as logged per round and printed at the end of a run. */
final class StateDigest {
    private StateDigest() {
    }

    static byte[] of(FlatState params, FlatState updater) {
        MessageDigest md = sha256();
        params.digestEncoded(md);
        updater.digestEncoded(md);
        return md.digest();
    }

    /** The digest of the values alone (without {@link FlatState#encode()}'s type byte). */
    static byte[] of(FlatState values) {
        MessageDigest md = sha256();
        md.update(values.view());
        return md.digest();
    }

    static byte[] of(byte[] bytes) {
        return sha256().digest(bytes);
    }

    static String hex(byte[] digest) {
        return java.util.HexFormat.of().formatHex(digest);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
