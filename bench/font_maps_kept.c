/* Measurement only, never part of the build: what the chart SVGs would cost if vl-convert kept its fonts in memory.

vl-convert 1.9 (fontdb with its `memmap` feature) opens and maps a registered font file again for every glyph it
shapes or outlines, and unmaps it after: ~5,750 times a chart (bench/README.md). Preloaded into a process, this
keeps the first read-only shared mapping of each font file (.otf, .ttf, .ttc) and hands it out again, and never
unmaps it: what fontdb's shared face data would do upstream. The SVGs stay byte for byte the same.

    gcc -O2 -shared -fPIC -o /tmp/font_maps_kept.so bench/font_maps_kept.c -ldl
    LD_PRELOAD=/tmp/font_maps_kept.so python bench/scale.py --plans 50
*/
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEPT_MAX 4096

struct kept {
    dev_t dev;
    ino_t ino;
    size_t len;
    void *map;
};

static struct kept kept[KEPT_MAX];
static int kept_count;

static int is_font(int fd) {
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 5) return 0;
    path[n] = 0;
    const char *suffix = path + n - 4;
    return !strcmp(suffix, ".otf") || !strcmp(suffix, ".ttf") || !strcmp(suffix, ".ttc");
}

static void *kept_or_mapped(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
    static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
    if (!real_mmap) real_mmap = dlsym(RTLD_NEXT, "mmap64");
    struct stat st;
    int whole_file = addr == NULL && fd >= 0 && off == 0 && prot == PROT_READ && flags == MAP_SHARED &&
                     fstat(fd, &st) == 0 && (size_t)st.st_size == len;
    if (!whole_file) return real_mmap(addr, len, prot, flags, fd, off);
    for (int i = 0; i < kept_count; i++)
        if (kept[i].dev == st.st_dev && kept[i].ino == st.st_ino && kept[i].len == len) return kept[i].map;
    void *map = real_mmap(NULL, len, prot, flags, fd, 0);
    if (map != MAP_FAILED && kept_count < KEPT_MAX && is_font(fd))
        kept[kept_count++] = (struct kept){st.st_dev, st.st_ino, len, map};
    return map;
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
    return kept_or_mapped(addr, len, prot, flags, fd, off);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
    return kept_or_mapped(addr, len, prot, flags, fd, off);
}

int munmap(void *addr, size_t len) {
    static int (*real_munmap)(void *, size_t);
    if (!real_munmap) real_munmap = dlsym(RTLD_NEXT, "munmap");
    for (int i = 0; i < kept_count; i++)
        if (kept[i].map == addr) return 0;
    return real_munmap(addr, len);
}
