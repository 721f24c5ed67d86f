#include "engine/events/monitor_import.hpp"

#include <fstream>
#include <sstream>

#include "common/log.hpp"
#include "engine/engine.hpp"
#include "engine/events/journal.hpp"
#include "engine/monitor/event_file.hpp"

namespace berth::engine::events {

namespace {

// Records the complete lines of the file from offset on; returns the offset after the last one.
int64_t importFrom(const Engine& eng, const ContainerRecord& rec, int64_t offset, int* count) {
    std::string path = eng.monitorDir(rec.id) + "/" + monitor::kEventFileName;
    std::ifstream in(path, std::ios::binary);
    if (!in) return 0;  // no file (yet, or a new one after start): start over
    in.seekg(0, std::ios::end);
    int64_t size = in.tellg();
    if (size < offset) offset = 0;  // recreated by a new monitor
    if (size == offset) return offset;
    in.seekg(offset);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t end = data.rfind('\n');
    if (end == std::string::npos) return offset;  // a line still being written
    Journal& j = journalFor(eng.config().root);
    Attributes base = containerAttributes(rec);
    std::istringstream lines(data.substr(0, end + 1));
    std::string line;
    while (std::getline(lines, line)) {
        try {
            auto doc = nlohmann::json::parse(line);
            Event e;
            e.type = "container";
            e.action = doc.at("action").get<std::string>();
            e.actorId = rec.id;
            e.timeNano = doc.at("timeNano").get<int64_t>();
            e.attributes = base;
            if (doc.contains("attributes") && doc["attributes"].is_object())
                for (auto& [k, v] : doc["attributes"].items())
                    if (v.is_string()) e.attributes[k] = v.get<std::string>();
            std::string source = rec.id + "/" + std::to_string(e.timeNano) + "/" + e.action;
            if (j.record(e, source) > 0 && count) ++*count;
        } catch (const std::exception& ex) {
            logDebug("monitor event line of " + rec.id + " skipped: " + ex.what());
        }
    }
    return offset + int64_t(end + 1);
}

}  // namespace

int importMonitorEvents(const Engine& eng, const ContainerRecord& rec) {
    int count = 0;
    try {
        importFrom(eng, rec, 0, &count);
    } catch (const std::exception& ex) {
        logDebug("monitor events of " + rec.id + " not imported: " + ex.what());
    }
    return count;
}

void MonitorEventImporter::importAll() {
    std::map<std::string, int64_t> next;
    for (const auto& rec : eng_.list()) {
        try {
            auto it = offsets_.find(rec.id);
            next[rec.id] = importFrom(eng_, rec, it == offsets_.end() ? 0 : it->second, nullptr);
        } catch (const std::exception& ex) {
            logDebug("monitor events of " + rec.id + " not imported: " + ex.what());
        }
    }
    offsets_.swap(next);
}

}  // namespace berth::engine::events
