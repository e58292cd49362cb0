#!/usr/bin/env bash
# spec/TRACEABILITY.md is current, and every rule has a formalisation, an implementation and a
# conformance check, or says why it has none (a "pending" entry fails this test).
set -euo pipefail
cd "${MXT_SRC:-$(dirname "$0")/../..}"
/usr/bin/python3 spec/render_trace.py --check
