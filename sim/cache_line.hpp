#pragma once
// Arrays that start on a cache line of their own and fill their last one, so that what two
// threads write never shares a line. From the ordinary heap (jemalloc in the command, and the
// allocator ThreadSanitizer watches in its builds).
#include <cstddef>
#include <new>
#include <vector>

namespace cxsim {

// Two 64-byte lines: the adjacent-line prefetcher fetches them in pairs.
inline constexpr std::size_t cache_line = 128;

template <class T>
struct CacheLineAllocator {
  using value_type = T;

  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) { return static_cast<T*>(::operator new (bytes(n), std::align_val_t{cache_line})); }
  void deallocate(T* p, std::size_t) noexcept { ::operator delete (p, std::align_val_t{cache_line}); }

  template <class U>
  bool operator==(const CacheLineAllocator<U>&) const noexcept {
    return true;
  }

 private:
  static std::size_t bytes(std::size_t n) { return (n * sizeof(T) + cache_line - 1) / cache_line * cache_line; }
};

template <class T>
using CacheLines = std::vector<T, CacheLineAllocator<T>>;

}  // namespace cxsim
