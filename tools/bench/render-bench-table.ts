import { textTable } from "../fleet-view/text-table";
import type { CaseResult, Comparison } from "./bench-report";
import type { MachineInfo } from "./machine-info";

/** "812 ms" below a second, "4.21 s" above. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms < 10 ? ms.toFixed(2) : Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function formatValue(value: number, unit: Comparison["unit"]): string {
  switch (unit) {
    case "x":
      return `${value.toFixed(value < 10 ? 2 : 1)}x`;
    case "ms":
      return formatMs(value);
    case "MB":
      return `${Math.round(value)} MB`;
  }
}

/** The benchmark's report for a terminal: the machine, each case's median/min/max, then ratios and targets. */
export function renderBenchTables(
  machine: MachineInfo,
  results: readonly CaseResult[],
  derived: readonly Comparison[],
): string {
  const header =
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB, node ${machine.nodeVersion}, ` +
    `load ${machine.loadAverage1m} at start, ${machine.date}\n\n`;
  const measurements = textTable(
    [
      { header: "case" },
      { header: "median", align: "right" },
      { header: "min", align: "right" },
      { header: "max", align: "right" },
      { header: "peak RSS", align: "right" },
      { header: "runs", align: "right" },
    ],
    results.map((result) => [
      result.label,
      formatMs(result.wallMs.median),
      formatMs(result.wallMs.min),
      formatMs(result.wallMs.max),
      result.maxRssMb ? `${Math.round(result.maxRssMb.median)} MB` : "",
      `${result.wallMs.runs}${result.failedRuns > 0 ? ` (${result.failedRuns} failed)` : ""}`,
    ]),
  );
  const verdicts = textTable(
    [{ header: "comparison (medians)" }, { header: "value", align: "right" }, { header: "target" }, { header: "" }],
    derived.map((comparison) => [
      comparison.label,
      formatValue(comparison.value, comparison.unit),
      comparison.target ? `${comparison.target.relation} ${formatValue(comparison.target.value, comparison.unit)}` : "",
      comparison.met === undefined ? "" : comparison.met ? "met" : "MISSED",
    ]),
  );
  return `${header}${measurements}\n${verdicts}`;
}
