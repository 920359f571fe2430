package dev.cube.manager.projection;

import dev.cube.core.task.TaskControl;
import dev.cube.events.topics.JsonSerde;
import dev.cube.events.topics.Topic;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.util.Map;

/**
 * The task fold's messages to the placement stage, on a topic of the projection's own
 * ({@code <application id>-task-control}, one partition, compacted): the latest {@link TaskControl}
 * of each task (keyed by task id; a tombstone when the task needs nothing), and each fold partition's
 * "caught up" signal (keyed {@code ~caught-up/<partition>}). A projection rebuilt under a new
 * application id has a topic of its own, so it never reads another projection's messages.
 */
final class ControlTopic {

    static final String CAUGHT_UP_PREFIX = "~caught-up/";
    /** Binary since 2026-12-02 ({@link ControlSerdes}); JSON values written before are still read. */
    static final Serde<TaskControl> CONTROL = ControlSerdes.CONTROL;

    /** The value of a caught-up signal. */
    record CaughtUp(int partition) {
    }

    static final JsonSerde<CaughtUp> CAUGHT_UP = new JsonSerde<>(CaughtUp.class);

    private ControlTopic() {
    }

    static String name(String applicationId) {
        return applicationId + "-task-control";
    }

    static Topic<String, byte[]> topic(String applicationId) {
        return new Topic<>(name(applicationId), 1,
                Map.of("cleanup.policy", "compact", "segment.ms", String.valueOf(3_600_000), "min.cleanable.dirty.ratio", "0.1"),
                Serdes.String(), Serdes.ByteArray());
    }

    static String caughtUpKey(int partition) {
        return CAUGHT_UP_PREFIX + partition;
    }
}
