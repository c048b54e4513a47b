// Runs a program with one of its outputs on a pseudo-terminal of a given width and TERM, as a
// user at a terminal sees it: where the CLI draws its live progress lines.
#pragma once

#include <QByteArray>
#include <QDeadlineTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace tbtest {

enum class TerminalChannel { Output, Error };

// What the terminal received; `exitCode` is -1 when the program crashed or hung (killed after
// two minutes), or the terminal could not be made (then nothing is returned).
inline QByteArray runOnTerminal(const QString& program, const QStringList& args,
                                QProcessEnvironment environment, int& exitCode, int columns,
                                const QString& term,
                                TerminalChannel channel = TerminalChannel::Output) {
  exitCode = -1;
  const int terminal = posix_openpt(O_RDWR | O_NOCTTY);
  const winsize size{24, static_cast<unsigned short>(columns), 0, 0};
  if (terminal < 0 || grantpt(terminal) != 0 || unlockpt(terminal) != 0 ||
      fcntl(terminal, F_SETFL, O_NONBLOCK) != 0 || ioctl(terminal, TIOCSWINSZ, &size) != 0) {
    if (terminal >= 0) ::close(terminal);
    return {};
  }
  QProcess process;
  environment.insert(QStringLiteral("TERM"), term);
  process.setProcessEnvironment(environment);
  const QString device = QString::fromLatin1(ptsname(terminal));
  if (channel == TerminalChannel::Output) {
    process.setStandardOutputFile(device);
  } else {
    process.setStandardErrorFile(device);
  }
  process.start(program, args);
  QByteArray shown;
  const auto drain = [&] {
    char buffer[4096];
    for (ssize_t got; (got = ::read(terminal, buffer, sizeof buffer)) > 0;)
      shown.append(buffer, got);
  };
  QDeadlineTimer deadline(120000);
  while (!process.waitForFinished(20) && !deadline.hasExpired()) drain();
  drain();
  ::close(terminal);
  if (process.state() != QProcess::NotRunning) {  // hung: a still-running process reads as 0
    process.kill();
    process.waitForFinished();
    return shown;
  }
  exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
  return shown;
}

}  // namespace tbtest
