// Runs taken off the charts and the comparison (Run › Clear charts, a legend entry's Remove from
// View), kept so that Run › Undo Remove brings them back: a slip of the mouse cleared an
// evening's overlay of runs with no way back but opening each file again.
#pragma once

#include "model/run_collection.h"

#include <QObject>
#include <QStringList>
#include <QVector>

namespace tb::ui {

class RemovedRuns final : public QObject {
  Q_OBJECT

 public:
  // `runs` must outlive this.
  explicit RemovedRuns(RunCollection* runs, QObject* parent = nullptr);

  // Removes the runs of `ids` that are not training (a live run stays: stopping it is Stop's),
  // as one removal that undo() brings back; returns how many it removed.
  int remove(const QStringList& ids);
  bool canUndo() const { return !m_removals.isEmpty(); }
  // Shows the last removal's runs again, as they were (shown or hidden, in their colours and
  // places); returns how many. A run opened again meanwhile (its file) is not shown twice.
  int undo();
  // Files deleted (History's Delete): a removed run saved in one comes back on undo without a
  // file, as a shown run of that file stays on screen without one.
  void forgetFiles(const QStringList& paths);

 Q_SIGNALS:
  void undoAvailable(bool available);

 private:
  struct Removal {
    QVector<DisplayedRun> runs;  // in their order
    QStringList orderBefore;     // every run's id before the removal, for their places
  };

  RunCollection* m_runs;
  QVector<Removal> m_removals;  // oldest first
};

}  // namespace tb::ui
