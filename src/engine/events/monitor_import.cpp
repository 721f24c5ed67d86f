#include "engine/events/monitor_import.hpp"

#include <string_view>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"
#include "engine/engine.hpp"
#include "engine/events/journal.hpp"
#include "engine/monitor/event_file.hpp"

namespace berth::engine::events {

namespace {

// The complete lines of the file from offset on, as events; *next: the offset after the last one.
std::vector<MonitorEvent> readFrom(const Engine& eng, const ContainerRecord& rec, int64_t offset,
                                   int64_t* next) {
    *next = offset;
    std::string path = eng.monitorDir(rec.id) + "/" + monitor::kEventFileName;
    std::string data;
    try {
        data = readFile(path);
    } catch (const Error&) {
        *next = 0;  // no file (yet, or a new one after start): start over
        return {};
    }
    int64_t size = int64_t(data.size());
    if (size < offset) offset = 0;  // recreated by a new monitor
    size_t end = data.rfind('\n');
    if (end == std::string::npos || int64_t(end) < offset) {  // nothing new, or a line still being written
        *next = offset;
        return {};
    }
    std::vector<MonitorEvent> out;
    Attributes base = containerAttributes(rec);
    for (size_t pos = size_t(offset); pos <= end;) {
        size_t nl = data.find('\n', pos);
        std::string_view line(data.data() + pos, nl - pos);
        pos = nl + 1;
        if (line.empty()) continue;
        try {
            auto doc = nlohmann::json::parse(line);
            MonitorEvent m;
            Event& e = m.event;
            e.type = "container";
            e.action = doc.at("action").get<std::string>();
            e.actorId = rec.id;
            e.timeNano = doc.at("timeNano").get<int64_t>();
            e.attributes = base;
            if (doc.contains("attributes") && doc["attributes"].is_object())
                for (auto& [k, v] : doc["attributes"].items())
                    if (v.is_string()) e.attributes[k] = v.get<std::string>();
            m.source = rec.id + "/" + std::to_string(e.timeNano) + "/" + e.action;
            out.push_back(std::move(m));
        } catch (const std::exception& ex) {
            logDebug("monitor event line of " + rec.id + " skipped: " + ex.what());
        }
    }
    *next = int64_t(end + 1);
    return out;
}

int64_t importFrom(const Engine& eng, const ContainerRecord& rec, int64_t offset, int* count) {
    int64_t next = 0;
    auto found = readFrom(eng, rec, offset, &next);
    int n = recordMonitorEvents(eng, found);
    if (count) *count += n;
    return next;
}

}  // namespace

std::vector<MonitorEvent> readMonitorEvents(const Engine& eng, const ContainerRecord& rec) {
    try {
        int64_t next = 0;
        return readFrom(eng, rec, 0, &next);
    } catch (const std::exception& ex) {
        logDebug("monitor events of " + rec.id + " not read: " + ex.what());
        return {};
    }
}

int recordMonitorEvents(const Engine& eng, const std::vector<MonitorEvent>& found) {
    if (found.empty()) return 0;
    int count = 0;
    try {
        Journal& j = journalFor(eng.config().root);
        for (auto& m : found)
            if (j.record(m.event, m.source) > 0) ++count;
    } catch (const std::exception& ex) {
        logDebug("monitor events of " + found.front().event.actorId + " not imported: " + ex.what());
    }
    return count;
}

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
