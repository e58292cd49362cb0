/* mxtrust gen-vectors: writes every family's vector file; --check proves that regenerating gives
 * byte-identical files (CI runs it, so checked-in vectors can never drift from the generator). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "commands.h"
#include "gen.h"
#include "mxt_io.h"

static const mxt_gen_family FAMILIES[] = {
    {"CJSON", "Canonical JSON: the spec appendix examples, escapes, key order, numbers, UTF-8, "
              "and randomised documents whose canonical form an independent printer computed.",
     gen_cjson},
    {"BK-BETTER", "Which key the server keeps: the rule's table from the catalog, every ordered "
                  "pair of ranks over a small domain, and both arrival orders of every pair. "
                  "Cases where Synapse's any-field test differs are flagged.",
     gen_bk_better},
    {"SIG", "Signed JSON: the spec's and ruma's published vectors, then signed device keys, "
            "cross-signing keys and auth_data, each mutated one way at a time.",
     gen_sig},
    {"XS", "Cross-signing: key objects (usage, key IDs, users) and the trust chains to own and "
           "other users' devices, every link missing and bad in turn, over /keys/query responses.",
     gen_xs},
    {"BK-TRUST", "Backup trust: signatures on auth_data by the own master key, this device, "
                 "verified, unverified and deleted devices, other users; private keys from each "
                 "source; unknown algorithms. Cells where deployed clients decide otherwise are "
                 "flagged.",
     gen_bk_trust},
    {"SD", "Sender data: classification at reception over /keys/query responses, and the whole "
           "domain of the verification-state, trust-requirement, display-policy, recalculation "
           "and merge tables.",
     gen_sd},
    {"BK-FMT", "Backup formats: recovery keys (the catalog's and generated ones, each with single-"
               "character changes), session_data decryption (the rust-sdk vector and generated "
               "ones, MAC variants), and the shapes of auth_data, session_data and the plaintext.",
     gen_bk_fmt},
    {"SKB", "Signed and authenticated key backup (proposals): seed 001's backup signing key and "
            "authenticated flag, and MSC4048's backup_mac with its unauthenticated values.",
     gen_skb},
};
#define N_FAMILIES (sizeof FAMILIES / sizeof FAMILIES[0])

static void help(FILE *to)
{
    fprintf(to, "usage: mxtrust gen-vectors [--out DIR] [--check]\n\n"
                "Generates the test vectors deterministically from named seeds.\n"
                "  --out DIR   where to write <FAMILY>.json (default: the source tree's vectors/)\n"
                "  --check     regenerate into a temporary directory and compare byte for byte\n"
                "              with DIR; exit 1 and name every file that differs\n");
}

static int generate_all(const char *dir, size_t *total)
{
    *total = 0;
    for (size_t i = 0; i < N_FAMILIES; i++) {
        mxt_vg_file *f = mxt_vg_open(FAMILIES[i].family, FAMILIES[i].notes);
        if (!f || FAMILIES[i].fn(f) != 0) {
            fprintf(stderr, "gen-vectors: generator for %s failed\n", FAMILIES[i].family);
            mxt_vg_free(f);
            return -1;
        }
        if (mxt_vg_write(f, dir) != 0) {
            fprintf(stderr, "gen-vectors: cannot write %s/%s.json: %s\n", dir, FAMILIES[i].family,
                    strerror(errno));
            mxt_vg_free(f);
            return -1;
        }
        *total += mxt_vg_count(f);
        fprintf(stderr, "gen-vectors: %-10s %5zu vectors\n", FAMILIES[i].family, mxt_vg_count(f));
        mxt_vg_free(f);
    }
    return 0;
}

static int same_file(const char *a, const char *b)
{
    size_t la, lb;
    uint8_t *da = mxt_read_file(a, &la), *db = mxt_read_file(b, &lb);
    int same = da && db && la == lb && memcmp(da, db, la) == 0;
    free(da);
    free(db);
    return same;
}

int cmd_gen_vectors(int argc, char **argv)
{
    const char *out = MXT_SOURCE_DIR "/vectors";
    int check = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(stdout);
            return 0;
        } else if (strcmp(argv[i], "--check") == 0) {
            check = 1;
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else {
            fprintf(stderr, "mxtrust gen-vectors: unexpected argument '%s'\n\n", argv[i]);
            help(stderr);
            return 2;
        }
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "mxtrust gen-vectors: libsodium failed to initialise\n");
        return 1;
    }
    size_t total;
    if (!check) {
        if (generate_all(out, &total) != 0)
            return 1;
        fprintf(stderr, "gen-vectors: %zu vectors written to %s\n", total, out);
        return 0;
    }

    char tmp[] = "/tmp/mxtrust-vectors-XXXXXX";
    if (!mkdtemp(tmp)) {
        perror("mxtrust gen-vectors: mkdtemp");
        return 1;
    }
    int bad = generate_all(tmp, &total) != 0;
    for (size_t i = 0; !bad && i < N_FAMILIES; i++) {
        char a[4096], b[4096];
        snprintf(a, sizeof a, "%s/%s.json", tmp, FAMILIES[i].family);
        snprintf(b, sizeof b, "%s/%s.json", out, FAMILIES[i].family);
        if (!same_file(a, b)) {
            fprintf(stderr, "gen-vectors --check: %s differs from a fresh generation "
                            "(run 'mxtrust gen-vectors' and commit)\n", b);
            bad = 1;
        }
        unlink(a);
    }
    rmdir(tmp);
    if (!bad)
        printf("gen-vectors --check: %zu vectors in %zu files regenerate byte for byte\n", total,
               N_FAMILIES);
    return bad;
}
