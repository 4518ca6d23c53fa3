// Entry point of a synthesis worker thread (bundled as .build/synthesis-worker.js): only the construct library, so a
// worker starts without the configuration loader. It waits for tasks from the main thread (SynthesisWorkerPool).
import { parentPort } from "node:worker_threads";
import { serveSynthesisTasks } from "./synthesis-task";

serveSynthesisTasks(parentPort!);
