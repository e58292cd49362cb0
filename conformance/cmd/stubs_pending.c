/* Placeholders for commands whose implementation is in progress; each file that implements one
 * removes its stub from here. They fail loudly so nothing mistakes them for a result. */
#include <stdio.h>
#include "commands.h"

int cmd_verify_json(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "mxtrust verify-json: not implemented yet\n");
    return 2;
}

int cmd_sign_json(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "mxtrust sign-json: not implemented yet\n");
    return 2;
}
