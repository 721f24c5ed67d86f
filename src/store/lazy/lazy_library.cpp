#include "store/lazy/lazy_library.hpp"

#include <dlfcn.h>

#include <map>
#include <mutex>
#include <string>

#include "common/error.hpp"

namespace berth::store {

void* lazySymbol(std::initializer_list<const char*> sonames, const char* symbol) {
    static std::mutex mu;
    static std::map<std::string, void*> handles;  // first soname → handle
    std::string key = *sonames.begin();
    void* handle = nullptr;
    {
        std::lock_guard lock(mu);
        auto it = handles.find(key);
        if (it != handles.end()) {
            handle = it->second;
        } else {
            std::string errors;
            for (const char* name : sonames) {
                handle = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
                if (handle) break;
                const char* e = ::dlerror();
                errors += std::string(errors.empty() ? "" : "; ") + (e ? e : name);
            }
            if (!handle) throw Error("cannot load " + key + ": " + errors, ENOENT);
            handles.emplace(key, handle);
        }
    }
    ::dlerror();
    void* sym = ::dlsym(handle, symbol);
    if (!sym) throw Error("cannot load " + key + ": no symbol " + symbol, ENOENT);
    return sym;
}

}  // namespace berth::store
