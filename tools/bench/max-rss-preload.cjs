// Loaded with `node --require` into a measured process: at exit, writes the process's peak resident set size in
// kilobytes (getrusage, so it covers every thread, workers included) to the file named by BENCH_MAX_RSS_FILE.
const { writeFileSync } = require("node:fs");
const { isMainThread } = require("node:worker_threads");

const file = process.env.BENCH_MAX_RSS_FILE;
if (file && isMainThread) {
  process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
}
