/*
 * mxtrust core: canonical JSON encoder (CJSON-001..008, spec appendix "Canonical JSON").
 *
 * Encodes a token subtree of a document read by mxt_json_parse into caller-owned bytes: no
 * whitespace, object members in code-point order of their keys (the reader's `link` chain), raw
 * UTF-8 for non-ASCII, escapes decoded and re-encoded exactly as the spec's grammar says
 * (\" \\ \b \f \n \r \t, other controls as lowercase \u00xx, '/' never escaped).
 * A string token without MXT_JSON_F_ESCAPED is copied as it is: the reader has checked that each
 * of its bytes stands for itself (valid UTF-8, no '"', '\\' or control character). Escaped
 * strings are decoded and re-encoded (mxt_cjson_escape, CJSON-004). The walk is iterative.
 * MXT_E_TYPE / MXT_E_ESCAPE only arise for a document the reader did not produce.
 */
#ifndef MXT_CANON_H
#define MXT_CANON_H

#include "json.h"

/* Encoder options: which top-level members of the encoded object to leave out. */
#define MXT_CANON_ALL      0u
#define MXT_CANON_SIGNING  1u  /* drop top-level "signatures" and "unsigned" (SIG-001) */

/*
 * Encodes token `root` of `doc`. On MXT_OK, out[0..*out_len) holds the canonical bytes.
 * When cap is too small returns MXT_E_BUFFER_SMALL and *out_len is the exact length needed
 * (out may then be NULL with cap 0, to ask for the length).
 */
/*@
  requires mxt_doc_ok(doc);
  requires root < doc->count;
  requires mode == MXT_CANON_ALL || mode == MXT_CANON_SIGNING;
  requires cap == 0 || \valid(out + (0 .. cap - 1));
  requires \valid(out_len);
  requires \separated(out + (0 .. cap - 1), out_len, doc, doc->tok + (0 .. doc->cap - 1),
                       doc->in + (0 .. doc->in_len - 1));
  assigns out[0 .. cap - 1], *out_len;
  ensures \result == MXT_OK || \result == MXT_E_BUFFER_SMALL || \result == MXT_E_TYPE
       || \result == MXT_E_ESCAPE;
  ensures \result == MXT_OK ==> *out_len <= cap;
  ensures \result == MXT_E_BUFFER_SMALL ==> *out_len > cap;
*/
mxt_status mxt_canon_encode(const mxt_json_doc *doc, uint32_t root, unsigned mode,
                            uint8_t *out, size_t cap, size_t *out_len);

#endif
