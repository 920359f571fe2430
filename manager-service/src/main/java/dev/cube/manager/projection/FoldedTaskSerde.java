package dev.cube.manager.projection;

import dev.cube.core.task.TaskControl;
import dev.cube.core.task.TaskDecider;
import dev.cube.events.TaskEvent;
import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.DesiredState;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;
import dev.cube.events.wire.Json;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The task fold's store format: a compact binary layout of {@link FoldedTask}, written at every event
 * the fold applies. It replaced Jackson for the store because the fold profile showed store
 * (de)serialisation among its largest costs (see docs/benchmarks.md); the task's spec, which never
 * changes after submission, stays JSON inside it (so that a new spec field needs no change here), and
 * its bytes are reused from one write of the same task to the next. Nothing outside the store reads
 * this layout: {@code cube.task-state} and the HTTP API carry JSON.
 *
 * <p>Layout, version {@value #VERSION}: version byte; the state (id, spec JSON, status, desired state,
 * attempt, worker, container, ports, exit code, reason, five instants, event count, recent event ids);
 * first offset, last offset, last log time, desired revision; then whether a view is owed and, if so,
 * its desired attempt (worker, attempt, goal, started, reason: its task and spec are the state's) and its
 * control view (need, attempt, worker, backoff, reason: its resources are the spec's). Enums are written
 * by ordinal; {@code FoldedTaskSerdeTest} pins their order.
 */
public final class FoldedTaskSerde implements Serde<FoldedTask> {

    static final byte VERSION = 1;
    private static final TaskStatus[] STATUSES = TaskStatus.values();
    private static final DesiredState[] DESIRED_STATES = DesiredState.values();
    private static final DesiredAttempt.Goal[] GOALS = DesiredAttempt.Goal.values();
    private static final TaskControl.Need[] NEEDS = TaskControl.Need.values();

    /** The last spec written in each slot with its JSON: a write of the same task's spec (the same object) reuses it. */
    private static final int SPEC_SLOTS = 4096;
    private final SpecBytes[] specs = new SpecBytes[SPEC_SLOTS];

    private record SpecBytes(TaskSpec spec, byte[] json) {
    }

    @Override
    public Serializer<FoldedTask> serializer() {
        return (topic, value) -> value == null ? null : encode(value);
    }

    @Override
    public Deserializer<FoldedTask> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }

    byte[] encode(FoldedTask folded) {
        TaskState s = folded.state();
        BinaryFields.Out out = new BinaryFields.Out(256);
        out.writeByte(VERSION);
        out.writeString(s.id());
        out.writeBytes(specJson(s.spec()));
        out.writeByte(s.state() == null ? -1 : s.state().ordinal());
        out.writeByte(s.desiredState() == null ? -1 : s.desiredState().ordinal());
        out.writeVarLong(s.attempt());
        out.writeString(s.workerId());
        out.writeString(s.containerId());
        out.writeVarLong(s.ports().size());
        for (TaskEvent.PublishedPort port : s.ports()) {
            out.writeVarLong(port.containerPort());
            out.writeVarLong(port.hostPort());
            out.writeString(port.hostIp());
        }
        out.writeNullableInt(s.exitCode());
        out.writeString(s.reason());
        out.writeInstant(s.submittedAt());
        out.writeInstant(s.scheduledAt());
        out.writeInstant(s.startedAt());
        out.writeInstant(s.finishedAt());
        out.writeInstant(s.updatedAt());
        out.writeVarLong(s.eventCount());
        out.writeVarLong(s.recentEventIds().size());
        for (String id : s.recentEventIds()) {
            out.writeString(id);
        }
        out.writeVarLong(folded.firstOffset() + 1);
        out.writeVarLong(folded.lastOffset() + 1);
        out.writeVarLong(folded.lastLogTime() + 1);
        out.writeVarLong(folded.desiredRevision() + 1);
        TaskDecider.View told = folded.told();
        out.writeByte(told == null ? 0 : 1);
        if (told != null) {
            Optional<DesiredAttempt> desired = told.desired();
            out.writeByte(desired.isPresent() ? 1 : 0);
            if (desired.isPresent()) {
                DesiredAttempt d = desired.get();
                out.writeString(d.workerId());
                out.writeVarLong(d.attempt());
                out.writeByte(d.goal().ordinal());
                out.writeByte(d.started() ? 1 : 0);
                out.writeString(d.reason());
            }
            TaskControl c = told.control();
            out.writeByte(c.need().ordinal());
            out.writeVarLong(c.attempt());
            out.writeString(c.workerId());
            out.writeVarLong(c.backoffMillis());
            out.writeString(c.reason());
        }
        return out.bytes();
    }

    FoldedTask decode(byte[] bytes) {
        BinaryFields.In in = new BinaryFields.In(bytes, "task store record");
        int version = in.readByte();
        if (version != VERSION) {
            throw new SerializationException("task store record of format version " + version + ": this Cube reads version " + VERSION
                    + " (rebuild the projection under a new application id, see docs/operations.md)");
        }
        String id = in.readString();
        TaskSpec spec = readSpec(in.readBytes());
        int status = in.readByte();
        int desiredState = in.readByte();
        int attempt = (int) in.readVarLong();
        String workerId = in.readString();
        String containerId = in.readString();
        int portCount = (int) in.readVarLong();
        List<TaskEvent.PublishedPort> ports = new ArrayList<>(portCount);
        for (int i = 0; i < portCount; i++) {
            ports.add(new TaskEvent.PublishedPort((int) in.readVarLong(), (int) in.readVarLong(), in.readString()));
        }
        Integer exitCode = in.readNullableInt();
        String reason = in.readString();
        Instant submittedAt = in.readInstant();
        Instant scheduledAt = in.readInstant();
        Instant startedAt = in.readInstant();
        Instant finishedAt = in.readInstant();
        Instant updatedAt = in.readInstant();
        int eventCount = (int) in.readVarLong();
        int recentCount = (int) in.readVarLong();
        List<String> recent = new ArrayList<>(recentCount);
        for (int i = 0; i < recentCount; i++) {
            recent.add(in.readString());
        }
        TaskState state = new TaskState(id, spec, status < 0 ? null : STATUSES[status], desiredState < 0 ? null : DESIRED_STATES[desiredState],
                attempt, workerId, containerId, ports, exitCode, reason, submittedAt, scheduledAt, startedAt, finishedAt, updatedAt,
                eventCount, recent);
        long firstOffset = in.readVarLong() - 1;
        long lastOffset = in.readVarLong() - 1;
        long lastLogTime = in.readVarLong() - 1;
        long desiredRevision = in.readVarLong() - 1;
        TaskDecider.View told = null;
        if (in.readByte() == 1) {
            Optional<DesiredAttempt> desired = Optional.empty();
            if (in.readByte() == 1) {
                String dWorker = in.readString();
                int dAttempt = (int) in.readVarLong();
                DesiredAttempt.Goal goal = GOALS[in.readByte()];
                boolean started = in.readByte() == 1;
                desired = Optional.of(new DesiredAttempt(dWorker, id, dAttempt, goal, spec, started, in.readString()));
            }
            TaskControl.Need need = NEEDS[in.readByte()];
            int cAttempt = (int) in.readVarLong();
            String cWorker = in.readString();
            long backoff = in.readVarLong();
            String cReason = in.readString();
            told = new TaskDecider.View(desired, new TaskControl(id, need, cAttempt, cWorker,
                    need == TaskControl.Need.NONE || spec == null ? null : spec.resources(), backoff, cReason));
        }
        return new FoldedTask(state, firstOffset, lastOffset, lastLogTime, desiredRevision, told);
    }

    private byte[] specJson(TaskSpec spec) {
        if (spec == null) {
            return null;
        }
        int slot = System.identityHashCode(spec) & (SPEC_SLOTS - 1);
        SpecBytes cached = specs[slot];
        if (cached != null && cached.spec() == spec) {
            return cached.json();
        }
        try {
            byte[] json = Json.MAPPER.writeValueAsBytes(spec);
            specs[slot] = new SpecBytes(spec, json);
            return json;
        } catch (IOException e) {
            throw new SerializationException("cannot write the spec of a task", e);
        }
    }

    private static TaskSpec readSpec(byte[] json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(json, TaskSpec.class);
        } catch (IOException e) {
            throw new SerializationException("cannot read the spec of a task", e);
        }
    }
}
