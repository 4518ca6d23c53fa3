// Synthesis never deletes what it did not make: it replaces only its own files in the output folder, keeps Terraform's
// working data (.terraform/, .terraform.lock.hcl) and anything else in each stack folder, drops the stacks of removed
// sites, and refuses an output path that holds something else or cannot be written, with one line and exit code 1.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OUTPUT_MARKER_FILE, OutputFolderError } from "../app/synthesis/output-folder";
import { replaceDirectoryAtomically } from "../app/synthesis/replace-directory-atomically";
import { buildApp, type TestBuild, unprivileged } from "../test-support/build-for-test";

const TENANTS = ["4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"];
const config = (...names: string[]) =>
  JSON.stringify({ sites: names.map((name, index) => ({ name, tenantId: TENANTS[index] })) });

let app: TestBuild;
beforeAll(() => {
  app = buildApp();
});

/** A fresh project folder (world-readable, so an unprivileged user can run in it) holding `configText`. */
function project(configText = config("example")): string {
  const dir = mkdtempSync(join(tmpdir(), "miradore-outdir-"));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, "miradore.config.yaml"), configText);
  return dir;
}

function synth(cwd: string, env: Record<string, string> = {}, as: { uid?: number; gid?: number } = {}) {
  // Another user may not reach the build inside the checkout (under /root, say): it runs its own copy.
  const script = as.uid === undefined ? app.script("main") : copyOfApp(cwd);
  return spawnSync(process.execPath, [script], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    encoding: "utf8",
    ...as,
  });
}

/** The app's bundle (self-contained), copied into `dir/.app/`, readable by everyone. */
function copyOfApp(dir: string): string {
  mkdirSync(join(dir, ".app"), { mode: 0o755 });
  for (const name of ["main", "synthesis-worker"]) copyFileSync(app.script(name), join(dir, ".app", `${name}.js`));
  return join(dir, ".app", "main.js");
}

/** Every path below `dir`, sorted, folders with a trailing slash. */
function tree(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const path = `${prefix}${entry.name}`;
      return entry.isDirectory() ? [`${path}/`, ...tree(dir, `${path}/`)] : [path];
    })
    .sort();
}

const expectOneLineRefusal = (result: ReturnType<typeof synth>, message: RegExp) => {
  expect(result.status).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(message);
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
};

describe("an output path that holds something synthesis did not make is refused, and left as it was", () => {
  test("a folder of documents (CDKTF_OUTDIR=docs)", () => {
    const dir = project();
    mkdirSync(join(dir, "docs", "images"), { recursive: true });
    writeFileSync(join(dir, "docs", "guide.md"), "# keep me\n");
    const before = tree(join(dir, "docs"));
    expectOneLineRefusal(
      synth(dir, { CDKTF_OUTDIR: "docs" }),
      /^the output folder docs holds files synthesis did not make \(.*guide\.md.*\), so it is not replaced; move them away, or set CDKTF_OUTDIR to a new folder/,
    );
    expect(tree(join(dir, "docs"))).toEqual(before);
    expect(readFileSync(join(dir, "docs", "guide.md"), "utf8")).toBe("# keep me\n");
    expect(readdirSync(dir).sort()).toEqual(["docs", "miradore.config.yaml"]);
  });

  test("a file", () => {
    const dir = project();
    writeFileSync(join(dir, "cdktf.out"), "not a folder");
    expectOneLineRefusal(synth(dir), /^the output folder cdktf\.out is a file, not a folder synthesis made/);
    expect(readFileSync(join(dir, "cdktf.out"), "utf8")).toBe("not a folder");
    expect(readdirSync(dir).sort()).toEqual(["cdktf.out", "miradore.config.yaml"]);
  });

  test("a parent folder that does not exist", () => {
    const dir = project();
    expectOneLineRefusal(
      synth(dir, { CDKTF_OUTDIR: "missing/cdktf.out" }),
      /^the output folder missing\/cdktf\.out cannot be written: its parent folder .*\/missing does not exist; create it/,
    );
    expect(readdirSync(dir)).toEqual(["miradore.config.yaml"]);
  });

  test("a parent folder that cannot be written", () => {
    const dir = project();
    mkdirSync(join(dir, "read-only"), { mode: 0o555 });
    chmodSync(join(dir, "read-only"), 0o555);
    expectOneLineRefusal(
      synth(dir, { CDKTF_OUTDIR: "read-only/cdktf.out" }, unprivileged()),
      /^the output folder read-only\/cdktf\.out cannot be written: its parent folder .*\/read-only is not writable \(EACCES\)/,
    );
    expect(readdirSync(join(dir, "read-only"))).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual([".app", "miradore.config.yaml", "read-only"]);
  });
});

describe("synthesizing again", () => {
  test("keeps .terraform/ and .terraform.lock.hcl (and plans) in each stack folder, replacing only cdk.tf.json", () => {
    const dir = project();
    expect(synth(dir).status).toBe(0);
    const stack = join(dir, "cdktf.out", "stacks", "miradore-example");
    mkdirSync(join(stack, ".terraform", "providers"), { recursive: true });
    writeFileSync(join(stack, ".terraform", "providers", "azuread"), "provider binary");
    writeFileSync(join(stack, ".terraform.lock.hcl"), "# lock");
    writeFileSync(join(stack, "tfplan"), "plan");
    writeFileSync(join(dir, "miradore.config.yaml"), config("example").replace("}]", ', "displayName": "Renamed"}]'));

    const again = synth(dir);
    expect({ status: again.status, stderr: again.stderr }).toEqual({ status: 0, stderr: "" });
    // Initialized already: the next step needs no `terraform init`.
    expect(again.stdout).toBe(
      "wrote 1 stack to cdktf.out/stacks/miradore-example; next: cd cdktf.out/stacks/miradore-example && terraform plan\n",
    );
    expect(readFileSync(join(stack, ".terraform", "providers", "azuread"), "utf8")).toBe("provider binary");
    expect(readFileSync(join(stack, ".terraform.lock.hcl"), "utf8")).toBe("# lock");
    expect(readFileSync(join(stack, "tfplan"), "utf8")).toBe("plan");
    expect(readFileSync(join(stack, "cdk.tf.json"), "utf8")).toContain('"display_name": "Renamed"');
    expect(tree(join(dir, "cdktf.out"))).toEqual([
      OUTPUT_MARKER_FILE,
      "manifest.json",
      "stacks/",
      "stacks/miradore-example/",
      "stacks/miradore-example/.terraform.lock.hcl",
      "stacks/miradore-example/.terraform/",
      "stacks/miradore-example/.terraform/providers/",
      "stacks/miradore-example/.terraform/providers/azuread",
      "stacks/miradore-example/cdk.tf.json",
      "stacks/miradore-example/tfplan",
    ]);
    expect(readdirSync(dir).sort()).toEqual(["cdktf.out", "miradore.config.yaml"]);
  });

  test("drops the stack of a removed site with its Terraform working data, but keeps other files found there", () => {
    const dir = project(config("north", "south"));
    expect(synth(dir).status).toBe(0);
    const south = join(dir, "cdktf.out", "stacks", "miradore-south");
    const north = join(dir, "cdktf.out", "stacks", "miradore-north");
    mkdirSync(join(south, ".terraform"));
    writeFileSync(join(south, ".terraform.lock.hcl"), "# lock");
    mkdirSync(join(north, ".terraform"));
    writeFileSync(join(north, "terraform.tfstate"), "{}"); // a state kept in the stack folder is never ours to delete

    writeFileSync(join(dir, "miradore.config.yaml"), config("south"));
    const again = synth(dir);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe(
      "wrote 1 stack to cdktf.out/stacks/miradore-south; next: cd cdktf.out/stacks/miradore-south && terraform plan\n" +
        "kept what synthesis did not make: cdktf.out/stacks/miradore-north/terraform.tfstate\n",
    );
    expect(tree(join(dir, "cdktf.out", "stacks"))).toEqual([
      "miradore-north/",
      "miradore-north/terraform.tfstate",
      "miradore-south/",
      "miradore-south/.terraform.lock.hcl",
      "miradore-south/.terraform/",
      "miradore-south/cdk.tf.json",
    ]);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, "cdktf.out", "manifest.json"), "utf8")).stacks)).toEqual([
      "miradore-south",
    ]);
  });

  test("takes over an output folder cdktf wrote before the marker existed (a manifest and its stacks only)", () => {
    const dir = project();
    const stack = join(dir, "cdktf.out", "stacks", "miradore-example");
    mkdirSync(join(stack, ".terraform"), { recursive: true });
    writeFileSync(join(stack, "cdk.tf.json"), "{}");
    writeFileSync(
      join(dir, "cdktf.out", "manifest.json"),
      JSON.stringify({
        version: "0.21.0",
        stacks: {
          "miradore-example": {
            workingDirectory: "stacks/miradore-example",
            synthesizedStackPath: "stacks/miradore-example/cdk.tf.json",
          },
        },
      }),
    );
    expect(synth(dir).status).toBe(0);
    expect(existsSync(join(stack, ".terraform"))).toBe(true);
    expect(JSON.parse(readFileSync(join(stack, "cdk.tf.json"), "utf8")).resource).toBeDefined();
  });
});

describe("replaceDirectoryAtomically", () => {
  /** Writes what cdktf writes for `stacks`: a manifest and one cdk.tf.json each. */
  const cdktfLike =
    (stacks: readonly string[], content = "{}") =>
    (staging: string) => {
      for (const stack of stacks) {
        mkdirSync(join(staging, "stacks", stack), { recursive: true });
        writeFileSync(join(staging, "stacks", stack, "cdk.tf.json"), content);
      }
      writeFileSync(join(staging, "manifest.json"), JSON.stringify({ stacks: {} }));
    };
  const fresh = () => {
    const parent = mkdtempSync(join(tmpdir(), "miradore-replace-"));
    return { parent, outdir: join(parent, "cdktf.out") };
  };

  test("leaves the previous output, its Terraform working data and no staging folder behind when writing fails", async () => {
    const { parent, outdir } = fresh();
    await replaceDirectoryAtomically(outdir, cdktfLike(["a"], "old"));
    mkdirSync(join(outdir, "stacks", "a", ".terraform"));
    const before = tree(outdir);
    await expect(
      replaceDirectoryAtomically(outdir, (staging) => {
        cdktfLike(["a", "b"], "new")(staging);
        throw new Error("construct failed");
      }),
    ).rejects.toThrow("construct failed");
    expect(tree(outdir)).toEqual(before);
    expect(readFileSync(join(outdir, "stacks", "a", "cdk.tf.json"), "utf8")).toBe("old");
    expect(readdirSync(parent)).toEqual(["cdktf.out"]);
  });

  test("lists exactly the files it made in the marker, and reports what it kept", async () => {
    const { outdir } = fresh();
    await replaceDirectoryAtomically(outdir, cdktfLike(["a"]));
    writeFileSync(join(outdir, "NOTES.txt"), "mine");
    const report = await replaceDirectoryAtomically(outdir, cdktfLike(["a"]));
    expect(report.kept).toEqual(["NOTES.txt"]);
    expect(JSON.parse(readFileSync(join(outdir, OUTPUT_MARKER_FILE), "utf8")).files).toEqual([
      "manifest.json",
      "stacks/a/cdk.tf.json",
    ]);
    expect(readFileSync(join(outdir, "NOTES.txt"), "utf8")).toBe("mine");
  });

  test("refuses, before writing anything, to overwrite a file it did not make with one it makes now", async () => {
    const { parent, outdir } = fresh();
    await replaceDirectoryAtomically(outdir, cdktfLike(["a"]));
    mkdirSync(join(outdir, "stacks", "b"));
    writeFileSync(join(outdir, "stacks", "b", "cdk.tf.json"), "hand-written");
    const attempt = replaceDirectoryAtomically(outdir, cdktfLike(["a", "b"]));
    await expect(attempt).rejects.toThrow(OutputFolderError);
    await expect(attempt).rejects.toThrow(
      /stacks\/b\/cdk\.tf\.json was not made by synthesis, but synthesis now writes/,
    );
    expect(readFileSync(join(outdir, "stacks", "b", "cdk.tf.json"), "utf8")).toBe("hand-written");
    expect(readdirSync(parent)).toEqual(["cdktf.out"]);
  });

  test("refuses a folder whose marker is not synthesis's", async () => {
    const { outdir } = fresh();
    mkdirSync(outdir);
    writeFileSync(join(outdir, OUTPUT_MARKER_FILE), '{"files": "everything"}');
    await expect(replaceDirectoryAtomically(outdir, cdktfLike(["a"]))).rejects.toThrow(
      /is not the list of files synthesis made, so .* is not replaced/,
    );
  });

  test("writes into an empty folder", async () => {
    const { outdir } = fresh();
    mkdirSync(outdir);
    await replaceDirectoryAtomically(outdir, cdktfLike(["a"]));
    expect(existsSync(join(outdir, "stacks", "a", "cdk.tf.json"))).toBe(true);
    rmSync(outdir, { recursive: true });
  });
});
