package io.txtrain.core.lease;

import io.txtrain.core.codec.PayloadReader;
import io.txtrain.core.codec.PayloadWriter;

/**
 * Who holds (or held) a writer epoch.
 *
 * @param processStartMillis start time of the holder's process, to tell a reused pid apart
 * @param application        free text, e.g. the Spark application id and name
 */
public record LeaseRecord(long epoch, String host, long pid, long processStartMillis, String application,
                          long acquiredMillis) {

    public static LeaseRecord forThisProcess(long epoch, String application) {
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
        return new LeaseRecord(epoch, LocalHost.name(), self.pid(), start, application, System.currentTimeMillis());
    }

    /** True only if the holder ran on this host and that very process no longer exists. */
    public boolean holderProvablyDead() {
        if (!host.equals(LocalHost.name())) {
            return false;
        }
        return ProcessHandle.of(pid)
                .map(p -> processStartMillis != 0 && p.info().startInstant()
                        .map(i -> i.toEpochMilli() != processStartMillis).orElse(false))
                .orElse(true);
    }

    public String describe() {
        return "writer epoch " + epoch + " held by pid " + pid + " on " + host
                + (application.isEmpty() ? "" : " (" + application + ")") + " since "
                + java.time.Instant.ofEpochMilli(acquiredMillis);
    }

    public byte[] encode() {
        return new PayloadWriter().i64(epoch).str(host).i64(pid).i64(processStartMillis).str(application)
                .i64(acquiredMillis).toBytes();
    }

    public static LeaseRecord decode(byte[] payload) {
        PayloadReader r = new PayloadReader(payload);
        LeaseRecord l = new LeaseRecord(r.i64(), r.str(), r.i64(), r.i64(), r.str(), r.i64());
        r.end();
        return l;
    }
}
