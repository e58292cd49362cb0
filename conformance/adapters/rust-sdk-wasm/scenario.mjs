// Two OlmMachines exchanging a real Megolm session, with the plumbing a homeserver would do done by
// hand: key uploads are captured and served back as /keys/query and /keys/claim answers, the
// room key travels as an Olm-encrypted to-device event, the message as a Megolm event. Used by
// adapter.mjs for `trust_requirement`: the receiver's verdict on that event under each
// TrustRequirement is the library's decision.
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";

const SENDER = "@bob:example.org";
const SENDER_DEVICE = "BOBDEVICE";
const RECEIVER = "@alice:example.org";
const RECEIVER_DEVICE = "ALICEDEVICE";
const OTHER = "@mallory:example.org";
const ROOM = "!room:example.org";

const uid = (u) => new sdk.UserId(u);

// Closing a machine must not turn a decision already made into an error.
export function release(m) {
  try {
    m.close();
  } catch (e) {
    process.stderr.write(`adapter: OlmMachine.close: ${e.message || e}\n`);
  }
}
const did = (d) => new sdk.DeviceId(d);

// Answers the machine's pending requests: KeysUpload (captured, returned), KeysQuery (answered
// with `query`, or an empty answer), anything else as sent with an empty body.
async function serve(m, query) {
  let upload = null;
  for (const r of await m.outgoingRequests()) {
    if (r.type === sdk.RequestType.KeysUpload) {
      upload = JSON.parse(r.body);
      const n = Object.keys(upload.one_time_keys || {}).length;
      await m.markRequestAsSent(r.id, r.type, JSON.stringify({ one_time_key_counts: { signed_curve25519: n } }));
    } else if (r.type === sdk.RequestType.KeysQuery) {
      await m.markRequestAsSent(r.id, r.type, JSON.stringify(query || { device_keys: {} }));
    } else {
      await m.markRequestAsSent(r.id, r.type, "{}");
    }
  }
  return upload;
}

// Cross-signing for a machine: its keys, and its device keys with the self-signing signature.
async function crossSign(m, userId, deviceKeys) {
  const b = await m.bootstrapCrossSigning(true);
  const keys = JSON.parse(b.uploadSigningKeysRequest.body);
  const sigs = JSON.parse(b.uploadSignaturesRequest.body);
  const signed = JSON.parse(JSON.stringify(deviceKeys));
  const dev = (sigs[userId] || {})[deviceKeys.device_id];
  if (dev) Object.assign(signed.signatures[userId], dev.signatures[userId]);
  return { master: keys.master_key, selfSigning: keys.self_signing_key, userSigning: keys.user_signing_key, device: signed };
}

function keysQuery(entries) {
  const q = { device_keys: {}, master_keys: {}, self_signing_keys: {}, user_signing_keys: {}, failures: {} };
  for (const e of entries) {
    q.device_keys[e.user] = Object.fromEntries(e.devices.map((d) => [d.device_id, d]));
    if (e.master) q.master_keys[e.user] = e.master;
    if (e.selfSigning) q.self_signing_keys[e.user] = e.selfSigning;
    if (e.userSigning) q.user_signing_keys[e.user] = e.userSigning;
  }
  return q;
}

// The states a scenario is built for. Whether it got there is checked on the receiver's own view
// (proof below), never assumed.
export const STATES = ["verified", "verification_violation", "unverified_identity", "unsigned_device",
  "missing_device", "insecure_source", "mismatched_sender"];

// Builds the receiver machine and an encrypted event whose sender data is in `state`. `opts` can
// deliver the key by import instead of Olm (`imported`) and have the event claim another sender
// (`otherSender`) on top of the identity setup of any state.
export async function build(state, opts = {}) {
  const imported = opts.imported ?? state === "insecure_source";
  const otherSender = opts.otherSender ?? state === "mismatched_sender";
  if (!STATES.includes(state)) throw new Error(`no scenario for state ${state}`);
  const S = await sdk.OlmMachine.initialize(uid(SENDER), did(SENDER_DEVICE));
  const R = await sdk.OlmMachine.initialize(uid(RECEIVER), did(RECEIVER_DEVICE));
  const sUp = await serve(S);
  const rUp = await serve(R);
  const senderCrossSigned = state !== "unsigned_device";
  let sKeys = { device: sUp.device_keys };
  if (senderCrossSigned) sKeys = await crossSign(S, SENDER, sUp.device_keys);
  await serve(S);

  // The receiver's own cross-signing (needed to verify the sender).
  let rKeys = { device: rUp.device_keys };
  const verifies = state === "verified" || state === "verification_violation";
  if (verifies) {
    rKeys = await crossSign(R, RECEIVER, rUp.device_keys);
    await serve(R);
  }
  const own = { user: RECEIVER, devices: [rKeys.device], master: rKeys.master,
    selfSigning: rKeys.selfSigning, userSigning: rKeys.userSigning };
  const sender = { user: SENDER, devices: [sKeys.device], master: sKeys.master, selfSigning: sKeys.selfSigning };

  // The receiver learns the sender's keys (unless the device is to stay unknown).
  if (state !== "missing_device") {
    await R.updateTrackedUsers([uid(SENDER)]);
    await serve(R, keysQuery([own, sender]));
    if (verifies) {
      const id = await R.getIdentity(uid(SENDER));
      const up = JSON.parse((await id.verify()).body);
      const signedMaster = up[SENDER][Object.values(sKeys.master.keys)[0]];
      sender.master = { ...sKeys.master, signatures: { ...sKeys.master.signatures, ...signedMaster.signatures } };
      await R.markAllTrackedUsersAsDirty();
      await serve(R, keysQuery([own, sender]));
    }
    if (state === "verification_violation") {
      // the sender resets cross-signing after the receiver verified the old identity
      const again = await crossSign(S, SENDER, sUp.device_keys);
      await serve(S);
      Object.assign(sender, { devices: [again.device], master: again.master, selfSigning: again.selfSigning });
      await R.markAllTrackedUsersAsDirty();
      await serve(R, keysQuery([own, sender]));
    }
  }

  // The sender learns the receiver's device, claims a one-time key, shares the room key.
  await S.updateTrackedUsers([uid(RECEIVER)]);
  await serve(S, keysQuery([{ user: RECEIVER, devices: [rUp.device_keys] }]));
  const claim = await S.getMissingSessions([uid(RECEIVER)]);
  if (claim) {
    const [otkId, otk] = Object.entries(rUp.one_time_keys)[0];
    await S.markRequestAsSent(claim.id, claim.type, JSON.stringify({
      one_time_keys: { [RECEIVER]: { [RECEIVER_DEVICE]: { [otkId]: otk } } }, failures: {} }));
  }
  const settings = new sdk.EncryptionSettings();
  settings.sharingStrategy = sdk.CollectStrategy.allDevices();
  const toDevice = await S.shareRoomKey(new sdk.RoomId(ROOM), [uid(RECEIVER)], settings);
  const content = await S.encryptRoomEvent(new sdk.RoomId(ROOM), "m.room.message",
    JSON.stringify({ msgtype: "m.text", body: "mxtrust" }));

  if (imported) {
    await R.importExportedRoomKeys(await S.exportRoomKeys(() => true), () => {});
  } else {
    const events = [];
    for (const req of toDevice) {
      const body = JSON.parse(req.body);
      const msg = ((body.messages || {})[RECEIVER] || {})[RECEIVER_DEVICE];
      if (msg) events.push({ sender: SENDER, type: req.event_type, content: msg });
    }
    if (!events.length) throw new Error("the sender shared no room key with the receiver");
    await R.receiveSyncChanges(JSON.stringify(events), new sdk.DeviceLists(), new Map(), new Set());
  }
  release(S);
  const event = JSON.stringify({ event_id: "$mxtrust", origin_server_ts: 1, room_id: ROOM,
    sender: otherSender ? OTHER : SENDER, type: "m.room.encrypted", content: JSON.parse(content) });
  return { R, state, event, room: new sdk.RoomId(ROOM) };
}

// What the receiver knows of the sender (its own view, through the public API).
export async function senderFacts(sc) {
  const id = await sc.R.getIdentity(uid(SENDER));
  const dev = await sc.R.getDevice(uid(SENDER), did(SENDER_DEVICE));
  return {
    identity: !!id, verified: !!id && id.isVerified(), violation: !!id && id.hasVerificationViolation(),
    device: !!dev, crossSigned: !!dev && dev.isCrossSignedByOwner(), trusted: !!dev && dev.isCrossSigningTrusted(),
  };
}

// Does the receiver see the state the scenario was built for? null if so, else what it sees.
export async function proof(sc) {
  const id = await sc.R.getIdentity(uid(SENDER));
  const dev = await sc.R.getDevice(uid(SENDER), did(SENDER_DEVICE));
  const facts = `identity=${id ? (id.isVerified() ? "verified" : "unverified") : "none"}` +
    `${id && id.hasVerificationViolation() ? "+violation" : ""} device=${dev ? "known" : "unknown"}` +
    `${dev ? (dev.isCrossSignedByOwner() ? "+cross-signed" : "+not-cross-signed") : ""}`;
  const open = await decide(sc, sdk.TrustRequirement.Untrusted);
  const shield = open.decrypted ? sdk.ShieldStateCode[open.shield.code] : `undecryptable(${sdk.DecryptionErrorCode[open.code]})`;
  const ok = {
    verified: () => id && id.isVerified() && dev && dev.isCrossSigningTrusted(),
    verification_violation: () => id && id.hasVerificationViolation(),
    unverified_identity: () => id && !id.isVerified() && !id.hasVerificationViolation() && dev && dev.isCrossSignedByOwner(),
    unsigned_device: () => dev && !dev.isCrossSignedByOwner(),
    missing_device: () => open.decrypted && open.shield.code === sdk.ShieldStateCode.UnknownDevice,
    insecure_source: () => open.decrypted && open.shield.code === sdk.ShieldStateCode.AuthenticityNotGuaranteed,
    mismatched_sender: () => open.decrypted && open.shield.code === sdk.ShieldStateCode.MismatchedSender,
  }[sc.state]();
  return ok ? null : `${facts}, shield ${shield}`;
}

// The receiver's decision on the event under `requirement`.
export async function decide(sc, requirement) {
  try {
    const d = await sc.R.decryptRoomEvent(sc.event, sc.room, new sdk.DecryptionSettings(requirement));
    return { decrypted: true, shield: d.shieldState(true), laxShield: d.shieldState(false) };
  } catch (e) {
    if (e && typeof e.code === "number") return { decrypted: false, code: e.code, description: e.description };
    throw e;
  }
}

// Room-key recipients: does the sender share with, withhold from or skip the receiver's device?
// `hasIdentityKeys` false serves the receiver's device without its keys; `crossSigned` has the
// receiver sign its device with its own cross-signing keys before the sender queries them.
export async function shareDecision({ hasIdentityKeys, crossSigned, excludeInsecure }) {
  const S = await sdk.OlmMachine.initialize(uid(SENDER), did(SENDER_DEVICE));
  const R = await sdk.OlmMachine.initialize(uid(RECEIVER), did(RECEIVER_DEVICE));
  try {
    // the sender is a cross-signed client (the identity-based strategy requires it)
    const sUp = await serve(S);
    await crossSign(S, SENDER, sUp.device_keys);
    await serve(S);
    const rUp = await serve(R);
    let rKeys = { device: rUp.device_keys };
    if (crossSigned) rKeys = await crossSign(R, RECEIVER, rUp.device_keys);
    const device = JSON.parse(JSON.stringify(rKeys.device));
    if (!hasIdentityKeys) device.keys = {};
    await S.updateTrackedUsers([uid(RECEIVER)]);
    await serve(S, keysQuery([{ user: RECEIVER, devices: [device], master: rKeys.master, selfSigning: rKeys.selfSigning }]));
    const known = await S.getDevice(uid(RECEIVER), did(RECEIVER_DEVICE));
    const claim = await S.getMissingSessions([uid(RECEIVER)]);
    if (claim) {
      const [otkId, otk] = Object.entries(rUp.one_time_keys)[0];
      await S.markRequestAsSent(claim.id, claim.type, JSON.stringify({
        one_time_keys: { [RECEIVER]: { [RECEIVER_DEVICE]: { [otkId]: otk } } }, failures: {} }));
    }
    const settings = new sdk.EncryptionSettings();
    settings.sharingStrategy = excludeInsecure ? sdk.CollectStrategy.identityBasedStrategy() : sdk.CollectStrategy.allDevices();
    const sent = [];
    for (const req of await S.shareRoomKey(new sdk.RoomId(ROOM), [uid(RECEIVER)], settings)) {
      const msg = ((JSON.parse(req.body).messages || {})[RECEIVER] || {})[RECEIVER_DEVICE];
      if (msg) sent.push({ type: req.event_type, content: msg });
    }
    return { known: !!known, crossSignedByOwner: !!known && known.isCrossSignedByOwner(), sent };
  } finally {
    release(S);
    release(R);
  }
}
