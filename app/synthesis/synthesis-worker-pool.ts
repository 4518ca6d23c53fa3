import { Worker } from "node:worker_threads";
import { PolicyViolationError } from "../../constructs";
import type { SynthesisTask, SynthesisWorkerMessage } from "./synthesis-task";

/**
 * Worker threads that synthesize sites, started before there is work for them: each loads the construct library
 * (a fifth of a second) while the main thread is still reading the configuration. `run` hands out tasks one at a
 * time to whichever worker is free, so a worker slowed by a busy machine takes fewer and both finish together. A pool
 * runs one set of tasks; `close` it afterwards, and on any error.
 */
export class SynthesisWorkerPool {
  private readonly workers: Worker[];
  private failure?: Error;
  private onFailure?: (error: Error) => void;
  private closed = false;

  /** Starts `size` workers running `script` (the bundled app/synthesis/synthesis-worker.ts). */
  constructor(script: string, size: number) {
    this.workers = Array.from({ length: size }, () => {
      // A small young generation keeps two workers' peak memory low (measured: 16 MB ≈ 240 MB peak for 1000 sites,
      // 64 MB ≈ 340 MB) at little cost in time.
      const worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 16 } });
      worker.once("error", (error) => this.fail(error));
      worker.once("exit", (code) => {
        if (!this.closed)
          this.fail(new Error(`a synthesis worker stopped (exit code ${code}) before its work was done`));
      });
      return worker;
    });
  }

  /** Runs every task, each on the next free worker; rejects on the first policy violation or worker failure. */
  public run(tasks: readonly SynthesisTask[]): Promise<void> {
    if (this.onFailure) throw new Error("a SynthesisWorkerPool runs one set of tasks");
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.onFailure = reject;
      const queue = [...tasks];
      let finished = 0;
      const giveNextTask = (worker: Worker) => {
        const task = queue.shift();
        if (task) worker.postMessage(task);
      };
      for (const worker of this.workers) {
        worker.on("message", (message: SynthesisWorkerMessage) => {
          if ("policyViolation" in message) return this.fail(new PolicyViolationError(message.policyViolation));
          finished += 1;
          if (finished === tasks.length) resolve();
          else giveNextTask(worker);
        });
        giveNextTask(worker);
      }
      if (tasks.length === 0) resolve();
    });
  }

  /** Stops every worker, busy or not. */
  public async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.onFailure?.(this.failure);
  }
}
