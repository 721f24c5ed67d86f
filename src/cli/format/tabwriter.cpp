#include "cli/format/tabwriter.hpp"

#include <vector>

namespace berth::cli {
namespace {

struct Cell {
    std::string text;
    size_t width;  // in code points, as tabwriter counts runes
};
using Line = std::vector<Cell>;

size_t runeCount(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

class Formatter {
  public:
    Formatter(std::vector<Line> lines, TabWriterOptions o) : lines_(std::move(lines)), o_(o) {}

    std::string run() {
        format(0, lines_.size());
        return std::move(out_);
    }

  private:
    // The recursive column-block algorithm of text/tabwriter (Writer.format).
    void format(size_t line0, size_t line1) {
        size_t column = widths_.size();
        for (size_t cur = line0; cur < line1; ++cur) {
            if (column + 1 >= lines_[cur].size()) continue;
            writeLines(line0, cur);
            line0 = cur;
            size_t width = o_.minWidth;
            for (; cur < line1; ++cur) {
                const Line& line = lines_[cur];
                if (column + 1 >= line.size()) break;
                width = std::max(width, line[column].width + o_.padding);
            }
            widths_.push_back(width);
            format(line0, cur);
            widths_.pop_back();
            line0 = cur;  // the line that ended the block has no cell here: skip it
        }
        writeLines(line0, line1);
    }

    void writeLines(size_t line0, size_t line1) {
        for (size_t i = line0; i < line1; ++i) {
            const Line& line = lines_[i];
            for (size_t j = 0; j < line.size(); ++j) {
                const Cell& c = line[j];
                out_ += c.text;
                if (j < widths_.size() && j + 1 < line.size())
                    out_.append(widths_[j] > c.width ? widths_[j] - c.width : 0, ' ');
            }
            if (i + 1 < lines_.size() || trailingNewline) out_ += '\n';
        }
    }

  public:
    bool trailingNewline = true;

  private:
    std::vector<Line> lines_;
    TabWriterOptions o_;
    std::vector<size_t> widths_;
    std::string out_;
};

}  // namespace

std::string tabFormat(std::string_view text, TabWriterOptions opts) {
    std::vector<Line> lines;
    bool trailingNewline = !text.empty() && text.back() == '\n';
    if (trailingNewline) text.remove_suffix(1);
    if (text.empty() && !trailingNewline) return "";
    size_t start = 0;
    for (;;) {
        size_t nl = text.find('\n', start);
        std::string_view l = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
        Line line;
        size_t p = 0;
        for (;;) {
            size_t tab = l.find('\t', p);
            std::string_view cell = l.substr(p, tab == std::string_view::npos ? tab : tab - p);
            line.push_back({std::string(cell), runeCount(cell)});
            if (tab == std::string_view::npos) break;
            p = tab + 1;
        }
        lines.push_back(std::move(line));
        if (nl == std::string_view::npos) break;
        start = nl + 1;
    }
    Formatter f(std::move(lines), opts);
    f.trailingNewline = trailingNewline;
    return f.run();
}

}  // namespace berth::cli
