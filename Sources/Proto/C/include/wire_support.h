/* Bounded-input helpers at the protobuf-c boundary (hand-written, not generated). */
#ifndef JZS_WIRE_SUPPORT_H
#define JZS_WIRE_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>

/* A bump allocator with a hard cap on the bytes it hands out. protobuf-c's unpack allocates
 * through it; once the cap is reached alloc returns NULL and unpack fails cleanly. free() of
 * single blocks is a no-op: the whole arena is released at once by jzs_arena_destroy. */
typedef struct jzs_arena jzs_arena;

jzs_arena *jzs_arena_create(size_t cap);
void jzs_arena_destroy(jzs_arena *arena);
void *jzs_arena_alloc(jzs_arena *arena, size_t size);
/* The allocator view of the arena, for protobuf_c_message_unpack. */
ProtobufCAllocator *jzs_arena_allocator(jzs_arena *arena);
/* 1 if an allocation was refused because of the cap. */
int jzs_arena_exhausted(const jzs_arena *arena);

/* Result of jzs_check_strings. */
enum {
    JZS_STRINGS_OK = 0,
    JZS_STRINGS_BAD_UTF8 = 1,
    JZS_STRINGS_NUL = 2,
    JZS_STRINGS_MALFORMED = 3,   /* not a well-formed message (unpack reports it) */
    JZS_STRINGS_TOO_DEEP = 4
};

/* Walks the encoded message `data[0..len)` with its descriptor and checks that every string
 * field (at any depth) is valid UTF-8 without NUL. On failure writes the field path (for
 * example "items[2].name") into `path` (always NUL-terminated) and returns the reason. */
int jzs_check_strings(const ProtobufCMessageDescriptor *descriptor, const uint8_t *data, size_t len,
                      char *path, size_t path_size);

#endif
