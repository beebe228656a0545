package io.txtrain.core.codec;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Big-endian payload encoder; strings are UTF-8 with a length, maps are written sorted by key. */
public final class PayloadWriter {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(bytes);

    public PayloadWriter i32(int v) {
        return run(() -> out.writeInt(v));
    }

    public PayloadWriter i64(long v) {
        return run(() -> out.writeLong(v));
    }

    public PayloadWriter f64(double v) {
        return run(() -> out.writeDouble(v));
    }

    public PayloadWriter bytes(byte[] v) {
        return run(() -> {
            out.writeInt(v.length);
            out.write(v);
        });
    }

    public PayloadWriter str(String v) {
        return bytes(v.getBytes(StandardCharsets.UTF_8));
    }

    public PayloadWriter longs(long[] v) {
        return run(() -> {
            out.writeInt(v.length);
            for (long x : v) {
                out.writeLong(x);
            }
        });
    }

    public PayloadWriter map(Map<String, String> m) {
        i32(m.size());
        new TreeMap<>(m).forEach((k, v) -> str(k).str(v));
        return this;
    }

    public byte[] toBytes() {
        return bytes.toByteArray();
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private PayloadWriter run(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen on a byte array
        }
        return this;
    }
}
