/* The family generators behind `mxtrust gen-vectors`: one function per rule family, each in its
 * own conformance/cmd/gen_<family>.c, registered in the table of cmd_gen.c. */
#ifndef MXT_GEN_H
#define MXT_GEN_H

#include "vecgen.h"

typedef int (*mxt_gen_fn)(mxt_vg_file *f);   /* 0 on success */

typedef struct {
    const char *family;
    const char *notes;
    mxt_gen_fn  fn;
} mxt_gen_family;

int gen_cjson(mxt_vg_file *f);
int gen_bk_better(mxt_vg_file *f);
int gen_sig(mxt_vg_file *f);
int gen_xs(mxt_vg_file *f);
int gen_bk_trust(mxt_vg_file *f);
int gen_sd(mxt_vg_file *f);
int gen_bk_fmt(mxt_vg_file *f);
int gen_skb(mxt_vg_file *f);

#endif
