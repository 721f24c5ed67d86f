// The rows of `berth images`: docker's image list filters (daemon side) and its grouping of
// repo tags and digests into rows (formatter/image.go).
#include "cli/verbs/image_list_rows.hpp"

#include <algorithm>
#include <map>

#include "cli/format/units.hpp"
#include "cli/verbs/image_util.hpp"

namespace berth::cli {

using nlohmann::json;

namespace {

json row(const store::ImageSummary& img, const std::string& repo, const std::string& tag,
         const std::string& digest, bool trunc) {
    std::string size = humanSize(static_cast<double>(img.size), 3);
    return {{"ID", trunc ? truncateId(img.id.str()) : img.id.str()},
            {"Repository", repo},
            {"Tag", tag},
            {"Digest", digest},
            {"CreatedSince", img.created ? timeAgo(img.created) : "N/A"},
            {"CreatedAt", goTimeString(img.created)},
            {"Size", size},
            {"VirtualSize", size},
            {"Containers", img.containers < 0 ? "N/A" : std::to_string(img.containers)},
            {"SharedSize", "N/A"},
            {"UniqueSize", "N/A"}};
}

// formatter.imageFormatTaggedAndDigest: one row per repo:tag (per digest with --digests), then
// rows for repositories known only by digest.
void addRows(std::vector<json>& rows, const store::ImageSummary& img, bool digests, bool trunc) {
    if (img.dangling()) {
        rows.push_back(row(img, "<none>", "<none>", "<none>", trunc));
        return;
    }
    std::map<std::string, std::vector<std::string>> repoTags, repoDigests;
    for (const auto& t : img.repoTags) {
        auto [repo, tag] = splitFamiliar(t);
        repoTags[repo].push_back(tag);
    }
    for (const auto& d : img.repoDigests) {
        auto [repo, dgst] = splitFamiliar(d);
        repoDigests[repo].push_back(dgst);
    }
    for (const auto& [repo, tags] : repoTags) {
        std::vector<std::string> ds = digests ? repoDigests[repo] : std::vector<std::string>{};
        repoDigests.erase(repo);
        for (const auto& tag : tags) {
            if (ds.empty()) rows.push_back(row(img, repo, tag, "<none>", trunc));
            for (const auto& d : ds) rows.push_back(row(img, repo, tag, d, trunc));
        }
    }
    for (const auto& [repo, ds] : repoDigests) {
        if (digests) {
            for (const auto& d : ds) rows.push_back(row(img, repo, "<none>", d, trunc));
        } else {
            rows.push_back(row(img, repo, "<none>", "", trunc));
        }
    }
}

// The daemon's reference filter: reference.FamiliarMatch against "name:tag" and "name".
bool refMatches(const std::string& pattern, const std::string& familiarRef) {
    if (globMatch(pattern, familiarRef)) return true;
    return globMatch(pattern, splitFamiliar(familiarRef).repo);
}

// Applies docker's image list filters; keeps only the refs a reference filter matched.
}  // namespace

std::vector<store::ImageSummary> filterImages(
    std::vector<store::ImageSummary> all, const Filters& f,
    const std::function<int64_t(const std::string&)>& createdOf) {
    f.validate({"dangling", "label", "before", "since", "reference"});
    std::optional<int64_t> before, since;
    for (const auto& b : f.get("before")) before = createdOf(b);
    for (const auto& s : f.get("since")) since = createdOf(s);
    bool danglingFilter = f.contains("dangling");
    bool danglingOnly = danglingFilter && f.getBool("dangling");
    auto patterns = f.get("reference");
    std::vector<store::ImageSummary> out;
    for (auto& img : all) {
        if (before && img.created >= *before) continue;
        if (since && img.created <= *since) continue;
        bool labelsOk = true;
        for (const auto& l : f.get("label")) labelsOk = labelsOk && labelsMatch(img.labels, l);
        if (!labelsOk) continue;
        bool wasDangling = img.dangling();
        if (!patterns.empty()) {
            auto keep = [&](std::vector<std::string>& refs) {
                std::erase_if(refs, [&](const std::string& r) {
                    return std::none_of(patterns.begin(), patterns.end(),
                                        [&](const std::string& p) { return refMatches(p, r); });
                });
            };
            keep(img.repoTags);
            keep(img.repoDigests);
            if (img.dangling()) continue;  // no ref matched
        }
        if (danglingFilter && danglingOnly != wasDangling) continue;
        out.push_back(std::move(img));
    }
    return out;
}

std::vector<json> imageListRows(const std::vector<store::ImageSummary>& images, bool digests,
                                bool trunc) {
    std::vector<json> rows;
    for (const auto& img : images) addRows(rows, img, digests, trunc);
    return rows;
}

}  // namespace berth::cli
