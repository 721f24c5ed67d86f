// Docker's detach keys: "ctrl-p,ctrl-q" by default; a comma-separated list of single characters
// and ctrl-<c> names (moby/term ToBytes: ctrl-@, ctrl-a .. ctrl-z, ctrl-[, ctrl-\, ctrl-],
// ctrl-^, ctrl-_), and the escape proxy that watches a stdin stream for them.
#pragma once

#include <string>
#include <string_view>

namespace berth::engine {

inline constexpr const char* kDefaultDetachKeys = "ctrl-p,ctrl-q";

// The byte sequence of a detach-keys spec ("" → the default). Throws Error
// ("Invalid detach keys (SPEC) provided") like Docker's daemon.
std::string parseDetachKeys(const std::string& spec);

// Feeds stdin through the detach sequence (moby/term EscapeProxy): bytes that might start the
// sequence are held back; they are passed on once a following byte breaks the match.
class DetachKeyMatcher {
  public:
    explicit DetachKeyMatcher(std::string keys) : keys_(std::move(keys)) {}

    // Appends what should go to the container to *out; true once the whole sequence was read
    // (the held-back sequence is dropped; bytes after it are ignored).
    bool feed(std::string_view in, std::string* out);

  private:
    std::string keys_;
    size_t matched_ = 0;
};

}  // namespace berth::engine
