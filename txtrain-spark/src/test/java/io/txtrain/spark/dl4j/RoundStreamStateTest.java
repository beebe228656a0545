package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** {@link RoundStream}'s rules without Spark: who gets which input, what counts once, what close ends. */
class RoundStreamStateTest {
    private static RoundInput input(long round) {
        return new RoundInput(null, null, 0, 0, 0, round, 7);
    }

    private static RoundResult result(int worker, long seed) {
        return RoundResult.empty(worker, seed, "env");
    }

    @Test
    void eachWorkerGetsTheRoundItOwesAndARoundCountsEachWorkerOnce() throws Exception {
        try (RoundStream s = new RoundStream(5, 4, 2, 2)) {
            RoundInput first = input(5);
            s.publish(first);
            assertSame(first, s.awaitInput(0, () -> { }));
            assertTrue(s.deposit(0, 5, result(0, 50)));
            assertTrue(s.deposit(0, 5, result(0, 99)), "another attempt's result of the same round");
            assertEquals(1, s.resultsIn(5), "counted once");
            assertEquals(RoundStream.NOT_YET, s.poll(0), "worker 0 owes round 6, not published yet");
            assertTrue(s.poll(1) instanceof byte[], "worker 1 still owes round 5");
            assertNull(s.take(5, 10), "not all results in");
            assertTrue(s.deposit(1, 5, result(1, 51)));

            RoundStream.Results r = s.take(5, 0);
            assertEquals(List.of(50L, 51L), r.results().stream().map(x -> x.seed).toList(), "worker order, first kept");
            assertThrows(IllegalStateException.class, () -> s.take(5, 0), "handed over once");

            assertThrows(IllegalStateException.class, () -> s.publish(input(7)), "rounds are published in order");
            assertTrue(s.accepts(6));
            s.publish(input(6));
            assertFalse(s.accepts(7), "the stream has two rounds");
            assertEquals(6, RoundHandoff.deserialize((byte[]) s.poll(0)).round);
            s.deposit(0, 6, result(0, 60));
            assertNull(s.poll(0), "worker 0 owes nothing more");
            assertNull(s.awaitInput(0, () -> { }));
        }
    }

    @Test
    void closeEndsWaitingAndRefusesResultsButKeepsCompleteRounds() throws Exception {
        RoundStream s = new RoundStream(1, 0, 3, 1);
        s.publish(input(1));
        s.deposit(0, 1, result(0, 10));
        CompletableFuture<RoundInput> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return s.awaitInput(0, () -> { });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertFalse(waiting.isDone(), "round 2 has no input yet");
        s.close();
        assertNull(waiting.get(10, TimeUnit.SECONDS), "close ends the wait");
        assertFalse(s.deposit(0, 2, result(0, 20)), "a result after close is refused");
        assertNull(s.poll(0));
        assertEquals(List.of(10L), s.take(1, 0).results().stream().map(x -> x.seed).toList(), "round 1 stays readable");
        assertNull(s.take(2, 1000), "an incomplete round of a closed stream is not waited for");
        assertNull(RoundStream.open(s.id));
    }
}
