#include "cmalloc.h"

#include <malloc.h>

void jzs_malloc_configure(int mmap_threshold, int trim_threshold) {
    mallopt(M_MMAP_THRESHOLD, mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, trim_threshold);
}

void jzs_malloc_trim(void) {
    malloc_trim(0);
}
