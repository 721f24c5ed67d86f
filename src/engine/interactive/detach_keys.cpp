#include "engine/interactive/detach_keys.hpp"

#include "common/error.hpp"
#include "common/strings.hpp"

namespace berth::engine {

namespace {

// moby/term ASCII: the names of control codes 0..31 that ctrl-<c> may spell.
int controlCode(const std::string& key) {
    static constexpr std::string_view kNames[] = {
        "ctrl-@", "ctrl-a", "ctrl-b", "ctrl-c", "ctrl-d", "ctrl-e", "ctrl-f", "ctrl-g",
        "ctrl-h", "ctrl-i", "ctrl-j", "ctrl-k", "ctrl-l", "ctrl-m", "ctrl-n", "ctrl-o",
        "ctrl-p", "ctrl-q", "ctrl-r", "ctrl-s", "ctrl-t", "ctrl-u", "ctrl-v", "ctrl-w",
        "ctrl-x", "ctrl-y", "ctrl-z", "ctrl-[", "ctrl-\\", "ctrl-]", "ctrl-^", "ctrl-_"};
    for (int i = 0; i < 32; ++i)
        if (kNames[i] == key) return i;
    return -1;
}

}  // namespace

std::string parseDetachKeys(const std::string& spec) {
    std::string text = spec.empty() ? kDefaultDetachKeys : spec;
    std::string bytes;
    for (const auto& key : split(text, ',')) {
        if (key.size() == 1) {
            bytes += key[0];
            continue;
        }
        int code = controlCode(key);
        if (code < 0) throw Error("Invalid detach keys (" + spec + ") provided");
        bytes += static_cast<char>(code);
    }
    if (bytes.empty()) throw Error("Invalid detach keys (" + spec + ") provided");
    return bytes;
}

bool DetachKeyMatcher::feed(std::string_view in, std::string* out) {
    for (size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (keys_.empty()) {
            out->push_back(c);
            continue;
        }
        if (c == keys_[matched_]) {
            if (++matched_ == keys_.size()) {
                matched_ = 0;
                return true;
            }
            continue;
        }
        // The held-back prefix was not the sequence after all: it goes through, and this byte
        // may start a new match.
        out->append(keys_, 0, matched_);
        matched_ = 0;
        if (c == keys_[0]) {
            if (keys_.size() == 1) return true;
            matched_ = 1;
            continue;
        }
        out->push_back(c);
    }
    return false;
}

}  // namespace berth::engine
