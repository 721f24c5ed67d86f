// `berth images` / `berth image ls` (docker's cli/command/image/list.go + formatter/image.go).
#include <algorithm>
#include <map>

#include "cli/filters.hpp"
#include "cli/format/formatter.hpp"
#include "cli/format/units.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/image_util.hpp"
#include "store/reference.hpp"

namespace berth::cli {
namespace {

using nlohmann::json;

const TableFormat kTable{"table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}",
                         {{"Repository", "REPOSITORY"},
                          {"Tag", "TAG"},
                          {"ID", "IMAGE ID"},
                          {"Digest", "DIGEST"},
                          {"CreatedSince", "CREATED"},
                          {"CreatedAt", "CREATED AT"},
                          {"Size", "SIZE"},
                          {"Containers", "CONTAINERS"},
                          {"SharedSize", "SHARED SIZE"},
                          {"UniqueSize", "UNIQUE SIZE"},
                          {"VirtualSize", "VIRTUAL SIZE"}}};

const char* kDigestsTable =
    "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";

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
std::vector<store::ImageSummary> applyFilters(CliContext& ctx, std::vector<store::ImageSummary> all,
                                              const Filters& f) {
    f.validate({"dangling", "label", "before", "since", "reference"});
    std::optional<int64_t> before, since;
    auto createdOf = [&](const std::string& ref) { return ctx.images().summary(ref).created; };
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

int runImages(Invocation& inv) {
    const FlagSet& fl = inv.flags;
    Filters filters = Filters::parse(fl.getList("filter"));
    if (!inv.args.empty()) filters.add("reference", inv.args[0]);
    auto images = applyFilters(inv.ctx, inv.ctx.images().list(), filters);
    std::stable_sort(images.begin(), images.end(),
                     [](const auto& a, const auto& b) { return a.created > b.created; });
    bool digests = fl.getBool("digests");
    std::vector<json> rows;
    for (const auto& img : images) addRows(rows, img, digests, !fl.getBool("no-trunc"));

    std::string format = fl.getString("format");
    // docker: -q only replaces the default table; an explicit --format wins.
    if (fl.getBool("quiet") && (format.empty() || format == "table")) format = "{{.ID}}";
    TableFormat table = kTable;
    if (digests) table.defaultTable = kDigestsTable;
    // formatter.NewImageFormat: a custom table with --digests gets the digest column appended.
    if (digests && format.rfind("table ", 0) == 0 &&
        format.find("{{.Digest}}") == std::string::npos)
        format += "\t{{.Digest}}";
    writeRows(inv.ctx.out(), format, table, rows);
    return 0;
}

}  // namespace

CommandPtr makeImageLsCommand() {
    auto c = std::make_shared<Command>();
    c->name = "ls";
    c->aliases = {"list"};
    c->use = "[OPTIONS] [REPOSITORY[:TAG]]";
    c->shortHelp = "List images";
    c->args(ArgsRule::AtMost, 0, 1);
    c->flags.addBool("all", 'a', "Show all images (default hides intermediate images)")
        .addBool("digests", 0, "Show digests")
        .addList("filter", 'f', "Filter output based on conditions provided", "filter")
        .addString("format", 0, "Pretty-print images using a Go template")
        .addBool("no-trunc", 0, "Don't truncate output")
        .addBool("quiet", 'q', "Only show image IDs");
    c->run = runImages;
    return c;
}

}  // namespace berth::cli
