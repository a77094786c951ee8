#ifndef JZS_COPENSSL_SHIM_H
#define JZS_COPENSSL_SHIM_H
/* OpenSSL 3.0 headers plus one-line wrappers for the macros Swift cannot import. */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/opensslv.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/crypto.h>
#include <stdint.h>

static inline int shim_SSL_CTX_set_min_proto_version(SSL_CTX *c, int v) { return (int)SSL_CTX_set_min_proto_version(c, v); }
static inline int shim_SSL_CTX_set_max_proto_version(SSL_CTX *c, int v) { return (int)SSL_CTX_set_max_proto_version(c, v); }
static inline long shim_SSL_CTX_set_mode(SSL_CTX *c, long m) { return SSL_CTX_set_mode(c, m); }
static inline long shim_SSL_CTX_set_session_cache_mode(SSL_CTX *c, long m) { return SSL_CTX_set_session_cache_mode(c, m); }
static inline int shim_SSL_CTX_set1_groups_list(SSL_CTX *c, const char *l) { return (int)SSL_CTX_set1_groups_list(c, l); }
static inline long shim_SSL_set_tlsext_host_name(SSL *s, const char *n) { return SSL_set_tlsext_host_name(s, n); }
static inline void shim_OPENSSL_free(void *p) { OPENSSL_free(p); }
static inline long shim_BIO_pending(BIO *b) { return (long)BIO_pending(b); }
static inline long shim_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }
static inline int shim_BIO_set_mem_eof_return(BIO *b, int v) { return (int)BIO_set_mem_eof_return(b, v); }

static const uint64_t shim_SSL_OP_NO_RENEGOTIATION = SSL_OP_NO_RENEGOTIATION;
static const uint64_t shim_SSL_OP_NO_COMPRESSION = SSL_OP_NO_COMPRESSION;
static const uint64_t shim_SSL_OP_CIPHER_SERVER_PREFERENCE = SSL_OP_CIPHER_SERVER_PREFERENCE;

/* Subject alternative names. */
static inline int shim_sk_GENERAL_NAME_num(const GENERAL_NAMES *s) { return sk_GENERAL_NAME_num(s); }
static inline GENERAL_NAME *shim_sk_GENERAL_NAME_value(const GENERAL_NAMES *s, int i) { return sk_GENERAL_NAME_value(s, i); }
static inline void shim_GENERAL_NAMES_free(GENERAL_NAMES *s) { GENERAL_NAMES_free(s); }
/* Returns the URI text of a GEN_URI name, or NULL. The pointer stays owned by the name. */
static inline const unsigned char *shim_GENERAL_NAME_uri(const GENERAL_NAME *n, int *len) {
    if (n->type != GEN_URI) return NULL;
    *len = ASN1_STRING_length(n->d.uniformResourceIdentifier);
    return ASN1_STRING_get0_data(n->d.uniformResourceIdentifier);
}

/* Key generation (EVP_PKEY_Q_keygen is variadic). */
static inline EVP_PKEY *shim_generate_ec_key(const char *curve) { return EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve); }
static inline EVP_PKEY *shim_generate_sm2_key(void) { return EVP_PKEY_Q_keygen(NULL, NULL, "SM2"); }

/* Revoked-list helpers. */
static inline int shim_sk_X509_REVOKED_num(const STACK_OF(X509_REVOKED) *s) { return sk_X509_REVOKED_num(s); }
static inline X509_REVOKED *shim_sk_X509_REVOKED_value(const STACK_OF(X509_REVOKED) *s, int i) { return sk_X509_REVOKED_value(s, i); }
static const int shim_MBSTRING_UTF8 = MBSTRING_UTF8;
static inline X509V3_CTX *shim_X509V3_CTX_new(void) { return OPENSSL_zalloc(sizeof(X509V3_CTX)); }
static inline void shim_X509V3_CTX_free(X509V3_CTX *c) { OPENSSL_free(c); }
#endif
