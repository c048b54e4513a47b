#include "model/removed_runs.h"

#include <QSet>

namespace tb::ui {

namespace {

// Removals kept for undo: enough for a session's slips, not every clear of a day's runs.
constexpr int kKeptRemovals = 20;

}  // namespace

RemovedRuns::RemovedRuns(RunCollection* runs, QObject* parent) : QObject(parent), m_runs(runs) {}

int RemovedRuns::remove(const QStringList& ids) {
  // Places taken before any run goes, in the runs' order: put back in that order, each at its
  // old place, they stand as they stood.
  const QSet<QString> wanted(ids.begin(), ids.end());
  QVector<Removed> removed;
  for (int i = 0; i < m_runs->count(); ++i) {
    const DisplayedRun& run = m_runs->at(i);
    if (!run.live && wanted.contains(run.id)) removed.push_back(Removed{run, i});
  }
  for (const Removed& entry : removed) m_runs->remove(entry.run.id);
  if (removed.isEmpty()) return 0;
  m_removals.push_back(removed);
  if (m_removals.size() > kKeptRemovals) m_removals.removeFirst();
  Q_EMIT undoAvailable(true);
  return static_cast<int>(removed.size());
}

void RemovedRuns::forgetFiles(const QStringList& paths) {
  for (QVector<Removed>& removal : m_removals) {
    for (Removed& entry : removal) {
      if (paths.contains(entry.run.filePath)) entry.run.filePath.clear();
    }
  }
}

int RemovedRuns::undo() {
  if (m_removals.isEmpty()) return 0;
  const QVector<Removed> removed = m_removals.takeLast();
  int restored = 0;
  for (const Removed& entry : removed) {
    const DisplayedRun& run = entry.run;
    if (!run.filePath.isEmpty() && !m_runs->idForFile(run.filePath).isEmpty()) continue;
    if (!m_runs->idForRun(run.result).isEmpty()) continue;
    m_runs->restore(run, entry.index);
    ++restored;
  }
  Q_EMIT undoAvailable(canUndo());
  return restored;
}

}  // namespace tb::ui
