#!/usr/bin/env node
// Benchmark (not a test): the harness's overhead on this adapter.
//   direct    the adapter's operation functions (another-json / recovery-key calls) in a loop
//   protocol  `mxtrust client --adapter 'exec node .../adapter.mjs'` on the same vectors: requests
//             answered / the report's "seconds" (run phase: adapter start and stop included)
// Both run the family's vectors repeated --copies times; rounds alternate; best and median. ratio = protocol / direct.
// usage: node conformance/adapters/another-json/bench.mjs MXTRUST [--family CJSON] [--copies 50] [--rounds 5]
import { runBench } from "../bench_node.mjs";
import { OPS } from "./adapter.mjs";

await runBench({ adapterUrl: new URL("./adapter.mjs", import.meta.url), ops: OPS,
  defaults: { family: "CJSON", copies: 50, rounds: 5 } });
