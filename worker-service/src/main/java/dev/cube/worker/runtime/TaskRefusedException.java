package dev.cube.worker.runtime;

/** This worker does not run the task at all, by its {@link Confinement}: the message says why. The attempt fails with it, and no container is made. */
public final class TaskRefusedException extends ContainerRuntimeException {

    public TaskRefusedException(String reason) {
        super(reason);
    }
}
