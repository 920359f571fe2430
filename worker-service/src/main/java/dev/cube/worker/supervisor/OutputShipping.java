package dev.cube.worker.supervisor;

import dev.cube.worker.runtime.ContainerInfo;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the {@link Supervisor} needs of whoever ships its containers' output: to be shown the containers
 * at every pass, and to hear when a container's output is all shipped, before the container is removed.
 * Implementations never block the caller for long.
 */
public interface OutputShipping {

    /** Ships nothing. */
    OutputShipping NONE = new OutputShipping() {
        @Override
        public void observe(List<ContainerInfo> containers) {
        }

        @Override
        public CompletableFuture<Void> shipped(ContainerInfo container) {
            return CompletableFuture.completedFuture(null);
        }
    };

    /** The worker's containers as the engine shows them now: ship the output of each that is not shipped yet. Returns at once. */
    void observe(List<ContainerInfo> containers);

    /**
     * Completes once everything {@code container} wrote is shipped (or cut), or once the implementation
     * gives up waiting for it (its own time limit); never exceptionally. Ships the container's output if it
     * was not being shipped.
     */
    CompletableFuture<Void> shipped(ContainerInfo container);
}
