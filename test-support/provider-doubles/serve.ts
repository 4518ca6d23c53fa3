// Entry point of the provider doubles process (bundled to JavaScript by bundle.ts).
//
//   serve.js plugin <azuread|time|azurerm>   one provider, started by Terraform from a filesystem mirror:
//                                            go-plugin handshake on stdout, AutoMTLS, exits on
//                                            GRPCController.Shutdown.
//   serve.js reattach                        all providers in one long-lived process: prints one JSON line
//                                            {"reattachProviders": …} (the value for TF_REATTACH_PROVIDERS) and serves
//                                            until stdin closes or SIGTERM.
//
// Environment: FAKE_ENTRA_DIR (directory root, required), MIRADORE_REPO_ROOT (for schemas), MIRADORE_SCHEMAS_DIR.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { loadProviderDefinition } from "./load-providers";
import { PROVIDERS, type ProviderName } from "./provider-schema";
import { asGrpcImplementation, providerHandlers } from "./provider-server";
import { serverCertificate } from "./tls-certificate";

/** Terraform's go-plugin handshake cookie (terraform/internal/plugin/serve.go). */
const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const CORE_PROTOCOL_VERSION = 1;
const APP_PROTOCOL_VERSION = 5;

// Stdout belongs to the handshake; anything a library prints goes to stderr (Terraform logs it).
console.log = console.error;
console.info = console.error;

function loadServices() {
  const protoDir = join(__dirname, "proto");
  const definition = protoLoader.loadSync(
    ["tfplugin5.proto", "go-plugin.proto", "health.proto"].map((f) => join(protoDir, f)),
    {
      keepCase: true,
      longs: Number,
      enums: String,
      defaults: true,
      oneofs: true,
    },
  );
  const pkg = grpc.loadPackageDefinition(definition) as any;
  return {
    provider: pkg.tfplugin5.Provider.service as grpc.ServiceDefinition,
    controller: pkg.plugin.GRPCController.service as grpc.ServiceDefinition,
    health: pkg.grpc.health.v1.Health.service as grpc.ServiceDefinition,
  };
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: the provider doubles need it (see test-support/provider-doubles/serve.ts)`);
  return value;
}

function createServer(name: ProviderName, onShutdown: () => void): grpc.Server {
  const services = loadServices();
  const server = new grpc.Server();
  const repoRoot = process.env.MIRADORE_REPO_ROOT ?? process.cwd();
  const definition = loadProviderDefinition(repoRoot, name);
  server.addService(
    services.provider,
    asGrpcImplementation(providerHandlers({ definition, directoryRoot: requireEnv("FAKE_ENTRA_DIR") })),
  );
  server.addService(services.health, {
    Check: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { status: "SERVING" }),
  });
  server.addService(services.controller, {
    Shutdown: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => {
      cb(null, {});
      setImmediate(onShutdown);
    },
  });
  return server;
}

function bind(server: grpc.Server, socket: string, credentials: grpc.ServerCredentials): Promise<void> {
  return new Promise((resolve, reject) =>
    server.bindAsync(`unix:${socket}`, credentials, (err) => (err ? reject(err) : resolve())),
  );
}

async function servePlugin(name: ProviderName): Promise<void> {
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    process.stderr.write(
      "This binary is a plugin. These are not meant to be executed directly.\nPlease execute the program that consumes these plugins, which will load any plugins automatically.\n",
    );
    process.exit(1);
  }
  const versions = (process.env.PLUGIN_PROTOCOL_VERSIONS ?? String(APP_PROTOCOL_VERSION)).split(",");
  if (!versions.includes(String(APP_PROTOCOL_VERSION))) {
    process.stderr.write(
      `provider double speaks protocol ${APP_PROTOCOL_VERSION}; the host wants ${versions.join(",")}\n`,
    );
    process.exit(1);
  }
  const socketDir = mkdtempSync(join(process.env.PLUGIN_UNIX_SOCKET_DIR ?? tmpdir(), "plugin"));
  const socket = join(socketDir, "provider.sock");
  const exit = () => {
    server.forceShutdown();
    rmSync(socketDir, { recursive: true, force: true });
    process.exit(0);
  };
  // Let the Shutdown reply reach the host before the process goes; never wait long for other calls.
  const shutdown = () => {
    setTimeout(exit, 500).unref();
    server.tryShutdown(exit);
  };
  const server = createServer(name, shutdown);
  const clientCert = process.env.PLUGIN_CLIENT_CERT;
  let certField = "";
  let credentials = grpc.ServerCredentials.createInsecure();
  if (clientCert) {
    const cert = await serverCertificate();
    credentials = grpc.ServerCredentials.createSsl(
      Buffer.from(clientCert),
      [{ private_key: Buffer.from(cert.keyPem), cert_chain: Buffer.from(cert.certPem) }],
      true,
    );
    certField = cert.handshakeField;
  }
  await bind(server, socket, credentials);
  process.on("SIGINT", () => {}); // Terraform forwards Ctrl-C to plugins; it shuts them down itself.
  process.on("SIGTERM", exit);
  process.stdout.write(`${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|unix|${socket}|grpc|${certField}\n`);
}

async function serveReattach(): Promise<void> {
  const socketDir = mkdtempSync(join(tmpdir(), "provider-doubles-"));
  const servers: grpc.Server[] = [];
  const exit = () => {
    for (const s of servers) s.forceShutdown();
    rmSync(socketDir, { recursive: true, force: true });
    process.exit(0);
  };
  const reattach: Record<string, unknown> = {};
  for (const name of Object.keys(PROVIDERS) as ProviderName[]) {
    // Terraform does not send Shutdown to providers it did not start; ignore it if it ever does.
    const server = createServer(name, () => {});
    const socket = join(socketDir, `${name}.sock`);
    await bind(server, socket, grpc.ServerCredentials.createInsecure());
    servers.push(server);
    reattach[PROVIDERS[name].address] = {
      Protocol: "grpc",
      ProtocolVersion: APP_PROTOCOL_VERSION,
      Pid: process.pid,
      Test: true,
      Addr: { Network: "unix", String: socket },
    };
  }
  process.on("SIGTERM", exit);
  process.on("SIGINT", exit);
  // The harness holds our stdin open; when it goes away (test run ends or crashes), so do we.
  process.stdin.on("end", exit);
  process.stdin.on("close", exit);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ reattachProviders: reattach })}\n`);
}

async function main(): Promise<void> {
  const [mode, name] = process.argv.slice(2);
  const names = Object.keys(PROVIDERS) as ProviderName[];
  if (mode === "plugin" && names.includes(name as ProviderName)) return servePlugin(name as ProviderName);
  if (mode === "reattach") return serveReattach();
  throw new Error(
    `usage: serve.js plugin <${names.join("|")}> | serve.js reattach (got: ${process.argv.slice(2).join(" ")})`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `provider double failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
