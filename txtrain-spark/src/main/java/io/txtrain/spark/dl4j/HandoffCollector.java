package io.txtrain.spark.dl4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.spark.plugin.DriverChannel;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * Lists a partition's round results on the executor, for {@code SparkContext.runJob}
 * ({@link RoundHandoff}): in the driver's JVM it leaves each result with the driver and returns a
 * {@link RoundHandoff.Ticket} naming it; elsewhere it sends the result through the plugin
 * ({@link DriverChannel}) and returns the ticket if the driver kept it; otherwise it returns the
 * result itself, which then travels as the task's result.
 */
final class HandoffCollector extends AbstractFunction1<Iterator<RoundResult>, List<Object>> implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(HandoffCollector.class);
    private static final AtomicBoolean CHANNEL_FAILURE_LOGGED = new AtomicBoolean();

    private final String driverJvm;
    private final String launch;

    HandoffCollector(String driverJvm, String launch) {
        this.driverJvm = driverJvm;
        this.launch = launch;
    }

    @Override
    public List<Object> apply(Iterator<RoundResult> data) {
        List<Object> out = new ArrayList<>();
        boolean inDriver = RoundHandoff.JVM.equals(driverJvm);
        Map<RoundHandoff.Ticket, RoundResult> box = inDriver ? RoundHandoff.results(launch) : null;
        TaskContext tc = TaskContext.get();
        while (data.hasNext()) {
            RoundResult r = data.next();
            RoundHandoff.Ticket t = tc == null ? null : new RoundHandoff.Ticket(tc.taskAttemptId(), out.size());
            if (t != null && box != null) {
                box.put(t, r); // after close the box is unreachable, and this result with it
                out.add(t);
            } else if (t != null && !inDriver && sent(new RoundHandoff.Deposit(launch, t, r))) {
                out.add(t);
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /** True if the driver kept the result; false to send it as the task's result instead. */
    private static boolean sent(RoundHandoff.Deposit d) {
        if (!DriverChannel.available()
                || RoundHandoff.stateBytes(d.result().params, d.result().updater) > RoundHandoff.CHANNEL_MAX_BYTES) {
            return false;
        }
        try {
            return Boolean.TRUE.equals(DriverChannel.deliver(d));
        } catch (Exception e) {
            if (CHANNEL_FAILURE_LOGGED.compareAndSet(false, true)) {
                LOG.warn("could not send a round result through the txtrain plugin ({}); results go as task "
                        + "results instead", e.toString());
            }
            return false;
        }
    }
}
