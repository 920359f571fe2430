package dev.cube.events;


import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The logical type names of the public contract: the CloudEvents {@code type} attribute. */
public enum EventType {
    TASK_SUBMITTED("dev.cube.task.submitted", TaskEvent.Submitted.class),
    TASK_UNPLACED("dev.cube.task.unplaced", TaskEvent.Unplaced.class),
    TASK_SCHEDULED("dev.cube.task.scheduled", TaskEvent.Scheduled.class),
    TASK_RUNNING("dev.cube.task.running", TaskEvent.Running.class),
    TASK_COMPLETED("dev.cube.task.completed", TaskEvent.Completed.class),
    TASK_FAILED("dev.cube.task.failed", TaskEvent.Failed.class),
    TASK_STOP_REQUESTED("dev.cube.task.stop-requested", TaskEvent.StopRequested.class),
    TASK_STOPPED("dev.cube.task.stopped", TaskEvent.Stopped.class),
    TASK_LOST("dev.cube.task.lost", TaskEvent.Lost.class),
    WORKER_HEARTBEAT("dev.cube.worker.heartbeat", WorkerEvent.Heartbeat.class),
    WORKER_LEFT("dev.cube.worker.left", WorkerEvent.Left.class),
    WORKER_DRAINING("dev.cube.worker.draining", WorkerEvent.Draining.class),
    WORKER_UNDRAINED("dev.cube.worker.undrained", WorkerEvent.Undrained.class),
    WORKER_LOST("dev.cube.worker.lost", WorkerEvent.Lost.class),
    MANAGER_TICK("dev.cube.manager.tick", ManagerEvent.Tick.class);

    /** The schema version Cube writes. Readers accept every version from 1 to this one. */
    public static final int CURRENT_SCHEMA_VERSION = 1;

    private static final Map<String, EventType> BY_NAME =
            Arrays.stream(values()).collect(Collectors.toMap(EventType::typeName, Function.identity()));
    private static final Map<Class<?>, EventType> BY_CLASS =
            Arrays.stream(values()).collect(Collectors.toMap(EventType::dataClass, Function.identity()));

    private final String typeName;
    private final Class<? extends EventData> dataClass;

    EventType(String typeName, Class<? extends EventData> dataClass) {
        this.typeName = typeName;
        this.dataClass = dataClass;
    }

    public String typeName() {
        return typeName;
    }

    public Class<? extends EventData> dataClass() {
        return dataClass;
    }

    public static Optional<EventType> named(String typeName) {
        return Optional.ofNullable(BY_NAME.get(typeName));
    }

    public static EventType of(EventData data) {
        return BY_CLASS.get(data.getClass());
    }
}
