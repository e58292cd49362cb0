/*
 * CJSON rules as ACSL logic (spec appendix "Canonical JSON"; rule IDs from spec/RULES.md).
 * Only annotations: the compiler sees nothing here.
 *
 * Reading guide:
 *  - cjson_int_in_range: the integers canonical JSON can carry (CJSON-005/006).
 *  - cjson_scalar: the Unicode scalar values, the only code points a JSON string may carry once
 *    decoded (CJSON-003: UTF-8 can only encode these; CJSON-010: lone surrogates are rejected).
 *  - cjson_utf8_len / cjson_utf8_byte: the UTF-8 encoding of a scalar value, byte by byte
 *    (RFC 3629), as arithmetic an auditor can check against the table in the RFC.
 *  - cjson_short_escape / cjson_u_escaped / cjson_raw: which code points the encoder escapes and
 *    how (CJSON-004): the seven short escapes, \u00xx with lowercase hex for the other C0
 *    controls, and every other code point (DEL, '/', U+2028, U+2029 included) raw.
 */
#ifndef MXT_SPEC_CJSON_H
#define MXT_SPEC_CJSON_H

/*@
  // CJSON-005/006: canonical JSON integers lie in [-(2^53)+1, 2^53-1].
  predicate cjson_int_in_range(integer v) = -9007199254740991 <= v <= 9007199254740991;

  // CJSON-003/010: a Unicode scalar value (a code point that is not a surrogate).
  predicate cjson_scalar(integer cp) = 0 <= cp <= 0x10FFFF && !(0xD800 <= cp <= 0xDFFF);

  // RFC 3629: how many bytes UTF-8 uses for code point cp.
  logic integer cjson_utf8_len(integer cp) =
      cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;

  // RFC 3629: byte k (0-based) of the UTF-8 encoding of cp.
  logic integer cjson_utf8_byte(integer cp, integer k) =
      cp < 0x80 ? cp :
      cp < 0x800 ? (k == 0 ? 0xC0 + cp / 64 : 0x80 + cp % 64) :
      cp < 0x10000 ? (k == 0 ? 0xE0 + cp / 4096 :
                      k == 1 ? 0x80 + (cp / 64) % 64 : 0x80 + cp % 64) :
                     (k == 0 ? 0xF0 + cp / 262144 :
                      k == 1 ? 0x80 + (cp / 4096) % 64 :
                      k == 2 ? 0x80 + (cp / 64) % 64 : 0x80 + cp % 64);

  // CJSON-004: the code points that have a two-character escape, and the character after '\'.
  predicate cjson_short_escape(integer cp) =
      cp == 0x22 || cp == 0x5C || cp == 0x08 || cp == 0x0C || cp == 0x0A || cp == 0x0D || cp == 0x09;
  logic integer cjson_short_char(integer cp) =
      cp == 0x22 ? '"' : cp == 0x5C ? '\\' : cp == 0x08 ? 'b' : cp == 0x0C ? 'f' :
      cp == 0x0A ? 'n' : cp == 0x0D ? 'r' : 't';

  // CJSON-004: every other C0 control is written \u00xx, with lowercase hex digits.
  predicate cjson_u_escaped(integer cp) = 0 <= cp < 0x20 && !cjson_short_escape(cp);
  logic integer cjson_hex_lower(integer d) = d < 10 ? '0' + d : 'a' + (d - 10);

  // CJSON-004 (and CJSON-003 for non-ASCII): everything else is written as its own UTF-8 bytes,
  // including DEL (U+007F), '/', U+2028 and U+2029.
  predicate cjson_raw(integer cp) = cjson_scalar(cp) && cp >= 0x20 && cp != 0x22 && cp != 0x5C;

  lemma cjson_escape_classes_cover: \forall integer cp; cjson_scalar(cp) ==>
      cjson_short_escape(cp) || cjson_u_escaped(cp) || cjson_raw(cp);
  lemma cjson_escape_classes_disjoint: \forall integer cp;
      !(cjson_short_escape(cp) && cjson_raw(cp)) && !(cjson_u_escaped(cp) && cjson_raw(cp))
      && !(cjson_short_escape(cp) && cjson_u_escaped(cp));

  // CJSON-002: keys are ordered by code point; UTF-8 preserves that order byte for byte, so the
  // reader compares unescaped keys as code point sequences (never as UTF-16 units).
  lemma cjson_utf8_len_monotone: \forall integer a, b; 0 <= a <= b ==>
      cjson_utf8_len(a) <= cjson_utf8_len(b);
*/

#endif
