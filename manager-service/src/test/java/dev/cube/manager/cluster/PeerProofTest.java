package dev.cube.manager.cluster;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PeerProofTest {

    static final String SECRET = "a-cluster-secret-of-enough-bytes";
    static final Instant NOW = Instant.parse("2026-12-02T04:00:00Z");
    static final String PATH = "/internal/v1/partitions/2/task";

    final PeerProof proof = PeerProof.of(SECRET);

    @Test
    void aManagerOfTheClusterIsTakenAndTheQueryOrderDoesNotMatter() {
        String header = proof.sign(PATH, Map.of("id", "t-1", "copy", "any"), NOW).orElseThrow();

        assertThat(proof.refusal(header, PATH, Map.of("copy", List.of("any"), "id", List.of("t-1")), NOW.plusSeconds(5))).isEmpty();
    }

    @Test
    void anotherRequestAnotherSecretAStaleProofOrNoneAreRefusedWithTheReason() {
        String header = proof.sign(PATH, Map.of("id", "t-1"), NOW).orElseThrow();

        assertThat(proof.refusal(header, PATH, Map.of("id", List.of("t-2")), NOW)).hasValueSatisfying(r -> assertThat(r).contains("does not prove"));
        assertThat(proof.refusal(header, "/internal/v1/workers", Map.of("id", List.of("t-1")), NOW)).isPresent();
        assertThat(PeerProof.of("another-secret-of-enough-bytes").refusal(header, PATH, Map.of("id", List.of("t-1")), NOW)).isPresent();
        assertThat(proof.refusal(header, PATH, Map.of("id", List.of("t-1")), NOW.plusSeconds(61))).hasValueSatisfying(r -> assertThat(r).contains("more than 60 s"));
        assertThat(proof.refusal(null, PATH, Map.of("id", List.of("t-1")), NOW)).hasValueSatisfying(r -> assertThat(r).contains(PeerProof.HEADER));
        assertThat(proof.refusal("garbage", PATH, Map.of(), NOW)).isPresent();
    }

    @Test
    void withoutASecretInternalReadsAreOpenAndUnsigned() {
        PeerProof open = PeerProof.of(null);

        assertThat(open.sign(PATH, Map.of(), NOW)).isEmpty();
        assertThat(open.refusal(null, PATH, Map.of(), NOW)).isEmpty();
    }
}
