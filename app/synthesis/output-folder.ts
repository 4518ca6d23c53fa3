import { existsSync, lstatSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * Which files in a synthesis output folder (cdktf.out) synthesis made. Everything else there belongs to someone else
 * (Terraform's `.terraform/` and `.terraform.lock.hcl` in each stack folder, plan files, a local state file, a
 * person's notes) and must survive the next synthesis. Synthesis writes this marker file into every output folder,
 * listing what it made; an output folder cdktf made before the marker existed is recognised by its manifest.
 */
export const OUTPUT_MARKER_FILE = ".miradore-synthesized.json";

/** Terraform's working data in a stack folder: made again by `terraform init`, so dropped with a removed stack. */
const TERRAFORM_WORKING_DATA: ReadonlySet<string> = new Set([".terraform", ".terraform.lock.hcl"]);

/** An output path synthesis will not write to; the message says why and what to do. */
export class OutputFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutputFolderError";
  }
}

/** What an output path holds now. */
export interface OutputFolderInventory {
  /** The folder exists (else nothing is there yet). */
  readonly exists: boolean;
  /** Paths (relative, `/`-separated) of the files the previous synthesis made there. */
  readonly made: ReadonlySet<string>;
}

interface OutputMarker {
  readonly madeBy: string;
  readonly files: readonly string[];
}

const MADE_BY = "miradore-entra-cdktf synthesis";

/** What to do instead, in messages about a path that is refused, unless the caller says otherwise. */
export const SET_ANOTHER_OUTDIR = "set CDKTF_OUTDIR to a new folder for synthesis output";

/**
 * Checks that synthesis may replace `outdir`: it is absent (and its parent is a folder), an empty folder, or a folder
 * synthesis made. Throws {@link OutputFolderError} otherwise.
 */
export function inspectOutputFolder(outdir: string, whatToDo = SET_ANOTHER_OUTDIR): OutputFolderInventory {
  const parent = dirname(resolve(outdir));
  if (!existsSync(parent)) {
    throw new OutputFolderError(
      `the output folder ${outdir} cannot be written: its parent folder ${parent} does not exist; create it, or ${whatToDo}`,
    );
  }
  if (!statSync(parent).isDirectory()) {
    throw new OutputFolderError(
      `the output folder ${outdir} cannot be written: ${parent} is a file, not a folder; ${whatToDo}`,
    );
  }
  if (!pathExists(outdir)) return { exists: false, made: new Set() };
  const stat = lstatSync(outdir);
  if (stat.isSymbolicLink()) {
    throw new OutputFolderError(
      `the output folder ${outdir} is a symbolic link, which synthesis would replace with a folder; set CDKTF_OUTDIR to the folder it points to`,
    );
  }
  if (!stat.isDirectory()) {
    throw new OutputFolderError(
      `the output folder ${outdir} is a file, not a folder synthesis made, so it is not replaced; move it away, or ${whatToDo}`,
    );
  }
  const entries = readdirSync(outdir);
  if (entries.length === 0) return { exists: true, made: new Set() };
  if (entries.includes(OUTPUT_MARKER_FILE)) return { exists: true, made: new Set(readMarker(outdir).files) };
  const legacy = madeByCdktf(outdir, entries);
  if (legacy) return { exists: true, made: legacy };
  const shown = entries.slice(0, 5).join(", ") + (entries.length > 5 ? `, … (${entries.length} entries)` : "");
  throw new OutputFolderError(
    `the output folder ${outdir} holds files synthesis did not make (${shown}), so it is not replaced; move them away, or ${whatToDo}`,
  );
}

/** The marker's content for a folder whose files (relative paths) synthesis just made. */
export function outputMarker(files: readonly string[]): string {
  const marker: OutputMarker & { "//": string } = {
    "//":
      "Written by synthesis (npm run synth): it made the files listed here and replaces them next time. Anything " +
      "else in this folder (such as .terraform/ and .terraform.lock.hcl in a stack folder) is kept.",
    madeBy: MADE_BY,
    files: [...files].sort(),
  };
  return `${JSON.stringify(marker, null, 2)}\n`;
}

/** Every file below `dir`, as relative `/`-separated paths. */
export function filesBelow(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? filesBelow(dir, path) : [path];
  });
}

/** A move that keeps something synthesis did not make: from the old output folder into the new one. */
export interface CarriedEntry {
  /** Relative, `/`-separated. */
  readonly path: string;
}

/**
 * What of the old output folder must be carried into the new one: every entry synthesis did not make, except
 * Terraform's working data in a folder the new output no longer has (a removed site's stack). Throws
 * {@link OutputFolderError} when the new output makes a file at the path of something it did not make.
 */
export function entriesToCarry(outdir: string, made: ReadonlySet<string>, staging: string): CarriedEntry[] {
  const carried: CarriedEntry[] = [];
  // Every folder that holds something synthesis made, however deep.
  const foldersOfMade = new Set(
    [...made].flatMap((file) =>
      file
        .split("/")
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join("/")),
    ),
  );
  const holdsMade = (path: string) => foldersOfMade.has(path);
  const visit = (prefix: string) => {
    const folderRemoved = prefix !== "" && !existsSync(join(staging, prefix));
    for (const entry of readdirSync(join(outdir, prefix), { withFileTypes: true })) {
      const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      if (path === OUTPUT_MARKER_FILE || made.has(path)) continue;
      // Into folders that hold what synthesis made, or that the new output has too: carry what is inside them.
      if (entry.isDirectory() && (holdsMade(path) || isDirectory(join(staging, path)))) {
        visit(path);
        continue;
      }
      if (folderRemoved && TERRAFORM_WORKING_DATA.has(entry.name)) continue;
      if (pathExists(join(staging, path))) {
        throw new OutputFolderError(
          `${join(outdir, path)} was not made by synthesis, but synthesis now writes that path; move it away and synthesize again`,
        );
      }
      carried.push({ path });
    }
  };
  visit("");
  return carried;
}

function isDirectory(path: string): boolean {
  return pathExists(path) && lstatSync(path).isDirectory();
}

function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function readMarker(outdir: string): OutputMarker {
  const file = join(outdir, OUTPUT_MARKER_FILE);
  let marker: Partial<OutputMarker> | undefined;
  try {
    marker = JSON.parse(readFileSync(file, "utf8")) as Partial<OutputMarker>;
  } catch {
    marker = undefined;
  }
  if (marker?.madeBy !== MADE_BY || !Array.isArray(marker.files) || !marker.files.every((f) => typeof f === "string")) {
    throw new OutputFolderError(
      `${file} is not the list of files synthesis made, so ${outdir} is not replaced; if the folder holds only synthesis output, delete it and synthesize again`,
    );
  }
  return marker as OutputMarker;
}

/**
 * An output folder written by cdktf before the marker existed: `manifest.json` naming its stacks, and nothing beside
 * `stacks/`. Synthesis made the manifest and each listed stack's `cdk.tf.json`; undefined when it is not such a folder.
 */
function madeByCdktf(outdir: string, entries: readonly string[]): Set<string> | undefined {
  if (!entries.includes("manifest.json") || !entries.every((e) => e === "manifest.json" || e === "stacks")) return;
  let manifest: { stacks?: Record<string, { synthesizedStackPath?: unknown; stackMetadataPath?: unknown }> };
  try {
    manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  } catch {
    return undefined;
  }
  if (typeof manifest.stacks !== "object" || manifest.stacks === null) return undefined;
  const made = new Set(["manifest.json"]);
  for (const stack of Object.values(manifest.stacks)) {
    if (typeof stack?.synthesizedStackPath !== "string") return undefined;
    made.add(stack.synthesizedStackPath.replace(/^\.\//, ""));
    if (typeof stack.stackMetadataPath === "string") made.add(stack.stackMetadataPath.replace(/^\.\//, ""));
  }
  return made;
}
