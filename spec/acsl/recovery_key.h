/*
 * BK-FMT-009 / BK-FMT-010 as ACSL logic: the recovery key ("cryptographic key representation",
 * spec appendix) that users write down for the backup decryption key.
 *
 * The 35 raw bytes are 0x8B 0x01 || key (32 bytes) || parity, where the parity byte is the XOR of
 * the 34 bytes before it, so that the XOR of all 35 bytes is zero. The text is the base58 encoding
 * of those bytes (Bitcoin alphabet), shown with a space after every 4th character.
 */
#ifndef MXT_ACSL_RECOVERY_KEY_H
#define MXT_ACSL_RECOVERY_KEY_H

#define MXT_RK_KEY_LEN     32u  /* the backup decryption key */
#define MXT_RK_RAW_LEN     35u  /* prefix (2) + key (32) + parity (1) */
#define MXT_RK_B58_LEN     48u  /* base58 digits of any 35 bytes starting 0x8B 0x01 */
#define MXT_RK_DISPLAY_LEN 59u  /* 48 digits in 12 groups of 4, separated by 11 spaces */

/*@
  // BK-FMT-009: the parity byte, the XOR of the 34 bytes before it. Written out over the fixed
  // 35-byte layout (no recursion), so that a write elsewhere visibly leaves it unchanged.
  logic integer rk_parity_of{L}(unsigned char *b) =
    (unsigned char)(
         b[0] ^ b[1] ^ b[2] ^ b[3] ^ b[4] ^ b[5] ^ b[6] ^ b[7] ^ b[8]
       ^ b[9] ^ b[10] ^ b[11] ^ b[12] ^ b[13] ^ b[14] ^ b[15] ^ b[16] ^ b[17]
       ^ b[18] ^ b[19] ^ b[20] ^ b[21] ^ b[22] ^ b[23] ^ b[24] ^ b[25] ^ b[26]
       ^ b[27] ^ b[28] ^ b[29] ^ b[30] ^ b[31] ^ b[32] ^ b[33]);

  // BK-FMT-009/010: the two prefix bytes.
  predicate rk_prefix_ok{L}(unsigned char *b) = b[0] == 0x8B && b[1] == 0x01;

  // BK-FMT-009/010: the last byte is the parity of the others; equivalently the XOR of all 35
  // bytes is zero (the form BK-FMT-010 states the check in).
  predicate rk_parity_ok{L}(unsigned char *b) = b[34] == rk_parity_of{L}(b);

  // BK-FMT-010: 35 decoded bytes a parser may accept as a recovery key.
  predicate recovery_key_well_formed{L}(unsigned char *b) = rk_prefix_ok{L}(b) && rk_parity_ok{L}(b);

  // The key a well-formed recovery key carries: bytes 2 .. 33.
  predicate rk_carries_key{L}(unsigned char *b, unsigned char *key) =
    \forall integer i; 0 <= i < 32 ==> key[i] == b[i + 2];

  // BK-FMT-009: the Bitcoin base58 alphabet
  // 123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz (no 0, I, O, l).
  predicate b58_char(integer c) =
       ('1' <= c <= '9') || ('A' <= c <= 'H') || ('J' <= c <= 'N') || ('P' <= c <= 'Z')
    || ('a' <= c <= 'k') || ('m' <= c <= 'z');

  // Digit value 0..57 -> its alphabet character, and back.
  logic integer b58_digit_char(integer d) =
      d < 9  ? '1' + d
    : d < 17 ? 'A' + (d - 9)
    : d < 22 ? 'J' + (d - 17)
    : d < 33 ? 'P' + (d - 22)
    : d < 44 ? 'a' + (d - 33)
    :          'm' + (d - 44);

  logic integer b58_char_value(integer c) =
      c <= '9' ? c - '1'
    : c <= 'H' ? c - 'A' + 9
    : c <= 'N' ? c - 'J' + 17
    : c <= 'Z' ? c - 'P' + 22
    : c <= 'k' ? c - 'a' + 33
    :            c - 'm' + 44;

  // BK-FMT-010: "ignore all whitespace": the ASCII whitespace characters.
  predicate rk_space(integer c) = c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f'
                               || c == '\r';

  // A character a recovery key parser accepts before decoding: a digit or whitespace.
  predicate rk_input_char(integer c) = b58_char(c) || rk_space(c);

  // BK-FMT-009: the display form: 12 groups of 4 base58 characters separated by single spaces.
  predicate rk_display_form{L}(char *s) =
    \forall integer i; 0 <= i < 59 ==>
      (i % 5 == 4 ==> s[i] == ' ') && (i % 5 != 4 ==> b58_char(s[i]));

  // The same 48 characters without spaces.
  predicate rk_compact_form{L}(char *s) = \forall integer i; 0 <= i < 48 ==> b58_char(s[i]);
*/

#endif
