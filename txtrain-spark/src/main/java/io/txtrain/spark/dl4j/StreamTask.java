package io.txtrain.spark.dl4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;

import io.txtrain.spark.plugin.DriverChannel;
import scala.Tuple2;

/**
 * One worker's rounds of a {@link RoundStream}, run as one Spark task over the worker's cached
 * block of rounds: for each round the worker owes, wait for its input, fit ({@link RoundTask#fit},
 * the same work and bits as a round's own job), leave the result with the driver, until the
 * stream ends or is closed. In the driver's JVM input and results pass in memory; elsewhere
 * through the txtrain plugin ({@link DriverChannel}). A retried attempt resumes at the round its
 * worker owes. A task that cannot reach the driver fails, which aborts the stream.
 */
final class StreamTask<P extends java.io.Serializable>
        implements Function2<Integer, Iterator<Tuple2<Integer, Placed<P>>>, Iterator<Integer>> {
    private static final long serialVersionUID = 1L;
    /** Pauses between asks for a round's input: doubling from the first to the last. */
    private static final long FIRST_PAUSE_NANOS = 100_000;
    private static final long LAST_PAUSE_NANOS = 2_000_000;

    private final RoundTask<P> work;
    private final String driverJvm;
    private final String stream;
    private final long firstRound;
    private final int firstSplit;
    private final int workers;

    StreamTask(RoundTask<P> work, String driverJvm, RoundStream stream) {
        this.work = work;
        this.driverJvm = driverJvm;
        this.stream = stream.id;
        this.firstRound = stream.firstRound;
        this.firstSplit = stream.firstSplit;
        this.workers = stream.workers;
    }

    @Override
    public Iterator<Integer> call(Integer worker, Iterator<Tuple2<Integer, Placed<P>>> data) throws Exception {
        Map<Integer, List<Placed<P>>> byKey = new HashMap<>();
        data.forEachRemaining(t -> byKey.computeIfAbsent(t._1(), k -> new ArrayList<>()).add(t._2()));
        TaskContext tc = TaskContext.get();
        Channel channel = RoundHandoff.JVM.equals(driverJvm) ? new InMemory(stream, tc) : new ThroughPlugin(stream, tc);
        int done = 0;
        while (true) {
            long start = System.currentTimeMillis();
            RoundInput in = channel.input(worker);
            if (in == null) {
                return List.of(done).iterator();
            }
            int split = firstSplit + (int) (in.round - firstRound);
            List<Placed<P>> objects = new ArrayList<>(byKey.getOrDefault(split * workers + worker,
                    Collections.emptyList()));
            RoundResult result = work.fit(in, worker, objects, tc == null ? 0 : tc.attemptNumber(), start);
            if (!channel.deposit(worker, in.round, result)) {
                return List.of(done).iterator(); // closed meanwhile: the driver wants no more
            }
            done++;
        }
    }

    /** How a task reaches its stream on the driver. */
    private interface Channel {
        RoundInput input(int worker) throws Exception;

        boolean deposit(int worker, long round, RoundResult result) throws Exception;
    }

    private static void stopIfKilled(TaskContext tc) {
        if (tc != null) {
            tc.killTaskIfInterrupted();
        }
    }

    private record InMemory(String id, TaskContext tc) implements Channel {
        /** The stream, or null once it is closed. */
        private RoundStream stream() {
            return RoundStream.open(id);
        }

        @Override
        public RoundInput input(int worker) throws InterruptedException {
            RoundStream s = stream();
            return s == null ? null : s.awaitInput(worker, () -> stopIfKilled(tc));
        }

        @Override
        public boolean deposit(int worker, long round, RoundResult result) {
            RoundStream s = stream();
            return s != null && s.deposit(worker, round, result);
        }
    }

    private record ThroughPlugin(String id, TaskContext tc) implements Channel {
        @Override
        public RoundInput input(int worker) throws Exception {
            long pause = FIRST_PAUSE_NANOS;
            while (true) {
                Object reply = DriverChannel.deliver(new RoundStream.Poll(id, worker));
                if (reply == null) {
                    return null;
                }
                if (reply instanceof byte[] bytes) {
                    return RoundHandoff.deserialize(bytes);
                }
                stopIfKilled(tc);
                LockSupport.parkNanos(pause);
                pause = Math.min(LAST_PAUSE_NANOS, pause * 2); // each ask costs the driver a little
            }
        }

        @Override
        public boolean deposit(int worker, long round, RoundResult result) throws Exception {
            return Boolean.TRUE.equals(DriverChannel.deliver(new RoundStream.Deposit(id, worker, round, result)));
        }
    }
}
