/* Command batches: what changes the model. A batch is JSON (cJSON, from Debian):
 *
 *   {"revision": 42, "ops": [{"op": "upsertClient", ...}, {"op": "deleteRole", "rolename": "r"}, ...],
 *    "stage": {"id": "…", "part": 1, "parts": 3}}
 *
 * Every op is checked before any is applied: a bad one refuses the whole batch, with where and why, and changes
 * nothing. Ops are idempotent (an upsert replaces, a delete of what is not there does nothing), so a batch delivered
 * twice changes nothing more. A batch older than the applied revision is refused. With "stage", the batch is one part
 * of a full state (a new or wiped broker): parts build a model of their own, which replaces the live one whole when
 * the last part has arrived. */
#include <cjson/cJSON.h>
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "fw.h"

#define MAX_OPS 100000
#define MAX_REFS 1000
#define MAX_RULES 10000
#define MAX_NAME 65535

enum op_kind { OP_UPSERT_CLIENT, OP_DELETE_CLIENT, OP_UPSERT_ROLE, OP_DELETE_ROLE, OP_UPSERT_GROUP, OP_DELETE_GROUP, OP_SET_DEFAULTS, OP_REVOKE, OP_UNREVOKE, OP_KICK };

struct op {
	enum op_kind kind;
	struct fw_client *client;
	struct fw_role *role;
	struct fw_group *group;
	struct fw_defaults defaults;
	char *name;      /* what a delete, revoke or kick names */
	char *username;  /* revoke: whose sessions to close */
};

struct batch {
	long long revision;
	struct op *ops;
	int count;
	char *stage_id;
	int part, parts;
};

static const char *const ACLTYPES[] = { "publishClientSend", "publishClientReceive", "subscribeLiteral", "subscribePattern", "unsubscribeLiteral", "unsubscribePattern" };

/* Where parsing failed and why: "ops[3].acls[0].acltype: must be one of …". */
struct err {
	char text[512];
	bool set;
};

static bool fail(struct err *e, const char *where, const char *fmt, ...)
{
	if(e->set) return false;
	va_list ap;
	int n = snprintf(e->text, sizeof(e->text), "%s: ", where);
	va_start(ap, fmt);
	if(n > 0 && (size_t)n < sizeof(e->text)) vsnprintf(e->text + n, sizeof(e->text) - (size_t)n, fmt, ap);
	va_end(ap);
	e->set = true;
	return false;
}

/* Text Fleetward may write into the model: valid UTF-8, no control characters, not empty, bounded. */
static bool text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if(n == 0 || n > max) return false;
	if(mosquitto_validate_utf8(s, (int)n) != MOSQ_ERR_SUCCESS) return false;
	for(const unsigned char *p = (const unsigned char *)s; *p; p++) if(*p < 0x20 || *p == 0x7f) return false;
	return true;
}

static bool only_keys(const cJSON *o, const char *const *keys, const char *where, struct err *e)
{
	for(const cJSON *c = o->child; c; c = c->next){
		bool known = false;
		for(const char *const *k = keys; *k; k++) if(!strcmp(c->string, *k)) known = true;
		if(!known) return fail(e, where, "unknown field \"%.64s\"", c->string);
	}
	return true;
}

static char *take_string(const cJSON *o, const char *key, bool required, size_t max, const char *where, struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char at[256];
	snprintf(at, sizeof(at), "%s.%s", where, key);
	if(!v){
		if(required) fail(e, at, "is required");
		return NULL;
	}
	if(!cJSON_IsString(v) || !text_ok(v->valuestring, max)){
		fail(e, at, "must be non-empty UTF-8 text without control characters, at most %zu bytes", max);
		return NULL;
	}
	char *s = strdup(v->valuestring);
	if(!s) fail(e, at, "out of memory");
	return s;
}

static bool take_int(const cJSON *o, const char *key, long long dflt, long long min, long long max, long long *out, const char *where, struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = dflt;
	if(!v) return true;
	char at[256];
	snprintf(at, sizeof(at), "%s.%s", where, key);
	if(!cJSON_IsNumber(v) || v->valuedouble != (double)(long long)v->valuedouble || v->valuedouble < (double)min || v->valuedouble > (double)max){
		return fail(e, at, "must be a whole number from %lld to %lld", min, max);
	}
	*out = (long long)v->valuedouble;
	return true;
}

static bool take_bool(const cJSON *o, const char *key, bool dflt, bool *out, const char *where, struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = dflt;
	if(!v) return true;
	if(!cJSON_IsBool(v)){
		char at[256];
		snprintf(at, sizeof(at), "%s.%s", where, key);
		return fail(e, at, "must be true or false");
	}
	*out = cJSON_IsTrue(v);
	return true;
}

/* Client ids and usernames: no MQTT wildcard or level separator, as templates expand them within one level. */
static bool identity_ok(const char *s)
{
	return !strpbrk(s, "+#/");
}

/* A name Fleetward's own identities use: no device may hold one (lib/domain/reserved-names.ts). */
static bool reserved_name(const char *s)
{
	return !strncasecmp(s, "fleetward", 9) || s[0] == '_' || s[0] == '$';
}

/* A role or group list: [{"rolename"|"groupname": name, "priority": n}], no name twice; sorted as dynsec orders it. */
static bool take_refs(const cJSON *o, const char *key, const char *namekey, struct fw_ref **out, int *count, const char *where, struct err *e)
{
	static const char *const ROLE_KEYS[] = { "rolename", "priority", NULL };
	static const char *const GROUP_KEYS[] = { "groupname", "priority", NULL };
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(o, key);
	char at[256];
	*out = NULL;
	*count = 0;
	if(!list) return true;
	snprintf(at, sizeof(at), "%s.%s", where, key);
	if(!cJSON_IsArray(list)) return fail(e, at, "must be a list");
	int n = cJSON_GetArraySize(list);
	if(n > MAX_REFS) return fail(e, at, "holds %d entries: at most %d", n, MAX_REFS);
	if(n == 0) return true;
	struct fw_ref *refs = calloc((size_t)n, sizeof(*refs));
	if(!refs) return fail(e, at, "out of memory");
	int i = 0;
	const cJSON *item;
	cJSON_ArrayForEach(item, list){
		char ref_at[300];
		long long prio;
		snprintf(ref_at, sizeof(ref_at), "%s[%d]", at, i);
		if(!cJSON_IsObject(item)){ fail(e, ref_at, "must be an object"); break; }
		if(!only_keys(item, namekey[0] == 'r' ? ROLE_KEYS : GROUP_KEYS, ref_at, e)) break;
		refs[i].name = take_string(item, namekey, true, MAX_NAME, ref_at, e);
		if(!refs[i].name) break;
		if(!take_int(item, "priority", -1, -2147483647LL, 2147483647LL, &prio, ref_at, e)) { i++; break; }
		refs[i].priority = (int)prio;
		bool twice = false;
		for(int j = 0; j < i; j++) if(!strcmp(refs[j].name, refs[i].name)) twice = true;
		i++;
		if(twice){ fail(e, ref_at, "names \"%.64s\" a second time", refs[i - 1].name); break; }
	}
	if(e->set){
		for(int j = 0; j < n; j++) free(refs[j].name);
		free(refs);
		return false;
	}
	fw_refs_sort(refs, n);
	*out = refs;
	*count = n;
	return true;
}

static bool hex_ok(const char *s)
{
	size_t n = strlen(s);
	if(n < 2 || n > 128 || n % 2) return false;
	for(const char *p = s; *p; p++) if(!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return false;
	return true;
}

static struct fw_client *parse_client(const cJSON *o, const char *where, struct err *e)
{
	static const char *const KEYS[] = { "op", "username", "clientid", "credential", "secret", "disabled", "expires", "roles", "groups", NULL };
	static const char *const CREDENTIALS[] = { "password", "psk", "cert", "live", "probe", NULL };
	char at[256];
	if(!only_keys(o, KEYS, where, e)) return NULL;
	struct fw_client *c = calloc(1, sizeof(*c));
	if(!c){ fail(e, where, "out of memory"); return NULL; }
	char *cred = NULL;
	long long expires;
	c->username = take_string(o, "username", true, MAX_NAME, where, e);
	c->clientid = take_string(o, "clientid", true, MAX_NAME, where, e);
	cred = take_string(o, "credential", true, 16, where, e);
	c->secret = take_string(o, "secret", false, 1024, where, e);
	if(e->set) goto bad;
	snprintf(at, sizeof(at), "%s.credential", where);
	int k = 0;
	while(CREDENTIALS[k] && strcmp(CREDENTIALS[k], cred)) k++;
	if(!CREDENTIALS[k]){ fail(e, at, "must be password, psk, cert, live or probe"); goto bad; }
	c->credential = (enum fw_credential)k;
	snprintf(at, sizeof(at), "%s.username", where);
	if(!identity_ok(c->username) || !identity_ok(c->clientid)){ fail(e, at, "and clientid may not hold +, # or /"); goto bad; }
	bool service = c->credential == FW_CRED_LIVE || c->credential == FW_CRED_PROBE;
	if(c->credential == FW_CRED_LIVE && strncmp(c->username, "_live-", 6)){ fail(e, at, "of a live view must start with _live-"); goto bad; }
	if(c->credential == FW_CRED_PROBE && strcmp(c->username, "_fleetward-probe")){ fail(e, at, "of the TLS probe must be _fleetward-probe"); goto bad; }
	if(!service && (reserved_name(c->username) || reserved_name(c->clientid))){ fail(e, at, "is reserved for Fleetward's own identities (admin channel, agents, probe, live views)"); goto bad; }
	snprintf(at, sizeof(at), "%s.secret", where);
	switch(c->credential){
		case FW_CRED_PASSWORD:
		case FW_CRED_LIVE:
			if(!c->secret || (strncmp(c->secret, "$7$", 3) && strncmp(c->secret, "$6$", 3))){ fail(e, at, "must be a Mosquitto password hash ($7$ or $6$)"); goto bad; }
			break;
		case FW_CRED_PSK:
		case FW_CRED_PROBE:
			if(!c->secret || !hex_ok(c->secret)){ fail(e, at, "must be the PSK key in lowercase hex, 1 to 64 bytes"); goto bad; }
			break;
		case FW_CRED_CERT:
			if(c->secret){ fail(e, at, "is not taken for a certificate client: its certificate is its credential"); goto bad; }
			break;
	}
	if(!take_bool(o, "disabled", false, &c->disabled, where, e)) goto bad;
	if(!take_int(o, "expires", 0, 0, 253402300799LL, &expires, where, e)) goto bad;
	c->expires = (time_t)expires;
	if(c->credential == FW_CRED_LIVE && !c->expires){ snprintf(at, sizeof(at), "%s.expires", where); fail(e, at, "is required for a live view's credential"); goto bad; }
	if(!take_refs(o, "roles", "rolename", &c->roles, &c->role_count, where, e)) goto bad;
	if(!take_refs(o, "groups", "groupname", &c->groups, &c->group_count, where, e)) goto bad;
	free(cred);
	fw_digest_client(c);
	return c;
bad:
	free(cred);
	fw_client_free(c);
	return NULL;
}

/* A rule topic: a valid subscription filter once its templates are read as one level, with no other ${…}. */
static bool rule_topic_ok(const char *topic, bool *templated)
{
	char probe[MAX_NAME + 1];
	size_t o = 0;
	*templated = false;
	for(const char *p = topic; *p && o < MAX_NAME;){
		if(!strncmp(p, "${clientId}", 11) || !strncmp(p, "${username}", 11)){
			probe[o++] = 'x';
			p += 11;
			*templated = true;
		}else if(p[0] == '$' && p[1] == '{'){
			return false;
		}else{
			probe[o++] = *p++;
		}
	}
	probe[o] = '\0';
	return mosquitto_sub_topic_check(probe) == MOSQ_ERR_SUCCESS;
}

static struct fw_role *parse_role(const cJSON *o, const char *where, struct err *e)
{
	static const char *const KEYS[] = { "op", "rolename", "acls", NULL };
	static const char *const RULE_KEYS[] = { "acltype", "topic", "priority", "allow", NULL };
	char at[256];
	if(!only_keys(o, KEYS, where, e)) return NULL;
	struct fw_role *r = calloc(1, sizeof(*r));
	if(!r){ fail(e, where, "out of memory"); return NULL; }
	r->name = take_string(o, "rolename", true, MAX_NAME, where, e);
	if(!r->name) goto bad;
	const cJSON *acls = cJSON_GetObjectItemCaseSensitive(o, "acls");
	snprintf(at, sizeof(at), "%s.acls", where);
	if(acls && !cJSON_IsArray(acls)){ fail(e, at, "must be a list"); goto bad; }
	int n = acls ? cJSON_GetArraySize(acls) : 0;
	if(n > MAX_RULES){ fail(e, at, "holds %d rules: at most %d", n, MAX_RULES); goto bad; }
	/* Each type's rules in an array of its own: counted first. */
	int i = 0;
	const cJSON *item;
	int *kind = n ? calloc((size_t)n, sizeof(int)) : NULL;
	if(n && !kind){ fail(e, at, "out of memory"); goto bad; }
	cJSON_ArrayForEach(item, acls){
		char rule_at[300];
		snprintf(rule_at, sizeof(rule_at), "%s[%d]", at, i);
		if(!cJSON_IsObject(item)){ fail(e, rule_at, "must be an object"); break; }
		if(!only_keys(item, RULE_KEYS, rule_at, e)) break;
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(item, "acltype");
		int k = 0;
		while(k < FW_ACLTYPES && !(cJSON_IsString(t) && !strcmp(t->valuestring, ACLTYPES[k]))) k++;
		if(k == FW_ACLTYPES){
			char type_at[320];
			snprintf(type_at, sizeof(type_at), "%s.acltype", rule_at);
			fail(e, type_at, "must be one of publishClientSend, publishClientReceive, subscribeLiteral, subscribePattern, unsubscribeLiteral, unsubscribePattern");
			break;
		}
		kind[i++] = k;
		r->count[k]++;
	}
	if(e->set){ free(kind); goto bad; }
	for(int k = 0; k < FW_ACLTYPES; k++){
		if(r->count[k] && !(r->rules[k] = calloc((size_t)r->count[k], sizeof(struct fw_rule)))){ free(kind); fail(e, at, "out of memory"); goto bad; }
		r->count[k] = 0;
	}
	i = 0;
	cJSON_ArrayForEach(item, acls){
		char rule_at[300];
		long long prio;
		bool allow;
		snprintf(rule_at, sizeof(rule_at), "%s[%d]", at, i);
		struct fw_rule *x = &r->rules[kind[i]][r->count[kind[i]]];
		x->index = i;
		x->topic = take_string(item, "topic", true, MAX_NAME, rule_at, e);
		if(!x->topic) break;
		r->count[kind[i]]++;
		if(!rule_topic_ok(x->topic, &x->templated)){
			char topic_at[320];
			snprintf(topic_at, sizeof(topic_at), "%s.topic", rule_at);
			fail(e, topic_at, "must be a topic filter (+ and # as whole levels, # last); the only templates are ${clientId} and ${username}");
			break;
		}
		if(!take_int(item, "priority", 0, -2147483647LL, 2147483647LL, &prio, rule_at, e)) break;
		if(!take_bool(item, "allow", false, &allow, rule_at, e)) break;
		x->priority = (int)prio;
		x->allow = allow;
		i++;
	}
	free(kind);
	if(e->set) goto bad;
	fw_role_sort(r);
	fw_digest_role(r);
	return r;
bad:
	fw_role_free(r);
	return NULL;
}

static struct fw_group *parse_group(const cJSON *o, const char *where, struct err *e)
{
	static const char *const KEYS[] = { "op", "groupname", "roles", NULL };
	if(!only_keys(o, KEYS, where, e)) return NULL;
	struct fw_group *g = calloc(1, sizeof(*g));
	if(!g){ fail(e, where, "out of memory"); return NULL; }
	g->name = take_string(o, "groupname", true, MAX_NAME, where, e);
	if(!g->name || !take_refs(o, "roles", "rolename", &g->roles, &g->role_count, where, e)){
		fw_group_free(g);
		return NULL;
	}
	fw_digest_group(g);
	return g;
}

static bool revoked_key_ok(const char *k)
{
	/* "<64 hex digits>:<serial in lowercase hex, no leading zeros>" (auth.c fw_cert_key). */
	size_t n = strlen(k);
	if(n < 66 || n > 65 + 40 || k[64] != ':') return false;
	for(size_t i = 0; i < n; i++){
		if(i == 64) continue;
		if(!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'f'))) return false;
	}
	return !(k[65] == '0' && n > 66);
}

static bool parse_op(const cJSON *o, int i, struct op *op, struct err *e)
{
	char where[32];
	snprintf(where, sizeof(where), "ops[%d]", i);
	if(!cJSON_IsObject(o)) return fail(e, where, "must be an object");
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "op");
	const char *k = cJSON_IsString(kind) ? kind->valuestring : "";
	if(!strcmp(k, "upsertClient")){
		op->kind = OP_UPSERT_CLIENT;
		return (op->client = parse_client(o, where, e)) != NULL;
	}
	if(!strcmp(k, "upsertRole")){
		op->kind = OP_UPSERT_ROLE;
		return (op->role = parse_role(o, where, e)) != NULL;
	}
	if(!strcmp(k, "upsertGroup")){
		op->kind = OP_UPSERT_GROUP;
		return (op->group = parse_group(o, where, e)) != NULL;
	}
	if(!strcmp(k, "setDefaults")){
		static const char *const KEYS[] = { "op", "publishClientSend", "publishClientReceive", "subscribe", "unsubscribe", NULL };
		op->kind = OP_SET_DEFAULTS;
		return only_keys(o, KEYS, where, e)
			&& take_bool(o, "publishClientSend", false, &op->defaults.publish_send, where, e)
			&& take_bool(o, "publishClientReceive", false, &op->defaults.publish_recv, where, e)
			&& take_bool(o, "subscribe", false, &op->defaults.subscribe, where, e)
			&& take_bool(o, "unsubscribe", false, &op->defaults.unsubscribe, where, e);
	}
	struct { const char *op; enum op_kind kind; const char *key; } named[] = {
		{ "deleteClient", OP_DELETE_CLIENT, "username" },
		{ "deleteRole", OP_DELETE_ROLE, "rolename" },
		{ "deleteGroup", OP_DELETE_GROUP, "groupname" },
		{ "revoke", OP_REVOKE, "key" },
		{ "unrevoke", OP_UNREVOKE, "key" },
		{ "kick", OP_KICK, "clientid" },
	};
	for(size_t j = 0; j < sizeof(named) / sizeof(named[0]); j++){
		if(strcmp(k, named[j].op)) continue;
		const char *keys[] = { "op", named[j].key, named[j].kind == OP_REVOKE ? "username" : NULL, NULL };
		op->kind = named[j].kind;
		if(!only_keys(o, keys, where, e)) return false;
		op->name = take_string(o, named[j].key, true, MAX_NAME, where, e);
		if(!op->name) return false;
		if((op->kind == OP_REVOKE || op->kind == OP_UNREVOKE) && !revoked_key_ok(op->name)){
			char at[64];
			snprintf(at, sizeof(at), "%s.key", where);
			return fail(e, at, "must be \"<SHA-256 of the issuer's name, hex>:<serial in lowercase hex>\"");
		}
		if(op->kind == OP_REVOKE) op->username = take_string(o, "username", false, MAX_NAME, where, e);
		return !e->set;
	}
	char at[48];
	snprintf(at, sizeof(at), "%s.op", where);
	return fail(e, at, "must be one of upsertClient, deleteClient, upsertRole, deleteRole, upsertGroup, deleteGroup, setDefaults, revoke, unrevoke, kick");
}

static void ops_free(struct op *ops, int n)
{
	for(int i = 0; i < n; i++){
		fw_client_free(ops[i].client);
		fw_role_free(ops[i].role);
		fw_group_free(ops[i].group);
		free(ops[i].name);
		free(ops[i].username);
	}
	free(ops);
}

static bool parse_batch(const char *payload, size_t len, struct batch *b, struct err *e)
{
	static const char *const KEYS[] = { "revision", "ops", "stage", NULL };
	memset(b, 0, sizeof(*b));
	b->revision = -1;
	if(!payload || len == 0) return fail(e, "batch", "is empty");
	if(memchr(payload, '\0', len)) return fail(e, "batch", "holds a NUL byte");
	/* cJSON reads to the terminating NUL, and refuses anything after the value. */
	char *text = malloc(len + 1);
	if(!text) return fail(e, "batch", "out of memory");
	memcpy(text, payload, len);
	text[len] = '\0';
	cJSON *root = cJSON_ParseWithOpts(text, NULL, true);
	free(text);
	if(!root) return fail(e, "batch", "is not JSON");
	bool ok = false;
	if(!cJSON_IsObject(root)){ fail(e, "batch", "must be an object"); goto done; }
	if(!only_keys(root, KEYS, "batch", e)) goto done;
	const cJSON *rev = cJSON_GetObjectItemCaseSensitive(root, "revision");
	if(!rev){ fail(e, "batch.revision", "is required"); goto done; }
	if(!take_int(root, "revision", 0, 0, 9007199254740991LL, &b->revision, "batch", e)) goto done;
	const cJSON *stage = cJSON_GetObjectItemCaseSensitive(root, "stage");
	if(stage){
		static const char *const STAGE_KEYS[] = { "id", "part", "parts", NULL };
		long long part, parts;
		if(!cJSON_IsObject(stage)){ fail(e, "batch.stage", "must be an object"); goto done; }
		if(!only_keys(stage, STAGE_KEYS, "batch.stage", e)) goto done;
		b->stage_id = take_string(stage, "id", true, 64, "batch.stage", e);
		if(!b->stage_id) goto done;
		if(!take_int(stage, "parts", 1, 1, 1000000, &parts, "batch.stage", e)) goto done;
		if(!take_int(stage, "part", 1, 1, parts, &part, "batch.stage", e)) goto done;
		b->part = (int)part;
		b->parts = (int)parts;
	}
	const cJSON *ops = cJSON_GetObjectItemCaseSensitive(root, "ops");
	if(!cJSON_IsArray(ops)){ fail(e, "batch.ops", "must be a list"); goto done; }
	int n = cJSON_GetArraySize(ops);
	if(n > MAX_OPS){ fail(e, "batch.ops", "holds %d ops: at most %d a batch", n, MAX_OPS); goto done; }
	b->ops = calloc(n ? (size_t)n : 1, sizeof(struct op));
	if(!b->ops){ fail(e, "batch.ops", "out of memory"); goto done; }
	const cJSON *item;
	cJSON_ArrayForEach(item, ops){
		if(!parse_op(item, b->count, &b->ops[b->count], e)){ b->count++; goto done; }
		b->count++;
	}
	ok = true;
done:
	cJSON_Delete(root);
	return ok;
}

static void kick_later(char ***list, int *count, int *cap, const char *name)
{
	if(*count == *cap){
		int cap2 = *cap ? *cap * 2 : 16;
		char **grown = realloc(*list, (size_t)cap2 * sizeof(char *));
		if(!grown) return;
		*list = grown;
		*cap = cap2;
	}
	char *copy = strdup(name);
	if(copy) (*list)[(*count)++] = copy;
}

static bool credential_changed(const struct fw_client *old, const struct fw_client *c)
{
	if(old->credential != c->credential || strcmp(old->clientid, c->clientid)) return true;
	if(!old->secret != !c->secret) return true;
	return old->secret && strcmp(old->secret, c->secret);
}

/* Sessions to end once the batch is in: usernames deleted, disabled or given another credential; client ids kicked. */
struct pending {
	char **users;
	int users_n, users_cap;
	char **ids;
	int ids_n, ids_cap;
};

/* Applies parsed ops to `m`, taking ownership of what they hold. Cannot fail. */
static void apply_ops(struct fw_model *m, struct batch *b, struct pending *kick)
{
	for(int i = 0; i < b->count; i++){
		struct op *op = &b->ops[i];
		switch(op->kind){
			case OP_UPSERT_CLIENT: {
				struct fw_client *old = NULL;
				HASH_FIND_STR(m->clients, op->client->username, old);
				if(old){
					if(credential_changed(old, op->client) || (op->client->disabled && !old->disabled)) kick_later(&kick->users, &kick->users_n, &kick->users_cap, old->username);
					fw_digest_xor(m->digest, old->digest);
					HASH_DEL(m->clients, old);
					fw_client_free(old);
				}
				fw_digest_xor(m->digest, op->client->digest);
				HASH_ADD_KEYPTR(hh, m->clients, op->client->username, strlen(op->client->username), op->client);
				op->client = NULL;
				break;
			}
			case OP_DELETE_CLIENT: {
				struct fw_client *old = NULL;
				HASH_FIND_STR(m->clients, op->name, old);
				if(old){
					fw_digest_xor(m->digest, old->digest);
					HASH_DEL(m->clients, old);
					fw_client_free(old);
				}
				kick_later(&kick->users, &kick->users_n, &kick->users_cap, op->name);
				break;
			}
			case OP_UPSERT_ROLE: {
				struct fw_role *old = NULL;
				HASH_FIND_STR(m->roles, op->role->name, old);
				if(old){
					fw_digest_xor(m->digest, old->digest);
					HASH_DEL(m->roles, old);
					fw_role_free(old);
				}
				fw_digest_xor(m->digest, op->role->digest);
				HASH_ADD_KEYPTR(hh, m->roles, op->role->name, strlen(op->role->name), op->role);
				op->role = NULL;
				break;
			}
			case OP_DELETE_ROLE: {
				struct fw_role *old = NULL;
				HASH_FIND_STR(m->roles, op->name, old);
				if(old){
					fw_digest_xor(m->digest, old->digest);
					HASH_DEL(m->roles, old);
					fw_role_free(old);
				}
				break;
			}
			case OP_UPSERT_GROUP: {
				struct fw_group *old = NULL;
				HASH_FIND_STR(m->groups, op->group->name, old);
				if(old){
					fw_digest_xor(m->digest, old->digest);
					HASH_DEL(m->groups, old);
					fw_group_free(old);
				}
				fw_digest_xor(m->digest, op->group->digest);
				HASH_ADD_KEYPTR(hh, m->groups, op->group->name, strlen(op->group->name), op->group);
				op->group = NULL;
				break;
			}
			case OP_DELETE_GROUP: {
				struct fw_group *old = NULL;
				HASH_FIND_STR(m->groups, op->name, old);
				if(old){
					fw_digest_xor(m->digest, old->digest);
					HASH_DEL(m->groups, old);
					fw_group_free(old);
				}
				break;
			}
			case OP_SET_DEFAULTS: {
				unsigned char d[32];
				fw_digest_defaults(&m->defaults, d);
				fw_digest_xor(m->digest, d);
				m->defaults = op->defaults;
				fw_digest_defaults(&m->defaults, d);
				fw_digest_xor(m->digest, d);
				break;
			}
			case OP_REVOKE: {
				struct fw_revoked *v = NULL;
				HASH_FIND_STR(m->revoked, op->name, v);
				if(!v && (v = calloc(1, sizeof(*v)))){
					v->key = op->name;
					op->name = NULL;
					fw_digest_revoked(v);
					fw_digest_xor(m->digest, v->digest);
					HASH_ADD_KEYPTR(hh, m->revoked, v->key, strlen(v->key), v);
				}
				if(op->username) kick_later(&kick->users, &kick->users_n, &kick->users_cap, op->username);
				break;
			}
			case OP_UNREVOKE: {
				struct fw_revoked *v = NULL;
				HASH_FIND_STR(m->revoked, op->name, v);
				if(v){
					fw_digest_xor(m->digest, v->digest);
					HASH_DEL(m->revoked, v);
					free(v->key);
					free(v);
				}
				break;
			}
			case OP_KICK:
				kick_later(&kick->ids, &kick->ids_n, &kick->ids_cap, op->name);
				break;
		}
	}
	m->revision = b->revision;
}

/* A model with nothing in it: its digest is that of the default access alone. */
static void model_init(struct fw_model *m)
{
	memset(m, 0, sizeof(*m));
	fw_digest_defaults(&m->defaults, m->digest);
}

static struct fw_model staged;
static char staged_id[65];
static int staged_part;

void fw_state_init(void)
{
	model_init(&fw_state);
}

void fw_state_cleanup(void)
{
	fw_conns_free();
	fw_model_free(&fw_state);
	fw_model_free(&staged);
	staged_id[0] = '\0';
}

static char *reply(long long revision, const char *error, int applied, const char *stage_note)
{
	cJSON *r = cJSON_CreateObject();
	char digest[65];
	if(!r) return NULL;
	if(revision >= 0) cJSON_AddNumberToObject(r, "revision", (double)revision);
	else cJSON_AddNullToObject(r, "revision");
	cJSON_AddBoolToObject(r, "ok", error == NULL);
	if(error) cJSON_AddStringToObject(r, "error", error);
	else cJSON_AddNumberToObject(r, "applied", applied);
	if(stage_note) cJSON_AddStringToObject(r, "stage", stage_note);
	cJSON_AddNumberToObject(r, "state", (double)fw_state.revision);
	fw_digest_hex(fw_state.digest, digest);
	cJSON_AddStringToObject(r, "digest", digest);
	cJSON_AddNumberToObject(r, "clients", HASH_COUNT(fw_state.clients));
	char *out = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	return out;
}

static void discard_kicks(struct pending *k)
{
	for(int i = 0; i < k->users_n; i++) free(k->users[i]);
	for(int i = 0; i < k->ids_n; i++) free(k->ids[i]);
	free(k->users);
	free(k->ids);
	memset(k, 0, sizeof(*k));
}

/* Loads one line of the state folder into `m`: an op of a snapshot, or a batch of the journal. No session is kicked
 * (none is connected while the broker starts). False, with `m` unchanged, when the line is not one. */
bool fw_load_line(struct fw_model *m, const char *line, size_t len, bool is_batch)
{
	struct err e = { .set = false };
	struct pending none = { 0 };
	struct batch b;
	bool ok;
	if(is_batch){
		ok = parse_batch(line, len, &b, &e) && !b.stage_id && b.revision >= m->revision;
	}else{
		memset(&b, 0, sizeof(b));
		b.revision = m->revision;
		b.ops = calloc(1, sizeof(struct op));
		cJSON *o = b.ops ? cJSON_ParseWithLength(line, len) : NULL;
		ok = o && parse_op(o, 0, &b.ops[0], &e);
		b.count = b.ops ? 1 : 0;
		cJSON_Delete(o);
	}
	if(ok){
		apply_ops(m, &b, &none);
		discard_kicks(&none);
	}
	ops_free(b.ops, b.count);
	free(b.stage_id);
	return ok;
}

void fw_model_init(struct fw_model *m)
{
	model_init(m);
}

static void run_kicks(struct pending *k)
{
	for(int i = 0; i < k->users_n; i++){ mosquitto_kick_client_by_username(k->users[i], false); free(k->users[i]); }
	for(int i = 0; i < k->ids_n; i++){ mosquitto_kick_client_by_clientid(k->ids[i], false); free(k->ids[i]); }
	free(k->users);
	free(k->ids);
}

char *fw_apply_batch(const char *payload, size_t len)
{
	struct batch b;
	struct err e = { .set = false };
	struct pending kick = { 0 };
	if(!parse_batch(payload, len, &b, &e)){
		char *out = reply(b.revision, e.text, 0, NULL);
		ops_free(b.ops, b.count);
		free(b.stage_id);
		return out;
	}
	char *out;
	if(b.stage_id){
		/* One part of a full state: parts arrive in order under one id; the last one swaps the model in. */
		char note[96];
		if(b.part == 1){
			fw_model_free(&staged);
			model_init(&staged);
			snprintf(staged_id, sizeof(staged_id), "%s", b.stage_id);
			staged_part = 0;
		}else if(strcmp(staged_id, b.stage_id) || b.part != staged_part + 1){
			snprintf(note, sizeof(note), "part %d of %d does not follow part %d of stage %.32s", b.part, b.parts, staged_part, staged_id);
			out = reply(b.revision, note, 0, NULL);
			goto done;
		}
		if(b.revision < fw_state.revision){
			snprintf(note, sizeof(note), "revision %lld is older than the applied %lld", b.revision, fw_state.revision);
			out = reply(b.revision, note, 0, NULL);
			goto done;
		}
		/* Parts are not written down: a broker restarted meanwhile refuses the next part, and the resync starts over. */
		struct pending none = { 0 };
		apply_ops(&staged, &b, &none);
		discard_kicks(&none);
		staged_part = b.part;
		if(b.part == b.parts){
			/* Every client the new model does not hold, or holds with another credential, is disconnected. */
			struct fw_client *c, *ct, *now;
			HASH_ITER(hh, fw_state.clients, c, ct){
				HASH_FIND_STR(staged.clients, c->username, now);
				if(!now || credential_changed(c, now) || (now->disabled && !c->disabled)) kick_later(&kick.users, &kick.users_n, &kick.users_cap, c->username);
			}
			fw_model_free(&fw_state);
			fw_state = staged;
			memset(&staged, 0, sizeof(staged));
			staged_id[0] = '\0';
			fw_persist_snapshot();
			snprintf(note, sizeof(note), "complete: %d parts", b.parts);
		}else{
			snprintf(note, sizeof(note), "part %d of %d staged", b.part, b.parts);
		}
		out = reply(b.revision, NULL, b.count, note);
		goto done;
	}
	if(b.revision < fw_state.revision){
		char note[96];
		snprintf(note, sizeof(note), "revision %lld is older than the applied %lld", b.revision, fw_state.revision);
		out = reply(b.revision, note, 0, NULL);
		goto done;
	}
	/* Written down before it is applied: what the broker enforces survives a restart without Fleetward. */
	if(!fw_persist_batch(payload, len)){
		out = reply(b.revision, "the batch could not be written to the state folder; nothing was applied", 0, NULL);
		goto done;
	}
	apply_ops(&fw_state, &b, &kick);
	out = reply(b.revision, NULL, b.count, NULL);
done:
	run_kicks(&kick);
	ops_free(b.ops, b.count);
	free(b.stage_id);
	return out;
}
