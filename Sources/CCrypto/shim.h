// SHA-256 through OpenSSL's SHA256_Init/Update/Final: unlike the EVP interface, these need no
// provider lookup (about 5 million instructions at the first digest) and register no clean-up
// that could run at exit while a background thread is still hashing. OpenSSL 3 marks them
// deprecated in favour of EVP; they remain part of its API, hence the suppression.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
