package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The fold that averages a round, on the driver or on an executor: partition order whatever the
 * arrival order, the bits of a plain double-precision sum in partition order divided by the count.
 */
class RoundAccumulatorTest {
    private static FlatState floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return new FlatState(DataType.FLOAT, b.array());
    }

    private static float[] values(FlatState s) {
        float[] v = new float[s.length()];
        ByteBuffer.wrap(s.bytes()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    private static RoundResult worker(int partition, float[] params, float[] updater, long examples) {
        return new RoundResult(partition, floats(params), floats(updater), partition + 0.5, examples, 3,
                partition * 31L + 7, 1000 + partition, 0, 5, 0, 1, 1, new long[] {5}, new long[] {examples}, "env");
    }

    /** Values whose double sums depend on the order (large and tiny magnitudes mixed). */
    private static float[][] awkward(int workers, int n, long seed) {
        Random r = new Random(seed);
        float[][] v = new float[workers][n];
        for (int w = 0; w < workers; w++) {
            for (int i = 0; i < n; i++) {
                v[w][i] = (float) ((r.nextBoolean() ? 1e7 : 1e-7) * (r.nextDouble() - 0.5));
            }
        }
        return v;
    }

    @Test
    void anyArrivalOrderGivesThePartitionOrderMeanBitForBit() {
        int workers = 8;
        int n = 4000;
        float[][] p = awkward(workers, n, 1);
        float[][] u = awkward(workers, n, 2);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int w = 0; w < workers; w++) {
                sum += p[w][i];
            }
            expected[i] = (float) (sum / workers);
        }
        List<RoundResult> results = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            results.add(worker(w, p[w], u[w], 10 + w));
        }
        RoundAggregate inOrder = RoundAggregate.of(7, results, true);
        assertArrayEquals(expected, values(inOrder.params()));
        boolean someOrderMatters = false;
        Random shuffle = new Random(3);
        for (int t = 0; t < 20; t++) {
            List<RoundResult> arrival = new ArrayList<>(results);
            Collections.shuffle(arrival, shuffle);
            RoundAccumulator acc = new RoundAccumulator(7, workers, true);
            arrival.forEach(acc::offer);
            RoundAggregate a = acc.finish();
            assertArrayEquals(inOrder.params().bytes(), a.params().bytes());
            assertArrayEquals(inOrder.updater().bytes(), a.updater().bytes());
            assertArrayEquals(inOrder.seeds(), a.seeds());
            assertEquals(inOrder.dataHash(), a.dataHash());
            assertEquals(inOrder.meanScore(), a.meanScore());
            someOrderMatters |= !java.util.Arrays.equals(inOrder.params().bytes(),
                    FlatState.mean(arrival.stream().map(r -> r.params).toList()).bytes());
        }
        assertTrue(someOrderMatters, "the values are such that summing in arrival order would change the bits");
    }

    @Test
    void keepsEveryWorkersMetadataButNoState() {
        List<RoundResult> results = List.of(worker(0, new float[] {1, 2}, new float[] {3}, 4),
                RoundResult.empty(1, 1001, "env"), worker(2, new float[] {3, 4}, new float[] {5}, 6));
        RoundAggregate a = RoundAggregate.of(1, results, false);
        assertArrayEquals(new float[] {2, 3}, values(a.params()));
        assertNull(a.updater(), "the updater is not averaged when the run does not save it");
        assertEquals(3, a.workers().size());
        assertTrue(a.workers().stream().allMatch(w -> w.params == null && w.updater == null));
        assertEquals(10, a.examples());
        assertEquals((0.5 + 2.5) / 2, a.meanScore());
        assertArrayEquals(new long[] {1000, 1001, 1002}, a.seeds());
    }

    @Test
    void missingDuplicateOrDatalessResultsAreNamed() {
        RoundAccumulator missing = new RoundAccumulator(5, 3, true);
        missing.offer(worker(0, new float[] {1}, new float[] {1}, 1));
        missing.offer(worker(2, new float[] {1}, new float[] {1}, 1));
        assertEquals("round 5: 1 of 3 worker results arrived in order",
                assertThrows(IllegalStateException.class, missing::finish).getMessage());
        RoundAccumulator twice = new RoundAccumulator(5, 2, true);
        twice.offer(worker(1, new float[] {1}, new float[] {1}, 1));
        assertEquals("round 5: unexpected result of partition 1 (2 workers)", assertThrows(
                IllegalStateException.class, () -> twice.offer(worker(1, new float[] {1}, new float[] {1}, 1)))
                .getMessage());
        assertEquals("round 6 had no data on any worker", assertThrows(IllegalStateException.class,
                () -> RoundAggregate.of(6, List.of(RoundResult.empty(0, 1, "e")), true)).getMessage());
        assertEquals("workers returned states of different sizes", assertThrows(IllegalStateException.class,
                () -> RoundAggregate.of(6, List.of(worker(0, new float[] {1}, new float[] {1}, 1),
                        worker(1, new float[] {1, 2}, new float[] {1}, 1)), true)).getMessage());
    }

    @Test
    void autoAveragesOnExecutorsOnlyOffLocalModeAndForLargeRounds() {
        assertEquals(AggregationSite.DRIVER, AggregationSite.choose("auto", false, 2, 2_400_000));
        assertEquals(AggregationSite.EXECUTORS, AggregationSite.choose("auto", false, 8, 120_000_000));
        assertEquals(AggregationSite.DRIVER, AggregationSite.choose("auto", true, 8, 120_000_000));
        assertEquals(AggregationSite.EXECUTORS, AggregationSite.choose("executors", true, 2, 10));
        assertEquals(AggregationSite.DRIVER, AggregationSite.choose("driver", false, 8, 120_000_000));
    }

    @Test
    void aBadSettingNamesTheKeyAndTheAllowedValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> io.txtrain.spark.TxtrainSettings.of(java.util.Map.of("spark.txtrain.aggregation", "tree"))
                        .validate());
        assertTrue(e.getMessage().contains("spark.txtrain.aggregation") && e.getMessage().contains("'tree'")
                && e.getMessage().contains("driver | executors | auto"), e.getMessage());
    }
}
