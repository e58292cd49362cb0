/* The mxtrust subcommands. Each returns the process exit status: 0 success, 1 a negative verdict
 * or a failed check, 2 a usage error (after printing help). */
#ifndef MXT_COMMANDS_H
#define MXT_COMMANDS_H

typedef int (*mxt_cmd_fn)(int argc, char **argv);

typedef struct {
    const char *name;
    mxt_cmd_fn  fn;
    const char *summary;
} mxt_command;

int cmd_canon(int argc, char **argv);
int cmd_verify_json(int argc, char **argv);
int cmd_sign_json(int argc, char **argv);
int cmd_gen_vectors(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_client(int argc, char **argv);
int cmd_adapter(int argc, char **argv);
int cmd_fuzz(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_server(int argc, char **argv);

/* Shared by every command: true when argv holds -h or --help. */
int mxt_wants_help(int argc, char **argv);

#endif
