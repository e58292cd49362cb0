/*
 * SIG-001..007 as ACSL logic: checking one ed25519 signature on a signed JSON object (spec
 * appendix "Signing JSON", "Checking for a signature"). Only annotations: the compiler sees the
 * includes and nothing else.
 *
 * What is assumed and what is proved: whether 64 signature bytes are a valid ed25519 signature of
 * some bytes under some key is the uninterpreted predicate ed25519_valid of core/extern_crypto.h,
 * decided by libsodium (the single seam). Everything around it is proved: which member is looked
 * at, which key ID forms are accepted, and that a VALID verdict holds exactly when that predicate
 * holds for the decoded signature over the signing bytes the core computed (and INVALID when it
 * does not).
 */
#ifndef MXT_SPEC_SIG_H
#define MXT_SPEC_SIG_H

#include "extern_crypto.h"

/*@
  // SIG-002: a signing key ID is "<algorithm>:<key identifier>"; the only algorithm the core
  // verifies is ed25519, and the identifier must not be empty.
  predicate sig_key_id_ok{L}(unsigned char *id, integer len) =
       len > 8
    && id[0] == 'e' && id[1] == 'd' && id[2] == '2' && id[3] == '5'
    && id[4] == '5' && id[5] == '1' && id[6] == '9' && id[7] == ':';

  // SIG-001, SIG-003: m[0..len) (the canonical JSON of the object without "signatures" and
  // "unsigned") carries the ed25519 signature sig[0..63] by the public key pk[0..31].
  predicate signed_by{L}(unsigned char *sig, unsigned char *m, integer len, unsigned char *pk) =
    ed25519_valid{L}(sig, m, len, pk);

  // The verdict of a check and the step that decided it belong together (core/signed_json.h):
  // VALID only with OK; MISSING when nothing is stored at signatures[user][key_id] (SIG-003,
  // SIG-007); INVALID only when ed25519 rejected a well-formed signature (SIG-005); MALFORMED
  // when something is there but cannot be checked.
  predicate sig_verdict_reason(integer v, integer r) =
       (v == MXT_SIG_VALID <==> r == MXT_SIGR_OK)
    && (v == MXT_SIG_INVALID <==> r == MXT_SIGR_ED25519_REJECTED)
    && (v == MXT_SIG_MISSING <==>
          (r == MXT_SIGR_NO_SIGNATURES || r == MXT_SIGR_NO_USER || r == MXT_SIGR_NO_KEY))
    && (v == MXT_SIG_MALFORMED <==>
          (r == MXT_SIGR_NOT_OBJECT || r == MXT_SIGR_SIGNATURES_NOT_OBJECT
        || r == MXT_SIGR_USER_NOT_OBJECT || r == MXT_SIGR_SIG_NOT_STRING
        || r == MXT_SIGR_SIG_BASE64 || r == MXT_SIGR_SIG_LENGTH || r == MXT_SIGR_BAD_KEY_ID
        || r == MXT_SIGR_CANON));
*/

#endif
