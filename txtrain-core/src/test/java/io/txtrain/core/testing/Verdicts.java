package io.txtrain.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import io.txtrain.core.checkpoint.CheckpointCorruptException;
import io.txtrain.core.checkpoint.CheckpointRef;
import io.txtrain.core.checkpoint.CheckpointStore;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.inspect.DirectoryVerifier;
import io.txtrain.core.inspect.Finding;
import io.txtrain.core.log.LogChainReader;
import io.txtrain.core.recovery.RecoveryPlan;
import io.txtrain.core.recovery.RecoveryPlanner;

/** Compares what {@code txtrain verify} says is trusted with what recovery does on the same directory. */
public final class Verdicts {
    private Verdicts() {
    }

    public static void assertAgree(TestFs fs, URI dir) throws IOException {
        DirLayout layout = fs.layout(dir);
        DirectoryVerifier.Result r = DirectoryVerifier.verify(fs.durable(), layout, null);
        RecoveryPlan plan = null;
        String error = null;
        try {
            plan = Rounds.inspect(fs, dir);
        } catch (IOException | RuntimeException e) {
            error = e.toString();
        }
        String context = dir + ": recovery " + (error == null ? "succeeds" : "fails: " + error) + "; verify says "
                + r.findings() + ", recovery error " + r.recoveryError();
        assertEquals(error == null, r.recoveryError() == null, "whether recovery fails; " + context);
        if (error != null) {
            assertFalse(r.sound(), "verify calls a directory sound that recovery refuses; " + context);
            return;
        }
        CheckpointStore store = new CheckpointStore(fs.durable(), layout);
        RecoveryPlanner planner = new RecoveryPlanner(new LogChainReader(fs.durable(), layout), store);
        for (CheckpointRef ref : store.list()) {
            boolean trusted;
            try {
                planner.trusted(ref, plan.chain());
                trusted = true;
            } catch (CheckpointCorruptException e) {
                trusted = false;
            }
            assertEquals(trusted, r.trusted().contains(ref.path().getName()), "trust of " + ref.path().getName()
                    + "; " + context);
        }
        if (plan.start() != null) {
            assertTrue(r.trusted().contains(plan.start().ref().path().getName()), context);
        }
        List<String> chain = plan.chain().segments();
        for (Finding f : r.findings()) {
            String name = f.file().substring(f.file().lastIndexOf('/') + 1);
            assertFalse(f.isProblem() && f.file().contains("/log/") && chain.contains(name),
                    "verify finds a problem inside a segment recovery reads: " + f + "; " + context);
        }
    }
}
