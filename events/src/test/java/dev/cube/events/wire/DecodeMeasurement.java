package dev.cube.events.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.EventData;
import dev.cube.events.EventType;
import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.topics.Topics;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.kafka.CloudEventDeserializer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How fast a log of Cube's records decodes, Cube's codec against the CloudEvents Java SDK, with a
 * floor measured in the same run (Jackson parsing the same bytes into a tree, which every JSON
 * decoder here does at least). Not JMH: warm-up rounds, then measured rounds interleaved, the
 * median of each reported. Run on demand, alone on the machine:
 * {@code mvn -pl events test -Dtest=DecodeMeasurement -Dcube.measure=true [-Dcube.measure.tasks=25000]};
 * the table goes to stdout and to {@code target/decode-measurement.txt}.
 */
@EnabledIfSystemProperty(named = "cube.measure", matches = "true")
class DecodeMeasurement {

    private static final String TOPIC = Topics.TASK_EVENTS.name();
    private static final int WARM_UP_ROUNDS = 3;
    private static final int ROUNDS = 5;

    @Test
    void decodingALogOfCompleteTaskHistories() throws IOException {
        int tasks = Integer.getInteger("cube.measure.tasks", 25_000);
        RecordHeaders headers = new RecordHeaders();
        List<byte[]> log = log(tasks, headers);
        CloudEventDeserializer sdk = new CloudEventDeserializer();

        Map<String, Function<byte[], Object>> decoders = new LinkedHashMap<>();
        decoders.put("floor: Jackson readTree of the value", bytes -> {
            try {
                return Json.CONTRACT_READER.readTree(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        decoders.put("Cube: CloudEventCodec.decode(headers, value)", bytes -> CloudEventCodec.decode(headers, bytes));
        decoders.put("SDK: CloudEventDeserializer (a CloudEvent, data as a tree)", bytes -> sdk.deserialize(TOPIC, headers, bytes));
        decoders.put("SDK, then Cube's binding and rules (a CubeEvent)", bytes -> toCubeEvent(sdk.deserialize(TOPIC, headers, bytes)));

        for (var decoder : decoders.entrySet()) {
            Object first = decoder.getValue().apply(log.getFirst());
            assertThat(first).as(decoder.getKey()).isNotNull();
        }
        assertThat(CloudEventCodec.decode(headers, log.get(1))).isEqualTo(toCubeEvent(sdk.deserialize(TOPIC, headers, log.get(1))));

        List<String> times = log.stream().map(DecodeMeasurement::timeOf).toList();
        Map<String, Function<String, Object>> timeParsers = new LinkedHashMap<>();
        timeParsers.put("time attribute only: OffsetDateTime.parse", text -> OffsetDateTime.parse(text).toInstant());
        timeParsers.put("time attribute only: CloudEventCodec.parseTime", CloudEventCodec::parseTime);

        Map<String, List<Double>> nanosPerEvent = new LinkedHashMap<>();
        for (int round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
            boolean measured = round >= WARM_UP_ROUNDS;
            decoders.forEach((name, decoder) -> record(nanosPerEvent, name, measured, time(log, decoder)));
            timeParsers.forEach((name, parser) -> record(nanosPerEvent, name, measured, time(times, parser)));
        }

        double floor = median(nanosPerEvent.values().iterator().next());
        StringBuilder table = new StringBuilder();
        table.append("%d events (%d tasks: submitted, scheduled, running, completed), %d bytes on average, JDK %s%n"
                .formatted(log.size(), tasks, log.stream().mapToInt(b -> b.length).sum() / log.size(), Runtime.version()));
        table.append("%-62s %12s %14s %10s%n".formatted("decoder", "ns/event", "events/s", "vs floor"));
        nanosPerEvent.forEach((name, samples) -> {
            double median = median(samples);
            table.append(String.format(Locale.ROOT, "%-62s %12.0f %14.0f %9.2fx%n", name, median, 1e9 / median, median / floor));
        });
        System.out.print(table);
        Files.writeString(Path.of("target", "decode-measurement.txt"), table);
    }

    /** A log as the manager and a worker write it: each task's four events, structured mode, with Cube's serde. */
    private static List<byte[]> log(int tasks, RecordHeaders headers) {
        Serializer<CubeEvent> serializer = Topics.TASK_EVENTS.valueSerde().serializer();
        Instant start = Instant.parse("2026-01-31T12:00:00Z");
        List<byte[]> log = new ArrayList<>(tasks * 4);
        for (int i = 0; i < tasks; i++) {
            String task = "task-" + i;
            String worker = "w-" + (i % 10);
            Instant at = start.plusNanos(i * 1_234_567_000L);
            List<EventData> history = List.of(
                    new TaskEvent.Submitted(TaskSpec.of("job-" + i, "cube/busybox:local", List.of("sh", "-c", "echo " + i))),
                    new TaskEvent.Scheduled(worker, 1),
                    new TaskEvent.Running(worker, 1, "c0ffee" + i, List.of()),
                    new TaskEvent.Completed(1, 0));
            for (int e = 0; e < history.size(); e++) {
                String source = e < 2 ? "/cube/manager" : "/cube/worker/" + worker;
                log.add(serializer.serialize(TOPIC, headers, CubeEvent.of(source, task, at.plusMillis(e * 150L), history.get(e))));
            }
        }
        return log;
    }

    private static void record(Map<String, List<Double>> samples, String name, boolean measured, double nanosPerEvent) {
        if (measured) {
            samples.computeIfAbsent(name, k -> new ArrayList<>()).add(nanosPerEvent);
        }
    }

    private static <T> double time(List<T> log, Function<T, Object> decoder) {
        long sink = 0;
        long start = System.nanoTime();
        for (T input : log) {
            sink += decoder.apply(input).hashCode();
        }
        long elapsed = System.nanoTime() - start;
        if (sink == 42) {
            System.out.print("");
        }
        return (double) elapsed / log.size();
    }

    /** The time attribute's text, found without a JSON parser (before the timing), so that the time rows measure parsing only. */
    private static String timeOf(byte[] bytes) {
        String text = new String(bytes, 0, Math.min(bytes.length, 400), java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\"time\":\"") + 8;
        return text.substring(at, text.indexOf('"', at));
    }

    /** What replacing the codec by the SDK would need at least: the SDK's event bound to Cube's types and checked by its rules. */
    private static CubeEvent toCubeEvent(CloudEvent event) {
        EventType type = EventType.named(event.getType()).orElseThrow();
        JsonNode data = ((JsonCloudEventData) event.getData()).getNode();
        EventData bound;
        try {
            bound = Json.CONTRACT_READER.forType(type.dataClass()).readValue(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!EventRules.violations(bound).isEmpty()) {
            throw new IllegalStateException("invalid " + event.getId());
        }
        Object version = event.getExtension("schemaversion");
        return new CubeEvent(event.getId(), event.getSource().toString(), event.getSubject(), event.getTime().toInstant(),
                version == null ? 1 : (Integer) version, bound);
    }

    private static double median(List<Double> samples) {
        List<Double> sorted = samples.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
