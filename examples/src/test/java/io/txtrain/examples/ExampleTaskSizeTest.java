package io.txtrain.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's first run of the example: Spark does not warn that the data travels inside its tasks
 * ("Stage N contains a task of very large size"), with Spark's default logging (INFO).
 */
class ExampleTaskSizeTest {
    @TempDir
    Path tmp;

    @Test
    void theExampleShipsNoDataInsideTasks() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        AbstractAppender capture = new AbstractAppender("task-size", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                events.add(event.getLevel() + " " + event.getLoggerName() + ": "
                        + event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        // Spark replaces a default log4j2 configuration with its own on first use; let it do so now,
        // so that the appender below stays attached while the example runs
        new org.apache.spark.SparkConf().log();
        Logger root = (Logger) LogManager.getRootLogger();
        root.addAppender(capture);
        try {
            FashionMnistExample.main(new String[] {"--epochs", "2", "--limit", "1500", "--data",
                    new File("../data/fashion-mnist-subset").getPath(), "--checkpoint-dir", tmp.toUri().toString()});
        } finally {
            root.removeAppender(capture);
        }
        assertTrue(events.stream().anyMatch(e -> e.contains("committed round")), "the appender sees the log: " + events);
        List<String> large = events.stream().filter(w -> w.contains("very large size")).toList();
        assertTrue(large.isEmpty(), "Spark warned: " + large);
    }
}
