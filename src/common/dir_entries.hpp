// The names in a directory, for the many places that list one (without "." and "..", sorted).
#pragma once

#include <string>
#include <vector>

namespace berth {

// None when the directory cannot be opened (e.g. it does not exist).
std::vector<std::string> dirEntries(const std::string& dir);
// Of a directory fd (an O_PATH fd works: "." is opened anew); throws SysError if unreadable.
std::vector<std::string> dirEntriesAt(int dirFd);

}  // namespace berth
