#include "runtime/seccomp/seccomp_cache.hpp"

#include <sys/utsname.h>

#include <cstdio>
#include <cstring>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"

namespace berth::runtime {
namespace {

constexpr char kMagic[] = "berth-seccomp-cache-v1\n";

std::string cacheKey(const nlohmann::json& j, const SeccompCompileOptions& o) {
    utsname u{};
    uname(&u);
    return std::string("libseccomp=") + libseccompVersion() + "\nkernel=" + u.release + " " +
           u.machine + "\nfailUnknown=" + (o.failOnUnknownSyscall ? "1" : "0") + "\n" + j.dump();
}

std::string fileName(const std::string& key) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a: a name only; the full key is verified
    for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx.bpf", static_cast<unsigned long long>(h));
    return buf;
}

template <typename T>
void put(std::string& out, const T& v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
bool get(const std::string& in, size_t& pos, T& v) {
    if (in.size() - pos < sizeof v) return false;
    std::memcpy(&v, in.data() + pos, sizeof v);
    pos += sizeof v;
    return true;
}

std::string encode(const std::string& key, const CompiledSeccomp& c) {
    std::string out(kMagic);
    put(out, static_cast<uint64_t>(key.size()));
    out += key;
    put(out, static_cast<uint32_t>(c.flags));
    put(out, static_cast<uint64_t>(c.program.size()));
    out.append(reinterpret_cast<const char*>(c.program.data()),
               c.program.size() * sizeof(sock_filter));
    return out;
}

bool decode(const std::string& in, const std::string& key, CompiledSeccomp& c) {
    size_t pos = sizeof(kMagic) - 1;
    if (in.compare(0, pos, kMagic) != 0) return false;
    uint64_t keyLen = 0, count = 0;
    uint32_t flags = 0;
    if (!get(in, pos, keyLen) || keyLen != key.size() || in.size() - pos < keyLen) return false;
    if (in.compare(pos, keyLen, key) != 0) return false;
    pos += keyLen;
    if (!get(in, pos, flags) || !get(in, pos, count)) return false;
    if (count == 0 || count > BPF_MAXINSNS || in.size() - pos != count * sizeof(sock_filter))
        return false;
    c.flags = flags;
    c.program.resize(count);
    std::memcpy(c.program.data(), in.data() + pos, count * sizeof(sock_filter));
    return true;
}

}  // namespace

CompiledSeccomp compileSeccompCached(const nlohmann::json& linuxSeccomp,
                                     const SeccompCompileOptions& options,
                                     const std::string& cacheDir) {
    auto cfg = oci::parseSeccompConfig(linuxSeccomp, options.where);
    if (cacheDir.empty()) return compileSeccomp(cfg, options);

    std::string key = cacheKey(linuxSeccomp, options);
    std::string path = cacheDir + "/" + fileName(key);
    CompiledSeccomp cached;
    try {
        if (pathExists(path) && decode(readFile(path), key, cached)) {
            cached.notify = cfg.usesNotify();
            if (cached.notify) {
                cached.listenerPath = cfg.listenerPath;
                cached.listenerMetadata = cfg.listenerMetadata;
            }
            return cached;
        }
    } catch (const Error& e) {
        logDebug(std::string("seccomp cache: ") + e.what());
    }
    CompiledSeccomp fresh = compileSeccomp(cfg, options);
    try {
        mkdirAll(cacheDir, 0700);
        writeFileAtomic(path, encode(key, fresh), 0600);
    } catch (const Error& e) {
        logDebug(std::string("seccomp cache: ") + e.what());
    }
    return fresh;
}

}  // namespace berth::runtime
