/*
 * SIG-006 as ACSL logic: unpadded base64 (spec appendix "Unpadded Base64", RFC 4648 section 4
 * alphabet). Signature and key bytes travel in this form; decoders accept it with or without '='
 * padding. Only annotations: the compiler sees nothing here.
 *
 * Reading guide:
 *  - b64_char(v) is the alphabet as a function from a 6-bit value to its character; b64_val is its
 *    inverse on the alphabet. The lemmas say they really are inverse and that every character the
 *    mapping produces is in the alphabet.
 *  - b64_enc_len / b64_dec_len are the exact lengths (no padding is ever produced).
 *  - b64_encodes / b64_decodes describe the content of an encoding and of a decoding, one group
 *    (3 bytes <-> 4 characters) at a time. The group lemma says decoding the four sextets of three
 *    bytes gives the three bytes back: the arithmetic core of decode(encode(x)) == x.
 *  - b64_wellformed says which inputs a decoder accepts (SIG-006, and its STRICT variant).
 */
#ifndef MXT_SPEC_B64_H
#define MXT_SPEC_B64_H

/*@
  // SIG-006: the standard alphabet A-Z a-z 0-9 + /
  predicate b64_alpha(integer c) =
       ('A' <= c <= 'Z') || ('a' <= c <= 'z') || ('0' <= c <= '9') || c == '+' || c == '/';

  // SIG-006: the character that encodes the 6-bit value v (0 <= v < 64).
  logic integer b64_char(integer v) =
      v < 26 ? 'A' + v : v < 52 ? 'a' + (v - 26) : v < 62 ? '0' + (v - 52) : v == 62 ? '+' : '/';

  // SIG-006: the 6-bit value of an alphabet character.
  logic integer b64_val(integer c) =
      ('A' <= c <= 'Z') ? c - 'A' :
      ('a' <= c <= 'z') ? c - 'a' + 26 :
      ('0' <= c <= '9') ? c - '0' + 52 :
      c == '+' ? 62 : 63;

  lemma b64_char_alpha:  \forall integer v; 0 <= v < 64 ==> b64_alpha(b64_char(v));
  lemma b64_val_char:    \forall integer v; 0 <= v < 64 ==> b64_val(b64_char(v)) == v;
  lemma b64_char_val:    \forall integer c; b64_alpha(c) ==> b64_char(b64_val(c)) == c;
  lemma b64_val_range:   \forall integer c; b64_alpha(c) ==> 0 <= b64_val(c) < 64;

  // SIG-006: unpadded lengths. n bytes -> 4 characters per 3 bytes, plus 2 or 3 for a tail of
  // 1 or 2 bytes; m characters (m % 4 != 1) -> 3 bytes per 4 characters, plus m % 4 - 1.
  logic integer b64_enc_len(integer n) = (n / 3) * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
  logic integer b64_dec_len(integer m) = (m / 4) * 3 + (m % 4 == 0 ? 0 : m % 4 - 1);

  // Encoding never yields the impossible length 4k+1, and decoding its length gives n back.
  lemma b64_enc_len_split: \forall integer q, r; q >= 0 && 0 <= r < 3 ==>
      b64_enc_len(3 * q + r) == 4 * q + (r == 0 ? 0 : r + 1);
  lemma b64_dec_len_split: \forall integer q, r; q >= 0 && 0 <= r < 4 && r != 1 ==>
      b64_dec_len(4 * q + r) == 3 * q + (r == 0 ? 0 : r - 1);
  lemma b64_len_roundtrip: \forall integer q, r; q >= 0 && 0 <= r < 3 ==>
      (4 * q + (r == 0 ? 0 : r + 1)) % 4 != 1
   && b64_dec_len(4 * q + (r == 0 ? 0 : r + 1)) == 3 * q + r;

  // One group of the encoding: three bytes a, b, c become the 6-bit values s0..s3.
  logic integer b64_s0(integer a) = a / 4;
  logic integer b64_s1(integer a, integer b) = (a % 4) * 16 + b / 16;
  logic integer b64_s2(integer b, integer c) = (b % 16) * 4 + c / 64;
  logic integer b64_s3(integer c) = c % 64;
  // One group of the decoding: four 6-bit values v0..v3 become the bytes d0..d2.
  logic integer b64_d0(integer v0, integer v1) = v0 * 4 + v1 / 16;
  logic integer b64_d1(integer v1, integer v2) = (v1 % 16) * 16 + v2 / 4;
  logic integer b64_d2(integer v2, integer v3) = (v2 % 4) * 64 + v3;

  // The arithmetic of one group: decoding the four sextets of bytes a, b, c gives a, b, c back
  // (the core of decode(encode(x)) == x), and every sextet is a 6-bit value.
  lemma b64_group_roundtrip: \forall integer a, b, c; 0 <= a < 256 && 0 <= b < 256 && 0 <= c < 256 ==>
      b64_d0(b64_s0(a), b64_s1(a, b)) == a
   && b64_d1(b64_s1(a, b), b64_s2(b, c)) == b
   && b64_d2(b64_s2(b, c), b64_s3(c)) == c;
  lemma b64_sextet_range: \forall integer a, b, c; 0 <= a < 256 && 0 <= b < 256 && 0 <= c < 256 ==>
      0 <= b64_s0(a) < 64 && 0 <= b64_s1(a, b) < 64 && 0 <= b64_s2(b, c) < 64 && 0 <= b64_s3(c) < 64;

  // Input bytes past n count as zero (the unpadded tail of the encoding).
  logic integer b64_byte{L}(unsigned char *in, integer n, integer j) = j < n ? in[j] : 0;

  // Group g of out[0..len) encodes bytes 3g .. 3g+2 of in[0..n) (positions past len are absent).
  predicate b64_enc_group{L}(char *out, integer len, unsigned char *in, integer n, integer g) =
      (4 * g < len ==> out[4 * g] == b64_char(b64_s0(b64_byte(in, n, 3 * g))))
   && (4 * g + 1 < len ==> out[4 * g + 1] ==
          b64_char(b64_s1(b64_byte(in, n, 3 * g), b64_byte(in, n, 3 * g + 1))))
   && (4 * g + 2 < len ==> out[4 * g + 2] ==
          b64_char(b64_s2(b64_byte(in, n, 3 * g + 1), b64_byte(in, n, 3 * g + 2))))
   && (4 * g + 3 < len ==> out[4 * g + 3] == b64_char(b64_s3(b64_byte(in, n, 3 * g + 2))));

  // out[0..len) is the unpadded encoding of in[0..n).
  predicate b64_encodes{L}(char *out, integer len, unsigned char *in, integer n) =
      len == b64_enc_len(n)
   && \forall integer g; 0 <= g && 4 * g < len ==> b64_enc_group(out, len, in, n, g);

  // Group g of out[0..len) is the decoding of characters 4g .. 4g+3 of in.
  logic integer b64_v{L}(char *in, integer i) = b64_val(in[i]);
  predicate b64_dec_group{L}(unsigned char *out, integer len, char *in, integer g) =
      (3 * g < len ==> out[3 * g] == b64_d0(b64_v(in, 4 * g), b64_v(in, 4 * g + 1)))
   && (3 * g + 1 < len ==> out[3 * g + 1] == b64_d1(b64_v(in, 4 * g + 1), b64_v(in, 4 * g + 2)))
   && (3 * g + 2 < len ==> out[3 * g + 2] == b64_d2(b64_v(in, 4 * g + 2), b64_v(in, 4 * g + 3)));

  // out[0..len) is the decoding of the data characters of in.
  predicate b64_decodes{L}(unsigned char *out, integer len, char *in) =
      \forall integer g; 0 <= g && 3 * g < len ==> b64_dec_group(out, len, in, g);

  // Round trip, group by group: where out encodes in (b64_enc_group) and dec decodes out
  // (b64_dec_group), dec holds the bytes of in again. With b64_len_roundtrip (an encoding has a
  // decodable length, and decoding it gives n bytes) this is decode(encode(x)) == x per group.
  lemma b64_enc_pos: \forall integer n, g, r; 0 <= r < 3 && 0 <= g && 3 * g + r < n ==>
      4 * g + r + 1 < b64_enc_len(n);
  lemma b64_roundtrip_group{L}: \forall char *out, unsigned char *in, unsigned char *dec,
                                         integer n, len, g;
      0 <= g && b64_enc_group(out, len, in, n, g) && b64_dec_group(dec, n, out, g)
   && 0 <= b64_byte(in, n, 3 * g) < 256 && 0 <= b64_byte(in, n, 3 * g + 1) < 256
   && 0 <= b64_byte(in, n, 3 * g + 2) < 256
   && (3 * g < n ==> 4 * g + 1 < len) && (3 * g + 1 < n ==> 4 * g + 2 < len)
   && (3 * g + 2 < n ==> 4 * g + 3 < len)
   ==> (3 * g < n ==> dec[3 * g] == in[3 * g])
    && (3 * g + 1 < n ==> dec[3 * g + 1] == in[3 * g + 1])
    && (3 * g + 2 < n ==> dec[3 * g + 2] == in[3 * g + 2]);

  // SIG-006: the data characters of an input are those before its trailing '=' (at most two).
  logic integer b64_unpad{L}(char *in, integer n) =
      (n >= 1 && in[n - 1] == '=') ? ((n >= 2 && in[n - 2] == '=') ? n - 2 : n - 1) : n;

  // Where the data characters end: at most two '=' are dropped, all of them '='.
  lemma b64_unpad_bounds{L}: \forall char *in, integer n; n >= 0 ==>
      n - 2 <= b64_unpad(in, n) <= n && 0 <= b64_unpad(in, n)
   && (\forall integer k; b64_unpad(in, n) <= k < n ==> in[k] == '=');
  lemma b64_unpad_exact{L}: \forall char *in, integer n, m; 0 <= m <= n && n - m <= 2
      && (\forall integer k; m <= k < n ==> in[k] == '=') && (m == 0 || in[m - 1] != '=') ==>
      b64_unpad(in, n) == m;

  // SIG-006 (STRICT only): the bits of the last character that no output byte uses are zero.
  predicate b64_trailing_zero{L}(char *in, integer m) =
      (m % 4 == 2 ==> b64_val(in[m - 1]) % 16 == 0)
   && (m % 4 == 3 ==> b64_val(in[m - 1]) % 4 == 0);

  // SIG-006: what a decoder accepts. Data characters all in the alphabet, a possible length, and
  // either no padding or exactly the padding that completes the last group of four.
  predicate b64_wellformed{L}(char *in, integer n, boolean strict) =
      (\forall integer i; 0 <= i < b64_unpad(in, n) ==> b64_alpha(in[i]))
   && b64_unpad(in, n) % 4 != 1
   && (b64_unpad(in, n) == n
       || (n % 4 == 0 && n - b64_unpad(in, n) == 4 - b64_unpad(in, n) % 4))
   && (strict ==> b64_trailing_zero(in, b64_unpad(in, n)));
*/

#endif
