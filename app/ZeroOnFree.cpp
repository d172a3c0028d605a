// Every heap block of the `choragen` process is zeroed as it is freed (Linux, glibc).
//
// Choragen wipes the buffers it owns (Choragen::wipeSecret), but a key also passes through code
// that frees its copies as they are: QtKeychain keeps the key of a write job in a QByteArray
// freed with the job, nlohmann::json's lexer and Qt's and libstdc++'s growing strings leave
// partial copies behind. Defining free() and realloc() in the executable interposes them for the
// whole process, libraries and the window module included (ELF symbol interposition, the
// mechanism glibc documents for replacing malloc), so none of those copies survives in freed
// memory, where a later memory-disclosure bug or swap would find it. Allocation stays glibc's.
//
// Not built under AddressSanitizer, which brings its own allocator (its quarantine can be
// filled on free instead: ASAN_OPTIONS=max_free_fill_size=...), nor off glibc.
#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define CHORAGEN_OWN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define CHORAGEN_OWN_ALLOCATOR 1
#endif
#endif

#if defined(__GLIBC__) && !defined(CHORAGEN_OWN_ALLOCATOR)

#include <cerrno>
#include <cstring>
#include <malloc.h>

extern "C" {

// glibc's own implementations, exported for allocators that wrap them.
void *__libc_malloc(std::size_t size);
void *__libc_realloc(void *block, std::size_t size);
void __libc_free(void *block);

namespace {

// A block glibc placed in a mapping of its own (large ones) goes back to the kernel when freed,
// and the kernel hands out only zeroed pages: nothing to zero, and zeroing it would touch (and
// fault in) pages that were never used. glibc marks such blocks in the size word before them
// (IS_MMAPPED, bit 1), the header malloc_usable_size() reads too.
bool ownMapping(const void *block)
{
    return (static_cast<const std::size_t *>(block)[-1] & 0x2) != 0;
}

void zeroBlock(void *block, std::size_t from)
{
    const std::size_t size = malloc_usable_size(block);
    if (size > from)
        explicit_bzero(static_cast<char *>(block) + from, size - from);
}

} // namespace

__attribute__((visibility("default"))) void free(void *block) noexcept
{
    if (block && !ownMapping(block))
        zeroBlock(block, 0);
    __libc_free(block);
}

__attribute__((visibility("default"))) void *realloc(void *block, std::size_t size) noexcept
{
    if (!block)
        return __libc_malloc(size);
    if (size == 0) {
        free(block);
        return nullptr;
    }
    // Resized by mremap, or moved and unmapped: either way no copy stays behind.
    if (ownMapping(block))
        return __libc_realloc(block, size);
    const std::size_t used = malloc_usable_size(block);
    if (size <= used) {
        // Shrinking in place: the tail may be split off and freed.
        zeroBlock(block, size);
        return __libc_realloc(block, size);
    }
    // Growing: glibc might move the block and free the old one unzeroed, so move it here.
    void *moved = __libc_malloc(size);
    if (!moved)
        return nullptr;
    std::memcpy(moved, block, used);
    free(block);
    return moved;
}

__attribute__((visibility("default"))) void *reallocarray(void *block, std::size_t count,
                                                          std::size_t size) noexcept
{
    std::size_t total = 0;
    if (__builtin_mul_overflow(count, size, &total)) {
        errno = ENOMEM;
        return nullptr;
    }
    return realloc(block, total);
}

} // extern "C"

#endif
