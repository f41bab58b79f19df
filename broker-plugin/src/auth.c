/* Credentials: Mosquitto's password hashes ($7$: PBKDF2-HMAC-SHA512; $6$: salted SHA-512, as imported password
 * files hold), compared in constant time, and the key by which a certificate is found among the revoked. */
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fw.h"

/* Base64 [in, in+len) into out (cap bytes): the decoded length, or -1. */
static int b64_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
	if(len == 0 || len % 4 || len / 4 * 3 > cap) return -1;
	int n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
	if(n < 0) return -1;
	if(in[len - 1] == '=') n--;
	if(in[len - 2] == '=') n--;
	return n;
}

bool fw_password_matches(const char *hash, const char *password)
{
	unsigned char salt[96], want[96], got[64];
	if(!hash || !password) return false;
	if(!strncmp(hash, "$7$", 3)){
		char *end;
		long iterations = strtol(hash + 3, &end, 10);
		if(end == hash + 3 || *end != '$' || iterations < 1 || iterations > 10000000) return false;
		const char *s = end + 1, *h = strchr(s, '$');
		if(!h) return false;
		int sl = b64_decode(s, (size_t)(h - s), salt, sizeof(salt));
		int hl = b64_decode(h + 1, strlen(h + 1), want, sizeof(want));
		if(sl <= 0 || hl != 64) return false;
		if(!PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, sl, (int)iterations, EVP_sha512(), 64, got)) return false;
		return CRYPTO_memcmp(got, want, 64) == 0;
	}
	if(!strncmp(hash, "$6$", 3)){
		const char *s = hash + 3, *h = strchr(s, '$');
		if(!h) return false;
		int sl = b64_decode(s, (size_t)(h - s), salt, sizeof(salt));
		int hl = b64_decode(h + 1, strlen(h + 1), want, sizeof(want));
		if(sl <= 0 || hl != 64) return false;
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		unsigned int n = 0;
		bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) && EVP_DigestUpdate(ctx, password, strlen(password)) && EVP_DigestUpdate(ctx, salt, (size_t)sl) && EVP_DigestFinal_ex(ctx, got, &n) && n == 64;
		EVP_MD_CTX_free(ctx);
		return ok && CRYPTO_memcmp(got, want, 64) == 0;
	}
	return false;
}

bool fw_cert_key(void *x509, char *out, size_t len)
{
	X509 *cert = x509;
	const unsigned char *der = NULL;
	size_t der_len = 0;
	unsigned char digest[SHA256_DIGEST_LENGTH];
	if(!cert || len < 2 * SHA256_DIGEST_LENGTH + 2) return false;
	if(!X509_NAME_get0_der(X509_get_issuer_name(cert), &der, &der_len)) return false;
	SHA256(der, der_len, digest);
	for(int i = 0; i < SHA256_DIGEST_LENGTH; i++) snprintf(out + 2 * i, 3, "%02x", digest[i]);
	out[2 * SHA256_DIGEST_LENGTH] = ':';
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	BN_free(bn);
	if(!hex) return false;
	/* Lowercase, no leading zeros: as Fleetward writes serials. */
	const char *h = hex;
	while(h[0] == '0' && h[1]) h++;
	size_t at = 2 * SHA256_DIGEST_LENGTH + 1, hl = strlen(h);
	bool ok = at + hl < len;
	for(size_t i = 0; ok && i < hl; i++) out[at + i] = (char)(h[i] >= 'A' && h[i] <= 'F' ? h[i] - 'A' + 'a' : h[i]);
	if(ok) out[at + hl] = '\0';
	OPENSSL_free(hex);
	return ok;
}
