package io.txtrain.core.recovery;

import java.util.Map;

import io.txtrain.core.codec.PayloadReader;
import io.txtrain.core.codec.PayloadWriter;

/** Content of the FORMAT file: when the run was created and its identity attributes. */
public record FormatMeta(long createdMillis, Map<String, String> runAttributes) {
    public FormatMeta {
        runAttributes = Map.copyOf(runAttributes);
    }

    public byte[] encode() {
        return new PayloadWriter().i64(createdMillis).map(runAttributes).toBytes();
    }

    public static FormatMeta decode(byte[] payload) {
        PayloadReader r = new PayloadReader(payload);
        FormatMeta m = new FormatMeta(r.i64(), r.map());
        r.end();
        return m;
    }
}
