#include "store/unpack/entry_path.hpp"

#include "common/error.hpp"

namespace berth::store {

namespace {
constexpr const char* kWhiteoutPrefix = ".wh.";
constexpr const char* kWhiteoutMetaPrefix = ".wh..wh.";
constexpr const char* kOpaqueName = ".wh..wh..opq";
}  // namespace

std::vector<std::string> entryComponents(const std::string& name) {
    if (name.empty()) throw Error("empty entry name", EINVAL);
    if (name[0] == '/') throw Error("absolute path escapes the layer", EXDEV);
    std::vector<std::string> comps;
    size_t i = 0;
    while (i <= name.size()) {
        size_t j = name.find('/', i);
        if (j == std::string::npos) j = name.size();
        std::string part = name.substr(i, j - i);
        if (part == "..") throw Error("path escapes the layer", EXDEV);
        if (!part.empty() && part != ".") comps.push_back(std::move(part));
        i = j + 1;
    }
    return comps;
}

std::string joinComponents(const std::vector<std::string>& comps, size_t count) {
    if (count == 0) return ".";
    std::string out = comps[0];
    for (size_t i = 1; i < count && i < comps.size(); ++i) out += "/" + comps[i];
    return out;
}

WhiteoutKind whiteoutKind(const std::string& base) {
    if (base.rfind(kWhiteoutPrefix, 0) != 0) return WhiteoutKind::None;
    if (base == kOpaqueName) return WhiteoutKind::Opaque;
    if (base.rfind(kWhiteoutMetaPrefix, 0) == 0) return WhiteoutKind::AufsMeta;
    return WhiteoutKind::Delete;
}

std::string whiteoutTarget(const std::string& base) {
    std::string target = base.substr(4);
    if (target.empty() || target == "." || target == "..")
        throw Error("whiteout names \"" + target + "\": path escapes the layer", EXDEV);
    return target;
}

}  // namespace berth::store
