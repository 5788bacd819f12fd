#ifndef KOMMUNALCAMPUS_COPENSSL_SHIM_H
#define KOMMUNALCAMPUS_COPENSSL_SHIM_H

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/ess.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

/* What Swift cannot import from OpenSSL: function-like macros and the type-safe stack functions. */

/// OPENSSL_free: frees memory that OpenSSL allocated for the caller (e.g. ASN1_STRING_to_UTF8 output).
static inline void CCampus_OPENSSL_free(void *pointer) {
    OPENSSL_free(pointer);
}

/// BIO_get_mem_data: the bytes a memory BIO holds; returns their count and points `data` at them.
static inline long CCampus_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

/// sk_X509_num: number of certificates in a stack (-1 for NULL).
static inline int CCampus_sk_X509_num(const STACK_OF(X509) *stack) {
    return sk_X509_num(stack);
}

/// sk_X509_value: the certificate at `index`, still owned by the stack.
static inline X509 *CCampus_sk_X509_value(const STACK_OF(X509) *stack, int index) {
    return sk_X509_value(stack, index);
}

/// sk_X509_pop_free with X509_free: frees the stack and every certificate in it.
static inline void CCampus_sk_X509_pop_free(STACK_OF(X509) *stack) {
    sk_X509_pop_free(stack, X509_free);
}

/// sk_X509_new_null: an empty STACK_OF(X509); it does not own what is pushed onto it.
static inline STACK_OF(X509) *CCampus_sk_X509_new_null(void) {
    return sk_X509_new_null();
}

/// sk_X509_push: appends `certificate` without taking a reference; returns the new count, 0 on failure.
static inline int CCampus_sk_X509_push(STACK_OF(X509) *stack, X509 *certificate) {
    return sk_X509_push(stack, certificate);
}

/// sk_X509_free: frees the stack only; the certificates in it are left alone.
static inline void CCampus_sk_X509_free(STACK_OF(X509) *stack) {
    sk_X509_free(stack);
}

/// sk_CMS_SignerInfo_num: number of SignerInfos of a SignedData (-1 for NULL).
static inline int CCampus_sk_CMS_SignerInfo_num(const STACK_OF(CMS_SignerInfo) *stack) {
    return sk_CMS_SignerInfo_num(stack);
}

/// sk_CMS_SignerInfo_value: the SignerInfo at `index`, still owned by the CMS structure.
static inline CMS_SignerInfo *CCampus_sk_CMS_SignerInfo_value(const STACK_OF(CMS_SignerInfo) *stack, int index) {
    return sk_CMS_SignerInfo_value(stack, index);
}

/// sk_ASN1_TYPE_new_null: an empty STACK_OF(ASN1_TYPE), the type i2d_ASN1_SET_ANY encodes.
static inline STACK_OF(ASN1_TYPE) *CCampus_sk_ASN1_TYPE_new_null(void) {
    return sk_ASN1_TYPE_new_null();
}

/// sk_ASN1_TYPE_push: appends `value`; on success (a positive result) the stack owns it.
static inline int CCampus_sk_ASN1_TYPE_push(STACK_OF(ASN1_TYPE) *stack, ASN1_TYPE *value) {
    return sk_ASN1_TYPE_push(stack, value);
}

/// sk_ASN1_TYPE_pop_free with ASN1_TYPE_free: frees the stack and every element in it.
static inline void CCampus_sk_ASN1_TYPE_pop_free(STACK_OF(ASN1_TYPE) *stack) {
    sk_ASN1_TYPE_pop_free(stack, ASN1_TYPE_free);
}

/// sk_ASN1_OBJECT_num: number of object identifiers in a stack, such as an EXTENDED_KEY_USAGE (-1 for NULL).
static inline int CCampus_sk_ASN1_OBJECT_num(const STACK_OF(ASN1_OBJECT) *stack) {
    return sk_ASN1_OBJECT_num(stack);
}

/// sk_ASN1_OBJECT_value: the object identifier at `index`, still owned by the stack.
static inline ASN1_OBJECT *CCampus_sk_ASN1_OBJECT_value(const STACK_OF(ASN1_OBJECT) *stack, int index) {
    return sk_ASN1_OBJECT_value(stack, index);
}

/// XN_FLAG_ONELINE without escaping non-ASCII bytes: a distinguished name as one readable UTF-8 line.
static inline unsigned long CCampus_XN_FLAG_ONELINE_UTF8(void) {
    return XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB;
}

/// PEM password callback that refuses to supply a password, so that OpenSSL never prompts on a terminal.
static inline int CCampus_pem_no_password(char *buffer, int size, int rwflag, void *userdata) {
    (void)buffer;
    (void)size;
    (void)rwflag;
    (void)userdata;
    return -1;
}

#endif
