/*
 * The single seam between the proven core and libsodium.
 *
 * Frama-C cannot read <sodium.h>, and an extern function without a contract would be given
 * invented default assumptions. So the prover sees exactly what we assume about each extern we
 * call, stated once here; the compiler sees the real header. Signature validity is the
 * uninterpreted predicate ed25519_valid: the core's contracts can then say which signature made a
 * decision true, without pretending to prove ed25519 itself. What is assumed, and only that:
 *  - crypto_sign_verify_detached reads the 64-byte signature, the message and the 32-byte key,
 *    writes nothing, returns 0 exactly when ed25519_valid holds and -1 otherwise.
 */
#ifndef MXT_EXTERN_CRYPTO_H
#define MXT_EXTERN_CRYPTO_H

/*@
  axiomatic Ed25519 {
    // Assumed, not proved: libsodium's verification decides this predicate.
    predicate ed25519_valid{L}(unsigned char *sig, unsigned char *m, integer mlen, unsigned char *pk)
      reads sig[0 .. 63], m[0 .. mlen - 1], pk[0 .. 31];
  }
*/

#ifdef __FRAMAC__
/*@
  requires \valid_read(sig + (0 .. 63));
  requires \valid_read(pk + (0 .. 31));
  requires mlen == 0 || \valid_read(m + (0 .. mlen - 1));
  assigns \result \from indirect:sig[0 .. 63], indirect:m[0 .. mlen - 1], indirect:pk[0 .. 31];
  ensures \result == 0 || \result == -1;
  ensures \result == 0 <==> ed25519_valid(sig, m, mlen, pk);
*/
int crypto_sign_verify_detached(const unsigned char *sig, const unsigned char *m,
                                unsigned long long mlen, const unsigned char *pk);
#else
#include <sodium.h>
#endif

#endif
