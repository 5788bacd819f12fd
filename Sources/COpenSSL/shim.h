#ifndef KOMMUNALCAMPUS_COPENSSL_SHIM_H
#define KOMMUNALCAMPUS_COPENSSL_SHIM_H

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

#endif
