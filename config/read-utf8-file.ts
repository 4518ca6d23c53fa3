import { readFileSync } from "node:fs";
import { ConfigError } from "./config-error";

/**
 * Configuration files are UTF-8 (YAML 1.2 allows UTF-16 and UTF-32 too, but every tool here, the workflows' and the
 * reviewers' included, reads UTF-8). Anything else is refused with the reason, before it is parsed: read as UTF-8,
 * a UTF-16 file becomes text full of NUL characters and invalid bytes silently become U+FFFD, so a display name or an
 * id would be synthesized wrong instead of refused.
 */

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Byte order marks of the encodings YAML allows besides UTF-8, longest first. */
const OTHER_BOMS: readonly { readonly bytes: readonly number[]; readonly encoding: string }[] = [
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: "UTF-32 (big-endian)" },
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: "UTF-32 (little-endian)" },
  { bytes: [0xfe, 0xff], encoding: "UTF-16 (big-endian)" },
  { bytes: [0xff, 0xfe], encoding: "UTF-16 (little-endian)" },
];

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((byte, i) => bytes[i] === byte);

/** The 1-based line of byte `offset`. */
function lineOf(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** The first line that is not valid UTF-8 (0x0A never occurs inside a multi-byte sequence, so lines split cleanly). */
function firstInvalidLine(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end === -1 ? bytes.length : end;
    try {
      decoder.decode(bytes.subarray(start, stop));
    } catch {
      return line;
    }
    start = stop + 1;
  }
  return 1;
}

/** `bytes` as text, or a ConfigError naming `source` and why it is not UTF-8 text. */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  const refuse = (why: string): never => {
    throw new ConfigError(source, [
      `${source} ${why}, but must be UTF-8 text: save it as UTF-8 (without other encodings)`,
    ]);
  };
  const other = OTHER_BOMS.find((bom) => startsWith(bytes, bom.bytes));
  if (other) refuse(`is ${other.encoding} (it starts with that encoding's byte order mark)`);
  const nul = bytes.indexOf(0x00);
  if (nul !== -1) {
    refuse(
      `contains a NUL byte (line ${lineOf(bytes, nul)}), as UTF-16 text without a byte order mark does, or a binary file`,
    );
  }
  const body = startsWith(bytes, UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return refuse(
      `has bytes on line ${firstInvalidLine(body)} that are not valid UTF-8 (an editor may have saved it as Latin-1 or Windows-1252)`,
    );
  }
}

/** Reads a configuration file as UTF-8 text; a ConfigError when it cannot be read or is not UTF-8. */
export function readUtf8File(path: string, what = "the configuration file"): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ConfigError(path, [`${what} ${path} cannot be read (${(error as Error).message})`]);
  }
  return decodeUtf8(bytes, path);
}
