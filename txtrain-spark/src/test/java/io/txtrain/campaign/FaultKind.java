package io.txtrain.campaign;

/** The faults of the campaign; {@link #expectFinish} says whether the run must still complete. */
enum FaultKind {
    DRIVER_KILL("driver SIGKILL, resubmit", true),
    EXECUTOR_KILL("executor SIGKILL", true),
    DATANODE_STOP("DataNode stopped during a checkpoint persist", true),
    NAMENODE_RESTART("NameNode restart", true),
    TORN_LOG_TAIL("torn log tail (driver SIGKILL, partial frame appended)", true),
    CHECKPOINT_FLIP("flipped bit in the newest checkpoint", true),
    SEGMENT_FLIP("flipped bit in a sealed log segment", false),
    HEAD_FLIP("flipped bit among the head segment's acknowledged records", false),
    QUOTA("HDFS space quota runs out", true),
    TWO_JOBS("two jobs on one directory, both live", true),
    STALLED_JOB("a stalled job's directory taken over by a second job", true);

    final String title;
    final boolean expectFinish;

    FaultKind(String title, boolean expectFinish) {
        this.title = title;
        this.expectFinish = expectFinish;
    }
}
