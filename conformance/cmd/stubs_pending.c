/* Placeholders for commands whose implementation is in progress; each file that implements one
 * removes its stub from here. They fail loudly so nothing mistakes them for a result. */
#include <stdio.h>
#include "commands.h"

/* unused once every stub is gone: the file then holds no stub and may be deleted */
__attribute__((unused)) static int pending(const char *name)
{
    fprintf(stderr, "mxtrust %s: not implemented yet\n", name);
    return 2;
}

