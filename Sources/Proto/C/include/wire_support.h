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
    JZS_STRINGS_TOO_DEEP = 4,
    JZS_STRINGS_TOO_MANY = 5     /* a repeated field has more elements than its cap */
};

/* The element cap of one repeated field of a request message (`@max N` in the contract). */
typedef struct { uint32_t number; uint32_t max; } jzs_repeated_cap;

/* Generated into jzs/repeated_caps.c by scripts/generate-proto: the caps of the repeated fields
 * of `descriptor`, ended by {0, 0}; NULL for a message that no request contains. */
const jzs_repeated_cap *jzs_repeated_caps(const ProtobufCMessageDescriptor *descriptor);

/* Walks the encoded message `data[0..len)` with its descriptor before anything is unpacked:
 * every string field (at any depth) must be valid UTF-8 without NUL, and no repeated field may
 * have more elements than its cap (packed elements counted one by one). On failure writes the
 * field path (for example "items[2].name") into `path` (always NUL-terminated), the cap into
 * `*cap` for JZS_STRINGS_TOO_MANY, and returns the reason. */
int jzs_check_strings(const ProtobufCMessageDescriptor *descriptor, const uint8_t *data, size_t len,
                      char *path, size_t path_size, uint32_t *cap);

#endif
