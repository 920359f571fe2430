package dev.cube.worker;

import dev.cube.events.WorkerEvent.Capacity;
import dev.cube.worker.output.OutputShipper;
import dev.cube.worker.metrics.MeteredContainerRuntime;
import dev.cube.worker.runtime.Confinement;
import dev.cube.worker.runtime.ContainerRuntime;
import dev.cube.worker.runtime.DockerContainerRuntime;
import dev.cube.worker.stats.OshiMachineStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import dev.cube.kafka.KafkaClientConfig;
import jakarta.inject.Singleton;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The worker's beans, created only where {@code cube.worker.enabled=true}, so that a manager
 * sharing the JVM (as in {@code cube dev}) starts no worker of its own.
 */
@Factory
@Requires(property = WorkerFactory.ENABLED, value = "true")
public class WorkerFactory {

    public static final String ENABLED = "cube.worker.enabled";

    @Singleton
    @Bean(preDestroy = "close")
    ContainerRuntime containerRuntime(Environment env, MeterRegistry registry) {
        String host = env.getProperty("cube.docker.host", String.class).filter(h -> !h.isBlank()).orElse(null);
        Duration pullTimeout = env.getProperty("cube.docker.pull-timeout", Duration.class)
                .orElse(DockerContainerRuntime.DEFAULT_PULL_TIMEOUT);
        return new MeteredContainerRuntime(DockerContainerRuntime.connect(host, pullTimeout, outputSettings(env).maxFollows(), confinement(env)), registry);
    }

    /** How the worker confines its containers, from {@code cube.worker.*} (docs/operations.md, Security). */
    static Confinement confinement(Environment env) {
        Confinement d = Confinement.DEFAULT;
        return new Confinement(
                env.getProperty("cube.worker.no-new-privileges", Boolean.class).orElse(d.noNewPrivileges()),
                env.getProperty("cube.worker.capabilities", String.class).map(s -> List.of(s.split(","))).orElse(d.capabilities()),
                env.getProperty("cube.worker.pids-limit", Long.class).orElse(d.pidsLimit()),
                env.getProperty("cube.worker.default-memory", Long.class).orElse(d.defaultMemoryMb()),
                env.getProperty("cube.worker.log-max-size", String.class).orElse(d.logMaxSize()),
                env.getProperty("cube.worker.log-max-files", Integer.class).orElse(d.logMaxFiles()),
                env.getProperty("cube.worker.publish-address", String.class).orElse(d.publishAddress()),
                env.getProperty("cube.worker.allow-privileged-ports", Boolean.class).orElse(d.allowPrivilegedPorts()),
                env.getProperty("cube.worker.allowed-images", String.class).map(s -> List.of(s.split(","))).orElse(d.allowedImages()));
    }

    @Context
    @Bean(preDestroy = "close")
    Worker worker(ContainerRuntime runtime, Environment env) {
        Worker worker = new Worker(settings(env), runtime, new OshiMachineStats(), Clock.systemUTC(), outputSettings(env));
        worker.start();
        return worker;
    }

    /** How the worker ships its containers' output: {@code cube.worker.output.*}. */
    static OutputShipper.Settings outputSettings(Environment env) {
        return new OutputShipper.Settings(
                env.getProperty("cube.worker.output.max-lines", Integer.class).orElse(OutputShipper.Settings.DEFAULT_MAX_LINES),
                env.getProperty("cube.worker.output.max-follows", Integer.class).orElse(OutputShipper.Settings.DEFAULT_MAX_FOLLOWS),
                env.getProperty("cube.worker.output.remove-wait", Duration.class).orElse(OutputShipper.Settings.DEFAULT_REMOVE_WAIT));
    }

    /** The worker's settings from {@code cube.*} properties, with the machine's values as defaults. */
    static WorkerSettings settings(Environment env) {
        Capacity machine = WorkerSettings.machineCapacity();
        KafkaClientConfig kafka = kafkaClientConfig(env);
        Capacity capacity = new Capacity(
                env.getProperty("cube.worker.cpu", Double.class).orElse(machine.cpu()),
                env.getProperty("cube.worker.memory", Long.class).orElse(machine.memory()),
                env.getProperty("cube.worker.disk", Long.class).orElse(machine.disk()));
        return new WorkerSettings(
                env.getProperty("cube.worker.id", String.class).filter(s -> !s.isBlank()).orElseGet(WorkerSettings::hostname),
                kafka.bootstrapServers(),
                env.getProperty("cube.worker.address", String.class).orElseGet(WorkerSettings::hostname),
                capacity,
                env.getProperty("cube.worker.heartbeat-interval", Duration.class).orElse(WorkerSettings.DEFAULT_HEARTBEAT_INTERVAL),
                env.getProperty("cube.worker.exit-check-interval", Duration.class).orElse(WorkerSettings.DEFAULT_EXIT_CHECK_INTERVAL),
                env.getProperty("cube.worker.stop-grace", Duration.class).orElse(WorkerSettings.DEFAULT_STOP_GRACE),
                env.getProperty("cube.worker.health-check-timeout", Duration.class).orElse(WorkerSettings.DEFAULT_HEALTH_CHECK_TIMEOUT),
                env.getProperty("cube.worker.probe-host", String.class).filter(s -> !s.isBlank()).orElse(WorkerSettings.DEFAULT_PROBE_HOST),
                env.getProperty("cube.worker.parallelism", Integer.class).orElse(WorkerSettings.DEFAULT_PARALLELISM),
                kafka.properties(),
                env.getProperty("cube.worker.origin-key", String.class).orElse(null),
                env.getProperty("cube.worker.stop-after-disconnect", Duration.class).orElse(Duration.ZERO));
    }

    /** {@code cube.kafka.bootstrap}, {@code cube.kafka.properties.*} and {@code cube.kafka.properties-file}, as the manager reads them. */
    static KafkaClientConfig kafkaClientConfig(Environment env) {
        return KafkaClientConfig.load(
                env.getProperty("cube.kafka.bootstrap", String.class).orElse(null),
                env.getProperties("cube.kafka.properties", StringConvention.RAW),
                env.getProperty("cube.kafka.properties-file", String.class).filter(s -> !s.isBlank()).map(Path::of).orElse(null));
    }
}
