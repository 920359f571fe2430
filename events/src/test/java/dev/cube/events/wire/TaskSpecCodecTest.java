package dev.cube.events.wire;

import dev.cube.events.spec.TaskSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The body of {@code POST /api/v1/tasks}: a bare spec, refused with the offending field named from the spec's root. */
class TaskSpecCodecTest {

    private static TaskSpec decode(String body) {
        return TaskSpecCodec.decode(body.getBytes(StandardCharsets.UTF_8));
    }

    private static InvalidEventException refusalOf(String body) {
        InvalidEventException refusal = catchThrowableOfType(InvalidEventException.class, () -> decode(body));
        assertThat(refusal).as("decoding %s", body).isNotNull();
        return refusal;
    }

    @Test
    void readsABodyAsAUserWouldWriteIt() {
        TaskSpec spec = decode("""
                {"name": "db", "image": "postgres:13", "memory": 512, "restartPolicy": {"mode": "always"}}""");

        assertThat(spec.image()).isEqualTo("postgres:13");
        assertThat(spec.memory()).isEqualTo(512L);
        assertThat(spec.restartPolicy().mode()).isEqualTo(TaskSpec.RestartPolicy.Mode.ALWAYS);
        assertThat(spec.restartPolicy().maxRestarts()).isEqualTo(TaskSpec.RestartPolicy.DEFAULT_MAX_RESTARTS);
    }

    @Test
    void refusesAWrongTypeNamingTheField() {
        InvalidEventException refusal = refusalOf("{\"image\": \"busybox\", \"ports\": [{\"containerPort\": \"http\"}]}");

        assertThat(refusal.field()).isEqualTo("ports[0].containerPort");
        assertThat(refusal.reason()).isEqualTo("must be an integer, was 'http'");
    }

    @Test
    void refusesAnUnknownFieldNamingIt() {
        InvalidEventException refusal = refusalOf("{\"image\": \"busybox\", \"replicas\": 3}");

        assertThat(refusal.field()).isEqualTo("replicas");
        assertThat(refusal.reason()).isEqualTo("unknown field 'replicas'");
    }

    @Test
    void refusesABodyThatIsNotAnObject() {
        InvalidEventException refusal = refusalOf("[\"busybox\"]");

        assertThat(refusal.field()).isNull();
        assertThat(refusal.reason()).contains("JSON object");
    }

    @Test
    void refusesTwoBodiesInOne() {
        InvalidEventException refusal = refusalOf("{\"image\": \"busybox\"}{\"image\": \"alpine\"}");

        assertThat(refusal.field()).isNull();
        assertThat(refusal.reason()).startsWith("not JSON");
    }
}
