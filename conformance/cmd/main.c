/* mxtrust: the command line. Dispatches to one function per subcommand (commands.h). */
#include <stdio.h>
#include <string.h>
#include "commands.h"

static const mxt_command COMMANDS[] = {
    {"canon", cmd_canon, "print the canonical JSON of a file (or - for stdin)"},
    {"verify-json", cmd_verify_json, "check one ed25519 signature on a signed JSON object"},
    {"sign-json", cmd_sign_json, "add an ed25519 signature to a JSON object"},
    {"gen-vectors", cmd_gen_vectors, "regenerate the test vectors (--check: prove they are current)"},
    {"rules", cmd_rules, "list the rules (--family F, --status S)"},
    {"explain", cmd_explain, "print one rule: statement, sources, divergences, ACSL, core function"},
    {"run", cmd_run, "run every test vector against the built-in core: conformance report"},
    {"client", cmd_client, "run every test vector against an implementation through its adapter"},
    {"adapter", cmd_adapter, "serve the built-in core over the adapter protocol (stdin/stdout)"},
    {"fuzz", cmd_fuzz, "mutate vectors and compare an adapter's decisions with the core's"},
    {"matrix", cmd_matrix, "run every available adapter: rule family by implementation table"},
    {"server", cmd_server, "run the server scenarios against a homeserver over HTTP"},
};
#define N_COMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

int mxt_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    return 0;
}

static void usage(FILE *to)
{
    fprintf(to, "usage: mxtrust COMMAND [ARGS]\n\n"
                "Checks implementations of the Matrix end-to-end encryption trust rules.\n\n"
                "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(to, "  %-14s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(to, "\n'mxtrust COMMAND --help' describes each command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(argv[1], COMMANDS[i].name) == 0)
            return COMMANDS[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "mxtrust: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
