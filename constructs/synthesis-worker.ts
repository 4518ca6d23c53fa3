// Entry point of a synthesis worker thread (bundled as .build/synthesis-worker.js): only the construct library, so a
// worker starts without the configuration loader.
import { workerData } from "node:worker_threads";
import { runSynthesisTaskInWorker, SynthesisTask } from "./synthesis-task";

runSynthesisTaskInWorker(workerData as SynthesisTask);
