import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  type CarriedEntry,
  entriesToCarry,
  filesBelow,
  inspectOutputFolder,
  OUTPUT_MARKER_FILE,
  OutputFolderError,
  outputMarker,
  SET_ANOTHER_OUTDIR,
} from "./output-folder";

/** What a replacement kept from the previous output (see {@link replaceDirectoryAtomically}). */
export interface ReplacementReport {
  /** Paths (relative to the output folder) of entries synthesis did not make, carried into the new output. */
  readonly kept: readonly string[];
}

/**
 * Writes a synthesis output folder through `write(staging)` into a fresh folder beside `outdir`, then swaps it into
 * place: either the whole output is written, or `outdir` stays as it was (no half-written Terraform JSON for Terraform
 * to pick up). Only what synthesis made is replaced: whatever else is in the old folder (Terraform's `.terraform/` and
 * lock file in each stack folder, plan files, notes) is moved into the new one, except Terraform's working data of a
 * stack that is gone. A path holding anything synthesis did not make (a folder of documents, a file), or that cannot be
 * written, is refused with an {@link OutputFolderError} before anything is written.
 */
export async function replaceDirectoryAtomically(
  outdir: string,
  write: (staging: string) => void | Promise<void>,
  options: {
    /** What a refusal tells the user to do instead. @default set CDKTF_OUTDIR to a new folder */
    readonly whatToDo?: string;
  } = {},
): Promise<ReplacementReport> {
  const whatToDo = options.whatToDo ?? SET_ANOTHER_OUTDIR;
  const previous = inspectOutputFolder(outdir, whatToDo);
  const staging = `${outdir}.staging-${process.pid}`;
  const retired = `${outdir}.retired-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  createStaging(outdir, staging, whatToDo);
  let carried: CarriedEntry[] = [];
  try {
    await write(staging);
    writeFileSync(join(staging, OUTPUT_MARKER_FILE), outputMarker(filesBelow(staging)));
    if (previous.exists) carried = carryOver(outdir, staging, entriesToCarry(outdir, previous.made, staging));
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  if (previous.exists) renameSync(outdir, retired);
  try {
    renameSync(staging, outdir);
  } catch (error) {
    if (previous.exists) {
      renameSync(retired, outdir);
      moveBack(outdir, staging, carried);
    }
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  rmSync(retired, { recursive: true, force: true });
  return { kept: carried.map((entry) => entry.path) };
}

/** The staging folder, or an OutputFolderError when the output's parent folder cannot be written. */
function createStaging(outdir: string, staging: string, whatToDo: string): void {
  try {
    mkdirSync(staging);
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
      throw new OutputFolderError(
        `the output folder ${outdir} cannot be written: its parent folder ${dirname(resolve(outdir))} is not writable (${code}); ` +
          `fix its permissions, or ${whatToDo}`,
      );
    }
    throw error;
  }
}

/** Moves `entries` from `outdir` into `staging`; on a failure, moves back what was moved, then rethrows. */
function carryOver(outdir: string, staging: string, entries: readonly CarriedEntry[]): CarriedEntry[] {
  const moved: CarriedEntry[] = [];
  try {
    for (const entry of entries) {
      mkdirSync(dirname(join(staging, entry.path)), { recursive: true });
      renameSync(join(outdir, entry.path), join(staging, entry.path));
      moved.push(entry);
    }
  } catch (error) {
    moveBack(outdir, staging, moved);
    throw error;
  }
  return moved;
}

function moveBack(outdir: string, staging: string, entries: readonly CarriedEntry[]): void {
  for (const entry of [...entries].reverse()) renameSync(join(staging, entry.path), join(outdir, entry.path));
}
