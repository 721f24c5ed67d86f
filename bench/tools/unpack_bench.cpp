// berth-unpack-bench: times layer work for bench/store-unpack.sh.
//   --mode unpack  DIR L1 L2 ...  unpackLayer() of each blob into DIR/layerN, one thread per layer
//   --mode inflate L1 L2 ...      decompress each blob (isa-l / libzstd) to nowhere, in parallel
//   --mode load ROOT ARCHIVE      ImageStore::open(ROOT).load(ARCHIVE): the whole `berth load`
//                                 path (blobs, parallel unpack, diff_id checks, metadata)
// Prints: seconds, compressed bytes, uncompressed bytes (one line, space separated).
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "common/fd.hpp"
#include "store/image_store.hpp"
#include "store/unpack/decompressor.hpp"
#include "store/unpack/layer_unpacker.hpp"

using namespace berth;
using namespace berth::store;

namespace {

void inflateFile(const std::string& path, std::atomic<uint64_t>& in, std::atomic<uint64_t>& out) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw SysError("open " + path);
    const size_t kBuf = size_t{1} << 20;
    std::vector<unsigned char> ib(kBuf), ob(kBuf);
    ssize_t n = ::read(fd.get(), ib.data(), kBuf);
    if (n < 0) throw SysError("read " + path);
    auto dec = makeDecompressor(detectCompression(ib.data(), static_cast<size_t>(n)));
    const unsigned char* p = ib.data();
    size_t len = static_cast<size_t>(n);
    bool ended = n == 0;
    uint64_t total = 0, comp = static_cast<uint64_t>(n);
    for (;;) {
        if (len == 0 && !ended) {
            n = ::read(fd.get(), ib.data(), kBuf);
            if (n < 0) throw SysError("read " + path);
            ended = n == 0;
            p = ib.data();
            len = static_cast<size_t>(n);
            comp += static_cast<uint64_t>(n);
        }
        size_t got = dec->step(p, len, ob.data(), kBuf, ended);
        total += got;
        if (got == 0 && ended && len == 0) break;
    }
    in += comp;
    out += total;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s --mode unpack DIR BLOB... | --mode inflate BLOB...\n",
                     argv[0]);
        return 2;
    }
    std::string mode = argv[2];
    if (mode == "load") {
        try {
            auto start = std::chrono::steady_clock::now();
            ImageStore s = ImageStore::open(argv[3]);
            LoadResult r = s.load(argv[4]);
            double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            uint64_t size = 0;
            for (const auto& img : r.images) size += s.summary(img.id.str()).size;
            std::printf("%.3f 0 %llu\n", secs, static_cast<unsigned long long>(size));
            return 0;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s\n", e.what());
            return 1;
        }
    }
    int first = mode == "unpack" ? 4 : 3;
    std::string dir = mode == "unpack" ? argv[3] : "";
    std::atomic<uint64_t> in{0}, out{0};
    std::atomic<bool> failed{false};
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int i = first; i < argc; ++i) {
        std::string blob = argv[i];
        int idx = i - first;
        threads.emplace_back([&, blob, idx] {
            try {
                if (mode == "inflate") return inflateFile(blob, in, out);
                UniqueFd fd(::open(blob.c_str(), O_RDONLY | O_CLOEXEC));
                if (!fd) throw SysError("open " + blob);
                UnpackOptions o;
                o.layerName = blob;
                UnpackResult r = unpackLayer(fd.get(), dir + "/layer" + std::to_string(idx), o);
                in += r.compressedSize;
                out += r.size;
            } catch (const std::exception& e) {
                std::fprintf(stderr, "%s\n", e.what());
                failed = true;
            }
        });
    }
    for (auto& t : threads) t.join();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (failed) return 1;
    std::printf("%.3f %llu %llu\n", secs, static_cast<unsigned long long>(in.load()),
                static_cast<unsigned long long>(out.load()));
    return 0;
}
