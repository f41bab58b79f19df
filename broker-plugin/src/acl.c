/* ACL decisions, exactly as Mosquitto 2.0.11's dynamic security plugin makes them (plugins/dynamic-security/acl.c,
 * sub_matches_sub.c): the client's roles in order, then its groups' roles, each role's rules of the asked type by
 * priority; the first rule that matches decides, allow or deny; else the default access, which never opens $CONTROL.
 * Before any rule: Fleetward's own topics are out of every device's reach, whatever its roles say. */
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
#include <stdlib.h>
#include <string.h>
#include "fw.h"

/* A trailing `#` (alone or after `/`) stripped from [s, s+len): whether there was one. */
static bool strip_hash(const char *s, size_t *len)
{
	if(*len == 1 && s[0] == '#'){
		*len = 0;
		return true;
	}
	if(*len > 1 && s[*len - 2] == '/' && s[*len - 1] == '#'){
		*len -= 2;
		return true;
	}
	return false;
}

static int levels(const char *s, size_t len)
{
	int n = 1;
	for(size_t i = 0; i < len; i++) if(s[i] == '/') n++;
	return n;
}

/* sub_acl_check: whether the subscription filter `sub` is covered by the pattern `acl`. */
bool fw_sub_acl_check(const char *acl, const char *sub)
{
	size_t al = strlen(acl), sl = strlen(sub);
	if(al == 1 && acl[0] == '#') return true;
	bool ah = strip_hash(acl, &al);
	bool sh = strip_hash(sub, &sl);
	if(sh && !ah) return false;
	int an = levels(acl, al), sn = levels(sub, sl);
	if(an > sn) return false;
	if(sn > an && !ah) return false;
	const char *a = acl, *aend = acl + al, *s = sub, *send = sub + sl;
	for(int i = 0; i < an; i++){
		const char *ae = memchr(a, '/', (size_t)(aend - a));
		const char *se = memchr(s, '/', (size_t)(send - s));
		if(!ae) ae = aend;
		if(!se) se = send;
		size_t alen = (size_t)(ae - a), slen = (size_t)(se - s);
		if(!(alen == 1 && a[0] == '+') && !(alen == slen && !memcmp(a, s, alen))) return false;
		a = ae < aend ? ae + 1 : aend;
		s = se < send ? se + 1 : send;
	}
	return true;
}

/* Fleetward's control plane: the `fleetward` tree and every $CONTROL topic. */
bool fw_reserved_topic(const char *topic)
{
	size_t n = strlen(FW_RESERVED_PREFIX);
	if(!strncmp(topic, FW_RESERVED_PREFIX, n) && (topic[n] == '\0' || topic[n] == '/')) return true;
	return !strncmp(topic, "$CONTROL", 8);
}

/* The rule's topic with ${clientId} and ${username} replaced: `buf` when it fits, else malloc'd (caller frees
 * what is not `buf`); NULL when memory runs out. */
static char *expand(const char *topic, const char *clientid, const char *username, char *buf, size_t cap)
{
	static const char CID[] = "${clientId}", USER[] = "${username}";
	size_t need = 1;
	for(const char *p = topic; *p;){
		if(!strncmp(p, CID, sizeof(CID) - 1)){ need += strlen(clientid); p += sizeof(CID) - 1; }
		else if(!strncmp(p, USER, sizeof(USER) - 1)){ need += strlen(username); p += sizeof(USER) - 1; }
		else { need++; p++; }
	}
	char *out = need <= cap ? buf : malloc(need);
	if(!out) return NULL;
	char *o = out;
	for(const char *p = topic; *p;){
		if(!strncmp(p, CID, sizeof(CID) - 1)){ size_t l = strlen(clientid); memcpy(o, clientid, l); o += l; p += sizeof(CID) - 1; }
		else if(!strncmp(p, USER, sizeof(USER) - 1)){ size_t l = strlen(username); memcpy(o, username, l); o += l; p += sizeof(USER) - 1; }
		else *o++ = *p++;
	}
	*o = '\0';
	return out;
}

enum { NOT_FOUND = -1, DENY = 0, ALLOW = 1 };

struct check {
	const char *clientid, *username, *topic;
	int literal, pattern; /* rule types asked; literal < 0 for publish and receive */
};

static bool rule_matches(const struct check *k, const struct fw_rule *r, bool pattern_type)
{
	char buf[512];
	const char *t = r->topic;
	if(r->templated){
		t = expand(r->topic, k->clientid, k->username, buf, sizeof(buf));
		if(!t) return false;
	}
	bool hit = false;
	if(pattern_type && k->literal >= 0) hit = fw_sub_acl_check(t, k->topic);
	else if(k->literal < 0) mosquitto_topic_matches_sub(t, k->topic, &hit);
	else hit = !strcmp(t, k->topic);
	if(t != r->topic && t != buf) free((char *)t);
	return hit;
}

static int check_role(const struct check *k, const struct fw_role *role)
{
	if(k->literal >= 0){
		/* A literal rule is found by its exact topic (a hash lookup in dynsec): the one written last wins. */
		const struct fw_rule *found = NULL;
		for(int i = 0; i < role->count[k->literal]; i++){
			const struct fw_rule *r = &role->rules[k->literal][i];
			if((!found || r->index > found->index) && rule_matches(k, r, false)) found = r;
		}
		if(found) return found->allow ? ALLOW : DENY;
	}
	for(int i = 0; i < role->count[k->pattern]; i++){
		const struct fw_rule *r = &role->rules[k->pattern][i];
		if(rule_matches(k, r, true)) return r->allow ? ALLOW : DENY;
	}
	return NOT_FOUND;
}

static int check_refs(const struct check *k, const struct fw_ref *refs, int n)
{
	for(int i = 0; i < n; i++){
		struct fw_role *role = NULL;
		HASH_FIND_STR(fw_state.roles, refs[i].name, role);
		if(!role) continue;
		int rc = check_role(k, role);
		if(rc != NOT_FOUND) return rc;
	}
	return NOT_FOUND;
}

bool fw_acl_allows(const struct fw_client *c, const char *clientid, int access, const char *topic)
{
	if(c->disabled) return false;
	if(fw_reserved_topic(topic)){
		/* Only the live views read Fleetward's topics (as their roles allow); nobody here writes them. */
		if(access == MOSQ_ACL_WRITE || c->credential != FW_CRED_LIVE || !strncmp(topic, "$CONTROL", 8)) return false;
	}
	struct check k = { .clientid = clientid, .username = c->username, .topic = topic, .literal = -1 };
	bool dflt;
	switch(access){
		case MOSQ_ACL_WRITE: k.pattern = FW_PUB_SEND; dflt = fw_state.defaults.publish_send; break;
		case MOSQ_ACL_READ: k.pattern = FW_PUB_RECV; dflt = fw_state.defaults.publish_recv; break;
		case MOSQ_ACL_SUBSCRIBE: k.literal = FW_SUB_LITERAL; k.pattern = FW_SUB_PATTERN; dflt = fw_state.defaults.subscribe; break;
		case MOSQ_ACL_UNSUBSCRIBE: k.literal = FW_UNSUB_LITERAL; k.pattern = FW_UNSUB_PATTERN; dflt = fw_state.defaults.unsubscribe; break;
		default: return false;
	}
	int rc = check_refs(&k, c->roles, c->role_count);
	for(int i = 0; rc == NOT_FOUND && i < c->group_count; i++){
		struct fw_group *g = NULL;
		HASH_FIND_STR(fw_state.groups, c->groups[i].name, g);
		if(g) rc = check_refs(&k, g->roles, g->role_count);
	}
	if(rc != NOT_FOUND) return rc == ALLOW;
	return dflt && strncmp(topic, "$CONTROL", 8) != 0;
}
