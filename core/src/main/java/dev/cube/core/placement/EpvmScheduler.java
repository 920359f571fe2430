package dev.cube.core.placement;

import dev.cube.events.spec.Resources;

/**
 * E-PVM (enhanced parallel virtual machine, from MOSIX), the book's default: the marginal cost of
 * adding the task to a worker's memory and cpu, with {@code LIEB^x} weighing load exponentially.
 *
 * <p>As the book writes it, the cpu terms cancel (LIEB^cpuLoad − LIEB^cpuLoad) and cpu cost depends
 * on the task count alone. Cube fixes that by treating cpu as the book treats memory: the load before
 * the task and the load after it ({@code cpuLoad + task cpu / cores}). Memory is in MB on both sides,
 * so the book's division by 1000 is not needed. Memory in use is what Cube allocated on the worker,
 * not what the machine measured (the book adds both): a worker's declared capacity may be a slice of
 * its machine, and the machine's use would then count against a capacity it never belonged to.
 */
public final class EpvmScheduler implements Scheduler {

    public static final double LIEB = 1.53960071783900203869;
    public static final double MAX_JOBS = 4;

    @Override
    public String name() {
        return "epvm";
    }

    @Override
    public double score(Resources need, Candidate candidate) {
        double tasks = candidate.taskCount();
        double jobsNow = Math.pow(LIEB, tasks / MAX_JOBS);
        double jobsAfter = Math.pow(LIEB, (tasks + 1) / MAX_JOBS);

        double memTotal = Math.max(1, candidate.capacity().memory());
        double memAllocated = candidate.allocated().memory();
        double memPct = memAllocated / memTotal;
        double newMemPct = (memAllocated + need.memory()) / memTotal;
        double memCost = Math.pow(LIEB, newMemPct) + jobsAfter - Math.pow(LIEB, memPct) - jobsNow;

        double cpuLoad = cpuLoad(candidate);
        double newCpuLoad = cpuLoad + need.cpu() / Math.max(1e-9, candidate.capacity().cpu());
        double cpuCost = Math.pow(LIEB, newCpuLoad) + jobsAfter - Math.pow(LIEB, cpuLoad) - jobsNow;

        return memCost + cpuCost;
    }

    /** The worker's cpu load from 0 to 1: the larger of what it measured and the share of its cores already allocated. */
    static double cpuLoad(Candidate candidate) {
        double allocatedShare = candidate.capacity().cpu() <= 0 ? 0 : candidate.allocated().cpu() / candidate.capacity().cpu();
        double measured = candidate.stats() == null ? 0 : candidate.stats().cpuUsage();
        return Math.max(allocatedShare, measured);
    }
}
