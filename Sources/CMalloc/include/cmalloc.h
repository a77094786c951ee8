/* Small glibc facilities Swift's Glibc module does not import (malloc.h). */
#ifndef JZS_CMALLOC_H
#define JZS_CMALLOC_H

/* Fixes glibc's mmap threshold (no dynamic raise) and its trim threshold, in bytes. */
void jzs_malloc_configure(int mmap_threshold, int trim_threshold);
/* Returns free heap memory of every arena to the system. */
void jzs_malloc_trim(void);

#endif
