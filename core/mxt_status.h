/*
 * mxtrust core: status codes shared by every core module.
 *
 * Every core function returns an mxt_status: MXT_OK (0) on success, one specific code otherwise.
 * Where the failure has a place (a byte offset into the input, a token index), the function also
 * fills the caller's mxt_where. mxt_status_name() and mxt_status_rule() turn a code into a stable
 * name ("E_DUPLICATE_KEY") and the rule ID it enforces ("CJSON-009"), so the command line and
 * reports can say what was wrong, where, and which rule says so.
 */
#ifndef MXT_STATUS_H
#define MXT_STATUS_H

#include <stddef.h>

typedef enum {
    MXT_OK = 0,

    /* JSON syntax (RFC 8259) */
    MXT_E_SYNTAX = 1,          /* unexpected byte */
    MXT_E_EOF,                 /* input ended inside a value */
    MXT_E_TRAILING,            /* bytes after the top-level value */
    MXT_E_DEPTH,               /* nesting deeper than the limit */
    MXT_E_TOKENS,              /* caller's token array is full */
    MXT_E_TOO_LARGE,           /* input longer than MXT_JSON_MAX_INPUT */
    MXT_E_CONTROL_CHAR,        /* raw U+0000..U+001F inside a string */
    MXT_E_ESCAPE,              /* unknown escape or bad \u hex digits */
    MXT_E_LONE_SURROGATE,      /* \uD800..\uDFFF not forming a valid pair (CJSON-010) */
    MXT_E_DUPLICATE_KEY,       /* object has the same key twice, after unescaping (CJSON-009) */

    /* UTF-8 (RFC 3629) */
    MXT_E_UTF8_INVALID,        /* byte that cannot start or continue a sequence */
    MXT_E_UTF8_OVERLONG,       /* overlong encoding */
    MXT_E_UTF8_SURROGATE,      /* encoded U+D800..U+DFFF */
    MXT_E_UTF8_TRUNCATED,      /* sequence cut short */
    MXT_E_UTF8_RANGE,          /* above U+10FFFF */

    /* Numbers that canonical JSON forbids (CJSON-005/006) */
    MXT_E_NUMBER_SYNTAX,       /* not a JSON number at all */
    MXT_E_NUMBER_FRACTION,     /* has a fraction part */
    MXT_E_NUMBER_EXPONENT,     /* has an exponent */
    MXT_E_NUMBER_NEG_ZERO,     /* -0 */
    MXT_E_NUMBER_LEADING_ZERO, /* 01 */
    MXT_E_NUMBER_RANGE,        /* outside [-(2^53)+1, 2^53-1] */
    MXT_E_NUMBER_NOT_INTEGER,  /* normalising profile: value is not an integer (1.5) */

    /* Buffers and arguments */
    MXT_E_BUFFER_SMALL,        /* output buffer too small; the needed length is reported */
    MXT_E_ARG,                 /* argument outside the function's domain */
    MXT_E_TYPE,                /* JSON value has the wrong type for this use */

    /* Unpadded base64 (SIG-006) */
    MXT_E_B64_ALPHABET,        /* byte outside the standard alphabet */
    MXT_E_B64_LENGTH,          /* impossible length (4n+1) */
    MXT_E_B64_PADDING,         /* misplaced or wrong amount of '=' */
    MXT_E_B64_TRAILING_BITS,   /* strict mode: unused low bits are not zero */

    /* Recovery key (BK-FMT-010) */
    MXT_E_RK_ALPHABET,         /* character neither base58 nor whitespace (offset reported) */
    MXT_E_RK_LENGTH,           /* decodes to a length other than exactly 35 bytes */
    MXT_E_RK_PREFIX,           /* first two bytes are not 0x8B 0x01 */
    MXT_E_RK_PARITY,           /* XOR of the 35 bytes is not zero */

    /* A consistency check inside a core function failed (never expected; reported, not ignored) */
    MXT_E_INTERNAL,

    MXT_STATUS_COUNT_
} mxt_status;

/* Where a failure happened: a byte offset into the input being read, or ~0 when not applicable. */
typedef struct {
    size_t offset;
} mxt_where;

#define MXT_NO_OFFSET ((size_t)-1)

/*@ assigns \nothing; */
const char *mxt_status_name(mxt_status s);

/*@ assigns \nothing; */
const char *mxt_status_rule(mxt_status s);

#endif
