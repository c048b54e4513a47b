// CliRun: a data-parallel run trained by trainbench-cli in a child process. The app never links
// the distributed engine: it starts `trainbench-cli run --data-parallel N --progress-json` and
// turns the JSON progress lines into the same signals RunWorker sends, so the queue, the live
// charts and the saving of results treat it like any other run.
#pragma once

#include "common/metatypes.h"

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace tb::ui {

class RunFolder;

class CliRun final : public QObject {
  Q_OBJECT

 public:
  explicit CliRun(QObject* parent = nullptr);
  ~CliRun() override;  // ends a running command and its ranks

  // The trainbench-cli the app drives: $TRAINBENCH_CLI, else the one installed beside the app,
  // else the build tree's, else the one on PATH; empty when there is none.
  static QString program();
  // The command line for `config` on `ranks` ranks, results written to `outFolder`.
  static QStringList arguments(const RunConfig& config, int ranks, const QString& outFolder);

  // Starts the run; `cudaDevices` ("0,2"), when not empty, limits the ranks to those GPUs.
  void start(int queueId, const RunConfig& config, int ranks, const QString& cudaDevices);
  // SIGTERM: trainbench-cli forwards it to every rank, and rank 0 saves the cancelled run.
  void stop();
  bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

 Q_SIGNALS:
  void runStarted(int queueId, const tb::RunStarted& event);
  void batchProgress(int queueId, const tb::BatchProgress& event);
  void epochFinished(int queueId, const tb::EpochRecord& epoch);
  void evaluationStarted(int queueId);
  void evaluationFinished(int queueId, const tb::TestRecord& test);
  void telemetry(int queueId, const tb::TelemetrySample& sample);  // not sent: ranks sample alone
  // Exactly once per start(), after every other event of the run.
  void runFinished(int queueId, const tb::RunResult& result);

 private:
  void readOutput();
  void handleLine(const QByteArray& line);
  void finish();
  // The run as far as it got (its header, the epochs and test it reported), failed or
  // cancelled, when trainbench-cli saved nothing: the live charts keep what it trained.
  RunResult unsavedResult() const;

  QProcess m_process;
  std::unique_ptr<RunFolder> m_out;  // where the command saves; the app saves its own copy
  int m_queueId = 0;
  RunConfig m_config;
  int m_ranks = 0;
  QByteArray m_pending;  // stdout not yet ending in a newline
  QString m_savedPath;
  QStringList m_errors;  // "trainbench-cli: error: ..." lines
  bool m_stopped = false;
  // What the progress lines said so far: the header, then the epochs and the test.
  std::optional<RunResult> m_reported;
};

}  // namespace tb::ui
