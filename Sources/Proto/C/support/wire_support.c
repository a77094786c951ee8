/* Bounded-input helpers at the protobuf-c boundary. See wire_support.h. */
#include "wire_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Capped arena ------------------------------------------------------------------------ */

typedef struct chunk {
    struct chunk *next;
    size_t size;
    size_t used;
    unsigned char data[];
} chunk;

#define INLINE_BYTES 2048

struct jzs_arena {
    ProtobufCAllocator allocator;   /* first member: allocator_data points back at the arena */
    chunk *head;
    size_t cap;
    size_t handed_out;
    int exhausted;
    size_t inline_used;
    _Alignas(16) unsigned char inline_bytes[INLINE_BYTES];  /* most messages fit here: one malloc */
};

static void *arena_alloc_cb(void *data, size_t size) { return jzs_arena_alloc((jzs_arena *)data, size); }
static void arena_free_cb(void *data, void *pointer) { (void)data; (void)pointer; }

jzs_arena *jzs_arena_create(size_t cap) {
    jzs_arena *a = malloc(sizeof *a);
    if (a == NULL) return NULL;
    a->head = NULL;
    a->handed_out = 0;
    a->exhausted = 0;
    a->inline_used = 0;
    a->allocator.alloc = arena_alloc_cb;
    a->allocator.free = arena_free_cb;
    a->allocator.allocator_data = a;
    a->cap = cap;
    return a;
}

void jzs_arena_destroy(jzs_arena *a) {
    if (a == NULL) return;
    chunk *c = a->head;
    while (c != NULL) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

void *jzs_arena_alloc(jzs_arena *a, size_t size) {
    size_t rounded = (size + 15u) & ~(size_t)15u;
    if (rounded < size || a->handed_out + rounded > a->cap) {
        a->exhausted = 1;
        return NULL;
    }
    if (a->head == NULL && INLINE_BYTES - a->inline_used >= rounded) {
        void *p = a->inline_bytes + a->inline_used;
        a->inline_used += rounded;
        a->handed_out += rounded;
        return p;
    }
    chunk *c = a->head;
    if (c == NULL || c->size - c->used < rounded) {
        size_t want = rounded > 4096 ? rounded : 4096;
        if (c != NULL && want < c->size * 2 && c->size * 2 <= 1u << 20) want = c->size * 2;
        chunk *n = malloc(sizeof *n + want);
        if (n == NULL) return NULL;
        n->next = a->head;
        n->size = want;
        n->used = 0;
        a->head = n;
        c = n;
    }
    void *p = c->data + c->used;
    c->used += rounded;
    a->handed_out += rounded;
    return p;
}

ProtobufCAllocator *jzs_arena_allocator(jzs_arena *a) { return &a->allocator; }
int jzs_arena_exhausted(const jzs_arena *a) { return a->exhausted; }

/* ---- String check ------------------------------------------------------------------------ */

static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*p >= end) return 0;
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (b < 0x80) { *out = v; return 1; }
    }
    return 0;
}

/* RFC 3629: rejects overlong forms, surrogates and code points above U+10FFFF. */
static int utf8_status(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c == 0) return JZS_STRINGS_NUL;
        if (c < 0x80) { i++; continue; }
        size_t len;
        uint32_t cp, min;
        if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; min = 0x10000; }
        else return JZS_STRINGS_BAD_UTF8;
        if (n - i < len) return JZS_STRINGS_BAD_UTF8;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return JZS_STRINGS_BAD_UTF8;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return JZS_STRINGS_BAD_UTF8;
        i += len;
    }
    return JZS_STRINGS_OK;
}

#define MAX_DEPTH 32
#define MAX_COUNTED_FIELDS 256

/* Elements in a packed repeated scalar field's bytes. */
static uint64_t packed_count(ProtobufCType type, const uint8_t *p, size_t len) {
    switch (type) {
    case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_SFIXED32: case PROTOBUF_C_TYPE_FLOAT:
        return len / 4;
    case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_SFIXED64: case PROTOBUF_C_TYPE_DOUBLE:
        return len / 8;
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_ENUM: case PROTOBUF_C_TYPE_BOOL: {
        uint64_t n = 0;
        for (size_t i = 0; i < len; i++) n += (p[i] & 0x80) == 0;
        return n;
    }
    default:
        return 1;   /* string, bytes, message: one element per occurrence */
    }
}

static void append_path(char *path, size_t path_size, size_t path_len, const char *name,
                        int repeated, uint32_t occurrence, size_t *new_len) {
    int w;
    const char *sep = path_len > 0 ? "." : "";
    if (repeated)
        w = snprintf(path + path_len, path_size - path_len, "%s%s[%u]", sep, name, occurrence);
    else
        w = snprintf(path + path_len, path_size - path_len, "%s%s", sep, name);
    size_t n = path_len + (w > 0 ? (size_t)w : 0);
    *new_len = n >= path_size ? path_size - 1 : n;
}

static int check(const ProtobufCMessageDescriptor *d, const uint8_t *p, const uint8_t *end,
                 char *path, size_t path_size, size_t path_len, int depth, uint32_t *cap_out) {
    if (depth > MAX_DEPTH) return JZS_STRINGS_TOO_DEEP;
    uint64_t seen[MAX_COUNTED_FIELDS];     /* elements so far, per field index */
    uint32_t cap_of[MAX_COUNTED_FIELDS];   /* 0: no cap */
    unsigned counted = d->n_fields < MAX_COUNTED_FIELDS ? d->n_fields : MAX_COUNTED_FIELDS;
    memset(seen, 0, counted * sizeof seen[0]);
    memset(cap_of, 0, counted * sizeof cap_of[0]);
    const jzs_repeated_cap *caps = jzs_repeated_caps(d);
    for (; caps != NULL && caps->number != 0; caps++) {
        const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(d, caps->number);
        if (f != NULL && (size_t)(f - d->fields) < counted) cap_of[f - d->fields] = caps->max;
    }
    while (p < end) {
        uint64_t key, len64 = 0;
        if (!read_varint(&p, end, &key)) return JZS_STRINGS_MALFORMED;
        uint32_t wire_type = (uint32_t)(key & 7);
        uint64_t number = key >> 3;
        if (number == 0 || number > 0x1FFFFFFF) return JZS_STRINGS_MALFORMED;
        const uint8_t *value = NULL;
        switch (wire_type) {
        case 0: if (!read_varint(&p, end, &len64)) return JZS_STRINGS_MALFORMED; break;
        case 1: if (end - p < 8) return JZS_STRINGS_MALFORMED; p += 8; break;
        case 5: if (end - p < 4) return JZS_STRINGS_MALFORMED; p += 4; break;
        case 2:
            if (!read_varint(&p, end, &len64) || len64 > (uint64_t)(end - p)) return JZS_STRINGS_MALFORMED;
            value = p;
            p += len64;
            break;
        default: return JZS_STRINGS_MALFORMED;
        }
        const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(d, (unsigned)number);
        if (f == NULL) continue;   /* unknown field: skipped by unpack too */
        size_t index = (size_t)(f - d->fields);
        int repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
        uint32_t occurrence = 0;
        if (index < counted) {
            occurrence = (uint32_t)seen[index];
            seen[index] += (repeated && value != NULL) ? packed_count(f->type, value, (size_t)len64) : 1;
            if (repeated && cap_of[index] != 0 && seen[index] > cap_of[index]) {
                size_t ignored;
                append_path(path, path_size, path_len, f->name, 0, 0, &ignored);
                *cap_out = cap_of[index];
                return JZS_STRINGS_TOO_MANY;
            }
        }
        if (value == NULL || (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)) continue;

        size_t new_len;
        append_path(path, path_size, path_len, f->name, repeated, occurrence, &new_len);
        int status;
        if (f->type == PROTOBUF_C_TYPE_STRING)
            status = utf8_status(value, (size_t)len64);
        else
            status = check((const ProtobufCMessageDescriptor *)f->descriptor, value, value + len64,
                           path, path_size, new_len, depth + 1, cap_out);
        if (status != JZS_STRINGS_OK) return status;
        path[path_len] = '\0';
    }
    return JZS_STRINGS_OK;
}

int jzs_check_strings(const ProtobufCMessageDescriptor *d, const uint8_t *data, size_t len,
                      char *path, size_t path_size, uint32_t *cap) {
    if (path_size == 0) return JZS_STRINGS_MALFORMED;
    path[0] = '\0';
    *cap = 0;
    return check(d, data, data + len, path, path_size, 0, 0, cap);
}
