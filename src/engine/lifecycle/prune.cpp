// Engine::prune: `docker container prune`: every container that is not running (created and
// exited ones too), filtered by creation time and labels; reports the bytes their writable
// layers (upper dirs) held.
#include <ftw.h>
#include <sys/stat.h>

#include <set>

#include "common/error.hpp"
#include "engine/engine.hpp"

namespace berth::engine {

namespace {

// Bytes of the files under dir, each hard-linked inode once (moby's directory.Size).
uint64_t treeBytes(const std::string& dir) {
    static thread_local uint64_t total;
    static thread_local std::set<std::pair<dev_t, ino_t>>* seen;
    std::set<std::pair<dev_t, ino_t>> inodes;
    total = 0;
    seen = &inodes;
    ::nftw(
        dir.c_str(),
        [](const char*, const struct stat* st, int type, struct FTW*) {
            if (type == FTW_F || type == FTW_SL) {
                if (st->st_nlink > 1 && !seen->insert({st->st_dev, st->st_ino}).second) return 0;
                total += uint64_t(st->st_size);
            }
            return 0;
        },
        32, FTW_PHYS);
    return total;
}

bool labelMatches(const nlohmann::json& labels, const std::string& filter) {
    auto eq = filter.find('=');
    std::string key = filter.substr(0, eq);
    if (!labels.is_object() || !labels.contains(key)) return false;
    if (eq == std::string::npos) return true;
    return labels[key].is_string() && labels[key].get<std::string>() == filter.substr(eq + 1);
}

}  // namespace

PruneReport Engine::prune(int64_t untilNs, const std::vector<std::string>& labels,
                          const std::vector<std::string>& labelNot) {
    PruneReport report;
    for (auto& rec : store_.list()) {
        auto st = state(rec);
        if (st.running || st.restarting || st.paused) continue;
        if (untilNs > 0 && rec.createdNs >= untilNs) continue;
        nlohmann::json lbl = rec.config.contains("Labels") ? rec.config["Labels"] : nlohmann::json();
        bool keep = false;
        for (auto& f : labels) keep = keep || !labelMatches(lbl, f);
        for (auto& f : labelNot) keep = keep || labelMatches(lbl, f);
        if (keep) continue;
        uint64_t bytes = treeBytes(store_.dir(rec.id) + "/upper");
        try {
            remove(rec.id, false);
        } catch (const Error&) {
            continue;  // started meanwhile, or already gone
        }
        report.deleted.push_back(rec.id);
        report.reclaimedBytes += bytes;
    }
    return report;
}

}  // namespace berth::engine
