// The self-signed server certificate for go-plugin's AutoMTLS. Terraform trusts exactly the certificate the plugin
// prints in its handshake and verifies it for the name `localhost`. Generating a key pair costs tens of milliseconds
// and every Terraform command starts the plugin several times, so one certificate is cached per machine user,
// outside the provider folder (the mirror must contain only the launcher).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";

export interface ServerCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** DER bytes of the certificate, base64 without padding: the handshake's last field. */
  readonly handshakeField: string;
}

const VALIDITY_DAYS = 30;

export function certificateCacheDir(): string {
  return (
    process.env.PROVIDER_DOUBLES_CACHE_DIR ??
    join(tmpdir(), `miradore-provider-doubles-${process.getuid?.() ?? "user"}`)
  );
}

function fromPem(certPem: string, keyPem: string): ServerCertificate {
  const der = new X509Certificate(certPem).raw;
  return { certPem, keyPem, handshakeField: der.toString("base64").replace(/=+$/, "") };
}

/** The cached certificate when it is still valid for a day, else a new one. */
export async function serverCertificate(): Promise<ServerCertificate> {
  const dir = certificateCacheDir();
  // Key and certificate in one file, so parallel plugin starts can never pair one's key with another's certificate.
  const file = join(dir, "server-tls.json");
  if (existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, "utf8")) as { certPem: string; keyPem: string };
    const validTo = new Date(new X509Certificate(cached.certPem).validTo);
    if (validTo.getTime() - Date.now() > 24 * 3600 * 1000) return fromPem(cached.certPem, cached.keyPem);
  }
  const { generate } = await import("selfsigned");
  const notBefore = new Date(Date.now() - 3600 * 1000);
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: notBefore,
    notAfterDate: new Date(notBefore.getTime() + VALIDITY_DAYS * 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true, clientAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] },
    ],
  });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ certPem: pems.cert, keyPem: pems.private }), { mode: 0o600 });
  renameSync(tmp, file);
  return fromPem(pems.cert, pems.private);
}
