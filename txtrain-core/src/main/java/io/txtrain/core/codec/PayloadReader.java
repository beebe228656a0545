package io.txtrain.core.codec;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes what {@link PayloadWriter} wrote. Every length is checked against the bytes that remain
 * before anything is allocated; a violation is a {@link MalformedPayloadException}.
 */
public final class PayloadReader {
    private final ByteBuffer buf;

    public PayloadReader(byte[] payload) {
        this.buf = ByteBuffer.wrap(payload);
    }

    public int i32() {
        return guard(buf::getInt);
    }

    public long i64() {
        return guard(buf::getLong);
    }

    public double f64() {
        return guard(buf::getDouble);
    }

    public byte[] bytes() {
        int n = count(1);
        byte[] b = new byte[n];
        buf.get(b);
        return b;
    }

    public String str() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    public long[] longs() {
        int n = count(8);
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = buf.getLong();
        }
        return v;
    }

    public Map<String, String> map() {
        int n = count(8);
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(str(), str());
        }
        return Collections.unmodifiableMap(m);
    }

    /** Fails unless every byte was consumed. */
    public void end() {
        if (buf.hasRemaining()) {
            throw new MalformedPayloadException(buf.remaining() + " unexpected trailing bytes");
        }
    }

    private int count(int minElementBytes) {
        int n = i32();
        if (n < 0 || (long) n * minElementBytes > buf.remaining()) {
            throw new MalformedPayloadException("length " + n + " exceeds the " + buf.remaining() + " bytes left");
        }
        return n;
    }

    private interface Getter<T> {
        T get();
    }

    private static <T> T guard(Getter<T> g) {
        try {
            return g.get();
        } catch (BufferUnderflowException e) {
            throw new MalformedPayloadException("payload ends early");
        }
    }

    /** A CRC-valid frame whose payload does not decode: a writer bug or a foreign file. */
    public static final class MalformedPayloadException extends IllegalStateException {
        public MalformedPayloadException(String msg) {
            super("malformed record payload: " + msg);
        }
    }
}
