/* Client-decision vectors (gen_client.c), one function per family, each called at the end of its
 * family's generator (gen_<family>.c) so the vectors land in that family's file. 0 on success. */
#ifndef MXT_GEN_CLIENT_H
#define MXT_GEN_CLIENT_H

#include "vecgen.h"

int gen_client_sig(mxt_vg_file *f);      /* SIG-008, SIG-009 */
int gen_client_xs(mxt_vg_file *f);       /* XS-016 */
int gen_client_bk_better(mxt_vg_file *f);/* BK-BETTER-010 */
int gen_client_bk_trust(mxt_vg_file *f); /* BK-TRUST-009/010/013/014/015 */
int gen_client_bk_fmt(mxt_vg_file *f);   /* BK-FMT-011 */
int gen_client_skb(mxt_vg_file *f);      /* SKB-001/006/007 */
int gen_client_sd(mxt_vg_file *f);       /* SD-001/007/014/015/017/018 */

#endif
