// How History counts runs and files in its messages, shared by its files.
#pragma once

#include "history/history_panel.h"

#include <QString>

namespace tb::ui {

// Spelled out rather than "%n run(s)": the app ships no translation files to pick plurals.
inline QString runCount(qsizetype n) {
  return n == 1 ? HistoryPanel::tr("1 run") : HistoryPanel::tr("%1 runs").arg(n);
}

inline QString fileCount(qsizetype n) {
  return n == 1 ? HistoryPanel::tr("1 file") : HistoryPanel::tr("%1 files").arg(n);
}

}  // namespace tb::ui
