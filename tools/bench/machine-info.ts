import { availableParallelism, cpus, loadavg, release, totalmem, type } from "node:os";

/** The machine a benchmark ran on, recorded with its numbers (they mean little without it). */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly os: string;
  readonly nodeVersion: string;
  /** 1-minute load average when the benchmark started: above `cores`, other work was competing for the CPU. */
  readonly loadAverage1m: number;
  readonly date: string;
}

export function machineInfo(now = new Date()): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    nodeVersion: process.version,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    date: now.toISOString(),
  };
}
