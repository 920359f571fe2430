package dev.cube.events.spec;

/** What a task needs or a worker holds: cpu in cores, memory and disk in MB. */
public record Resources(double cpu, long memory, long disk) {

    public static final Resources NONE = new Resources(0, 0, 0);

    public Resources plus(Resources other) {
        return new Resources(cpu + other.cpu, memory + other.memory, disk + other.disk);
    }

    public Resources minus(Resources other) {
        return new Resources(cpu - other.cpu, memory - other.memory, disk - other.disk);
    }
}
