package io.txtrain.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.txtrain.spark.dl4j.TransactionalTrainingMaster;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/** {@link RunHistory} on a real run directory: two driver sessions in local[2]. */
class RunHistoryTest {
    static final int ROUNDS_PER_EPOCH = 256 / (2 * 8 * 2);

    @TempDir
    Path tmp;

    @Test
    void listsEveryCommittedRoundCheckpointAndDriverStart() throws Exception {
        Path dir = tmp.resolve("run");
        JavaSparkContext sc = SparkTestSupport.local(2, 4, "run-history");
        try {
            JavaRDD<DataSet> data = sc.parallelize(TrainingFixtures.blobs(256, 3), 2).cache();
            TransactionalTrainingMaster first = master(dir);
            new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), first).fit(data);
            first.close();
            TransactionalTrainingMaster second = master(dir); // a clean restart
            SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), second);
            net.fit(data); // committed: skipped
            net.fit(data);
            second.close();
        } finally {
            sc.stop();
        }

        Map<?, ?> h = new ObjectMapper().readValue(RunHistory.json(dir.toString(), new Configuration()), Map.class);
        assertEquals(2 * ROUNDS_PER_EPOCH, num(h, "committedRound"));
        List<?> rounds = (List<?>) h.get("rounds");
        assertEquals(2 * ROUNDS_PER_EPOCH, rounds.size());
        for (int i = 0; i < rounds.size(); i++) {
            Map<?, ?> r = (Map<?, ?>) rounds.get(i);
            assertEquals(i + 1, num(r, "round"));
            assertEquals(i / ROUNDS_PER_EPOCH, num(r, "epoch"));
            assertTrue(((Number) r.get("score")).doubleValue() > 0, r.toString());
            assertEquals(64, ((String) r.get("stateSha256")).length());
            assertTrue(i == 0 || num(r, "commitMillis") >= num((Map<?, ?>) rounds.get(i - 1), "commitMillis"));
        }
        List<Long> onDisk = new ArrayList<>();
        for (File f : dir.resolve("checkpoints").toFile().listFiles()) {
            onDisk.add(Long.parseLong(f.getName().substring(5, 24)));
        }
        onDisk.sort(null);
        List<Long> listed = new ArrayList<>();
        for (Object o : (List<?>) h.get("checkpoints")) {
            Map<?, ?> c = (Map<?, ?>) o;
            listed.add(num(c, "round"));
            assertEquals(Boolean.TRUE, c.get("trusted"), c.toString());
        }
        assertEquals(onDisk, listed);
        List<?> starts = (List<?>) h.get("starts");
        assertEquals(2, starts.size());
        Map<?, ?> s0 = (Map<?, ?>) starts.get(0);
        Map<?, ?> s1 = (Map<?, ?>) starts.get(1);
        assertEquals(1, num(s0, "nextRound"));
        assertEquals(-1, num(s0, "checkpointRound"));
        assertEquals(ROUNDS_PER_EPOCH + 1, num(s1, "nextRound"));
        assertEquals(ROUNDS_PER_EPOCH, num(s1, "checkpointRound"), "close() checkpoints");
        assertEquals(Boolean.FALSE, s1.get("previousCrashed"), "the first session released the directory");
        assertEquals(List.of(), h.get("errors"));
    }

    private static long num(Map<?, ?> m, String key) {
        return ((Number) m.get(key)).longValue();
    }

    @Test
    void aMissingDirectoryIsNamed() {
        String missing = tmp.resolve("nothing-here").toString();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunHistory.json(missing, new Configuration()));
        assertTrue(e.getMessage().contains("nothing-here") && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    static TransactionalTrainingMaster master(Path dir) {
        return new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8).averagingFrequency(2).rngSeed(5)
                .checkpointDirectory(dir.toUri().toString()).checkpointPolicy("every-rounds:3")
                .retainCheckpoints(20).build();
    }
}
