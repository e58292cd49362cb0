#!/usr/bin/env node
// Benchmark (not a test): the harness's overhead on this adapter.
//   direct    the adapter's operation functions (library calls included) in a loop, one process
//   protocol  `mxtrust client --adapter 'exec node .../adapter.mjs'` on the same vectors: requests
//             answered / the report's "seconds" (run phase: adapter start and stop included)
// Both run the family's vectors repeated --copies times; rounds alternate; best and median. ratio = protocol / direct.
// usage: node conformance/adapters/rust-sdk-wasm/bench.mjs MXTRUST [--family BK-TRUST] [--copies 6] [--rounds 3]
import { runBench } from "../bench_node.mjs";
import { init, OPS } from "./adapter.mjs";

await init();
await runBench({ adapterUrl: new URL("./adapter.mjs", import.meta.url), ops: OPS,
  defaults: { family: "BK-TRUST", copies: 6, rounds: 3 } });
