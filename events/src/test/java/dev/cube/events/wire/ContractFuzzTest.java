package dev.cube.events.wire;

import dev.cube.events.CubeEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.spec.TaskSpecValidator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Fuzzing the event contract: whatever bytes and headers a producer sends, the decoder answers a checked
 * event or an {@link InvalidEventException} with a reason (what becomes a dead letter), and never lets
 * any other exception escape (which would stop a partition). The same for task specs as the HTTP API
 * reads them.
 */
class ContractFuzzTest {

    static final List<String> SEEDS = List.of(
            """
            {"specversion":"1.0","id":"e1","source":"/x","type":"dev.cube.task.submitted","subject":"t1","time":"2026-12-01T12:00:00Z",
             "data":{"spec":{"image":"cube/busybox:local","command":["sleep","1"],"cpu":0.5,"memory":64,"disk":10,
             "ports":[{"containerPort":8080,"hostPort":8080,"protocol":"tcp"}],"restartPolicy":{"mode":"on-failure","maxRestarts":3,"backoffSeconds":1},
             "healthCheck":{"path":"/","port":8080,"intervalSeconds":2},"env":{"A":"b"},"labels":{"k":"v"}}}}""",
            """
            {"specversion":"1.0","id":"e2","source":"/x","type":"dev.cube.task.running","subject":"t1","time":"2026-12-01T12:00:00Z",
             "data":{"workerId":"w1","attempt":1,"containerId":"c","ports":[{"containerPort":80,"hostPort":32768,"hostIp":"127.0.0.1"}]}}""",
            """
            {"specversion":"1.0","id":"e3","source":"/x","type":"dev.cube.task.failed","subject":"t1","time":"2026-12-01T12:00:00+01:00",
             "data":{"attempt":2,"exitCode":137,"reason":"oom","oomKilled":true},"traceparent":"00-abc","schemaversion":1}""",
            """
            {"specversion":"1.0","id":"h1","source":"/x","type":"dev.cube.worker.heartbeat","subject":"w1","time":"2026-12-01T12:00:00Z",
             "data":{"workerId":"w1","capacity":{"cpu":2,"memory":1024,"disk":100},"stats":{"cpuUsage":0.5,"memoryUsed":1,"diskUsed":2,"loadAverage":0.1,"containers":1},
             "engine":{"answers":false,"since":"2026-12-01T11:59:30Z","reason":"no engine"}}}""",
            """
            {"specversion":"1.0","id":"s1","source":"/x","type":"dev.cube.task.scheduled","subject":"t1","time":"2026-12-01T12:00:00Z","partitionkey":"t1",
             "data":{"workerId":"w1","attempt":1}}""");

    static final List<String> HOSTILE = List.of("-1", "0", "-9223372036854775808", "9223372036854775807", "1e309", "-0.0", "1.5", "NaN",
            "null", "true", "\"\"", "\" \"", "[]", "{}", "[[[[[[[[[[]]]]]]]]]]", "\"\\u0000\"", "\"\\ud800\"", "\"" + "x".repeat(5000) + "\"",
            "99999999999999999999999999", "\"2026-13-45T99:99:99Z\"", "\"dev.cube.task.teleported\"", "{\"a\":{\"a\":{\"a\":1}}}", "1}", "\"a/b\"");

    /** A seed event with one token swapped for a hostile value, some bytes cut or inserted. */
    record Mutation(int seed, int position, String replacement, int cut, String insert) {
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, SEEDS.size() - 1), Arbitraries.integers().between(0, 2000),
                Arbitraries.oneOf(Arbitraries.of(HOSTILE), Arbitraries.strings().ofMaxLength(8)),
                Arbitraries.integers().between(0, 12), Arbitraries.oneOf(Arbitraries.of("", ",", "\"", "{", "}", "]", ":", "\\", "\u0000", "é", "\uFFFF"),
                        Arbitraries.strings().ofMaxLength(4))).as(Mutation::new);
    }

    @Property(tries = 6000)
    void aMutatedEventDecodesOrIsRefusedWithAReason(@ForAll("mutations") Mutation m) {
        byte[] bytes = mutate(SEEDS.get(m.seed()), m).getBytes(StandardCharsets.UTF_8);
        decodesOrRefuses(() -> CloudEventCodec.decode(bytes));
        decodesOrRefuses(() -> CloudEventCodec.decode(new RecordHeaders(), bytes));
    }

    @Property(tries = 2000)
    void anyBytesDecodeOrAreRefusedWithAReason(@ForAll("bytes") byte[] bytes) {
        decodesOrRefuses(() -> CloudEventCodec.decode(bytes));
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                Arbitraries.strings().withChars("{}[]\":,0123456789.-eEtrufalsn \\u").ofMaxLength(200).map(s -> s.getBytes(StandardCharsets.UTF_8)));
    }

    @Property(tries = 2000)
    void aBinaryModeRecordWithAnyHeadersDecodesOrIsRefused(@ForAll("headerValues") Map<String, String> headers, @ForAll("mutations") Mutation m) {
        RecordHeaders h = new RecordHeaders();
        h.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        headers.forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
        byte[] data = mutate("{\"workerId\":\"w1\",\"attempt\":1}", m).getBytes(StandardCharsets.UTF_8);
        decodesOrRefuses(() -> CloudEventCodec.decode(h, data));
    }

    @Provide
    Arbitrary<Map<String, String>> headerValues() {
        return Arbitraries.maps(Arbitraries.of("ce_id", "ce_source", "ce_type", "ce_subject", "ce_time", "ce_schemaversion", "ce_Priority",
                        "ce_partitionkey", "ce_", "content-type", "ce_data", "ce_x" + "y".repeat(80)),
                Arbitraries.oneOf(Arbitraries.of("dev.cube.task.scheduled", "t1", "/x", "2026-12-01T12:00:00Z", "1", "99", "-1", "application/json",
                        "application/cloudevents+json", ""), Arbitraries.strings().ofMaxLength(10))).ofMaxSize(8);
    }

    @Property(tries = 4000)
    void aMutatedSpecAsTheApiReadsItIsTakenOrRefusedWithAReason(@ForAll("mutations") Mutation m) {
        String spec = "{\"image\":\"cube/busybox:local\",\"command\":[\"sleep\",\"1\"],\"cpu\":0.5,\"memory\":64,\"disk\":10,"
                + "\"ports\":[{\"containerPort\":8080,\"hostPort\":8080}],\"restartPolicy\":{\"mode\":\"always\",\"maxRestarts\":1},"
                + "\"healthCheck\":{\"path\":\"/\",\"intervalSeconds\":2},\"env\":{\"A\":\"b\"},\"labels\":{\"k\":\"v\"},\"name\":\"n\"}";
        byte[] bytes = mutate(spec, m).getBytes(StandardCharsets.UTF_8);
        try {
            TaskSpec decoded = TaskSpecCodec.decode(bytes);
            TaskSpecValidator.validate(decoded, "").forEach(v -> assertThat(v.message()).isNotBlank());
        } catch (InvalidEventException e) {
            assertThat(e.reason()).isNotBlank();
        } catch (Throwable t) {
            fail("an exception escaped for " + new String(bytes, StandardCharsets.UTF_8), t);
        }
    }

    private static String mutate(String seed, Mutation m) {
        String s = seed;
        int at = Math.min(m.position(), s.length());
        // swap the value after the nearest ':' for a hostile one
        int colon = s.indexOf(':', at);
        if (colon >= 0) {
            int end = colon + 1;
            while (end < s.length() && ",}]".indexOf(s.charAt(end)) < 0) {
                end++;
            }
            s = s.substring(0, colon + 1) + m.replacement() + s.substring(end);
        }
        int cutAt = Math.min(at, s.length());
        s = s.substring(0, cutAt) + m.insert() + s.substring(Math.min(s.length(), cutAt + m.cut()));
        return s;
    }

    private static void decodesOrRefuses(java.util.function.Supplier<CubeEvent> decode) {
        try {
            CubeEvent event = decode.get();
            assertThat(event.subject()).isNotBlank();
            assertThat(EventRules.violations(event.data())).isEmpty();
        } catch (InvalidEventException e) {
            assertThat(e.reason()).isNotBlank();
        } catch (Throwable t) {
            fail("an exception other than InvalidEventException escaped the decoder", t);
        }
    }
}
