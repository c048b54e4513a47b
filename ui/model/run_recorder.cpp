#include "model/run_recorder.h"

#include "common/qt_convert.h"
#include "history/result_library.h"
#include "model/run_collection.h"
#include "results/result_file.h"
#include "run/run_controller.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <unistd.h>

#include <algorithm>
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

namespace {

// "fashion-mlp on cpu, started 2026-12-06 05:11", as the notice lists a recovered run.
QString recoveredLine(const RunResult& result) {
  const QDateTime started = createdTime(result.created).toLocalTime();
  const QString when = started.isValid() ? started.toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                                         : toQString(result.created);
  return RunRecorder::tr("%1 on %2, started %3")
      .arg(toQString(result.workload.name), toQString(result.device.id), when);
}

// Whether `copies` hold the run `journal` names: the same start, device, workload and host.
bool startedAs(const QVector<RunResult>& copies, const RunResult& journal) {
  return std::any_of(copies.begin(), copies.end(), [&](const RunResult& copy) {
    return copy.created == journal.created && copy.device.id == journal.device.id &&
           copy.workload.name == journal.workload.name &&
           copy.system.hostname == journal.system.hostname;
  });
}

}  // namespace

RunRecorder::Recovered RunRecorder::recoverAbandonedRuns() {
  Recovered recovered;
  // The runs an earlier quit kept in the temporary folder, this results folder's refused: each
  // goes where it belongs, and its copy once the library has it.
  QVector<RunResult> copies;
  const QString folder = unattendedFolder(m_library->folder());
  // Only a folder of this user's own, never a link: one to a results folder made the library
  // take each of its files for a copy, and remove it once "saved".
  const QFileInfo info(folder);
  if (!folder.isEmpty() && info.isDir() && !info.isSymLink() && info.ownerId() == ::getuid()) {
    const QDir unattended(folder);
    for (const QString& name : unattended.entryList({QStringLiteral("*.json")}, QDir::Files)) {
      const QString copy = unattended.filePath(name);
      try {
        copies.push_back(readResultFile(toStdString(copy)));
      } catch (const std::exception&) {
        continue;  // not a result file: not one of ours
      }
      QString error;
      const QString saved = m_library->save(copies.back(), &error);
      if (saved.isEmpty()) continue;  // for the next start
      if (QFileInfo(saved).canonicalFilePath() != QFileInfo(copy).canonicalFilePath()) {
        QFile::remove(copy);
      }
      recovered.kept << recoveredLine(copies.back());
    }
  }
  for (const RunJournal::Abandoned& run : m_journal.abandoned()) {
    // A run among those copies is saved: its journal goes without a second line in the notice
    // (where the journal could not take it as it ended, it still holds it as it trained).
    if (startedAs(copies, run.result)) {
      RunJournal::discard(run.path);
      continue;
    }
    QString error;
    // A run another app, or this one's earlier start, already saved is that run (save() keeps
    // one file per run): the journal file goes either way once the library has it.
    if (m_library->save(run.result, &error).isEmpty()) continue;  // kept for the next start
    RunJournal::discard(run.path);
    if (run.finished) {
      recovered.kept << recoveredLine(run.result);
    } else {
      recovered.killed << tr("%1 (%n epoch(s) finished)", nullptr,
                             static_cast<int>(run.result.epochs.size()))
                              .arg(recoveredLine(run.result));
    }
  }
  return recovered;
}

int RunRecorder::unsavedCount() const { return static_cast<int>(m_unsaved.size()); }

QStringList RunRecorder::saveUnsaved(QStringList* saved) {
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
      if (saved) *saved << path;
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

QString RunRecorder::unattendedFolder(const QString& resultsFolder) {
  const QString mine =
      QDir(QDir::tempPath()).filePath(QStringLiteral("trainbench-unsaved-%1").arg(::getuid()));
  // The temporary folder is shared: a folder of that name that another user made (or a link)
  // is never written to or read from.
  const QFileInfo info(mine);
  if (info.isSymLink() || (info.exists() && (!info.isDir() || info.ownerId() != ::getuid()))) {
    return {};
  }
  // One key for one folder, however it is reached (a link to it, "..").
  const QString canonical = QFileInfo(resultsFolder).canonicalFilePath();
  const QString named = canonical.isEmpty() ? QDir(resultsFolder).absolutePath() : canonical;
  const QByteArray key = QCryptographicHash::hash(named.toUtf8(), QCryptographicHash::Sha1)
                             .toHex()
                             .left(12);
  return QDir(mine).filePath(QString::fromLatin1(key));
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
