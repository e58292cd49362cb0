#!/usr/bin/env node
// mxtrust adapter (conformance/ADAPTER.md) for the JavaScript side of Matrix canonical JSON:
// npm another-json (what matrix-js-sdk signs: anotherjson.stringify of a JSON.parse'd object) and
// matrix-js-sdk's recovery-key codec (lib/crypto-api/recovery-key.js, base58 via bs58).
// Versions are pinned in package-lock.json; install with `npm ci` (ci/setup does it).
//
// Operations:
//   canonical_json       JSON.parse, then anotherjson.stringify, as a JS client does it. The text is
//                        then taken as the UTF-8 bytes a signer would see (lone surrogates become
//                        U+FFFD there). another-json has no number profiles: it prints what JSON.parse
//                        made of the number, under either profile.
//   recovery_key_decode  decodeRecoveryKey (a thrown error is a rejection)
//   recovery_key_encode  encodeRecoveryKey
// Usage: mxtrust client --adapter 'exec node conformance/adapters/another-json/adapter.mjs'
import { createRequire } from "node:module";
import anotherjson from "another-json";

const require = createRequire(import.meta.url);
const ANOTHER_JSON_VERSION = require("another-json/package.json").version;

// The recovery-key codec is optional: matrix-js-sdk is a large dependency and declares Node >= 22.
let recoveryKey = null;
let jsSdkVersion = null;
try {
  recoveryKey = await import("matrix-js-sdk/lib/crypto-api/recovery-key.js");
  jsSdkVersion = require("matrix-js-sdk/package.json").version;
} catch (e) {
  process.stderr.write(`another-json adapter: matrix-js-sdk recovery-key codec not loaded: ${e.message}\n`);
}

const utf8 = new TextDecoder("utf-8"); // non-fatal, like fetch's Response.json()

export function canonicalJson(input) {
  let text;
  if (typeof input.json_b64 === "string") {
    text = utf8.decode(Buffer.from(input.json_b64, "base64"));
  } else if (typeof input.json === "string") {
    text = input.json;
  } else {
    return { result: "error", message: "input.json: missing" };
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { result: "reject", reason: "JSON.parse", message: e.message.slice(0, 200) };
  }
  let out;
  try {
    out = String(anotherjson.stringify(value));
  } catch (e) {
    return { result: "reject", reason: "anotherjson.stringify", message: e.message.slice(0, 200) };
  }
  // What gets signed are the UTF-8 bytes of this string: lone surrogates become U+FFFD there.
  return { result: "ok", output: out.toWellFormed() };
}

export function recoveryKeyDecode(input) {
  if (typeof input.recovery_key !== "string") return { result: "error", message: "input.recovery_key: missing" };
  try {
    const key = recoveryKey.decodeRecoveryKey(input.recovery_key);
    return { result: "ok", output: Buffer.from(key).toString("hex") };
  } catch (e) {
    return { result: "reject", reason: e.message, message: e.message };
  }
}

export function recoveryKeyEncode(input) {
  if (typeof input.hex !== "string" || !/^([0-9a-fA-F]{2})*$/.test(input.hex)) {
    return { result: "error", message: "input.hex: not hex" };
  }
  const out = recoveryKey.encodeRecoveryKey(new Uint8Array(Buffer.from(input.hex, "hex")));
  if (typeof out !== "string") return { result: "error", message: "encodeRecoveryKey returned no string" };
  return { result: "ok", output: out };
}

export const OPS = { canonical_json: canonicalJson };
if (recoveryKey) {
  OPS.recovery_key_decode = recoveryKeyDecode;
  OPS.recovery_key_encode = recoveryKeyEncode;
}

function answer(msg) {
  if (msg.type === "hello") {
    const version = jsSdkVersion ? `${ANOTHER_JSON_VERSION}; matrix-js-sdk ${jsSdkVersion}` : ANOTHER_JSON_VERSION;
    return { type: "hello", protocol: 1,
      implementation: { name: "another-json", version },
      operations: Object.keys(OPS) };
  }
  if (msg.type !== "request") return null;
  const op = OPS[msg.op];
  const body = op ? op(msg.input || {}) : { unsupported: true, why: `operation ${msg.op} not implemented` };
  return { type: "response", id: msg.id, ...body };
}

function handle(line, pending) {
  if (!line) return;
  let msg;
  try { msg = JSON.parse(line); } catch (e) { process.stderr.write(`adapter: not JSON: ${e.message}\n`); return; }
  let out;
  try { out = answer(msg); } catch (e) {
    out = { type: "response", id: msg.id, result: "error", message: `adapter exception: ${e.message}` };
  }
  if (!out) { process.stderr.write(`adapter: ignoring message of type ${msg.type}\n`); return; }
  pending.push(JSON.stringify(out));
}

// Lines are split from each chunk of stdin and answered at once; the answers of a chunk go out in
// one write, before the next read (so nothing is held back while the harness waits).
function main() {
  let rest = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop();
    const pending = [];
    for (const line of lines) handle(line, pending);
    if (pending.length) process.stdout.write(pending.join("\n") + "\n");
  });
  process.stdin.on("end", () => {
    const pending = [];
    handle(rest, pending);
    if (pending.length) process.stdout.write(pending.join("\n") + "\n");
  });
}

if (import.meta.url === `file://${process.argv[1]}`) main();
