package dev.cube.manager.projection;

import dev.cube.core.placement.Allocation;
import dev.cube.core.placement.PlacementStage;
import dev.cube.core.task.TaskControl;
import dev.cube.events.spec.Resources;
import dev.cube.events.topics.JsonSerde;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Binary layouts of what the task fold tells the placement stage ({@link TaskControl}, on the
 * projection's own control topic) and of what the stage keeps per task ({@link PlacementStage.TaskEntry})
 * and per worker ({@link Allocation}) in its stores. They were JSON; the profiles of the fold and of
 * placement showed their Jackson writes and reads among the stage's largest costs (an allocation's task
 * ids, as JSON field names, went through Jackson's symbol table; docs/benchmarks.md, 2026-12-02 evening).
 * Nothing outside the projection reads them. A value written before (a JSON object: its first byte is <code>{</code>) is still read, so
 * a manager upgraded over an existing state directory or control topic goes on.
 *
 * <p>Layout, version {@value #VERSION}: version byte; a control view: task id, need (ordinal), attempt,
 * worker, whether resources follow (cpu as a double, memory, disk), backoff, reason; a task entry: its
 * control view, whether a decided placement follows (attempt, worker), not-before instant, sequence,
 * told reason; an allocation: the number of attempts held, then each one's task id, attempt and resources.
 * {@code ControlSerdesTest} pins the order of {@link TaskControl.Need}.
 */
final class ControlSerdes {

    static final byte VERSION = 1;
    private static final TaskControl.Need[] NEEDS = TaskControl.Need.values();
    /** The control topic's values. */
    static final Serde<TaskControl> CONTROL = binaryOrJson(TaskControl.class, ControlSerdes::encode, ControlSerdes::decodeControl);

    /** The placement stage's task store. */
    static final Serde<PlacementStage.TaskEntry> ENTRY = binaryOrJson(PlacementStage.TaskEntry.class, ControlSerdes::encode,
            ControlSerdes::decodeEntry);

    /** The placement stage's allocation store: what each worker holds. */
    static final Serde<Allocation> ALLOCATION = binaryOrJson(Allocation.class, ControlSerdes::encode, ControlSerdes::decodeAllocation);

    private ControlSerdes() {
    }

    /** Writes {@code encode}'s layout; reads it, or the JSON an earlier manager wrote (a JSON object starts with <code>{</code>). */
    private static <T> Serde<T> binaryOrJson(Class<T> type, Function<T, byte[]> encode, Function<byte[], T> decode) {
        JsonSerde<T> json = new JsonSerde<>(type);
        return Serdes.serdeFrom((Serializer<T>) (topic, value) -> value == null ? null : encode.apply(value),
                (Deserializer<T>) (topic, bytes) -> bytes == null ? null
                        : bytes.length > 0 && bytes[0] == '{' ? json.deserializer().deserialize(topic, bytes) : decode.apply(bytes));
    }

    static byte[] encode(TaskControl control) {
        BinaryFields.Out out = new BinaryFields.Out(64);
        out.writeByte(VERSION);
        write(out, control);
        return out.bytes();
    }

    static byte[] encode(PlacementStage.TaskEntry entry) {
        BinaryFields.Out out = new BinaryFields.Out(96);
        out.writeByte(VERSION);
        write(out, entry.control());
        PlacementStage.Placement decided = entry.decided();
        out.writeByte(decided == null ? 0 : 1);
        if (decided != null) {
            out.writeVarLong(decided.attempt() & 0xFFFFFFFFL);
            out.writeString(decided.workerId());
        }
        out.writeInstant(entry.notBefore());
        out.writeVarLong(entry.seq());
        out.writeString(entry.toldReason());
        return out.bytes();
    }

    static byte[] encode(Allocation allocation) {
        BinaryFields.Out out = new BinaryFields.Out(16 + 64 * allocation.attempts().size());
        out.writeByte(VERSION);
        out.writeVarLong(allocation.attempts().size());
        for (Allocation.Held held : allocation.attempts().values()) {
            out.writeString(held.taskId());
            out.writeVarLong(held.attempt() & 0xFFFFFFFFL);
            writeResources(out, held.resources());
        }
        return out.bytes();
    }

    static Allocation decodeAllocation(byte[] bytes) {
        BinaryFields.In in = open(bytes, "allocation");
        long count = in.readVarLong();
        if (count < 0 || count > bytes.length) {
            throw new SerializationException("allocation: " + count + " attempts cannot fit in " + bytes.length + " bytes");
        }
        Map<String, Allocation.Held> attempts = new HashMap<>();
        for (long i = 0; i < count; i++) {
            Allocation.Held held = new Allocation.Held(in.readString(), (int) in.readVarLong(), readResources(in));
            attempts.put(held.key(), held);
        }
        return new Allocation(attempts);
    }

    static TaskControl decodeControl(byte[] bytes) {
        return read(open(bytes, "control view"));
    }

    static PlacementStage.TaskEntry decodeEntry(byte[] bytes) {
        BinaryFields.In in = open(bytes, "placement task entry");
        TaskControl control = read(in);
        PlacementStage.Placement decided = in.readByte() == 0 ? null : new PlacementStage.Placement((int) in.readVarLong(), in.readString());
        return new PlacementStage.TaskEntry(control, decided, in.readInstant(), in.readVarLong(), in.readString());
    }

    private static BinaryFields.In open(byte[] bytes, String what) {
        BinaryFields.In in = new BinaryFields.In(bytes, what);
        int version = in.readByte();
        if (version != VERSION) {
            throw new SerializationException(what + ": unknown layout version " + version);
        }
        return in;
    }

    private static void write(BinaryFields.Out out, TaskControl c) {
        out.writeString(c.taskId());
        out.writeByte(c.need().ordinal());
        out.writeVarLong(c.attempt() & 0xFFFFFFFFL);
        out.writeString(c.workerId());
        writeResources(out, c.resources());
        out.writeVarLong(c.backoffMillis());
        out.writeString(c.reason());
    }

    private static TaskControl read(BinaryFields.In in) {
        String taskId = in.readString();
        int need = in.readByte();
        if (need < 0 || need >= NEEDS.length) {
            throw new SerializationException("control view: unknown need " + need);
        }
        int attempt = (int) in.readVarLong();
        String workerId = in.readString();
        Resources resources = readResources(in);
        return new TaskControl(taskId, NEEDS[need], attempt, workerId, resources, in.readVarLong(), in.readString());
    }

    private static void writeResources(BinaryFields.Out out, Resources r) {
        out.writeByte(r == null ? 0 : 1);
        if (r != null) {
            out.writeDouble(r.cpu());
            out.writeVarLong(r.memory());
            out.writeVarLong(r.disk());
        }
    }

    private static Resources readResources(BinaryFields.In in) {
        return in.readByte() == 0 ? null : new Resources(in.readDouble(), in.readVarLong(), in.readVarLong());
    }
}
