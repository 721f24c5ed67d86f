#include "cli/verbs/image_util.hpp"

#include <map>
#include <memory>

#include "store/reference.hpp"

namespace berth::cli {

store::InUseFn inUseFn(CliContext& ctx) {
    // Read now, before the image store opens its write transaction: the container records are
    // another connection to berth.db, and one that first creates its tables would wait for
    // that transaction (same process: until the busy timeout, then "database is locked").
    auto byImage = std::make_shared<std::map<std::string, std::vector<std::string>>>(
        ctx.containersByImage());
    return [byImage](const store::Digest& id) {
        auto it = byImage->find(id.str());
        return it == byImage->end() ? std::vector<std::string>{} : it->second;
    };
}

std::string truncateId(const std::string& id) {
    std::string s = id;
    if (auto colon = s.find(':'); colon != std::string::npos) s = s.substr(colon + 1);
    return s.size() > 12 ? s.substr(0, 12) : s;
}

std::string ellipsis(const std::string& s, size_t n) {
    if (n == 0) return "";
    size_t runes = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
        if (runes == n - 1) {
            // Is there more than one rune left?
            size_t j = i + 1;
            while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) ++j;
            if (j < s.size()) return s.substr(0, i) + "\u2026";
            return s;
        }
        ++runes;
    }
    return s;
}

RepoAndTag splitFamiliar(const std::string& ref) {
    if (auto at = ref.find('@'); at != std::string::npos)
        return {ref.substr(0, at), ref.substr(at + 1)};
    auto slash = ref.rfind('/');
    auto colon = ref.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash))
        return {ref.substr(0, colon), ref.substr(colon + 1)};
    return {ref, ""};
}

}  // namespace berth::cli
