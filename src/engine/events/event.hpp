// One entry of the events journal, in Docker's events.Message shape, and Docker's event filters.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace berth::engine::events {

using Attributes = std::map<std::string, std::string>;

struct Event {
    int64_t seq = 0;       // journal order (increasing, never reused)
    int64_t timeNano = 0;  // unix nanoseconds
    std::string type;      // container image volume network daemon
    std::string action;    // create start die ... "health_status: healthy" "exec_start: sh"
    std::string actorId;
    Attributes attributes;
    std::string scope = "local";

    // Docker's JSON (events --format '{{json .}}', the API): status/id/from for containers and
    // images (the legacy fields), Type, Action, Actor{ID,Attributes}, scope, time, timeNano.
    nlohmann::json toJson() const;
};

// docker events --filter: keys type event container image label volume network daemon scope.
// Values of one key OR together, different keys AND (moby daemon/events/filter.go).
class EventFilter {
  public:
    static const std::set<std::string>& validKeys();
    void add(const std::string& key, const std::string& value) { values_[key].push_back(value); }
    bool empty() const { return values_.empty(); }
    bool matches(const Event& e) const;

  private:
    bool exact(const std::string& key, const std::string& v) const;
    bool fuzzy(const std::string& key, const std::string& v) const;
    std::map<std::string, std::vector<std::string>> values_;
};

// What query() returns: time window (unix ns, inclusive; 0 = open) and/or rows after a seq.
struct EventQuery {
    int64_t sinceNano = 0;
    int64_t untilNano = 0;
    int64_t afterSeq = 0;
    EventFilter filter;
};

}  // namespace berth::engine::events
