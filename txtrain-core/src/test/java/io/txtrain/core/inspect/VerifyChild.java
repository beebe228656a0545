package io.txtrain.core.inspect;

import java.net.URI;

import org.apache.hadoop.conf.Configuration;

import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;

/** Runs the verifier over the directory given as argument in its own JVM (with a small heap) and prints the result. */
public final class VerifyChild {
    private VerifyChild() {
    }

    public static void main(String[] args) throws Exception {
        DurableFs fs = DurableFs.forUri(URI.create(args[0]), new Configuration());
        DirectoryVerifier.Result r = DirectoryVerifier.verify(fs, new DirLayout(fs.qualify(
                new org.apache.hadoop.fs.Path(URI.create(args[0])))), null);
        for (Finding f : r.findings()) {
            System.out.println((f.isProblem() ? "PROBLEM " : "NOTE ") + f);
        }
        System.out.println("BYTES " + r.bytes());
    }
}
