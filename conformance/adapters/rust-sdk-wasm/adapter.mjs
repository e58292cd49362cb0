#!/usr/bin/env node
// mxtrust adapter (conformance/ADAPTER.md) for matrix-rust-sdk's crypto crate through its
// WebAssembly bindings, npm @matrix-org/matrix-sdk-crypto-wasm (version pinned in
// package-lock.json; install with `npm ci`, which ci/setup does).
//
// Every scenario runs in a fresh in-memory OlmMachine for the vector's user and device, fed the
// vector's /keys/query response exactly as a client would after a sync (markRequestAsSent), with
// the local state the vector gives set through the public API (OwnUserIdentity.verify for a
// verified master key, Device.setLocalTrust for a device verified by hand,
// saveBackupDecryptionKey for a held backup key). The decision is then the library's own:
//   backup_trust    OlmMachine.verifyBackup(...).trusted()
//   device_trust    Device.isCrossSigningTrusted(); `root_untrusted` when it becomes trusted once
//                   the own identity is verified; a chain the library calls broken is declined
//                   (its API cannot say whether a link is missing or bad: not_signed vs tampered)
//   backup_decrypt  BackupDecryptionKey.fromBase64(...).decryptV1(ephemeral, mac, ciphertext)
//   backed_up_session  OlmMachine.importBackedUpRoomKeys of the decrypted SessionData: imported or not
//   trust_requirement  decryptRoomEvent under DecryptionSettings(TrustRequirement) of a real event
//                   from a second machine, its sender data in the vector's state (scenario.mjs)
//   shield          EncryptionInfo.shieldState(strict) of that event
//   room_key_recipient  what shareRoomKey sends a device (allDevices / identityBasedStrategy)
//   restored_session_shareable  a key restored from backup in buildRoomKeyBundle: carried or withheld
//   verification_state  the verification level the two shield modes of a scenario's event name
//   display_policy  the policy's TrustRequirement applied to a scenario's event: decrypted or refused
// A vector the API cannot express is answered `unsupported` with the reason, never guessed.
// Usage: mxtrust client --adapter 'exec node conformance/adapters/rust-sdk-wasm/adapter.mjs'
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import { STATES, build, decide, proof, release, senderFacts, shareDecision } from "./scenario.mjs";

// The package's "exports" hide its package.json: read the installed copy's.
export const VERSION = JSON.parse(readFileSync(new URL(
  "./node_modules/@matrix-org/matrix-sdk-crypto-wasm/package.json", import.meta.url))).version;

export async function init() {
  await sdk.initAsync();
}

class Unsupported extends Error {}

// An input the bindings cannot take (wasm-bindgen traps on a non-string where a string is
// expected): the vector cannot be translated, which is an adapter error, not a decision.
class BadInput extends Error {}

function str(value, what) {
  if (typeof value !== "string") throw new BadInput(`${what}: not a string`);
  return value;
}

const KEY_SECTIONS = ["device_keys", "master_keys", "self_signing_keys", "user_signing_keys"];

// A fresh machine for user_id/device_id that has seen keys_query (text) as its /keys/query answer.
export async function machineWith(userId, deviceId, keysQuery) {
  str(userId, "input.user_id");
  str(deviceId, "input.device_id");
  str(keysQuery, "input.keys_query");
  let parsed;
  try {
    parsed = JSON.parse(keysQuery);
  } catch (e) {
    throw new BadInput(`input.keys_query: ${e.message}`);
  }
  if (!parsed || typeof parsed !== "object") throw new BadInput("input.keys_query: not an object");
  let own;
  try {
    own = new sdk.UserId(userId);
  } catch (e) {
    throw new BadInput(`input.user_id: ${e.message || e}`);
  }
  // The users a client would be tracking: the viewer and every user the response names. A name
  // that is not a user ID cannot be tracked (UserId throws); it stays in the response, which the
  // library then judges as it arrives.
  const users = new Map([[userId, own]]);
  for (const section of KEY_SECTIONS) {
    const byUser = parsed[section];
    if (!byUser || typeof byUser !== "object") continue;
    for (const u of Object.keys(byUser)) {
      if (users.has(u)) continue;
      try {
        users.set(u, new sdk.UserId(u));
      } catch (e) {
        /* not a user ID: not tracked */
      }
    }
  }
  const m = await sdk.OlmMachine.initialize(own, new sdk.DeviceId(deviceId));
  await m.updateTrackedUsers([...users.values()]);
  for (const r of await m.outgoingRequests()) {
    if (r.type === sdk.RequestType.KeysUpload) {
      await m.markRequestAsSent(r.id, r.type, '{"one_time_key_counts":{}}');
    } else if (r.type === sdk.RequestType.KeysQuery) {
      // A response the library refuses as a whole (it does not deserialize) leaves the machine
      // without those keys, as a client's failed /keys/query does: the decision is then the
      // library's on that state, and the refusal is reported with it.
      try {
        await m.markRequestAsSent(r.id, r.type, keysQuery);
      } catch (e) {
        m.mxtKeysQueryRefused = String((e && e.message) || e).slice(0, 200);
      }
    }
  }
  return m;
}

// The note that says the library refused the vector's /keys/query response, if it did.
function refusalNote(m) {
  return m.mxtKeysQueryRefused ? `the library refused the /keys/query response: ${m.mxtKeysQueryRefused}` : null;
}

async function verifyOwnIdentity(m, userId) {
  const id = await m.getIdentity(new sdk.UserId(userId));
  if (!id) return false;
  await id.verify();
  return true;
}

function signatureKeyIds(authData, userId) {
  const sigs = (authData && authData.signatures && authData.signatures[userId]) || {};
  return Object.keys(sigs);
}

export async function backupTrust(inp) {
  const local = inp.local || {};
  const backup = inp.backup || {};
  str(backup.auth_data, "input.backup.auth_data");
  let authData;
  try {
    authData = JSON.parse(backup.auth_data);
  } catch (e) {
    return { result: "error", message: `input.backup.auth_data: ${e.message}` };
  }
  str(backup.algorithm, "input.backup.algorithm");
  if (!Array.isArray(local.verified_devices || [])) throw new BadInput("input.local.verified_devices: not a list");
  for (const d of local.verified_devices || []) str(d, "input.local.verified_devices[]");
  if (local.private_key) str(local.private_key.key, "input.local.private_key.key");
  if (signatureKeyIds(authData, inp.user_id).includes(`ed25519:${inp.device_id}`)) {
    throw new Unsupported("auth_data is signed by the vector's current device, whose private key the " +
      "OlmMachine cannot import (it signs with its own generated account)");
  }
  const m = await machineWith(inp.user_id, inp.device_id, inp.keys_query);
  try {
    const notes = [refusalNote(m)].filter(Boolean);
    if (local.master_verified && !(await verifyOwnIdentity(m, inp.user_id))) notes.push("no own identity to verify");
    for (const d of local.verified_devices || []) {
      const dev = await m.getDevice(new sdk.UserId(inp.user_id), new sdk.DeviceId(d));
      if (dev) await dev.setLocalTrust(sdk.LocalTrust.Verified);
      else notes.push(`verified device ${d} unknown to the machine`);
    }
    if (local.private_key) {
      let key;
      try {
        key = sdk.BackupDecryptionKey.fromBase64(local.private_key.key);
      } catch (e) {
        return { result: "error", message: `input.local.private_key.key: ${e.message || e}` };
      }
      await m.saveBackupDecryptionKey(key, "1");
      const matches = key.megolmV1PublicKey.publicKeyBase64 === authData.public_key;
      notes.push(`backup key saved (the API takes no source; source ${local.private_key.source}); ` +
        `it ${matches ? "matches" : "does not match"} auth_data.public_key; verifyBackup does not consult it`);
    }
    let sv;
    try {
      sv = await m.verifyBackup({ algorithm: backup.algorithm, auth_data: authData });
    } catch (e) {
      if (isWasmTrap(e)) throw e;
      // The library refuses to judge this backup info (e.g. auth_data without public_key): a
      // client whose check throws does not upload to the backup.
      notes.push(`verifyBackup threw: ${String((e && e.message) || e).slice(0, 200)}`);
      return { result: "untrusted", reason: "verifyBackup refused the backup info", message: notes.join("; ") };
    }
    const reason = `device:${sdk.SignatureState[sv.deviceState]} user:${sdk.SignatureState[sv.userState]}`;
    const out = { result: sv.trusted() ? "trusted" : "untrusted", reason };
    if (notes.length) out.message = notes.join("; ");
    return out;
  } finally {
    release(m);
  }
}

async function crossSigningTrusted(m, userId, deviceId) {
  const dev = await m.getDevice(new sdk.UserId(userId), new sdk.DeviceId(deviceId));
  if (!dev) return null;
  return { trusted: dev.isCrossSigningTrusted(), byOwner: dev.isCrossSignedByOwner() };
}

export async function deviceTrust(inp) {
  const target = inp.target || {};
  str(target.user_id, "input.target.user_id");
  str(target.device_id, "input.target.device_id");
  try {
    new sdk.UserId(target.user_id).free();
  } catch (e) {
    throw new BadInput(`input.target.user_id: ${e.message || e}`);
  }
  if (target.user_id === inp.user_id && target.device_id === inp.device_id) {
    throw new Unsupported("the target is the viewer's own device, whose keys are the OlmMachine's generated ones");
  }
  const masterVerified = !!(inp.local || {}).master_verified;
  const m = await machineWith(inp.user_id, inp.device_id, inp.keys_query);
  try {
    if (masterVerified) await verifyOwnIdentity(m, inp.user_id);
    const first = await crossSigningTrusted(m, target.user_id, target.device_id);
    if (!first) {
      throw new Unsupported("the library keeps no device for the target (its device keys were refused or absent" +
        (refusalNote(m) ? `; ${refusalNote(m)}` : "") + ")");
    }
    const facts = [`isCrossSignedByOwner=${first.byOwner}`, refusalNote(m)].filter(Boolean).join("; ");
    if (first.trusted) return { result: "trusted", reason: "isCrossSigningTrusted", message: facts };
    if (!masterVerified && (await verifyOwnIdentity(m, inp.user_id))) {
      const again = await crossSigningTrusted(m, target.user_id, target.device_id);
      if (again && again.trusted) {
        return { result: "root_untrusted", reason: "trusted once the own identity is verified", message: facts };
      }
    }
    throw new Unsupported(`the library calls the chain broken (not cross-signing trusted, ${facts}); ` +
      "its API does not say whether a link is missing or bad (not_signed vs tampered)");
  } finally {
    release(m);
  }
}

export function backupDecrypt(inp) {
  str(inp.session_data, "input.session_data");
  let sd;
  try {
    sd = JSON.parse(inp.session_data);
  } catch (e) {
    return { result: "error", message: `input.session_data: ${e.message}` };
  }
  // decryptV1 takes three strings: session_data without one of them cannot be decrypted at all
  for (const member of ["ephemeral", "mac", "ciphertext"]) {
    if (typeof (sd && sd[member]) !== "string") {
      return { result: "reject", reason: `session_data.${member} is not a string`,
        message: "decryptV1(ephemeral, mac, ciphertext) cannot be called: the key is not decrypted" };
    }
  }
  let key;
  try {
    key = sdk.BackupDecryptionKey.fromBase64(str(inp.private_key, "input.private_key"));
  } catch (e) {
    return { result: "reject", reason: "BackupDecryptionKey.fromBase64", message: String(e.message || e) };
  }
  try {
    return { result: "ok", output: key.decryptV1(sd.ephemeral, sd.mac, sd.ciphertext) };
  } catch (e) {
    const msg = String(e.message || e);
    return { result: "reject", reason: msg, message: msg };
  } finally {
    key.free();
  }
}

// The session ID a backup names a key by (its path rooms/{roomId}/sessions/{sessionId}) is not
// part of the vector; the library stores the key under the ID derived from the key itself, so a
// placeholder stands in.
const BACKUP_ROOM = "!backup:example.org";
const BACKUP_SESSION_ID = "mxtrust-session";

export async function backedUpSession(inp) {
  str(inp.json, "input.json");
  let data;
  try {
    data = JSON.parse(inp.json);
  } catch (e) {
    return { result: "error", message: `input.json: ${e.message}` };
  }
  const m = await sdk.OlmMachine.initialize(new sdk.UserId("@mxtrust:example.org"), new sdk.DeviceId("MXTRUST"));
  try {
    const keys = new Map([[new sdk.RoomId(BACKUP_ROOM), new Map([[BACKUP_SESSION_ID, data]])]]);
    const r = await m.importBackedUpRoomKeys(keys, () => {}, "1");
    const counts = `importedCount=${r.importedCount} totalCount=${r.totalCount}`;
    return { result: r.importedCount === 1 ? "ok" : "reject", reason: counts };
  } finally {
    release(m);
  }
}

// trust_requirement: the receiver's decision on a real Megolm event whose sender data is in the
// vector's state (scenario.mjs builds it with two machines; one scenario per state and process).
const REQUIREMENTS = {
  show_all: sdk.TrustRequirement.Untrusted,
  cross_signed_or_legacy: sdk.TrustRequirement.CrossSignedOrLegacy,
  cross_signed: sdk.TrustRequirement.CrossSigned,
};
const REFUSALS = new Set([sdk.DecryptionErrorCode.UnknownSenderDevice, sdk.DecryptionErrorCode.UnsignedSenderDevice,
  sdk.DecryptionErrorCode.SenderIdentityVerificationViolation, sdk.DecryptionErrorCode.MismatchedSender]);
const scenarios = new Map();

async function scenarioFor(state) {
  if (!STATES.includes(state)) throw new BadInput(`input.state: unknown state ${state}`);
  if (!scenarios.has(state)) {
    scenarios.set(state, (async () => {
      const sc = await build(state);
      sc.miss = await proof(sc);
      return sc;
    })());
  }
  const sc = await scenarios.get(state);
  if (sc.miss) {
    throw new Unsupported(`the scenario for ${state} does not reach it in this library (receiver sees: ${sc.miss})` +
      (state === "missing_device" ? "; the room-key message carries the sender's device keys (sender_device_keys)" : ""));
  }
  return sc;
}

export async function trustRequirement(inp) {
  const requirement = REQUIREMENTS[str(inp.policy, "input.policy")];
  if (requirement === undefined) {
    throw new Unsupported(`policy ${inp.policy}: TrustRequirement has no such variant (Untrusted, CrossSignedOrLegacy, CrossSigned)`);
  }
  const state = str(inp.state, "input.state");
  if (inp.legacy_session !== undefined && typeof inp.legacy_session !== "boolean") {
    throw new BadInput("input.legacy_session: not a boolean");
  }
  if (inp.legacy_session === true && state !== "insecure_source") {
    throw new Unsupported("a legacy session (received before sender data was tracked) cannot be created through the public API");
  }
  if (inp.legacy_session !== true && state === "insecure_source") {
    throw new Unsupported("an insecure source is reached here by importing the key, and an imported session is a legacy session");
  }
  const sc = await scenarioFor(state);
  const d = await decide(sc, requirement);
  if (d.decrypted) return { result: "decrypt", reason: `shield ${sdk.ShieldStateCode[d.shield.code] ?? "none"}` };
  if (REFUSALS.has(d.code)) return { result: "refuse", reason: sdk.DecryptionErrorCode[d.code] };
  return { result: "error", message: `the scenario's event did not decrypt: ${sdk.DecryptionErrorCode[d.code]} ${d.description}` };
}

// shield: EncryptionInfo.shieldState(strict) of the decrypted event of the state's scenario.
const COLORS = { [sdk.ShieldColor.None]: "none", [sdk.ShieldColor.Grey]: "grey", [sdk.ShieldColor.Red]: "red" };

export async function shield(inp) {
  const mode = str(inp.mode, "input.mode");
  if (mode !== "strict" && mode !== "lax") throw new BadInput(`input.mode: ${mode}`);
  const sc = await scenarioFor(str(inp.state, "input.state"));
  const d = await decide(sc, sdk.TrustRequirement.Untrusted);
  if (!d.decrypted) return { result: "error", message: `the scenario's event did not decrypt: ${sdk.DecryptionErrorCode[d.code]}` };
  const sh = mode === "strict" ? d.shield : d.laxShield;
  const out = { result: COLORS[sh.color] };
  if (sh.code !== undefined) {
    // the library's code in the vectors' spelling (UnverifiedIdentity -> UNVERIFIED_IDENTITY)
    out.reason = sdk.ShieldStateCode[sh.code].replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
    out.message = sh.message;
  }
  return out;
}

// verification_state: the sender data kind is set up as a scenario (its premise checked on the
// receiver's own view), then the library's verification state is read from the decrypted
// event's two shield modes: strict tells verified from not, lax names the level of the rest.
const KINDS = {
  device_info: { state: "unsigned_device", holds: (f) => f.device && !f.crossSigned && !f.identity },
  sender_unverified: { state: "unverified_identity", holds: (f) => f.identity && !f.verified && !f.violation && f.crossSigned },
  sender_verified: { state: "verified", holds: (f) => f.verified && f.trusted },
  verification_violation: { state: "verification_violation", holds: (f) => f.violation },
  unknown_device: { state: "missing_device", holds: (f) => !f.device },
};
const LAX_STATES = {
  [sdk.ShieldStateCode.AuthenticityNotGuaranteed]: "insecure_source",
  [sdk.ShieldStateCode.UnknownDevice]: "missing_device",
  [sdk.ShieldStateCode.UnsignedDevice]: "unsigned_device",
  [sdk.ShieldStateCode.VerificationViolation]: "verification_violation",
  [sdk.ShieldStateCode.MismatchedSender]: "mismatched_sender",
};
const variants = new Map();

// The checked scenario for a sender-data class (from a vector's sender_data), delivered by import
// or over Olm, the event from the session's owner or another user; declines unbuildable premises.
async function senderDataScenario(sd, imported, senderMatches) {
  if (!sd || typeof sd !== "object") throw new BadInput("input.sender_data: not an object");
  const kind = KINDS[str(sd.kind, "input.sender_data.kind")];
  if (!kind) throw new BadInput(`input.sender_data.kind: unknown kind ${sd.kind}`);
  for (const f of ["legacy_session", "owner_check_failed"]) {
    if (typeof sd[f] !== "boolean") throw new BadInput(`input.sender_data.${f}: not a boolean`);
  }
  if (sd.owner_check_failed) throw new Unsupported("a failed owner check cannot be produced through the public API");
  if (imported !== (sd.kind === "unknown_device") || imported !== sd.legacy_session) {
    throw new Unsupported("this premise cannot be built: an imported session (importExportedRoomKeys) is treated " +
      "as a legacy session of unknown origin (decrypted under CrossSignedOrLegacy, shield AuthenticityNotGuaranteed), " +
      "and a session received over Olm never is one (the room-key message carries the sender's device keys)");
  }
  const key = `${sd.kind}/${imported}/${senderMatches}`;
  if (!variants.has(key)) {
    variants.set(key, (async () => {
      const sc = await build(kind.state, { imported, otherSender: !senderMatches });
      const f = await senderFacts(sc);
      sc.miss = kind.holds(f) ? null : `receiver sees ${JSON.stringify(f)}`;
      return sc;
    })());
  }
  const sc = await variants.get(key);
  if (sc.miss) throw new Unsupported(`the scenario for sender data ${sd.kind} does not reach it (${sc.miss})`);
  return sc;
}

export async function verificationState(inp) {
  for (const f of ["imported", "sender_matches"]) {
    if (typeof inp[f] !== "boolean") throw new BadInput(`input.${f}: not a boolean`);
  }
  const sc = await senderDataScenario(inp.sender_data, inp.imported, inp.sender_matches);
  const d = await decide(sc, sdk.TrustRequirement.Untrusted);
  if (!d.decrypted) return { result: "error", message: `the scenario's event did not decrypt: ${sdk.DecryptionErrorCode[d.code]}` };
  const strict = d.shield.code === undefined ? "none" : sdk.ShieldStateCode[d.shield.code];
  const lax = d.laxShield.code === undefined ? "none" : sdk.ShieldStateCode[d.laxShield.code];
  const reason = `strict ${strict}, lax ${lax}`;
  if (d.shield.color === sdk.ShieldColor.None) return { result: "verified", reason };
  if (d.laxShield.code === undefined) return { result: "unverified_identity", reason };
  const state = LAX_STATES[d.laxShield.code];
  return state ? { result: state, reason } : { result: "error", message: `unknown shield code: ${reason}` };
}

// display_policy: the policy as a TrustRequirement, applied by decryptRoomEvent to the event of the
// sender-data class's scenario (the key delivered by import exactly when the class is a legacy one).
export async function displayPolicy(inp) {
  const requirement = REQUIREMENTS[str(inp.policy, "input.policy")];
  if (requirement === undefined) {
    throw new Unsupported(`policy ${inp.policy}: TrustRequirement has no such variant (Untrusted, CrossSignedOrLegacy, CrossSigned)`);
  }
  const sd = inp.sender_data;
  const sc = await senderDataScenario(sd, !!(sd && sd.legacy_session === true), true);
  const d = await decide(sc, requirement);
  if (d.decrypted) return { result: "show", reason: "decrypted" };
  if (REFUSALS.has(d.code)) return { result: "hide", reason: sdk.DecryptionErrorCode[d.code] };
  return { result: "error", message: `the scenario's event did not decrypt: ${sdk.DecryptionErrorCode[d.code]} ${d.description}` };
}

// restored_session_shareable: import the decrypted SessionData from backup (as backed_up_session),
// then OlmMachine.buildRoomKeyBundle for the room (the history-sharing bundle): the session among
// its room_keys is `shareable`, among its withheld entries `not_shareable`.
export async function restoredSessionShareable(inp) {
  str(inp.json, "input.json");
  let data;
  try {
    data = JSON.parse(inp.json);
  } catch (e) {
    return { result: "error", message: `input.json: ${e.message}` };
  }
  const m = await sdk.OlmMachine.initialize(new sdk.UserId("@mxtrust:example.org"), new sdk.DeviceId("MXTRUST"));
  try {
    const keys = new Map([[new sdk.RoomId(BACKUP_ROOM), new Map([[BACKUP_SESSION_ID, data]])]]);
    const r = await m.importBackedUpRoomKeys(keys, () => {}, "1");
    if (r.importedCount !== 1) return { result: "reject", reason: `importedCount=${r.importedCount} totalCount=${r.totalCount}` };
    const bundle = await m.buildRoomKeyBundle(new sdk.RoomId(BACKUP_ROOM));
    if (!bundle) return { result: "error", message: "buildRoomKeyBundle built no bundle for the imported session" };
    const content = JSON.parse(new TextDecoder().decode(sdk.Attachment.decrypt(bundle)));
    if ((content.room_keys || []).length) return { result: "shareable", reason: "in the bundle's room_keys" };
    const w = (content.withheld || [])[0];
    if (w) return { result: "not_shareable", reason: String(w.code), message: String(w.reason) };
    return { result: "error", message: "the bundle neither carries nor withholds the session" };
  } finally {
    release(m);
  }
}

// room_key_recipient: what OlmMachine.shareRoomKey sends the receiver's device, with
// CollectStrategy.allDevices() or, excluding insecure devices, identityBasedStrategy().
export async function roomKeyRecipient(inp) {
  const flags = {};
  for (const f of ["has_identity_keys", "cross_signed", "exclude_insecure_devices"]) {
    if (typeof inp[f] !== "boolean") throw new BadInput(`input.${f}: not a boolean`);
    flags[f] = inp[f];
  }
  const r = await shareDecision({ hasIdentityKeys: flags.has_identity_keys, crossSigned: flags.cross_signed,
    excludeInsecure: flags.exclude_insecure_devices });
  const facts = `device ${r.known ? (r.crossSignedByOwner ? "known, cross-signed by its owner" : "known, not cross-signed") : "not stored by the sender"}`;
  const key = r.sent.find((m) => m.type === "m.room.encrypted");
  if (key) return { result: "share", message: facts };
  const withheld = r.sent.find((m) => m.type === "m.room_key.withheld");
  if (withheld) return { result: "withhold", reason: String(withheld.content.code), message: facts };
  return { result: "not_a_recipient", message: facts };
}

export const OPS = {
  backup_trust: backupTrust,
  device_trust: deviceTrust,
  backup_decrypt: backupDecrypt,
  backed_up_session: backedUpSession,
  trust_requirement: trustRequirement,
  shield,
  room_key_recipient: roomKeyRecipient,
  restored_session_shareable: restoredSessionShareable,
  verification_state: verificationState,
  display_policy: displayPolicy,
};

async function answer(msg) {
  if (msg.type === "hello") {
    return { type: "hello", protocol: 1,
      implementation: { name: "matrix-sdk-crypto-wasm", version: VERSION },
      operations: Object.keys(OPS) };
  }
  if (msg.type !== "request") return null;
  const op = OPS[msg.op];
  let body;
  if (!op) {
    body = { unsupported: true, why: `operation ${msg.op} not implemented` };
  } else {
    try {
      body = await op(msg.input || {});
    } catch (e) {
      if (isWasmTrap(e)) libraryAborted(e); // never returns: the module is unusable after a trap
      body = e instanceof Unsupported ? { unsupported: true, why: e.message }
        : e instanceof BadInput ? { result: "error", message: e.message }
          : { result: "error", message: `exception: ${String((e && e.message) || e).slice(0, 300)}` };
    }
  }
  return { type: "response", id: msg.id, ...body };
}

// One request at a time (the WebAssembly module is single-threaded anyway), each answer written
// as soon as it is ready: a scenario takes milliseconds, so holding answers back would only delay
// the harness (and, behind a full window, run into its timeout).
// A Rust panic inside the WebAssembly module (wasm-bindgen's panic hook logs it with console.error,
// then the module traps with RuntimeError: unreachable, either as a rejected promise the adapter
// awaits or thrown outside any of them) leaves the module unusable (later calls find its values
// still borrowed): the process ends with status 70, its last stderr line naming the panic, so
// the harness's failure report says it was the library, not the adapter.
let lastPanic = null;
function isWasmTrap(e) {
  return e instanceof WebAssembly.RuntimeError;
}
function libraryAborted(e) {
  process.stderr.write(String((e && e.stack) || e) + "\n");
  process.stderr.write(`adapter: the library aborted (WebAssembly trap${lastPanic ? `, Rust ${lastPanic}` : ""})\n`);
  process.exit(70);
}
function watchPanics() {
  const consoleError = console.error;
  console.error = (...args) => {
    const text = args.map(String).join(" ");
    if (text.startsWith("panicked at")) lastPanic = text.split("\n").slice(0, 2).join(" ").slice(0, 300);
    consoleError(...args);
  };
  process.on("uncaughtException", (e) => {
    if (isWasmTrap(e)) libraryAborted(e);
    process.stderr.write(String((e && e.stack) || e) + "\n");
    process.stderr.write(`adapter: uncaught exception in the adapter: ${String((e && e.message) || e).slice(0, 300)}\n`);
    process.exit(1);
  });
}

async function main() {
  watchPanics();
  await init();
  const queue = [];
  let busy = false;
  let closed = false;
  async function drain() {
    busy = true;
    while (queue.length) {
      const line = queue.shift();
      let msg;
      try { msg = JSON.parse(line); } catch (e) { process.stderr.write(`adapter: not JSON: ${e.message}\n`); continue; }
      const reply = await answer(msg);
      if (reply) process.stdout.write(JSON.stringify(reply) + "\n");
      else process.stderr.write(`adapter: ignoring message of type ${msg.type}\n`);
    }
    busy = false;
    if (closed) process.exit(0);
  }
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on("line", (line) => { queue.push(line); if (!busy) drain(); });
  rl.on("close", () => { closed = true; if (!busy) process.exit(0); });
}

if (import.meta.url === `file://${process.argv[1]}`) main();
