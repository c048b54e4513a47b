// Run folders named by their app's process id (run_folder.h).
#include "run/run_folder.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <cerrno>
#include <csignal>

namespace tb::ui {

namespace {

constexpr QLatin1String kPrefix("trainbench-run-");

// Whether process `pid` still runs (EPERM: it does, as another user's).
bool processRuns(qint64 pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

}  // namespace

std::unique_ptr<QTemporaryDir> makeRunFolder(const QString& tempRoot) {
  return std::make_unique<QTemporaryDir>(
      QDir(tempRoot).filePath(kPrefix + QString::number(QCoreApplication::applicationPid()) +
                              QLatin1String("-XXXXXX")));
}

int removeAbandonedRunFolders(const QString& tempRoot) {
  static const QRegularExpression name(QStringLiteral("^trainbench-run-(\\d+)-[^/]+$"));
  int removed = 0;
  const QDir root(tempRoot);
  const auto folders = root.entryList({kPrefix + QLatin1Char('*')}, QDir::Dirs | QDir::NoDotAndDotDot);
  for (const QString& folder : folders) {
    const auto match = name.match(folder);
    if (!match.hasMatch() || processRuns(match.captured(1).toLongLong())) continue;
    if (QDir(root.filePath(folder)).removeRecursively()) ++removed;
  }
  return removed;
}

}  // namespace tb::ui
