// OpenSSL's libcrypto, which libcurl already loads into the process: HMAC for webhook signatures
// and its constant-time comparison, SHA-256 for the keys of what came back. No hand-rolled
// cryptography.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
