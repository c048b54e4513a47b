#include "model/run_journal.h"

#include "common/qt_convert.h"
#include "results/result_file.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSysInfo>

#include <cerrno>
#include <csignal>
#include <exception>

namespace tb::ui {

namespace {

const QString kJournalFolder = QStringLiteral(".running");

// A host name as a file name's part: letters, digits, '.', '_' and '-' only.
QString safeHost(const QString& host) {
  QString safe = host.isEmpty() ? QStringLiteral("localhost") : host;
  static const QRegularExpression other(QStringLiteral("[^A-Za-z0-9._-]"));
  return safe.replace(other, QStringLiteral("_"));
}

// Whether process `pid` of this host still runs (it may be another user's: EPERM). A killed
// process its parent has not reaped yet (a zombie) answers kill() but is gone.
bool running(qint64 pid) {
  if (pid <= 0) return false;
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;
  QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
  if (!stat.open(QIODevice::ReadOnly)) return true;
  // "pid (name) S ...": the state follows the name's last ')'.
  const QByteArray line = stat.readAll();
  const qsizetype end = line.lastIndexOf(')');
  return end < 0 || end + 2 >= line.size() || line.at(end + 2) != 'Z';
}

}  // namespace

RunJournal::RunJournal(const QString& resultsFolder, QString host, qint64 pid)
    : m_folder(QDir(resultsFolder).filePath(kJournalFolder)),
      m_host(safeHost(host.isEmpty() ? QSysInfo::machineHostName() : host)),
      m_pid(pid > 0 ? pid : QCoreApplication::applicationPid()) {}

QString RunJournal::fileFor(int queueId) const {
  return QDir(m_folder).filePath(QStringLiteral("%1-%2-%3.json").arg(m_host).arg(m_pid).arg(queueId));
}

std::string RunJournal::endedMessage(int batchSize) {
  return "TrainBench ended while this run trained and could not save it: it was killed (as the "
         "system does when memory runs out) or it crashed. The epochs it finished are kept; " +
         (batchSize > 0 ? "a batch smaller than " + std::to_string(batchSize)
                        : std::string("a smaller batch size")) +
         " may fit in memory";
}

void RunJournal::write(int queueId, const RunResult& soFar) const {
  RunResult entry = soFar;
  entry.status = RunStatus::Failed;
  entry.failure = FailureKind::Run;
  entry.error = endedMessage(entry.config.batchSize);
  entry.timeline.clear();
  entry.totalSeconds.reset();
  entry.steadyState.reset();
  try {
    QDir().mkpath(m_folder);
    writeResultFile(entry, toStdString(fileFor(queueId)));
  } catch (const std::exception&) {
    // A read-only results folder says so when the run is saved; the journal stays quiet.
  }
}

void RunJournal::remove(int queueId) const { QFile::remove(fileFor(queueId)); }

QVector<RunJournal::Abandoned> RunJournal::abandoned() const {
  QVector<Abandoned> runs;
  static const QRegularExpression name(QStringLiteral("^(.+)-(\\d+)-(\\d+)\\.json$"));
  const QDir folder(m_folder);
  for (const QString& file : folder.entryList({QStringLiteral("*.json")}, QDir::Files)) {
    const QRegularExpressionMatch match = name.match(file);
    if (!match.hasMatch() || match.captured(1) != m_host) continue;
    const qint64 pid = match.captured(2).toLongLong();
    if (pid == m_pid || running(pid)) continue;
    const QString path = folder.filePath(file);
    try {
      runs.push_back({path, readResultFile(toStdString(path))});
    } catch (const std::exception&) {
      discard(path);  // cut off as it was written: nothing to keep
    }
  }
  return runs;
}

void RunJournal::discard(const QString& path) { QFile::remove(path); }

}  // namespace tb::ui
