// Process-wide logger. Binaries call configureLog() once; default is stderr, text.
// JSON format matches runc's (--log-format json): {"level":"error","msg":"...","time":"..."}.
#pragma once

#include <string>

namespace berth {

enum class LogLevel { Debug, Info, Warn, Error };
enum class LogFormat { Text, Json };

// path empty → stderr. Throws SysError if the file can't be opened.
void configureLog(const std::string& path, LogFormat format, LogLevel minLevel = LogLevel::Info);

void logMessage(LogLevel level, const std::string& msg);
inline void logDebug(const std::string& m) { logMessage(LogLevel::Debug, m); }
inline void logInfo(const std::string& m) { logMessage(LogLevel::Info, m); }
inline void logWarn(const std::string& m) { logMessage(LogLevel::Warn, m); }
inline void logError(const std::string& m) { logMessage(LogLevel::Error, m); }

// RFC 3339 with nanoseconds, UTC ("2026-11-28T13:35:42.123456789Z"), as Docker and runc print.
std::string rfc3339Now();

}  // namespace berth
