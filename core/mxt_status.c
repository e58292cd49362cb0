/* Names and rule IDs for mxt_status codes: what the command line and reports print. */
#include "mxt_status.h"

const char *mxt_status_name(mxt_status s)
{
    switch (s) {
    case MXT_OK: return "OK";
    case MXT_E_SYNTAX: return "E_SYNTAX";
    case MXT_E_EOF: return "E_EOF";
    case MXT_E_TRAILING: return "E_TRAILING";
    case MXT_E_DEPTH: return "E_DEPTH";
    case MXT_E_TOKENS: return "E_TOKENS";
    case MXT_E_TOO_LARGE: return "E_TOO_LARGE";
    case MXT_E_CONTROL_CHAR: return "E_CONTROL_CHAR";
    case MXT_E_ESCAPE: return "E_ESCAPE";
    case MXT_E_LONE_SURROGATE: return "E_LONE_SURROGATE";
    case MXT_E_DUPLICATE_KEY: return "E_DUPLICATE_KEY";
    case MXT_E_UTF8_INVALID: return "E_UTF8_INVALID";
    case MXT_E_UTF8_OVERLONG: return "E_UTF8_OVERLONG";
    case MXT_E_UTF8_SURROGATE: return "E_UTF8_SURROGATE";
    case MXT_E_UTF8_TRUNCATED: return "E_UTF8_TRUNCATED";
    case MXT_E_UTF8_RANGE: return "E_UTF8_RANGE";
    case MXT_E_NUMBER_SYNTAX: return "E_NUMBER_SYNTAX";
    case MXT_E_NUMBER_FRACTION: return "E_NUMBER_FRACTION";
    case MXT_E_NUMBER_EXPONENT: return "E_NUMBER_EXPONENT";
    case MXT_E_NUMBER_NEG_ZERO: return "E_NUMBER_NEG_ZERO";
    case MXT_E_NUMBER_LEADING_ZERO: return "E_NUMBER_LEADING_ZERO";
    case MXT_E_NUMBER_RANGE: return "E_NUMBER_RANGE";
    case MXT_E_NUMBER_NOT_INTEGER: return "E_NUMBER_NOT_INTEGER";
    case MXT_E_BUFFER_SMALL: return "E_BUFFER_SMALL";
    case MXT_E_ARG: return "E_ARG";
    case MXT_E_TYPE: return "E_TYPE";
    case MXT_E_B64_ALPHABET: return "E_B64_ALPHABET";
    case MXT_E_B64_LENGTH: return "E_B64_LENGTH";
    case MXT_E_B64_PADDING: return "E_B64_PADDING";
    case MXT_E_B64_TRAILING_BITS: return "E_B64_TRAILING_BITS";
    case MXT_E_RK_ALPHABET: return "E_RK_ALPHABET";
    case MXT_E_RK_LENGTH: return "E_RK_LENGTH";
    case MXT_E_RK_PREFIX: return "E_RK_PREFIX";
    case MXT_E_RK_PARITY: return "E_RK_PARITY";
    case MXT_E_INTERNAL: return "E_INTERNAL";
    case MXT_STATUS_COUNT_: break;
    }
    return "E_UNKNOWN";
}

/* The rule each rejection enforces (spec/rules.json); "" where the code is not a rule verdict. */
const char *mxt_status_rule(mxt_status s)
{
    switch (s) {
    case MXT_E_SYNTAX: case MXT_E_EOF: case MXT_E_TRAILING: case MXT_E_CONTROL_CHAR:
    case MXT_E_ESCAPE:
        return "CJSON-012";
    case MXT_E_DEPTH: case MXT_E_TOKENS: case MXT_E_TOO_LARGE:
        return "CJSON-013";
    case MXT_E_LONE_SURROGATE:
        return "CJSON-010";
    case MXT_E_DUPLICATE_KEY:
        return "CJSON-009";
    case MXT_E_UTF8_INVALID: case MXT_E_UTF8_OVERLONG: case MXT_E_UTF8_SURROGATE:
    case MXT_E_UTF8_TRUNCATED: case MXT_E_UTF8_RANGE:
        return "CJSON-003";
    case MXT_E_NUMBER_SYNTAX: case MXT_E_NUMBER_FRACTION: case MXT_E_NUMBER_EXPONENT:
    case MXT_E_NUMBER_NEG_ZERO: case MXT_E_NUMBER_LEADING_ZERO: case MXT_E_NUMBER_NOT_INTEGER:
        return "CJSON-005";
    case MXT_E_NUMBER_RANGE:
        return "CJSON-006";
    case MXT_E_B64_ALPHABET: case MXT_E_B64_LENGTH: case MXT_E_B64_PADDING:
    case MXT_E_B64_TRAILING_BITS:
        return "SIG-006";
    case MXT_E_RK_ALPHABET: case MXT_E_RK_LENGTH: case MXT_E_RK_PREFIX: case MXT_E_RK_PARITY:
        return "BK-FMT-010";
    case MXT_OK: case MXT_E_BUFFER_SMALL: case MXT_E_ARG: case MXT_E_TYPE: case MXT_E_INTERNAL:
    case MXT_STATUS_COUNT_:
        break;
    }
    return "";
}
