package dev.cube.worker.stats;

import dev.cube.events.WorkerEvent.Stats;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** On this very machine: the values must be plausible, not exact. */
class OshiMachineStatsTest {

    @Test
    void shouldMeasureThisMachinePlausibly() throws InterruptedException {
        OshiMachineStats machine = new OshiMachineStats();
        Thread.sleep(200);

        Stats stats = machine.sample(3);

        assertThat(stats.cpuUsage()).isBetween(0.0, 1.0);
        assertThat(stats.memoryUsed()).isPositive();
        assertThat(stats.diskUsed()).isPositive();
        assertThat(stats.loadAverage()).isGreaterThanOrEqualTo(0.0);
        assertThat(stats.containers()).isEqualTo(3);
    }

    @Test
    void shouldMeasureCpuUsageBetweenTwoSamplesEvenWhenTheyAreMomentsApart() {
        OshiMachineStats machine = new OshiMachineStats();

        assertThat(machine.sample(0).cpuUsage()).isBetween(0.0, 1.0);
        assertThat(machine.sample(0).cpuUsage()).isBetween(0.0, 1.0);
    }
}
