/* The model the plugin holds, and how its parts are freed, ordered and found. */
#include <stdlib.h>
#include <string.h>
#include "fw.h"

struct fw_model fw_state;
static struct fw_conn *conns;

static void refs_free(struct fw_ref *refs, int n)
{
	for(int i = 0; i < n; i++) free(refs[i].name);
	free(refs);
}

void fw_client_free(struct fw_client *c)
{
	if(!c) return;
	free(c->username);
	free(c->clientid);
	if(c->secret){
		/* A secret does not outlive its client in freed memory. */
		volatile char *p = c->secret;
		while(*p) *p++ = 0;
		free(c->secret);
	}
	refs_free(c->roles, c->role_count);
	refs_free(c->groups, c->group_count);
	free(c);
}

void fw_role_free(struct fw_role *r)
{
	if(!r) return;
	for(int t = 0; t < FW_ACLTYPES; t++){
		for(int i = 0; i < r->count[t]; i++) free(r->rules[t][i].topic);
		free(r->rules[t]);
	}
	free(r->name);
	free(r);
}

void fw_group_free(struct fw_group *g)
{
	if(!g) return;
	refs_free(g->roles, g->role_count);
	free(g->name);
	free(g);
}

void fw_model_free(struct fw_model *m)
{

	struct fw_client *c, *ct;
	struct fw_role *r, *rt;
	struct fw_group *g, *gt;
	struct fw_revoked *v, *vt;
	HASH_ITER(hh, m->clients, c, ct){ HASH_DEL(m->clients, c); fw_client_free(c); }
	HASH_ITER(hh, m->roles, r, rt){ HASH_DEL(m->roles, r); fw_role_free(r); }
	HASH_ITER(hh, m->groups, g, gt){ HASH_DEL(m->groups, g); fw_group_free(g); }
	HASH_ITER(hh, m->revoked, v, vt){ HASH_DEL(m->revoked, v); free(v->key); free(v); }
	memset(m, 0, sizeof(*m));
}

/* dynsec's order for role and group lists: priority descending, then name ascending (strcmp). */
static int ref_cmp(const void *a, const void *b)
{
	const struct fw_ref *x = a, *y = b;
	if(x->priority != y->priority) return x->priority > y->priority ? -1 : 1;
	return strcmp(x->name, y->name);
}

void fw_refs_sort(struct fw_ref *refs, int n)
{
	if(n > 1) qsort(refs, (size_t)n, sizeof(*refs), ref_cmp);
}

/* A role's rules of one type: priority descending, ties in the order they were written (a stable order). */
static int rule_cmp(const void *a, const void *b)
{
	const struct fw_rule *x = a, *y = b;
	if(x->priority != y->priority) return x->priority > y->priority ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

void fw_role_sort(struct fw_role *r)
{
	for(int t = 0; t < FW_ACLTYPES; t++){
		if(r->count[t] > 1) qsort(r->rules[t], (size_t)r->count[t], sizeof(struct fw_rule), rule_cmp);
	}
}

struct fw_client *fw_find_client(const char *username)
{
	struct fw_client *c = NULL;
	if(username) HASH_FIND_STR(fw_state.clients, username, c);
	return c;
}

bool fw_is_revoked(const char *key)
{
	struct fw_revoked *v = NULL;
	HASH_FIND_STR(fw_state.revoked, key, v);
	return v != NULL;
}

void fw_conns_free(void)
{
	struct fw_conn *x, *xt;
	HASH_ITER(hh, conns, x, xt){ HASH_DEL(conns, x); free(x->identity); free(x); }
}

struct fw_conn *fw_conn_find(const void *client)
{
	struct fw_conn *c = NULL;
	HASH_FIND_PTR(conns, &client, c);
	return c;
}

/* The connection's record, made when it is first seen; NULL when memory runs out. */
struct fw_conn *fw_conn_get(const void *client)
{
	struct fw_conn *c = fw_conn_find(client);
	if(c) return c;
	c = calloc(1, sizeof(*c));
	if(!c) return NULL;
	c->client = client;
	HASH_ADD_PTR(conns, client, c);
	return c;
}

void fw_conn_drop(const void *client)
{
	struct fw_conn *c = fw_conn_find(client);
	if(!c) return;
	HASH_DEL(conns, c);
	free(c->identity);
	free(c);
}
