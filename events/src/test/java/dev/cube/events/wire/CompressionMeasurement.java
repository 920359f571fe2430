package dev.cube.events.wire;

import dev.cube.events.CubeEvent;
import dev.cube.events.EventData;
import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.topics.Topics;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each Kafka codec costs on Cube's log: the values of complete task histories cut into 16 KiB
 * batches (the producer's default batch.size), each compressed and decompressed with the codec
 * implementations kafka-clients ships; ratio and CPU time per event. The payload of a batch only, not
 * Kafka's record framing. Run on demand: {@code mvn -pl events test -Dtest=CompressionMeasurement
 * -Dcube.measure=true}; the table goes to stdout and {@code target/compression-measurement.txt}.
 */
@EnabledIfSystemProperty(named = "cube.measure", matches = "true")
class CompressionMeasurement {

    private static final int BATCH_BYTES = 16 * 1024;
    private static final int ROUNDS = 5;

    @Test
    void compressingBatchesOfTheLog() throws IOException {
        List<byte[]> batches = batches(20_000);
        int events = 80_000;
        long raw = batches.stream().mapToLong(b -> b.length).sum();
        Map<String, Compression> codecs = new LinkedHashMap<>();
        codecs.put("lz4", Compression.lz4().build());
        codecs.put("snappy", Compression.snappy().build());
        codecs.put("zstd", Compression.zstd().build());
        codecs.put("gzip", Compression.gzip().build());

        StringBuilder table = new StringBuilder("%d events in %d batches of <= %d bytes, %d bytes raw%n".formatted(events, batches.size(), BATCH_BYTES, raw));
        table.append("%-8s %10s %18s %20s%n".formatted("codec", "ratio", "compress ns/event", "decompress ns/event"));
        for (var codec : codecs.entrySet()) {
            long size = 0;
            List<Long> compress = new ArrayList<>();
            List<Long> decompress = new ArrayList<>();
            for (int round = 0; round < 2 + ROUNDS; round++) {
                long start = System.nanoTime();
                List<ByteBuffer> compressed = new ArrayList<>();
                for (byte[] batch : batches) {
                    compressed.add(compress(codec.getValue(), batch));
                }
                long middle = System.nanoTime();
                long total = 0;
                for (ByteBuffer batch : compressed) {
                    total += decompress(codec.getValue(), batch);
                }
                long end = System.nanoTime();
                assertThat(total).isEqualTo(raw);
                size = compressed.stream().mapToLong(ByteBuffer::remaining).sum();
                if (round >= 2) {
                    compress.add((middle - start) / events);
                    decompress.add((end - middle) / events);
                }
            }
            table.append(String.format(Locale.ROOT, "%-8s %9.2fx %18d %20d%n", codec.getKey(), (double) raw / size, median(compress), median(decompress)));
        }
        System.out.print(table);
        Files.writeString(Path.of("target", "compression-measurement.txt"), table);
    }

    private static ByteBuffer compress(Compression codec, byte[] batch) throws IOException {
        ByteBufferOutputStream out = new ByteBufferOutputStream(batch.length / 2);
        try (OutputStream stream = codec.wrapForOutput(out, RecordBatch.CURRENT_MAGIC_VALUE)) {
            stream.write(batch);
        }
        ByteBuffer buffer = out.buffer();
        buffer.flip();
        return buffer;
    }

    private static long decompress(Compression codec, ByteBuffer batch) throws IOException {
        long total = 0;
        byte[] chunk = new byte[8192];
        try (InputStream in = codec.wrapForInput(batch.duplicate(), RecordBatch.CURRENT_MAGIC_VALUE, BufferSupplier.NO_CACHING)) {
            for (int n; (n = in.read(chunk)) > 0; ) {
                total += n;
            }
        }
        return total;
    }

    /** The values of {@code tasks} complete histories as Cube writes them, concatenated into batches. */
    private static List<byte[]> batches(int tasks) {
        var serializer = Topics.TASK_EVENTS.valueSerde().serializer();
        List<byte[]> batches = new ArrayList<>();
        ByteBuffer batch = ByteBuffer.allocate(BATCH_BYTES);
        Instant start = Instant.parse("2026-01-31T12:00:00Z");
        for (int i = 0; i < tasks; i++) {
            String task = "task-" + i;
            String worker = "w-" + (i % 10);
            Instant at = start.plusNanos(i * 1_234_567_000L);
            List<EventData> history = List.of(
                    new TaskEvent.Submitted(TaskSpec.of("job-" + i, "cube/busybox:local", List.of("sh", "-c", "echo " + i))),
                    new TaskEvent.Scheduled(worker, 1),
                    new TaskEvent.Running(worker, 1, "c0ffee" + i, List.of()),
                    new TaskEvent.Completed(1, 0));
            for (EventData data : history) {
                byte[] value = serializer.serialize(Topics.TASK_EVENTS.name(), new RecordHeaders(), CubeEvent.of("/cube/manager", task, at, data));
                if (batch.remaining() < value.length) {
                    batches.add(java.util.Arrays.copyOf(batch.array(), batch.position()));
                    batch.clear();
                }
                batch.put(value);
            }
        }
        batches.add(java.util.Arrays.copyOf(batch.array(), batch.position()));
        return batches;
    }

    private static long median(List<Long> samples) {
        return samples.stream().sorted().toList().get(samples.size() / 2);
    }
}
