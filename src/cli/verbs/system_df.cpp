// `berth system df [-v]` (docker's formatter/disk_usage.go). Containers, volumes and build cache
// are zero until the engine has them.
#include "cli/format/formatter.hpp"
#include "cli/format/units.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"
#include "cli/verbs/image_util.hpp"
#include "engine/volumes/container_volumes.hpp"

namespace berth::cli {
namespace {

using nlohmann::json;

const TableFormat kTable{
    "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}",
    {{"Type", "TYPE"},
     {"TotalCount", "TOTAL"},
     {"Active", "ACTIVE"},
     {"Size", "SIZE"},
     {"Reclaimable", "RECLAIMABLE"}}};

const TableFormat kVerboseImages{
    "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t"
    "{{.UniqueSize}}\t{{.Containers}}",
    {{"Repository", "REPOSITORY"},
     {"Tag", "TAG"},
     {"ID", "IMAGE ID"},
     {"CreatedSince", "CREATED"},
     {"Size", "SIZE"},
     {"SharedSize", "SHARED SIZE"},
     {"UniqueSize", "UNIQUE SIZE"},
     {"Containers", "CONTAINERS"}}};

std::string reclaimable(uint64_t part, uint64_t total) {
    std::string s = humanSize(static_cast<double>(part));
    if (total > 0)
        s += " (" +
             std::to_string(static_cast<int64_t>(static_cast<double>(part) * 100 /
                                                 static_cast<double>(total))) +
             "%)";
    return s;
}

json typeRow(const std::string& type, size_t total, size_t active, uint64_t size,
             const std::string& reclaim) {
    return {{"Type", type},
            {"TotalCount", std::to_string(total)},
            {"Active", std::to_string(active)},
            {"Size", humanSize(static_cast<double>(size))},
            {"Reclaimable", reclaim}};
}

// Local volumes: count, those a container uses, their size, what unused ones hold.
json volumesRow(CliContext& ctx) {
    auto& eng = engineFor(ctx);
    auto containers = eng.list();
    size_t total = 0, active = 0;
    uint64_t size = 0, unused = 0;
    for (auto& v : eng.volumes().list()) {
        uint64_t s = eng.volumes().size(v);
        ++total;
        size += s;
        if (engine::containersUsingVolume(containers, v.name).empty()) unused += s;
        else ++active;
    }
    return typeRow("Local Volumes", total, active, size, reclaimable(unused, size));
}

int runDf(Invocation& inv) {
    store::DiskUsage du = inv.ctx.images().diskUsage(inUseFn(inv.ctx));
    std::string format = inv.flags.getString("format");
    if (inv.flags.getBool("verbose") && format.empty()) {
        std::vector<json> rows;
        for (const auto& img : du.rows) {
            auto [repo, tag] = img.repoTags.empty() ? RepoAndTag{"<none>", "<none>"}
                                                    : splitFamiliar(img.repoTags.front());
            rows.push_back({{"Repository", repo},
                            {"Tag", tag},
                            {"ID", truncateId(img.id.str())},
                            {"CreatedSince", timeAgo(img.created)},
                            {"Size", humanSize(static_cast<double>(img.size))},
                            {"SharedSize", "N/A"},
                            {"UniqueSize", "N/A"},
                            {"Containers", std::to_string(std::max(img.containers, 0))}});
        }
        inv.ctx.out() << "Images space usage:\n\n";
        writeRows(inv.ctx.out(), "", kVerboseImages, rows);
        inv.ctx.out()
            << "\nContainers space usage:\n\n"
               "CONTAINER ID   IMAGE     COMMAND   LOCAL VOLUMES   SIZE      CREATED   "
               "STATUS    NAMES\n\nLocal Volumes space usage:\n\n"
               "VOLUME NAME   LINKS     SIZE\n\nBuild cache usage: 0B\n\n"
               "CACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED\n";
        return 0;
    }
    std::vector<json> rows = {
        typeRow("Images", du.images, du.active, du.size, reclaimable(du.reclaimable, du.size)),
        typeRow("Containers", 0, 0, 0, "0B"),
        volumesRow(inv.ctx),
        typeRow("Build Cache", 0, 0, 0, "0B"),
    };
    writeRows(inv.ctx.out(), format, kTable, rows);
    return 0;
}

}  // namespace

CommandPtr makeSystemDfCommand() {
    auto c = std::make_shared<Command>();
    c->name = "df";
    c->use = "[OPTIONS]";
    c->shortHelp = "Show berth disk usage";
    c->args(ArgsRule::None);
    c->flags.addString("format", 0, "Pretty-print images using a Go template")
        .addBool("verbose", 'v', "Show detailed information on space usage");
    c->run = runDf;
    return c;
}

}  // namespace berth::cli
