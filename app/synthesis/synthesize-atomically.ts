import { App } from "cdktf";
import { assertNoErrorAnnotations } from "../../constructs";
import { type ReplacementReport, replaceDirectoryAtomically } from "./replace-directory-atomically";

/** Builds an app with `build` and synthesizes it into `outdir` (used directly by workers, atomically by callers). */
export function synthesizeApp(outdir: string, build: (app: App) => void): void {
  withCheapTokenStackTraces(() => {
    // Stack traces on every construct cost more than the rest of synthesis and are never read here.
    const app = new App({ outdir, stackTraces: false });
    build(app);
    try {
      app.synth();
    } catch (error) {
      // cdktf reports error annotations as a plain Error; report them as the policy violation they are.
      assertNoErrorAnnotations(app);
      throw error;
    }
    // The cdktf CLI lets synthesis continue past error annotations (and fails later); never write output then.
    assertNoErrorAnnotations(app);
  });
}

/** Synthesizes an app into `outdir` atomically, replacing only what synthesis made there (see replaceDirectoryAtomically). */
export function synthesizeAtomically(outdir: string, build: (app: App) => void): Promise<ReplacementReport> {
  return replaceDirectoryAtomically(outdir, (staging) => synthesizeApp(staging, build));
}

/**
 * cdktf records a full stack trace for every token it creates (only shown in errors about unresolvable tokens, which
 * these stacks never produce): a fifth of the time to synthesize a fleet and most of its memory. While `fn` runs,
 * those captures are skipped. They are recognised by their exact shape, a plain `{ stack: "" }` holder (cdktf's and
 * constructs' `captureStackTrace` helper); errors keep their stack traces.
 */
function withCheapTokenStackTraces<T>(fn: () => T): T {
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = (target: object, constructor?: Parameters<typeof capture>[1]) => {
    if (isTokenTraceHolder(target)) return;
    capture(target, constructor);
  };
  try {
    return fn();
  } finally {
    Error.captureStackTrace = capture;
  }
}

function isTokenTraceHolder(target: object): boolean {
  if (Object.getPrototypeOf(target) !== Object.prototype) return false;
  const keys = Object.keys(target);
  return keys.length === 1 && keys[0] === "stack" && (target as { stack: unknown }).stack === "";
}
