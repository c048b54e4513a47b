// The real trainbench-cli ($TRAINBENCH_CLI) run in a QProcess, as a user runs it, for the
// end-to-end CLI tests: its exit code, both streams, and the result files it says it saved.
#pragma once

#include "machine/speed_switches.h"
#include "proxy_variables.h"
#include "results/result_file.h"

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <exception>

namespace tbtest {

struct CliRun {
  int exitCode = -1;  // -1 when it crashed, was killed or timed out
  QString out;
  QString err;
  QByteArray report;  // arguments, exit code and both streams, for failure messages

  const char* why() const { return report.constData(); }

  // The files named by "Result saved to PATH" lines, in order.
  QStringList savedPaths() const {
    QStringList paths;
    static const QRegularExpression saved(QStringLiteral("^Result saved to (.+)$"),
                                          QRegularExpression::MultilineOption);
    for (auto it = saved.globalMatch(out); it.hasNext();) paths << it.next().captured(1);
    return paths;
  }
  QString savedPath() const {
    const QStringList paths = savedPaths();
    return paths.isEmpty() ? QString() : paths.first();
  }
};

// The system environment without what the machine's own settings would add to what a test
// sees: speed switches (a run warns of and records them), a network interface for data-parallel
// ranks, and proxies (test servers listen on 127.0.0.1). A test sets the ones it is about.
inline QProcessEnvironment hermeticEnvironment() {
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  for (const std::string& name : tb::speedSwitchNames()) env.remove(QString::fromStdString(name));
  env.remove(QStringLiteral("GLOO_SOCKET_IFNAME"));
  for (const char* name : kProxyVariables) env.remove(QLatin1String(name));
  return env;
}

// That environment with the results folder, the data root and XDG_DATA_HOME pointed into the
// test's own folders.
inline QProcessEnvironment cliEnvironment(const QString& resultsDir, const QString& dataRoot,
                                          const QString& xdgDataHome) {
  QProcessEnvironment env = hermeticEnvironment();
  env.insert(QStringLiteral("TRAINBENCH_RESULTS_DIR"), resultsDir);
  env.insert(QStringLiteral("TRAINBENCH_DATA_DIR"), dataRoot);
  env.insert(QStringLiteral("XDG_DATA_HOME"), xdgDataHome);
  return env;
}

// Runs `cli args` to the end (killed after `timeoutMs`).
inline CliRun runCli(const QString& cli, const QStringList& args, const QProcessEnvironment& env,
                     int timeoutMs = 60000) {
  QProcess process;
  process.setProcessEnvironment(env);
  process.start(cli, args);
  CliRun run;
  const bool finished = process.waitForStarted() && process.waitForFinished(timeoutMs);
  if (!finished) {
    process.kill();
    process.waitForFinished();
  }
  if (finished && process.exitStatus() == QProcess::NormalExit) run.exitCode = process.exitCode();
  run.out = QString::fromUtf8(process.readAllStandardOutput());
  run.err = QString::fromUtf8(process.readAllStandardError());
  run.report =
      ("trainbench-cli " + args.join(QLatin1Char(' ')) + "\nexit code " +
       QString::number(run.exitCode) + (finished ? "" : " (timed out)") + "\n--- stdout:\n" +
       run.out + "--- stderr:\n" + run.err)
          .toUtf8();
  return run;
}

// readResultFile without letting an exception escape into Qt Test; `error` says what went wrong.
inline tb::RunResult readResult(const QString& file, QString& error) {
  try {
    return tb::readResultFile(file.toStdString());
  } catch (const std::exception& e) {
    error = QString::fromUtf8(e.what());
    return {};
  }
}

}  // namespace tbtest
