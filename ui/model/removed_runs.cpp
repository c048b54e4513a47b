#include "model/removed_runs.h"

#include <QSet>

namespace tb::ui {

namespace {

// Removals kept for undo: enough for a session's slips, not every clear of a day's runs.
constexpr int kKeptRemovals = 20;

}  // namespace

RemovedRuns::RemovedRuns(RunCollection* runs, QObject* parent) : QObject(parent), m_runs(runs) {}

int RemovedRuns::remove(const QStringList& ids) {
  // The order before any run goes: undo puts each back after the runs it followed.
  const QSet<QString> wanted(ids.begin(), ids.end());
  Removal removal;
  for (int i = 0; i < m_runs->count(); ++i) {
    const DisplayedRun& run = m_runs->at(i);
    removal.orderBefore << run.id;
    if (!run.live && wanted.contains(run.id)) removal.runs.push_back(run);
  }
  if (removal.runs.isEmpty()) return 0;
  for (const DisplayedRun& run : removal.runs) m_runs->remove(run.id);
  const int removed = static_cast<int>(removal.runs.size());
  m_removals.push_back(removal);
  if (m_removals.size() > kKeptRemovals) m_removals.removeFirst();
  Q_EMIT undoAvailable(true);
  return removed;
}

void RemovedRuns::forgetFiles(const QStringList& paths) {
  for (Removal& removal : m_removals) {
    for (DisplayedRun& run : removal.runs) {
      if (paths.contains(run.filePath)) run.filePath.clear();
    }
  }
}

int RemovedRuns::undo() {
  if (m_removals.isEmpty()) return 0;
  const Removal removal = m_removals.takeLast();
  QVector<DisplayedRun> back;
  for (const DisplayedRun& run : removal.runs) {
    if (!run.filePath.isEmpty() && !m_runs->idForFile(run.filePath).isEmpty()) continue;
    if (!m_runs->idForRun(run.result).isEmpty()) continue;
    back.push_back(run);
  }
  m_runs->restore(back, removal.orderBefore);
  const int restored = static_cast<int>(back.size());
  Q_EMIT undoAvailable(canUndo());
  return restored;
}

}  // namespace tb::ui
