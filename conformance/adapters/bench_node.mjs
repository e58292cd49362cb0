// Shared by the Node adapters' bench.mjs: direct calls of an
// adapter's operation functions against requests/s through `mxtrust client`.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function args(defaults) {
  const a = process.argv.slice(2);
  const o = { ...defaults, mxtrust: null };
  for (let i = 0; i < a.length; i++) {
    if (a[i] === "--family") o.family = a[++i];
    else if (a[i] === "--copies") o.copies = Number(a[++i]);
    else if (a[i] === "--rounds") o.rounds = Number(a[++i]);
    else if (!o.mxtrust) o.mxtrust = a[i];
    else throw new Error(`unknown argument ${a[i]}`);
  }
  if (!o.mxtrust) throw new Error("usage: bench.mjs MXTRUST [--family F] [--copies K] [--rounds N]");
  return o;
}

export async function runBench({ adapterUrl, ops, defaults }) {
  const o = args(defaults);
  const doc = JSON.parse(readFileSync(join(REPO, "vectors", `${o.family}.json`), "utf8"));
  const mine = doc.vectors.filter((v) => ops[v.op]);
  if (!mine.length) throw new Error(`no vector of ${o.family} uses an operation of this adapter`);
  const n = mine.length * o.copies;

  // direct: the same function the adapter calls for each request, awaited one at a time
  async function directRound() {
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    for (let k = 0; k < o.copies; k++) {
      for (const v of mine) {
        try { await ops[v.op](v.input); } catch { /* declined vectors throw */ }
      }
    }
    const cpu = process.cpuUsage(c);
    return [n / (Number(process.hrtime.bigint() - t) / 1e9), n / ((cpu.user + cpu.system) / 1e6)];
  }

  // protocol: the family repeated, ids renamed (the loader wants them unique)
  const tmp = mkdtempSync(join(tmpdir(), "mxt-node-bench-"));
  const direct = [];
  const proto = [];
  const startup = [];
  const directCpu = [];
  const protoCpu = [];
  const startupCpu = [];
  try {
    for (let k = 0; k < o.copies; k++) {
      writeFileSync(join(tmp, `${o.family}.r${k}.json`), JSON.stringify({ ...doc,
        vectors: doc.vectors.map((v) => ({ ...v, id: `${v.id}.r${k}` })),
        count: doc.vectors.length }));
    }
    const adapter = `exec node ${relative(REPO, fileURLToPath(adapterUrl))}`;
    // /usr/bin/time gives the CPU time of the client and the adapter it reaps (the machine is
    // shared: CPU rates stay comparable when its load drifts, wall-clock rates do not)
    const client = (dir) => {
      const timeFile = join(tmp, "time.out");
      try {
        execFileSync("/usr/bin/time", ["-o", timeFile, "-f", "%U %S", resolve(o.mxtrust), "client",
          "--adapter", adapter, "--vectors", dir, "--quiet", "--json", join(tmp, "report.out")],
        { cwd: REPO, stdio: ["ignore", "ignore", "inherit"] });
      } catch { /* exit 1 = the library does not conform: expected, the report is written */ }
      const rep = JSON.parse(readFileSync(join(tmp, "report.out"), "utf8"));
      const [u, sy] = readFileSync(timeFile, "utf8").trim().split(/\s+/).slice(-2).map(Number);
      rep.cpu = u + sy;
      return rep;
    };
    // the adapter's start and stop alone: one vector of an operation it does not declare
    const idle = join(tmp, "idle");
    mkdirSync(idle);
    const other = JSON.parse(readFileSync(join(REPO, "vectors", "BK-BETTER.json"), "utf8"));
    writeFileSync(join(idle, "idle.json"), JSON.stringify({ ...other, vectors: other.vectors.slice(0, 1), count: 1 }));
    // rounds alternate (the machine is shared: its load drifts), each round = direct, protocol, start
    for (let r = 0; r < o.rounds; r++) {
      const [wall, cpu] = await directRound();
      direct.push(wall);
      directCpu.push(cpu);
      const rep = client(tmp);
      const sent = rep.vectors.filter((v) => ops[v.op]).length;
      const bad = rep.totals.error + rep.totals["not-run"];
      if (sent !== n || bad) throw new Error(`protocol run: ${sent} of ${n} vectors sent, ${bad} errors/not-run`);
      proto.push(sent / rep.seconds);
      protoCpu.push(sent / rep.cpu);
      const idleRep = client(idle);
      startup.push(idleRep.seconds);
      startupCpu.push(idleRep.cpu);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const best = (a) => Math.max(...a);
  const median = (a) => { const b = [...a].sort((x, y) => x - y); return b[(b.length - 1) >> 1]; };
  const pairRatios = proto.map((p, i) => p / direct[i]);
  const start = Math.min(...startup);
  const steady = proto.map((p) => n / (n / p - start));
  const us = (rate) => (1e6 / rate).toFixed(1);
  console.log(`-- ${o.family}: ${mine.length} vectors x${o.copies} (${n} requests), ${o.rounds} alternating rounds`);
  console.log(`  direct   best ${best(direct).toFixed(0).padStart(8)} ops/s  median ${median(direct).toFixed(0).padStart(8)}` +
    `  (the adapter's operation functions in one process; ${us(best(direct))} us per call)`);
  console.log(`  protocol best ${best(proto).toFixed(0).padStart(8)} req/s  median ${median(proto).toFixed(0).padStart(8)}` +
    `  (mxtrust client, run phase incl. adapter start; ${us(best(proto))} us per request)`);
  console.log(`  ratio protocol/direct: best ${(best(proto) / best(direct)).toFixed(3)}, ` +
    `median of paired rounds ${median(pairRatios).toFixed(3)}`);
  console.log(`  adapter start+stop ${(start * 1000).toFixed(0)} ms (handshake only, best); without it: ` +
    `ratio best ${(best(steady) / best(direct)).toFixed(3)}, ` +
    `median of paired rounds ${median(steady.map((x, i) => x / direct[i])).toFixed(3)}`);
  const startCpu = Math.min(...startupCpu);
  console.log(`  CPU time (load-independent): direct ${us(median(directCpu))} us per call, protocol ` +
    `${us(median(protoCpu))} us per request (client + adapter, start ${(startCpu * 1000).toFixed(0)} ms): ` +
    `ratio ${(median(protoCpu) / median(directCpu)).toFixed(3)}, without the start ` +
    `${(n / (n / median(protoCpu) - startCpu) / median(directCpu)).toFixed(3)}`);
}
