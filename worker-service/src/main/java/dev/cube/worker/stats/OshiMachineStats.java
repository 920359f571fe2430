package dev.cube.worker.stats;

import dev.cube.events.WorkerEvent.Stats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.software.os.FileSystem;
import oshi.software.os.OSFileStore;

import java.io.File;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * {@link MachineStats} read through OSHI: cpu usage from two samples of the system's cpu ticks
 * (idle and iowait count as idle), memory used as total minus available, disk used as the size
 * of the file system mounted at {@code /} minus its free space, and the one-minute load average.
 * Memory and disk are in MB (1024 * 1024 bytes).
 */
public final class OshiMachineStats implements MachineStats {

    private static final Logger log = LoggerFactory.getLogger(OshiMachineStats.class);
    private static final long MB = 1024 * 1024;

    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final FileSystem fileSystem;
    private long[] previousTicks;

    public OshiMachineStats() {
        SystemInfo system = new SystemInfo();
        this.processor = system.getHardware().getProcessor();
        this.memory = system.getHardware().getMemory();
        this.fileSystem = system.getOperatingSystem().getFileSystem();
        this.previousTicks = processor.getSystemCpuLoadTicks();
    }

    @Override
    public synchronized Stats sample(int containers) {
        return new Stats(
                readDouble("cpu usage", OshiMachineStats::cpuUsage),
                readLong("memory used", m -> (m.memory.getTotal() - m.memory.getAvailable()) / MB),
                readLong("disk used", OshiMachineStats::rootDiskUsed),
                readDouble("load average", m -> Math.max(0, m.processor.getSystemLoadAverage(1)[0])),
                containers);
    }

    private static double cpuUsage(OshiMachineStats m) {
        long[] ticks = m.processor.getSystemCpuLoadTicks();
        double usage = m.processor.getSystemCpuLoadBetweenTicks(m.previousTicks);
        m.previousTicks = ticks;
        return Double.isFinite(usage) ? Math.clamp(usage, 0.0, 1.0) : 0;
    }

    private static long rootDiskUsed(OshiMachineStats m) {
        for (OSFileStore store : m.fileSystem.getFileStores(true)) {
            if ("/".equals(store.getMount())) {
                return Math.max(0, store.getTotalSpace() - store.getFreeSpace()) / MB;
            }
        }
        File root = new File("/");
        return Math.max(0, root.getTotalSpace() - root.getFreeSpace()) / MB;
    }

    private double readDouble(String what, ToDoubleFunction<OshiMachineStats> reader) {
        try {
            return reader.applyAsDouble(this);
        } catch (RuntimeException | LinkageError e) {
            log.debug("Cannot read the machine's {}: {}", what, e.toString());
            return 0;
        }
    }

    private long readLong(String what, ToLongFunction<OshiMachineStats> reader) {
        try {
            return reader.applyAsLong(this);
        } catch (RuntimeException | LinkageError e) {
            log.debug("Cannot read the machine's {}: {}", what, e.toString());
            return 0;
        }
    }
}
