// Imports what berth-monitor appended to <container>/monitor/events.jsonl (die, health_status,
// exec_die; see engine/monitor/event_file.hpp) into the journal, with the container's attributes.
// Idempotent: each line's key is "<id>/<timeNano>/<action>" (Journal::record's source).
//
// Why not in the monitor itself: it is a tiny static binary that must not link SQLite, and an
// exit command per exit would cost a fork+exec of berth per die. The engine imports at the
// points where the order matters or the file would be lost: before it records stop/destroy,
// before start clears the monitor dir, and on every `events` read (so a follower sees a die
// within one poll).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/events/event.hpp"

namespace berth::engine {
class Engine;
struct ContainerRecord;
}  // namespace berth::engine

namespace berth::engine::events {

// Best effort (never throws). Returns the number of lines newly recorded.
int importMonitorEvents(const Engine& eng, const ContainerRecord& rec);

// The same in two steps, for a caller that records them inside its own transaction after the
// file is gone (remove: read, move the directory away, then one commit for die + destroy).
struct MonitorEvent {
    Event event;
    std::string source;  // the idempotency key
};
std::vector<MonitorEvent> readMonitorEvents(const Engine& eng, const ContainerRecord& rec);
int recordMonitorEvents(const Engine& eng, const std::vector<MonitorEvent>& found);

// For a follower: remembers how far each container's file was read, and imports only new lines.
class MonitorEventImporter {
  public:
    explicit MonitorEventImporter(Engine& eng) : eng_(eng) {}
    void importAll();

  private:
    Engine& eng_;
    std::map<std::string, int64_t> offsets_;  // container id → bytes read
};

}  // namespace berth::engine::events
