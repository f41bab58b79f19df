/* The state digest: each entry (client, role, group, revoked certificate, the default access) is hashed on its own,
 * SHA-256 over its fields each written as "<length>:<bytes>", and the model's digest is the XOR of them all. An
 * upsert takes the old entry's hash out and puts the new one in, so the digest costs O(changed), and Fleetward
 * computes the same from Postgres to see drift without rendering anything. */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include "fw.h"

static const char *const CREDENTIALS[] = { "password", "psk", "cert", "live", "probe" };
static const char *const ACLTYPES[] = { "publishClientSend", "publishClientReceive", "subscribeLiteral", "subscribePattern", "unsubscribeLiteral", "unsubscribePattern" };

static void field(EVP_MD_CTX *ctx, const char *s)
{
	char len[24];
	if(!s) s = "";
	int n = snprintf(len, sizeof(len), "%zu:", strlen(s));
	EVP_DigestUpdate(ctx, len, (size_t)n);
	EVP_DigestUpdate(ctx, s, strlen(s));
}

static void number(EVP_MD_CTX *ctx, long long v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%lld", v);
	field(ctx, buf);
}

static void refs(EVP_MD_CTX *ctx, const struct fw_ref *r, int n)
{
	number(ctx, n);
	for(int i = 0; i < n; i++){
		field(ctx, r[i].name);
		number(ctx, r[i].priority);
	}
}

static EVP_MD_CTX *begin(const char *kind)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if(ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) field(ctx, kind);
	return ctx;
}

static void end(EVP_MD_CTX *ctx, unsigned char out[32])
{
	unsigned int n = 32;
	if(!ctx || !EVP_DigestFinal_ex(ctx, out, &n)) memset(out, 0, 32);
	EVP_MD_CTX_free(ctx);
}

void fw_digest_client(struct fw_client *c)
{
	EVP_MD_CTX *ctx = begin("client");
	field(ctx, c->username);
	field(ctx, c->clientid);
	field(ctx, CREDENTIALS[c->credential]);
	field(ctx, c->secret);
	number(ctx, c->disabled);
	number(ctx, (long long)c->expires);
	refs(ctx, c->roles, c->role_count);
	refs(ctx, c->groups, c->group_count);
	end(ctx, c->digest);
}

void fw_digest_role(struct fw_role *r)
{
	int total = 0;
	for(int t = 0; t < FW_ACLTYPES; t++) total += r->count[t];
	EVP_MD_CTX *ctx = begin("role");
	field(ctx, r->name);
	number(ctx, total);
	/* The rules in the order they were written. */
	for(int at = 0; at < total; at++){
		for(int t = 0; t < FW_ACLTYPES; t++){
			for(int i = 0; i < r->count[t]; i++){
				const struct fw_rule *x = &r->rules[t][i];
				if(x->index != at) continue;
				field(ctx, ACLTYPES[t]);
				field(ctx, x->topic);
				number(ctx, x->priority);
				number(ctx, x->allow);
			}
		}
	}
	end(ctx, r->digest);
}

void fw_digest_group(struct fw_group *g)
{
	EVP_MD_CTX *ctx = begin("group");
	field(ctx, g->name);
	refs(ctx, g->roles, g->role_count);
	end(ctx, g->digest);
}

void fw_digest_revoked(struct fw_revoked *v)
{
	EVP_MD_CTX *ctx = begin("revoked");
	field(ctx, v->key);
	end(ctx, v->digest);
}

void fw_digest_defaults(const struct fw_defaults *d, unsigned char out[32])
{
	EVP_MD_CTX *ctx = begin("defaults");
	number(ctx, d->publish_send);
	number(ctx, d->publish_recv);
	number(ctx, d->subscribe);
	number(ctx, d->unsubscribe);
	end(ctx, out);
}

void fw_digest_xor(unsigned char acc[32], const unsigned char d[32])
{
	for(int i = 0; i < 32; i++) acc[i] ^= d[i];
}

void fw_digest_hex(const unsigned char d[32], char out[65])
{
	for(int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}
