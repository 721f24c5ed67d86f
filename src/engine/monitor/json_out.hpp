// A tiny JSON object writer for the monitor's state files and replies (the monitor stays free of
// a JSON library to keep its memory small).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/monitor/json_log.hpp"

namespace berth::monitor {

class JsonOut {
  public:
    JsonOut& str(std::string_view key, std::string_view value) {
        this->key(key);
        out_ += '"';
        appendJsonEscaped(out_, value);
        out_ += '"';
        return *this;
    }
    JsonOut& num(std::string_view key, int64_t value) {
        this->key(key);
        out_ += std::to_string(value);
        return *this;
    }
    JsonOut& boolean(std::string_view key, bool value) {
        this->key(key);
        out_ += value ? "true" : "false";
        return *this;
    }
    // value must already be JSON (an object or array built elsewhere).
    JsonOut& raw(std::string_view key, std::string_view value) {
        this->key(key);
        out_ += value;
        return *this;
    }
    std::string done() { return out_ + "}"; }

  private:
    void key(std::string_view k) {
        out_ += out_.size() > 1 ? ",\"" : "\"";
        out_ += k;
        out_ += "\":";
    }
    std::string out_ = "{";
};

}  // namespace berth::monitor
