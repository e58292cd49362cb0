/*
 * mxtrust core: JSON string internals shared by the reader (json.c) and the encoder (canon.c).
 *
 * A string's content is the bytes between its quotes. A "unit" of content is one raw UTF-8
 * sequence or one escape (a surrogate pair \uD83D\uDE00 is one unit); each unit decodes to one
 * Unicode scalar value. Keys are compared as sequences of scalar values, which is the same order
 * as comparing their UTF-8 bytes (CJSON-002), and never as UTF-16 units.
 */
#ifndef MXT_JSTR_H
#define MXT_JSTR_H

#include <stdint.h>
#include <stddef.h>
#include "mxt_status.h"
#include "cjson.h"

/*@
  predicate mxt_utf8_status(mxt_status s) =
      s == MXT_E_UTF8_INVALID || s == MXT_E_UTF8_OVERLONG || s == MXT_E_UTF8_SURROGATE
   || s == MXT_E_UTF8_TRUNCATED || s == MXT_E_UTF8_RANGE;
  predicate mxt_unit_status(mxt_status s) =
      s == MXT_OK || mxt_utf8_status(s) || s == MXT_E_ESCAPE || s == MXT_E_LONE_SURROGATE
   || s == MXT_E_CONTROL_CHAR || s == MXT_E_SYNTAX;
*/

/*
 * Byte classes for the fast paths (a const table: 256 entries):
 * MXT_JC_IN   bytes a reader may pass over inside a string without looking closer
 *             (0x20..0x7F except '"' and '\\');
 * MXT_JC_OUT  bytes the encoder copies unchanged inside a string (0x20..0xFF except '"' and '\\').
 */
#define MXT_JC_IN  1u
#define MXT_JC_OUT 2u
extern const uint8_t mxt_jstr_class[256];

/*
 * Decodes the UTF-8 sequence starting at s[i] (s[i] >= 0x80 expected; ASCII decodes as itself).
 * On success *cp is a scalar value written in the shortest form, *adv its length.
 * Errors (RFC 3629, CJSON-003): stray or impossible lead byte -> UTF8_INVALID; a continuation byte
 * missing (or the input ends) -> UTF8_TRUNCATED; longer than needed -> UTF8_OVERLONG;
 * U+D800..U+DFFF -> UTF8_SURROGATE; above U+10FFFF -> UTF8_RANGE. The error is at s[i].
 */
/*@
  requires i < n;
  requires \valid_read(s + (0 .. n - 1));
  requires \valid(cp) && \valid(adv);
  requires \separated(cp, adv, s + (0 .. n - 1));
  assigns *cp, *adv;
  ensures \result == MXT_OK || mxt_utf8_status(\result);
  ensures \result == MXT_OK ==> cjson_scalar(*cp) && 1 <= *adv <= 4 && *adv <= n - i
                               && *adv == cjson_utf8_len(*cp);
*/
mxt_status mxt_utf8_decode(const uint8_t *s, size_t n, size_t i, uint32_t *cp, size_t *adv);

/* Writes the UTF-8 encoding of scalar value cp into b; returns its length (1..4). */
/*@
  requires cjson_scalar(cp);
  requires \valid(b + (0 .. 3));
  assigns b[0 .. 3];
  ensures \result == cjson_utf8_len(cp);
  ensures \forall integer k; 0 <= k < \result ==> b[k] == cjson_utf8_byte(cp, k);
*/
size_t mxt_utf8_encode(uint32_t cp, uint8_t *b);

/* Value of a hexadecimal digit, or -1. */
/*@
  assigns \nothing;
  ensures -1 <= \result <= 15;
  ensures \result == -1 <==> !(('0' <= c <= '9') || ('a' <= c <= 'f') || ('A' <= c <= 'F'));
*/
int mxt_hex_val(uint8_t c);

/*
 * Reads one unit of string content at s[i], i < end (end = where the content must stop).
 * On success *cp is its scalar value and *next the offset after it. On failure *next is the
 * offset of the offending unit (an escape's backslash, a UTF-8 sequence's lead byte, a raw
 * control character): MXT_E_ESCAPE (unknown escape, bad hex), MXT_E_LONE_SURROGATE (a \u
 * surrogate not forming a high+low pair, CJSON-010), MXT_E_CONTROL_CHAR (raw U+0000..U+001F),
 * a UTF-8 code, or MXT_E_SYNTAX for a raw '"' (the caller ends strings before calling).
 */
/*@
  requires i < end;
  requires \valid_read(s + (0 .. end - 1));
  requires \valid(cp) && \valid(next);
  requires \separated(cp, next, s + (0 .. end - 1));
  assigns *cp, *next;
  ensures mxt_unit_status(\result);
  ensures \result == MXT_OK ==> cjson_scalar(*cp) && i < *next <= end;
  ensures \result != MXT_OK ==> i <= *next < end;
*/
mxt_status mxt_jstr_unit(const uint8_t *s, size_t end, size_t i, uint32_t *cp, size_t *next);

/*
 * Compares the unescaped contents s[a0..a1) and s[b0..b1) by code point (CJSON-002):
 * -1, 0 or 1. `aesc`/`besc` say whether a content holds escapes (0: its bytes are compared
 * directly, which is the same order). Contents must be valid (as accepted by mxt_jstr_unit).
 */
/*@
  requires a0 <= a1 && b0 <= b1;
  requires \valid_read(s + (0 .. a1 - 1)) && \valid_read(s + (0 .. b1 - 1));
  assigns \nothing;
  ensures -1 <= \result <= 1;
*/
int mxt_jstr_cmp(const uint8_t *s, size_t a0, size_t a1, int aesc, size_t b0, size_t b1, int besc);

/* 1 when the unescaped content s[a0..a1) equals the raw bytes r[0..rn), else 0. */
/*@
  requires a0 <= a1;
  requires \valid_read(s + (0 .. a1 - 1));
  requires rn == 0 || \valid_read(r + (0 .. rn - 1));
  assigns \nothing;
  ensures \result == 0 || \result == 1;
*/
int mxt_jstr_eq_raw(const uint8_t *s, size_t a0, size_t a1, int esc, const uint8_t *r, size_t rn);

/*
 * CJSON-004: writes how canonical JSON spells scalar value cp inside a string into b, and returns
 * the number of bytes (1..6).
 */
/*@
  requires cjson_scalar(cp);
  requires \valid(b + (0 .. 5));
  assigns b[0 .. 5];
  behavior short_escape:
    assumes cjson_short_escape(cp);
    ensures \result == 2 && b[0] == '\\' && b[1] == cjson_short_char(cp);
  behavior u_escape:
    assumes cjson_u_escaped(cp);
    ensures \result == 6 && b[0] == '\\' && b[1] == 'u' && b[2] == '0' && b[3] == '0'
         && b[4] == cjson_hex_lower(cp / 16) && b[5] == cjson_hex_lower(cp % 16);
  behavior raw:
    assumes cjson_raw(cp);
    ensures \result == cjson_utf8_len(cp);
    ensures \forall integer k; 0 <= k < \result ==> b[k] == cjson_utf8_byte(cp, k);
  complete behaviors;
  disjoint behaviors;
*/
size_t mxt_cjson_escape(uint32_t cp, uint8_t *b);

#endif
