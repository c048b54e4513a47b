// Connects the run controller to what the user sees and keeps: live runs appear in the
// RunCollection as they train, and every finished, cancelled or failed run is saved to the library.
#pragma once

#include "common/metatypes.h"
#include "model/run_journal.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QObject>
#include <QString>
#include <QStringList>

namespace tb::ui {

class ResultLibrary;
class RunCollection;
class RunController;

class RunRecorder final : public QObject {
  Q_OBJECT

 public:
  RunRecorder(RunController* controller, RunCollection* collection, ResultLibrary* library,
              QObject* parent = nullptr);

  // Runs that finished but could not be saved (the results folder was full, read-only or gone):
  // they live only in this window until saved.
  int unsavedCount() const;
  // Whether the collection's run `runId` is one of them.
  bool isUnsaved(const QString& runId) const { return m_unsaved.contains(runId); }
  // Saves them again; the messages of those that still fail, and in `saved` the paths of those
  // that were saved now.
  QStringList saveUnsaved(QStringList* saved = nullptr);
  // Saves them into `folder` instead (made if needed), for a quit with nobody there to choose:
  // the paths written, and in `errors` why any could not be. Their journal files stay, so that
  // the next start saves them into the results folder too.
  QStringList saveUnsavedInto(const QString& folder, QStringList* errors);
  // They are let go (the user chose Discard): their journal files go too.
  void discardUnsaved();
  // Where a quit with nobody there to choose keeps the results `resultsFolder` refused: this
  // user's folder in the temporary one (another disk, often), a sub-folder per results folder.
  // Empty where the temporary folder holds another user's folder of that name.
  static QString unattendedFolder(const QString& resultsFolder);

  struct Recovered {
    QStringList killed;  // a line for each run an earlier app ended during, saved as failed
    QStringList kept;    // and for each run it had finished but could not save, saved now
  };
  // Saves the runs an earlier app left: those a quit kept in unattendedFolder() (their copies
  // go once saved), and those in its journal (RunJournal): the ones it ended during as failed,
  // the ones the results folder refused as they ended.
  Recovered recoverAbandonedRuns();

 Q_SIGNALS:
  // A run ended; `savedPath` is empty when saving failed (then `saveError` says why). `shown`:
  // the run is on screen (one that failed before it started never is).
  void runRecorded(const tb::RunResult& result, const QString& savedPath, const QString& saveError,
                   bool shown);
  // unsavedCount() may have changed.
  void unsavedChanged();

 private:
  void onRunFinished(int queueId, const RunResult& result);
  // The run is saved or let go: its journal file goes.
  void forgetUnsaved(const QString& runId);

  RunCollection* m_collection;
  ResultLibrary* m_library;
  RunJournal m_journal;
  QHash<int, QElapsedTimer> m_journalWritten;  // queue id -> since its journal was last written
  QHash<int, QString> m_runIds;  // controller queue id -> collection run id
  QSet<QString> m_unsaved;       // collection run ids whose save failed
  QHash<QString, int> m_unsavedJournal;  // those run ids -> their queue id (journal file)
};

}  // namespace tb::ui
