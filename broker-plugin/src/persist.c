/* The state folder: what the plugin last applied survives a restart of the broker without Fleetward.
 *   snapshot.jsonl  {"v":1,"revision":N} then one op per line (upsertClient, upsertRole, …) that rebuilds the model
 *   journal.jsonl   every batch applied since the snapshot, one per line, appended and fsynced before it is applied
 * A full resync, and a journal grown past the snapshot's size, write a new snapshot (to a temporary file, fsynced,
 * renamed) and start an empty journal. A torn last journal line (a crash while writing it) is cut off at load. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fw.h"

static char *folder;
static int journal = -1;
static off_t journal_bytes, snapshot_bytes;

#define COMPACT_FLOOR (64L * 1024 * 1024)

static char *path_of(const char *name)
{
	size_t n = strlen(folder) + strlen(name) + 2;
	char *p = malloc(n);
	if(p) snprintf(p, n, "%s/%s", folder, name);
	return p;
}

static bool write_all(int fd, const char *s, size_t n)
{
	while(n){
		ssize_t w = write(fd, s, n);
		if(w < 0 && errno == EINTR) continue;
		if(w <= 0) return false;
		s += w;
		n -= (size_t)w;
	}
	return true;
}

/* Reads a whole file (NUL-terminated); NULL when it is not there. */
static char *slurp(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	if(!f) return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for(;;){
		if(cap - n < 65536){
			cap = cap ? cap * 2 : 1 << 20;
			char *grown = realloc(buf, cap);
			if(!grown){ free(buf); fclose(f); return NULL; }
			buf = grown;
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if(r == 0) break;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Applies each line of `text` to the model; the offset where the good lines end. */
static size_t load_lines(char *text, size_t len, bool batches, bool header, int *count)
{
	size_t at = 0;
	*count = 0;
	while(at < len){
		char *nl = memchr(text + at, '\n', len - at);
		if(!nl) break; /* a line is complete only with its newline */
		size_t n = (size_t)(nl - (text + at));
		if(header){
			cJSON *h = cJSON_ParseWithLength(text + at, n);
			const cJSON *rev = cJSON_GetObjectItemCaseSensitive(h, "revision");
			bool ok = cJSON_IsNumber(rev) && rev->valuedouble >= 0;
			if(ok) fw_state.revision = (long long)rev->valuedouble;
			cJSON_Delete(h);
			if(!ok) return 0;
			header = false;
		}else if(!fw_load_line(&fw_state, text + at, n, batches)){
			break;
		}else{
			(*count)++;
		}
		at += n + 1;
	}
	return at;
}

bool fw_persist_open(const char *dir)
{
	folder = strdup(dir);
	if(!folder) return false;
	char *snap = path_of("snapshot.jsonl"), *jour = path_of("journal.jsonl");
	bool ok = snap && jour;
	size_t len = 0;
	int entries = 0, batches = 0;
	char *text = ok ? slurp(snap, &len) : NULL;
	if(text){
		size_t good = load_lines(text, len, false, true, &entries);
		if(good != len){
			mosquitto_log_printf(MOSQ_LOG_ERR, "fleetward: %s is damaged after byte %zu: it is kept as it is and the state starts empty", snap, good);
			fw_model_free(&fw_state);
			fw_model_init(&fw_state);
			entries = 0;
		}
		snapshot_bytes = (off_t)len;
		free(text);
	}
	text = ok ? slurp(jour, &len) : NULL;
	size_t good = 0;
	if(text){
		good = load_lines(text, len, true, false, &batches);
		if(good != len) mosquitto_log_printf(MOSQ_LOG_WARNING, "fleetward: %s ends with %zu bytes that are not a whole batch (a write cut short): they are dropped", jour, len - good);
		free(text);
	}
	if(ok){
		journal = open(jour, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		ok = journal >= 0 && ftruncate(journal, (off_t)good) == 0 && lseek(journal, 0, SEEK_END) >= 0;
		journal_bytes = (off_t)good;
	}
	if(ok) mosquitto_log_printf(MOSQ_LOG_INFO, "fleetward: state loaded from %s: revision %lld, %d entries and %d batches, %u clients", dir, fw_state.revision, entries, batches, HASH_COUNT(fw_state.clients));
	else mosquitto_log_printf(MOSQ_LOG_ERR, "fleetward: cannot use the state folder %s: %s", dir, strerror(errno));
	free(snap);
	free(jour);
	return ok;
}

bool fw_persist_batch(const char *payload, size_t len)
{
	if(!folder) return true;
	if(journal < 0) return false;
	/* One batch, one line: a newline in a batch can only be whitespace between its tokens (text holds none). */
	char *line = malloc(len + 1);
	if(!line) return false;
	for(size_t i = 0; i < len; i++) line[i] = payload[i] == '\n' || payload[i] == '\r' ? ' ' : payload[i];
	line[len] = '\n';
	bool ok = write_all(journal, line, len + 1) && fdatasync(journal) == 0;
	free(line);
	if(!ok){
		/* Whatever part of the line reached the disk is cut off again. */
		if(ftruncate(journal, journal_bytes) != 0 || lseek(journal, journal_bytes, SEEK_SET) < 0) mosquitto_log_printf(MOSQ_LOG_ERR, "fleetward: the journal could not be cut back after a failed write");
		return false;
	}
	journal_bytes += (off_t)len + 1;
	if(journal_bytes > COMPACT_FLOOR && journal_bytes > snapshot_bytes) fw_persist_snapshot();
	return true;
}

/* One op line per entry, as a batch would send it. */
static void ref_list(cJSON *parent, const char *key, const char *namekey, const struct fw_ref *refs, int n)
{
	cJSON *list = cJSON_AddArrayToObject(parent, key);
	for(int i = 0; list && i < n; i++){
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, namekey, refs[i].name);
		cJSON_AddNumberToObject(r, "priority", refs[i].priority);
		cJSON_AddItemToArray(list, r);
	}
}

static bool put(FILE *f, cJSON *o)
{
	char *s = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	bool ok = s && fputs(s, f) >= 0 && fputc('\n', f) != EOF;
	free(s);
	return ok;
}

static bool write_model(FILE *f, const struct fw_model *m)
{
	static const char *const CREDENTIALS[] = { "password", "psk", "cert", "live", "probe" };
	static const char *const ACLTYPES[] = { "publishClientSend", "publishClientReceive", "subscribeLiteral", "subscribePattern", "unsubscribeLiteral", "unsubscribePattern" };
	bool ok = fprintf(f, "{\"v\":1,\"revision\":%lld}\n", m->revision) > 0;
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "op", "setDefaults");
	cJSON_AddBoolToObject(d, "publishClientSend", m->defaults.publish_send);
	cJSON_AddBoolToObject(d, "publishClientReceive", m->defaults.publish_recv);
	cJSON_AddBoolToObject(d, "subscribe", m->defaults.subscribe);
	cJSON_AddBoolToObject(d, "unsubscribe", m->defaults.unsubscribe);
	ok = ok && put(f, d);
	for(const struct fw_role *r = m->roles; ok && r; r = r->hh.next){
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "op", "upsertRole");
		cJSON_AddStringToObject(o, "rolename", r->name);
		cJSON *acls = cJSON_AddArrayToObject(o, "acls");
		int total = 0;
		for(int t = 0; t < FW_ACLTYPES; t++) total += r->count[t];
		/* In the order they were written: each rule knows its place. */
		const struct fw_rule **order = calloc(total ? (size_t)total : 1, sizeof(*order));
		int *types = calloc(total ? (size_t)total : 1, sizeof(int));
		if(!order || !types){ free(order); free(types); cJSON_Delete(o); return false; }
		for(int t = 0; t < FW_ACLTYPES; t++) for(int i = 0; i < r->count[t]; i++){ order[r->rules[t][i].index] = &r->rules[t][i]; types[r->rules[t][i].index] = t; }
		for(int i = 0; i < total; i++){
			cJSON *a = cJSON_CreateObject();
			cJSON_AddStringToObject(a, "acltype", ACLTYPES[types[i]]);
			cJSON_AddStringToObject(a, "topic", order[i]->topic);
			cJSON_AddNumberToObject(a, "priority", order[i]->priority);
			cJSON_AddBoolToObject(a, "allow", order[i]->allow);
			cJSON_AddItemToArray(acls, a);
		}
		free(order);
		free(types);
		ok = put(f, o);
	}
	for(const struct fw_group *g = m->groups; ok && g; g = g->hh.next){
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "op", "upsertGroup");
		cJSON_AddStringToObject(o, "groupname", g->name);
		ref_list(o, "roles", "rolename", g->roles, g->role_count);
		ok = put(f, o);
	}
	for(const struct fw_client *c = m->clients; ok && c; c = c->hh.next){
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "op", "upsertClient");
		cJSON_AddStringToObject(o, "username", c->username);
		cJSON_AddStringToObject(o, "clientid", c->clientid);
		cJSON_AddStringToObject(o, "credential", CREDENTIALS[c->credential]);
		if(c->secret) cJSON_AddStringToObject(o, "secret", c->secret);
		if(c->disabled) cJSON_AddBoolToObject(o, "disabled", true);
		if(c->expires) cJSON_AddNumberToObject(o, "expires", (double)c->expires);
		ref_list(o, "roles", "rolename", c->roles, c->role_count);
		ref_list(o, "groups", "groupname", c->groups, c->group_count);
		ok = put(f, o);
	}
	for(const struct fw_revoked *v = m->revoked; ok && v; v = v->hh.next){
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "op", "revoke");
		cJSON_AddStringToObject(o, "key", v->key);
		ok = put(f, o);
	}
	return ok;
}

bool fw_persist_snapshot(void)
{
	if(!folder) return true;
	char *snap = path_of("snapshot.jsonl"), *tmp = path_of("snapshot.jsonl.tmp");
	bool ok = false;
	FILE *f = snap && tmp ? fopen(tmp, "wb") : NULL;
	if(f){
		ok = write_model(f, &fw_state) && fflush(f) == 0 && fsync(fileno(f)) == 0;
		struct stat st;
		if(ok && fstat(fileno(f), &st) == 0) snapshot_bytes = st.st_size;
		ok = fclose(f) == 0 && ok;
		ok = ok && rename(tmp, snap) == 0;
		if(!ok) unlink(tmp);
	}
	if(ok){
		int d = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if(d >= 0){ fsync(d); close(d); }
		/* The snapshot holds everything the journal did. */
		if(journal >= 0 && ftruncate(journal, 0) == 0 && lseek(journal, 0, SEEK_SET) == 0) journal_bytes = 0;
	}else{
		mosquitto_log_printf(MOSQ_LOG_ERR, "fleetward: could not write a snapshot to %s: %s", folder, strerror(errno));
	}
	free(snap);
	free(tmp);
	return ok;
}

void fw_persist_close(void)
{
	if(journal >= 0) close(journal);
	journal = -1;
	free(folder);
	folder = NULL;
	journal_bytes = snapshot_bytes = 0;
}
