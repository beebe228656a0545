package io.txtrain.core.log;

import io.txtrain.core.codec.PayloadReader;
import io.txtrain.core.codec.PayloadWriter;

/**
 * A writer (driver) start recorded in the log: the recovery history that failure tracking reads.
 *
 * @param checkpointRound round of the checkpoint resumed from, or -1 if none
 * @param replayedRounds  committed rounds after that checkpoint that must be re-executed
 * @param previousHolder  description of the writer this one replaced, empty for the first
 * @param previousCrashed true if that writer did not release the directory (it crashed or was killed)
 */
public record RecoveryEvent(long timeMillis, long writerEpoch, long checkpointRound, long replayedRounds,
                            long nextRound, String previousHolder, boolean previousCrashed) {

    public byte[] encode() {
        return new PayloadWriter().i64(timeMillis).i64(writerEpoch).i64(checkpointRound).i64(replayedRounds)
                .i64(nextRound).str(previousHolder).i32(previousCrashed ? 1 : 0).toBytes();
    }

    public static RecoveryEvent decode(byte[] payload) {
        PayloadReader r = new PayloadReader(payload);
        RecoveryEvent e = new RecoveryEvent(r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.str(), r.i32() != 0);
        r.end();
        return e;
    }
}
