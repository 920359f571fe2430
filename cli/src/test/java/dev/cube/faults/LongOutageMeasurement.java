package dev.cube.faults;

import dev.cube.e2e.Docker;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.awaitility.Awaitility.await;

/**
 * On demand only (not an IT, no assertion): the broker stopped for {@code -Dprobe.outage} seconds (default 75,
 * past the producers' 60 s max.block.ms) while tasks run; prints, per second after the broker is back, what
 * reads of the running tasks answered. Run with
 * {@code mvn -pl cli -am test -Dtest=LongOutageMeasurement -Dprobe=true}.
 */
class LongOutageMeasurement {

    @Test
    void measure() {
        if (!Boolean.getBoolean("probe")) {
            return;
        }
        int outage = Integer.getInteger("probe.outage", 75);
        try (FaultSystem cube = FaultSystem.start("long outage probe")) {
            cube.startManager("manager");
            cube.startWorker("w-" + cube.run, Map.of());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(cube.submit(FaultSystem.sleeping(600, "")));
            }
            ids.forEach(id -> cube.awaitState(id, "Running"));
            cube.kafka.stop();
            FaultSystem.pause(Duration.ofSeconds(outage));
            cube.kafka.start();
            Instant up = Instant.now();
            Map<Long, Map<Integer, Integer>> perSecond = new TreeMap<>();
            while (Duration.between(up, Instant.now()).toSeconds() < 120) {
                for (String id : ids) {
                    int status;
                    try {
                        HttpResponse<String> answer = cube.get("/api/v1/tasks/" + id);
                        status = answer.statusCode();
                    } catch (RuntimeException e) {
                        status = -1;
                    }
                    perSecond.computeIfAbsent(Duration.between(up, Instant.now()).toSeconds(), s -> new TreeMap<>()).merge(status, 1, Integer::sum);
                }
                FaultSystem.pause(Duration.ofMillis(200));
            }
            System.out.println("LONG OUTAGE " + outage + " s, reads per second after the broker was back: " + perSecond);
            ids.forEach(cube::delete);
            await().atMost(Duration.ofSeconds(60)).until(() -> cube.containersLeft().isEmpty());
            System.out.println("LONG OUTAGE containers " + cube.workerIds.stream().map(Docker::containersOfWorker).toList());
        }
    }
}
