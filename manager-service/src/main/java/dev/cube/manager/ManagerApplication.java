package dev.cube.manager;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.server.EmbeddedServer;

import java.util.HashMap;
import java.util.Map;

/** Starts the manager: the HTTP API and the Kafka Streams projection. */
public final class ManagerApplication {

    public static final String ENABLED = "cube.manager.enabled";
    /** The manager's Micronaut environment: its defaults are in {@code application-manager.yml} (health, metrics, JSON). */
    public static final String ENVIRONMENT = "manager";

    private ManagerApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(ManagerApplication.class).environments(ENVIRONMENT).properties(Map.of(ENABLED, "true")).start();
    }

    /** Starts a manager in this JVM (used by {@code cube dev} and the tests); close the context to stop it. */
    public static ApplicationContext start(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        all.put(ENABLED, "true");
        ApplicationContext context = ApplicationContext.builder().environments(ENVIRONMENT).properties(all).deduceEnvironment(false).start();
        context.getBean(EmbeddedServer.class).start();
        return context;
    }
}
