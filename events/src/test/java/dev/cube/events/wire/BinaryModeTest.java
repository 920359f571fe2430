package dev.cube.events.wire;

import dev.cube.events.CubeEvent;
import dev.cube.events.EventType;
import dev.cube.events.TaskEvent;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** CloudEvents binary mode on Kafka: the attributes in {@code ce_*} headers, the data as the record value. */
class BinaryModeTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The headers an outside producer would write for {@code event}. */
    private static Map<String, byte[]> headersOf(CubeEvent event) {
        Map<String, byte[]> headers = new HashMap<>();
        headers.put("ce_specversion", utf8("1.0"));
        headers.put("ce_id", utf8(event.id()));
        headers.put("ce_source", utf8(event.source()));
        headers.put("ce_type", utf8(event.type().typeName()));
        headers.put("ce_subject", utf8(event.subject()));
        headers.put("ce_time", utf8(event.time().toString()));
        headers.put("ce_schemaversion", utf8(String.valueOf(event.schemaVersion())));
        headers.put("content-type", utf8("application/json"));
        return headers;
    }

    private static byte[] dataOf(CubeEvent event) {
        return utf8(CloudEventCodec.toJson(event).get("data").toString());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void readsEveryTypeAsTheSameEventAsInStructuredMode(EventType type) {
        CubeEvent event = CloudEventCodecTest.sample(type);

        assertThat(CloudEventCodec.decode(headersOf(event), dataOf(event))).isEqualTo(event);
        assertThat(CloudEventCodec.decode(Map.of(), CloudEventCodec.encode(event))).isEqualTo(event);
    }

    @Test
    void readsKafkaHeadersIgnoringThoseThatAreNotCloudEvents() {
        CubeEvent event = CloudEventCodecTest.sample(EventType.TASK_SCHEDULED);
        RecordHeaders headers = new RecordHeaders();
        headersOf(event).forEach(headers::add);
        headers.add("traceparent", utf8("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

        assertThat(CloudEventCodec.decode(headers, dataOf(event))).isEqualTo(event);
    }

    @Test
    void optionalAttributesMayBeLeftOut() {
        Map<String, byte[]> headers = new HashMap<>();
        headers.put("ce_specversion", utf8("1.0"));
        headers.put("ce_id", utf8("e-1"));
        headers.put("ce_source", utf8("/my/script"));
        headers.put("ce_type", utf8("dev.cube.task.stop-requested"));
        headers.put("ce_subject", utf8("task-7"));
        headers.put("ce_time", utf8("2026-01-31T13:00:00+01:00"));

        CubeEvent event = CloudEventCodec.decode(headers, utf8("{}"));

        assertThat(event.data()).isEqualTo(new TaskEvent.StopRequested(null));
        assertThat(event.time()).isEqualTo(Instant.parse("2026-01-31T12:00:00Z"));
        assertThat(event.schemaVersion()).isEqualTo(1);
    }

    @Test
    void aStructuredContentTypeMeansStructuredModeWhateverOtherHeadersSay() {
        CubeEvent event = CloudEventCodecTest.sample(EventType.TASK_COMPLETED);
        Map<String, byte[]> headers = headersOf(event);
        headers.put("content-type", utf8("application/cloudevents+json; charset=UTF-8"));

        assertThat(CloudEventCodec.decode(headers, CloudEventCodec.encode(event))).isEqualTo(event);
    }

    @Test
    void refusesWhatStructuredModeRefusesNamingTheAttribute() {
        CubeEvent event = CloudEventCodecTest.sample(EventType.TASK_SCHEDULED);

        Map<String, byte[]> noSubject = headersOf(event);
        noSubject.remove("ce_subject");
        assertThat(refusal(noSubject, dataOf(event))).extracting(InvalidEventException::field, InvalidEventException::reason)
                .containsExactly("subject", "is required");

        Map<String, byte[]> unknownType = headersOf(event);
        unknownType.put("ce_type", utf8("dev.cube.task.teleported"));
        assertThat(refusal(unknownType, dataOf(event)).reason()).contains("unknown event type 'dev.cube.task.teleported'");

        Map<String, byte[]> badVersion = headersOf(event);
        badVersion.put("ce_schemaversion", utf8("one"));
        assertThat(refusal(badVersion, dataOf(event)).field()).isEqualTo("schemaversion");

        Map<String, byte[]> futureVersion = headersOf(event);
        futureVersion.put("ce_schemaversion", utf8("99"));
        assertThat(refusal(futureVersion, dataOf(event)).reason()).contains("unsupported schema version 99");

        Map<String, byte[]> badName = headersOf(event);
        badName.put("ce_Priority", utf8("high"));
        assertThat(refusal(badName, dataOf(event))).extracting(InvalidEventException::field, InvalidEventException::reason)
                .containsExactly("ce_Priority", "is not a CloudEvents attribute name: names are lowercase letters a-z and digits 0-9");

        Map<String, byte[]> xml = headersOf(event);
        xml.put("content-type", utf8("application/xml"));
        assertThat(refusal(xml, dataOf(event)).field()).isEqualTo("datacontenttype");

        assertThat(refusal(headersOf(event), utf8("not json")).field()).isEqualTo("data");
        assertThat(refusal(headersOf(event), new byte[0]).field()).isEqualTo("data");
        assertThat(refusal(headersOf(event), utf8("{\"workerId\":\"w1\"}")).field()).isEqualTo("data.attempt");
    }

    @Test
    void everyOtherCeHeaderIsAnExtensionAttributeKeptAsTextInTheOrderOfTheHeaders() {
        CubeEvent event = CloudEventCodecTest.sample(EventType.TASK_SUBMITTED);
        RecordHeaders headers = new RecordHeaders();
        headersOf(event).forEach(headers::add);
        headers.add("ce_traceparent", utf8("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        headers.add("ce_partitionkey", utf8("task-1"));
        headers.add("ce_priority", utf8("7"));
        headers.add("ce_team", utf8("caf\u00e9"));

        CubeEvent decoded = CloudEventCodec.decode(headers, dataOf(event));

        assertThat(decoded.extensions()).containsExactly(
                Map.entry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                Map.entry("partitionkey", "task-1"), Map.entry("priority", "7"), Map.entry("team", "caf\u00e9"));
        assertThat(decoded.withExtensions(Map.of())).isEqualTo(event);
    }

    @Test
    void refusesAnExtensionHeaderThatIsNotUtf8OrHasControlCharacters() {
        CubeEvent event = CloudEventCodecTest.sample(EventType.TASK_SCHEDULED);

        Map<String, byte[]> latin1 = headersOf(event);
        latin1.put("ce_team", new byte[]{'c', 'a', 'f', (byte) 0xe9});
        assertThat(refusal(latin1, dataOf(event))).extracting(InvalidEventException::field, InvalidEventException::reason)
                .containsExactly("ce_team", "must be UTF-8 text");

        Map<String, byte[]> newline = headersOf(event);
        newline.put("ce_team", utf8("a\nb"));
        assertThat(refusal(newline, dataOf(event)).reason()).contains("control characters");

        Map<String, byte[]> base64 = headersOf(event);
        base64.put("ce_data_base64", utf8("e30="));
        assertThat(refusal(base64, dataOf(event)).field()).isEqualTo("ce_data_base64");
    }

    @Test
    void refusesAnEventLargerThan256KiBCountingItsHeaders() {
        CubeEvent event = CloudEventCodecTest.sample(EventType.TASK_UNPLACED);
        Map<String, byte[]> headers = headersOf(event);
        headers.put("padding", new byte[CloudEventCodec.MAX_EVENT_BYTES]);

        assertThat(refusal(headers, dataOf(event)).reason()).contains("exceeds the limit of 262144 bytes");
    }

    private static InvalidEventException refusal(Map<String, byte[]> headers, byte[] value) {
        InvalidEventException refusal = catchThrowableOfType(InvalidEventException.class, () -> CloudEventCodec.decode(headers, value));
        assertThat(refusal).isNotNull();
        return refusal;
    }
}
