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
#include <utility>

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

// When process `pid` started, in clock ticks since boot (/proc/PID/stat's 22nd field): with the
// pid, it names one process, where a pid alone is reused. 0 where unknown.
qint64 startTicks(qint64 pid) {
  QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
  if (!stat.open(QIODevice::ReadOnly)) return 0;
  const QByteArray line = stat.readAll();
  const qsizetype end = line.lastIndexOf(')');
  if (end < 0) return 0;
  // After "pid (name) ": the state is field 3, so field 22 is the 20th here.
  const QList<QByteArray> fields = line.mid(end + 2).split(' ');
  return fields.size() > 19 ? fields[19].toLongLong() : 0;
}

// This boot's id and this process's pid namespace: a pid means one process only within both
// (a restarted machine, or a container sharing the host's name, reuses pids).
QString bootId() {
  QFile file(QStringLiteral("/proc/sys/kernel/random/boot_id"));
  if (!file.open(QIODevice::ReadOnly)) return QStringLiteral("0");
  const QString id = QString::fromLatin1(file.readAll()).remove(u'-').trimmed().left(12);
  return id.isEmpty() ? QStringLiteral("0") : id;
}

QString pidNamespace() {
  // "pid:[4026531836]"
  const QString target = QFile::symLinkTarget(QStringLiteral("/proc/self/ns/pid"));
  const QString digits = target.section(u'[', 1).section(u']', 0, 0);
  return digits.isEmpty() ? QStringLiteral("0") : digits;
}

}  // namespace

RunJournal::RunJournal(const QString& resultsFolder, QString host, qint64 pid)
    : m_folder(QDir(resultsFolder).filePath(kJournalFolder)),
      m_host(safeHost(host.isEmpty() ? QSysInfo::machineHostName() : host)),
      m_pid(pid > 0 ? pid : QCoreApplication::applicationPid()),
      m_start(startTicks(m_pid)),
      m_boot(bootId()),
      m_namespace(pidNamespace()) {}

QString RunJournal::fileFor(int queueId) const {
  return QDir(m_folder).filePath(QStringLiteral("%1_%2_%3_%4_%5_%6.json")
                                     .arg(m_host, m_namespace, m_boot)
                                     .arg(m_pid)
                                     .arg(m_start)
                                     .arg(queueId));
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

bool RunJournal::keep(int queueId, const RunResult& finished) const {
  try {
    QDir().mkpath(m_folder);
    writeResultFile(finished, toStdString(fileFor(queueId)));
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

void RunJournal::remove(int queueId) const { QFile::remove(fileFor(queueId)); }

QVector<RunJournal::Abandoned> RunJournal::abandoned() const {
  QVector<Abandoned> runs;
  static const QRegularExpression name(
      QStringLiteral("^(.+)_(\\d+)_([0-9a-f]+)_(\\d+)_(\\d+)_(\\d+)\\.json$"));
  const QDir folder(m_folder);
  for (const QString& file : folder.entryList({QStringLiteral("*.json")}, QDir::Files)) {
    const QRegularExpressionMatch match = name.match(file);
    // Another host's, or another pid namespace's (a container sharing this host's name): whether
    // its process lives cannot be told from here.
    if (!match.hasMatch() || match.captured(1) != m_host || match.captured(2) != m_namespace) {
      continue;
    }
    const qint64 pid = match.captured(4).toLongLong();
    const qint64 start = match.captured(5).toLongLong();
    // Since a restart every process of the last boot is gone; within this one, a pid names the
    // same process only if it started when the journal's did.
    if (match.captured(3) == m_boot) {
      if (pid == m_pid && start == m_start) continue;  // this app's own
      if (running(pid) && startTicks(pid) == start) continue;
    }
    const QString path = folder.filePath(file);
    try {
      RunResult result = readResultFile(toStdString(path));
      // What write() leaves reads as failed with endedMessage(); anything else is what keep() left.
      const bool finished = !(result.status == RunStatus::Failed &&
                              result.error == endedMessage(result.config.batchSize));
      runs.push_back({path, std::move(result), finished});
    } catch (const std::exception&) {
      discard(path);  // cut off as it was written: nothing to keep
    }
  }
  return runs;
}

void RunJournal::discard(const QString& path) { QFile::remove(path); }

}  // namespace tb::ui
