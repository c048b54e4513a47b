#include "model/run_recorder.h"

#include "common/qt_convert.h"
#include "history/result_library.h"
#include "model/run_collection.h"
#include "results/result_file.h"
#include "run/run_controller.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>

#include <unistd.h>

#include <exception>
#include <string>

namespace tb::ui {

namespace {
constexpr qint64 kJournalIntervalMs = 2000;
}  // namespace

RunRecorder::RunRecorder(RunController* controller, RunCollection* collection,
                         ResultLibrary* library, QObject* parent)
    : QObject(parent),
      m_collection(collection),
      m_library(library),
      m_journal(library->folder()) {
  connect(controller, &RunController::runStarted, this,
          [this](int queueId, const RunStarted& event) {
            m_runIds.insert(queueId, m_collection->add(event.header, /*live=*/true));
            m_journal.write(queueId, event.header);
            m_journalWritten[queueId].start();
          });
  connect(controller, &RunController::epochFinished, this,
          [this](int queueId, const EpochRecord& epoch) {
            const QString runId = m_runIds.value(queueId);
            m_collection->appendEpoch(runId, epoch);
            // Every few seconds at most: a run of many short epochs must not write (and flush)
            // a file for each while it is timed.
            QElapsedTimer& written = m_journalWritten[queueId];
            const DisplayedRun* run = m_collection->find(runId);
            if (run && (!written.isValid() || written.elapsed() >= kJournalIntervalMs)) {
              m_journal.write(queueId, run->result);
              written.start();
            }
          });
  connect(controller, &RunController::evaluationFinished, this,
          [this](int queueId, const TestRecord& test) {
            m_collection->setTest(m_runIds.value(queueId), test);
          });
  connect(controller, &RunController::telemetry, this,
          [this](int queueId, const TelemetrySample& sample) {
            m_collection->appendTelemetry(m_runIds.value(queueId), sample);
          });
  connect(controller, &RunController::runFinished, this, &RunRecorder::onRunFinished);
  connect(collection, &RunCollection::runRemoved, this, [this](const QString& id) {
    forgetUnsaved(id);
    if (m_unsaved.remove(id)) Q_EMIT unsavedChanged();
  });
}

void RunRecorder::onRunFinished(int queueId, const RunResult& result) {
  // A run that failed before it started (bad device, missing data) was never shown; it is
  // still saved, and the queue and the notice bar show its error.
  const QString runId = m_runIds.take(queueId);
  if (!runId.isEmpty()) m_collection->setResult(runId, result, /*live=*/false);

  QString error;
  const QString path = m_library->save(result, &error);
  m_journalWritten.remove(queueId);
  if (!runId.isEmpty() && !path.isEmpty()) m_collection->setFilePath(runId, path);
  if (!runId.isEmpty() && path.isEmpty()) {
    // Kept in the window, and in the journal as it ended: if this app is killed before the run
    // is saved, or quits where the folder still refuses it, the next start saves it.
    m_journal.keep(queueId, result);
    m_unsavedJournal.insert(runId, queueId);
    m_unsaved.insert(runId);
    Q_EMIT unsavedChanged();
  } else {
    m_journal.remove(queueId);
  }
  Q_EMIT runRecorded(result, path, error, !runId.isEmpty());
}

RunRecorder::Recovered RunRecorder::recoverAbandonedRuns() {
  Recovered recovered;
  for (const RunJournal::Abandoned& run : m_journal.abandoned()) {
    // A run the results folder refused whose journal could not take it either (a read-only
    // folder) was kept in the temporary folder as the app quit: that copy is the run.
    std::optional<RunResult> copy;
    if (!run.finished) copy = unattendedCopyOf(run.result);
    const RunResult& result = copy ? *copy : run.result;
    QString error;
    // A run another app, or this one's earlier start, already saved is that run (save() keeps
    // one file per run): the journal file goes either way once the library has it.
    if (m_library->save(result, &error).isEmpty()) continue;  // kept for the next start
    RunJournal::discard(run.path);
    const std::size_t epochs = result.epochs.size();
    const QDateTime started = createdTime(result.created).toLocalTime();
    const QString when = started.isValid() ? started.toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                                           : toQString(result.created);
    if (run.finished || copy) {
      recovered.kept << tr("%1 on %2, started %3")
                            .arg(toQString(result.workload.name), toQString(result.device.id), when);
    } else {
      recovered.killed << tr("%1 on %2, started %3 (%n epoch(s) finished)", nullptr,
                             static_cast<int>(epochs))
                              .arg(toQString(result.workload.name), toQString(result.device.id),
                                   when);
    }
  }
  return recovered;
}

int RunRecorder::unsavedCount() const { return static_cast<int>(m_unsaved.size()); }

QStringList RunRecorder::saveUnsaved() {
  // Only runs whose own save failed: a shown run whose file was deleted in History has no
  // file either, and must not be written back.
  QStringList errors;
  for (const QString& id : QSet<QString>(m_unsaved)) {
    const DisplayedRun* run = m_collection->find(id);
    if (!run) {
      m_unsaved.remove(id);
      continue;
    }
    QString error;
    const QString path = m_library->save(run->result, &error);
    if (path.isEmpty()) {
      errors << error;
    } else {
      m_collection->setFilePath(id, path);
      m_unsaved.remove(id);
      forgetUnsaved(id);
    }
  }
  Q_EMIT unsavedChanged();
  return errors;
}

void RunRecorder::discardUnsaved() {
  for (const QString& id : QSet<QString>(m_unsaved)) forgetUnsaved(id);
}

void RunRecorder::forgetUnsaved(const QString& runId) {
  const auto journal = m_unsavedJournal.constFind(runId);
  if (journal == m_unsavedJournal.constEnd()) return;
  m_journal.remove(*journal);
  m_unsavedJournal.erase(journal);
}

QString RunRecorder::unattendedFolder() {
  return QDir(QDir::tempPath()).filePath(QStringLiteral("trainbench-unsaved-%1").arg(::getuid()));
}

std::optional<RunResult> RunRecorder::unattendedCopyOf(const RunResult& journal) {
  const QDir folder(unattendedFolder());
  for (const QString& name : folder.entryList({QStringLiteral("*.json")}, QDir::Files)) {
    try {
      RunResult copy = readResultFile(toStdString(folder.filePath(name)));
      if (copy.created == journal.created && copy.device.id == journal.device.id &&
          copy.workload.name == journal.workload.name &&
          copy.system.hostname == journal.system.hostname) {
        return copy;
      }
    } catch (const std::exception&) {
      // Not a result file: not the one.
    }
  }
  return std::nullopt;
}

QStringList RunRecorder::saveUnsavedInto(const QString& folder, QStringList* errors) {
  QStringList paths;
  QDir().mkpath(folder);  // a failure is the save's to say
  for (const QString& id : QSet<QString>(m_unsaved)) {
    const DisplayedRun* run = m_collection->find(id);
    if (!run) continue;
    try {
      const std::string wanted =
          QDir(folder).filePath(toQString(defaultResultFileName(run->result))).toStdString();
      const QString path = toQString(saveResultUnderFreeName(run->result, wanted));
      m_collection->setFilePath(id, path);
      m_unsaved.remove(id);
      paths << path;
    } catch (const std::exception& e) {
      if (errors) *errors << QString::fromStdString(e.what());
    }
  }
  Q_EMIT unsavedChanged();
  return paths;
}

}  // namespace tb::ui
