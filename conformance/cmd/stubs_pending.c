/* Placeholders for commands whose implementation is in progress; each file that implements one
 * removes its stub from here. They fail loudly so nothing mistakes them for a result. */
#include <stdio.h>
#include "commands.h"

/* No stub is pending right now; this keeps the file a valid translation unit (ISO C forbids an
 * empty one). verify-json and sign-json live in cmd_sig.c. */
typedef int mxt_no_stub_pending;
