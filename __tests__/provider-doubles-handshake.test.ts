// The go-plugin side of a provider double, without Terraform: the magic-cookie check, the handshake line on stdout,
// AutoMTLS with the host's certificate, the health service, and GRPCController.Shutdown ending the process.
import { spawn, type ChildProcess } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { REPO_ROOT } from "../test-support/terraform-harness";
import { bundleDoubles } from "../test-support/provider-doubles/bundle";

const MAGIC_COOKIE = { TF_PLUGIN_MAGIC_COOKIE: "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2" };
const PROTO_DIR = join(REPO_ROOT, "test-support", "provider-doubles", "proto");

/** A client certificate like the one Terraform generates for AutoMTLS (self-signed, for localhost). */
async function hostCertificate(): Promise<{ cert: string; private: string }> {
  const { generate } = await import("selfsigned");
  return generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true, clientAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] },
    ],
  });
}

interface Started {
  readonly child: ChildProcess;
  readonly stdout: Promise<string>;
  readonly exitCode: Promise<number | null>;
}

describe("provider double process (go-plugin)", () => {
  let serveScript: string;
  let directoryRoot: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    serveScript = (await bundleDoubles(REPO_ROOT)).serveScript;
    directoryRoot = mkdtempSync(join(tmpdir(), "handshake-entra-"));
  }, 30_000);
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    rmSync(directoryRoot, { recursive: true, force: true });
  });

  function start(env: Record<string, string>): Started {
    const child = spawn(process.execPath, [serveScript, "plugin", "time"], {
      env: { PATH: process.env.PATH ?? "", FAKE_ENTRA_DIR: directoryRoot, MIRADORE_REPO_ROOT: REPO_ROOT, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let out = "";
    child.stdout!.on("data", (c: Buffer) => (out += c.toString("utf8")));
    const exitCode = new Promise<number | null>((r) => child.once("exit", r));
    const stdout = new Promise<string>((r) => {
      child.stdout!.on("data", () => out.includes("\n") && r(out));
      void exitCode.then(() => r(out));
    });
    return { child, stdout, exitCode };
  }

  test("refuses to run without Terraform's magic cookie, printing nothing on stdout", async () => {
    const { stdout, exitCode } = start({});
    expect(await exitCode).toBe(1);
    expect(await stdout).toBe("");
  }, 30_000);

  test("prints only the handshake, serves health over mutual TLS, and exits on Shutdown", async () => {
    const host = await hostCertificate();
    const { stdout, exitCode } = start({
      ...MAGIC_COOKIE,
      PLUGIN_PROTOCOL_VERSIONS: "5",
      PLUGIN_CLIENT_CERT: host.cert,
    });
    const out = await stdout;
    const match = /^1\|5\|unix\|(\/[^|]+)\|grpc\|([A-Za-z0-9+/]+)\n$/.exec(out);
    expect(match).not.toBeNull();
    const [, socket, certField] = match!;
    const serverCert = new X509Certificate(Buffer.from(certField!, "base64"));
    expect(serverCert.checkHost("localhost")).toBe("localhost");

    const definition = protoLoader.loadSync([join(PROTO_DIR, "health.proto"), join(PROTO_DIR, "go-plugin.proto")], {
      keepCase: true,
      enums: String,
      defaults: true,
    });
    const pkg = grpc.loadPackageDefinition(definition) as any;
    const credentials = grpc.credentials.createSsl(
      Buffer.from(serverCert.toString()),
      Buffer.from(host.private),
      Buffer.from(host.cert),
    );
    const options = { "grpc.ssl_target_name_override": "localhost", "grpc.default_authority": "localhost" };
    const health = new pkg.grpc.health.v1.Health(`unix:${socket}`, credentials, options);
    const status = await new Promise<{ status: string }>((resolve, reject) =>
      health.Check({ service: "plugin" }, (err: Error | null, res: { status: string }) =>
        err ? reject(err) : resolve(res),
      ),
    );
    expect(status.status).toBe("SERVING");

    const controller = new pkg.plugin.GRPCController(`unix:${socket}`, credentials, options);
    await new Promise<void>((resolve, reject) =>
      controller.Shutdown({}, (err: Error | null) => (err ? reject(err) : resolve())),
    );
    expect(await exitCode).toBe(0);
    health.close();
    controller.close();
  }, 30_000);

  test("rejects a client that does not present the host's certificate", async () => {
    const host = await hostCertificate();
    const stranger = await hostCertificate();
    const { child, stdout } = start({ ...MAGIC_COOKIE, PLUGIN_CLIENT_CERT: host.cert });
    const [, socket, certField] = /^1\|5\|unix\|(\/[^|]+)\|grpc\|([A-Za-z0-9+/]+)\n$/.exec(await stdout)!;
    const serverPem = new X509Certificate(Buffer.from(certField!, "base64")).toString();
    const definition = protoLoader.loadSync(join(PROTO_DIR, "health.proto"), { keepCase: true, enums: String });
    const pkg = grpc.loadPackageDefinition(definition) as any;
    const credentials = grpc.credentials.createSsl(
      Buffer.from(serverPem),
      Buffer.from(stranger.private),
      Buffer.from(stranger.cert),
    );
    const health = new pkg.grpc.health.v1.Health(`unix:${socket}`, credentials, {
      "grpc.ssl_target_name_override": "localhost",
    });
    const deadline = new Date(Date.now() + 5000);
    await expect(
      new Promise((resolve, reject) =>
        health.Check({ service: "plugin" }, { deadline }, (err: Error | null, res: unknown) =>
          err ? reject(err) : resolve(res),
        ),
      ),
    ).rejects.toThrow();
    health.close();
    child.kill("SIGTERM");
  }, 30_000);
});
