// Shared libraries that only some verbs need (libarchive for load/save/import, libcrypto for
// digests), opened on first use instead of at every start of `berth`: the dynamic loader spent
// ~3 ms of CPU per invocation mapping and relocating them (and libarchive's libxml2/ICU), a fifth
// of a `berth run --rm` (bench/RESULTS.md). The API symbols are defined in
// libarchive_lazy.cpp / libcrypto_lazy.cpp as forwarders, so callers include the library's own
// header and call it as usual; the link leaves the library out.
#pragma once

#include <initializer_list>

namespace berth::store {

// The address of `symbol` in the first of `sonames` that dlopen finds (opened once, kept).
// Throws Error naming the library and the symbol when neither is there.
void* lazySymbol(std::initializer_list<const char*> sonames, const char* symbol);

}  // namespace berth::store
