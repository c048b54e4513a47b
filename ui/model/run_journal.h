// Runs in progress, each in a small file of its own beside the results, so that a run the app
// never finished is not lost without a word. A run trains inside the app's process: when the
// system kills that process for lack of memory (or it crashes, or the power goes), the window
// goes with it and nothing is saved. The next start finds the file of a process that is gone
// and saves the run as failed, with the epochs it had finished. A finished run the results folder
// refused (full, read-only) is kept in its file as it ended, and the next start saves it.
#pragma once

#include "results/run_result.h"

#include <QString>
#include <QVector>

namespace tb::ui {

class RunJournal {
 public:
  // The journal of `resultsFolder`, in its ".running" folder (the library reads only the
  // folder's own *.json). `host` and `pid` name this process: a test passes others.
  explicit RunJournal(const QString& resultsFolder, QString host = QString(), qint64 pid = 0);

  // Writes (again, as epochs end) the run `queueId` as it stands: failed, as it would be read
  // if this process ended now, without its telemetry (kept small: it is rewritten as it runs).
  // Never throws: a journal that cannot be written costs nothing but itself.
  void write(int queueId, const RunResult& soFar) const;
  // The run ended, and the results folder refused it: its file now holds the run as it ended,
  // for the next start to save where this app cannot. False where the file could not be written
  // (it then still holds the run as it trained).
  bool keep(int queueId, const RunResult& finished) const;
  // The run ended and is saved (or was let go): its file goes.
  void remove(int queueId) const;

  struct Abandoned {
    QString path;      // its journal file: discard() once the run is saved
    RunResult result;  // failed, saying why; or, where `finished`, the run as it ended
    bool finished = false;  // kept by keep(): the app ended after the run, not during it
  };
  // The runs of this host's processes that are gone: of an earlier boot, or whose pid no longer
  // names the process that started them. Another host's (a results folder shared over the
  // network), or another pid namespace's, are never taken: whether they live cannot be told.
  QVector<Abandoned> abandoned() const;
  static void discard(const QString& path);

  // What the saved run says: the app ended while it trained.
  static std::string endedMessage(int batchSize);

 private:
  QString fileFor(int queueId) const;

  QString m_folder;
  QString m_host;
  qint64 m_pid;
  qint64 m_start;       // when that process started (clock ticks since boot)
  QString m_boot;       // this boot's id
  QString m_namespace;  // this process's pid namespace
};

}  // namespace tb::ui
