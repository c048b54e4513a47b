// The compare subcommand: reads result files (folders: every *.json directly inside, by name),
// skips unreadable ones with a warning, picks the --baseline row and prints the grouped
// comparison as Markdown or JSON.
#include "compare_command.h"

#include "exit_codes.h"
#include "option_checks.h"
#include "result_inputs.h"

#include "results/comparison_groups.h"
#include "results/result_file.h"
#include "results/table_text.h"
#include "util/text.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <exception>

namespace tb::cli {

namespace {


// The row `text` names: its number as printed (1-based, across groups) or the first whose label
// contains it, ignoring case (a number as a whole number). Null when none does.
const ComparisonRow* findRow(const std::vector<ComparisonGroup>& groups, const std::string& text) {
  std::vector<const ComparisonRow*> rows;
  for (const auto& group : groups) {
    for (const auto& row : group.rows) rows.push_back(&row);
  }
  const bool digits = !text.empty() && text.size() < 10 &&
                      text.find_first_not_of("0123456789") == std::string::npos;
  if (digits) {
    const auto number = static_cast<std::size_t>(std::stoul(text));
    if (number >= 1 && number <= rows.size()) return rows[number - 1];
  }
  const std::string needle = asciiLower(text);
  for (const ComparisonRow* row : rows) {
    const std::string label = asciiLower(row->label);
    for (auto at = label.find(needle); at != std::string::npos; at = label.find(needle, at + 1)) {
      // A number past the last row names a label's whole number ("2080", "16 threads"), never
      // a part of its date or time: "7" picked the run of 2026-11-27, "27" and "03" too.
      const auto partOfNumber = [&](std::size_t i) {
        if (i >= label.size()) return false;
        const char c = label[i];
        return std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == ':' || c == '.';
      };
      if (!digits || (!(at > 0 && partOfNumber(at - 1)) && !partOfNumber(at + needle.size()))) {
        return row;
      }
    }
  }
  return nullptr;
}

}  // namespace

CompareCommand::CompareCommand(CLI::App& app) {
  m_compare = app.add_subcommand(
      "compare", "Compare saved results: grouped by workload and size, repeats folded");
  m_compare
      ->add_option("paths", m_paths,
                   "Result files, or folders (every *.json directly inside, in name order)")
      ->required()
      ->check(pathName(/*positional=*/true));
  m_baselineOption = m_compare->add_option(
      "--baseline", m_baseline,
      "The row speed-ups are against (in its group): its number as printed, or part of its "
      "label (case-insensitive; the first match; a number past the last row matches a number "
      "of its own, as in 'RTX 2080', not one within a date); the other groups keep their "
      "default: each group's first completed row that was not disturbed (a disturbed one only "
      "where none is quiet)");
  m_compare->add_flag("--published", m_published,
                      "Add the seed article's published figures to the group of their size");
  auto* json =
      m_compare->add_flag("--json", m_json, "Print JSON (one object per row) instead of tables");
  // For a spreadsheet, from a server with no app to export it: the app's CSV, every row of every
  // group, each row's size and baseline in its columns.
  m_compare->add_flag("--csv", m_csv, "Print CSV (a header, then one line per row) instead of tables")
      ->excludes(json);
}

bool CompareCommand::parsed() const { return m_compare->parsed(); }

int CompareCommand::run() const {
  const auto read = readResultInputs(m_paths);
  if (!read) return kExitData;
  const std::vector<RunResult>& results = *read;

  ComparisonOptions options;
  options.includePublished = m_published;
  std::vector<ComparisonGroup> groups = buildComparison(results, options);
  if (m_baselineOption->count() > 0) {
    const ComparisonRow* row = m_baseline.empty() ? nullptr : findRow(groups, m_baseline);
    if (row == nullptr) {
      std::size_t count = 0;
      for (const auto& group : groups) count += group.rows.size();
      const bool number = !m_baseline.empty() &&
                          m_baseline.find_first_not_of("0123456789") == std::string::npos;
      std::fprintf(stderr,
                   "trainbench-cli: error: --baseline: no row's label contains '%s'%s, and it is "
                   "not a row number from 1 to %zu\n",
                   m_baseline.c_str(), number ? " as a number of its own (not within a date)" : "",
                   count);
      return kExitUsage;
    }
    if (!row->totalSeconds || *row->totalSeconds <= 0.0) {
      std::fprintf(stderr,
                   "trainbench-cli: error: --baseline %s: %s (%s) has no total time, so no "
                   "speed-up can be measured against it; choose a completed run\n",
                   m_baseline.c_str(), table::printable(row->label).c_str(), row->status.c_str());
      return kExitUsage;
    }
    options.baselineKey = row->key;
    groups = buildComparison(results, options);
  }

  std::string text;
  if (m_csv) {
    std::vector<ComparisonRow> rows;
    for (const auto& group : groups) rows.insert(rows.end(), group.rows.begin(), group.rows.end());
    text = comparisonCsv(rows);
  } else {
    text = m_json ? comparisonJson(groups) + "\n" : comparisonText(groups);
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

}  // namespace tb::cli
