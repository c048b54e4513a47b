// CliRun: trainbench-cli in a QProcess, its JSON progress lines turned into run signals.
#include "run/cli_run.h"

#include "common/qt_convert.h"
#include "run/run_folder.h"

#include "devices/system_info.h"
#include "dist/launch_env.h"
#include "engine/run_config.h"
#include "results/result_file.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QStandardPaths>

#include <algorithm>
#include <type_traits>

#include <csignal>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

namespace tb::ui {

namespace {

constexpr char kSavedPrefix[] = "Result saved to ";
constexpr char kErrorPrefix[] = "trainbench-cli: error: ";

// The CLI's errors about where results go: a result it could not save, an --out it refused.
constexpr char kCannotSave[] = "cannot save the result";
constexpr char kOutRefused[] = "--out: ";

// What trainbench-cli's documented exit codes (README, `trainbench-cli --help`) say failed: a
// data failure gets the Download dataset hint, as the same failure in the app's own runs does.
// Code 3 is also a result the CLI could not save or a results folder it refused, which no
// dataset can help.
FailureKind failureOfExitCode(int code, const QStringList& errors) {
  const bool saveFailed = std::any_of(errors.begin(), errors.end(), [](const QString& error) {
    // A rank of a launched run names it after its own: "rank 1 cannot train: --out: ...".
    return error.startsWith(QLatin1String(kCannotSave)) ||
           error.startsWith(QLatin1String(kOutRefused)) ||
           error.contains(QLatin1String(": ") + QLatin1String(kOutRefused));
  });
  if (code == 3 && !saveFailed) return FailureKind::Data;
  if (code == 4) return FailureKind::Device;
  return FailureKind::Run;
}

bool executable(const QString& path) {
  const QFileInfo info(path);
  return info.isFile() && info.isExecutable();
}

}  // namespace

CliRun::CliRun(QObject* parent) : QObject(parent) {
  // The command runs in a process group of its own, so the terminal's Ctrl-C (or a closed
  // terminal's SIGHUP) reaches the app alone, which stops the run with one SIGTERM: the command
  // takes a second signal as "end at once, unsaved", and the group's signal and the app's Stop
  // were two. On Linux it also gets SIGTERM when the app dies without stopping it (killed, or
  // crashed), rather than training on, orphaned, to the end. (The signal follows the thread
  // that started the command: CliRun lives on the GUI thread, which lasts as long as the app.)
  const pid_t app = getpid();
  m_process.setChildProcessModifier([app] {
    setpgid(0, 0);
#if defined(__linux__)
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != app) _exit(127);  // the app died before the line above
#else
    (void)app;
#endif
  });
  connect(&m_process, &QProcess::readyReadStandardOutput, this, &CliRun::readOutput);
  connect(&m_process, &QProcess::finished, this, &CliRun::finish);
  connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
    if (error == QProcess::FailedToStart) {
      m_errors << tr("cannot start %1: %2").arg(m_process.program(), m_process.errorString());
      QMetaObject::invokeMethod(this, &CliRun::finish, Qt::QueuedConnection);
    }
  });
}

CliRun::~CliRun() {
  disconnect(&m_process, nullptr, this, nullptr);
  if (isRunning()) {
    m_process.terminate();
    if (!m_process.waitForFinished(10000)) m_process.kill();
    m_process.waitForFinished(2000);
  }
}

QString CliRun::program() {
  const QString fromEnvironment = qEnvironmentVariable("TRAINBENCH_CLI");
  if (executable(fromEnvironment)) return fromEnvironment;
  const QDir appDir(QCoreApplication::applicationDirPath());
  for (const QString& candidate :
       {appDir.filePath(QStringLiteral("trainbench-cli")),
        appDir.filePath(QStringLiteral("../cli/trainbench-cli"))}) {  // the build tree
    if (executable(candidate)) return QFileInfo(candidate).canonicalFilePath();
  }
  return QStandardPaths::findExecutable(QStringLiteral("trainbench-cli"));
}

QStringList CliRun::arguments(const RunConfig& config, int ranks, const QString& outFolder) {
  QStringList args{QStringLiteral("run"),
                   QStringLiteral("--workload"), toQString(config.workload),
                   QStringLiteral("--device"), toQString(config.device),
                   QStringLiteral("--data-parallel"), QString::number(ranks),
                   QStringLiteral("--seed"), QString::number(config.seed),
                   QStringLiteral("--precision"), toQString(config.precision),
                   QStringLiteral("--out"), outFolder + QLatin1Char('/'),
                   QStringLiteral("--progress-json"),
                   // The app has sampled the machine itself (MainWindow::checkMachineInBackground).
                   QStringLiteral("--no-machine-check")};
  const auto add = [&args](const char* flag, auto value) {
    if (value <= 0) return;
    // A rate passes in full (the shortest text that reads back the same double): the default
    // 6 digits ran the ranks at another rate than the one typed, and saved that one.
    if constexpr (std::is_floating_point_v<decltype(value)>) {
      args << QLatin1String(flag) << QString::number(value, 'g', QLocale::FloatingPointShortest);
    } else {
      args << QLatin1String(flag) << QString::number(value);
    }
  };
  add("--epochs", config.epochs);
  add("--batch-size", config.batchSize);
  add("--learning-rate", config.learningRate);
  add("--train-limit", config.trainLimit);
  add("--test-limit", config.testLimit);
  add("--telemetry-interval", config.telemetryIntervalSeconds);
  // The app's thread count is the run's; the CLI gives each rank its share.
  add("--threads", config.threads);
  if (!config.execution.empty()) args << QStringLiteral("--execution") << toQString(config.execution);
  if (config.strongScaling) args << QStringLiteral("--scaling") << QStringLiteral("strong");
  if (config.synthetic) {
    args << QStringLiteral("--synthetic");
  } else if (!config.dataDir.empty()) {
    args << QStringLiteral("--data-dir") << toQString(config.dataDir);
  }
  return args;
}

void CliRun::start(int queueId, const RunConfig& config, int ranks, const QString& cudaDevices) {
  m_queueId = queueId;
  m_config = config;
  m_ranks = ranks;
  m_pending.clear();
  m_savedPath.clear();
  m_errors.clear();
  m_stopped = false;
  m_reported.reset();
  removeAbandonedRunFolders();  // an app killed with SIGKILL could not remove its own
  m_out = std::make_unique<RunFolder>();
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  // The app's ranks are its own: an app started inside a launched job (torchrun, mpirun, srun)
  // must not pass its place in that job on, or the command would join it as one rank.
  for (const std::string& name : launcherVariableNames()) env.remove(toQString(name));
  if (!cudaDevices.isEmpty()) env.insert(QStringLiteral("CUDA_VISIBLE_DEVICES"), cudaDevices);
  m_process.setProcessEnvironment(env);
  const QString cli = program();
  if (cli.isEmpty() || !m_out->isValid()) {
    m_errors << (cli.isEmpty() ? tr("trainbench-cli was not found beside the app or on PATH; "
                                    "data-parallel runs need it")
                               : tr("no temporary folder for the run: %1").arg(m_out->errorString()));
    // Like every run, this one ends after start() has returned.
    QMetaObject::invokeMethod(this, &CliRun::finish, Qt::QueuedConnection);
    return;
  }
  m_process.start(cli, arguments(config, ranks, m_out->path()));
}

void CliRun::stop() {
  // One signal per run: the CLI takes a second one as "end at once, unsaved", and a Stop pressed
  // twice, or a Stop then a close, would throw the trained epochs away.
  if (m_stopped) return;
  m_stopped = true;
  if (isRunning()) m_process.terminate();
}

void CliRun::readOutput() {
  m_pending += m_process.readAllStandardOutput();
  for (qsizetype end = m_pending.indexOf('\n'); end >= 0; end = m_pending.indexOf('\n')) {
    const QByteArray line = m_pending.left(end).trimmed();
    m_pending.remove(0, end + 1);
    if (!line.isEmpty()) handleLine(line);
  }
}

void CliRun::handleLine(const QByteArray& line) {
  if (line.startsWith(kSavedPrefix)) {
    m_savedPath = QString::fromUtf8(line.mid(sizeof kSavedPrefix - 1));
    return;
  }
  if (!line.startsWith('{')) return;  // the command's other messages
  const QJsonObject event = QJsonDocument::fromJson(line).object();
  const QString kind = event.value(QLatin1String("event")).toString();
  if (kind == QLatin1String("started")) {
    RunStarted started;
    QJsonObject headerObject = event.value(QLatin1String("header")).toObject();
    // The header leaves out how the run ends; the reader wants a status, and the charts only
    // its names and sizes.
    headerObject.insert(QLatin1String("status"), QLatin1String("cancelled"));
    const QByteArray header = QJsonDocument(headerObject).toJson(QJsonDocument::Compact);
    try {
      started.header = fromJson(header.toStdString(), "trainbench-cli progress");
    } catch (const ResultFileError&) {
      started.header = unsavedResult();  // the charts need only its names and sizes
    }
    m_reported = started.header;
    started.stepsPerEpoch = event.value(QLatin1String("steps_per_epoch")).toInteger();
    Q_EMIT runStarted(m_queueId, started);
  } else if (kind == QLatin1String("batch")) {
    BatchProgress progress;
    progress.epoch = event.value(QLatin1String("epoch")).toInt();
    progress.epochs = event.value(QLatin1String("epochs")).toInt();
    progress.step = event.value(QLatin1String("step")).toInteger();
    progress.stepsPerEpoch = event.value(QLatin1String("steps_per_epoch")).toInteger();
    // A figure the CLI could not give is null: missing (NaN) as in-process runs keep it, not 0.
    progress.epochSeconds = event.value(QLatin1String("epoch_seconds")).toDouble(qQNaN());
    Q_EMIT batchProgress(m_queueId, progress);
  } else if (kind == QLatin1String("epoch")) {
    EpochRecord epoch;
    epoch.epoch = event.value(QLatin1String("epoch")).toInt();
    epoch.trainLoss = event.value(QLatin1String("train_loss")).toDouble(qQNaN());
    epoch.trainAccuracy = event.value(QLatin1String("train_accuracy")).toDouble(qQNaN());
    epoch.seconds = event.value(QLatin1String("seconds")).toDouble(qQNaN());
    epoch.samplesPerSecond = event.value(QLatin1String("samples_per_second")).toDouble(qQNaN());
    if (m_reported) m_reported->epochs.push_back(epoch);
    Q_EMIT epochFinished(m_queueId, epoch);
  } else if (kind == QLatin1String("evaluating")) {
    Q_EMIT evaluationStarted(m_queueId);
  } else if (kind == QLatin1String("test")) {
    const TestRecord test{event.value(QLatin1String("loss")).toDouble(qQNaN()),
                          event.value(QLatin1String("accuracy")).toDouble(qQNaN())};
    if (m_reported) m_reported->test = test;
    Q_EMIT evaluationFinished(m_queueId, test);
  }
}

void CliRun::finish() {
  readOutput();
  for (const QByteArray& line : m_process.readAllStandardError().split('\n')) {
    if (line.startsWith(kErrorPrefix)) m_errors << QString::fromUtf8(line.mid(sizeof kErrorPrefix - 1));
  }
  RunResult result = unsavedResult();
  if (!m_savedPath.isEmpty()) {
    try {
      result = readResultFile(toStdString(m_savedPath));
    } catch (const ResultFileError& e) {
      result.error = e.what();
    }
  }
  // Threads that do not divide between the ranks: the command warns before its ranks start,
  // so no rank's result holds it. The app's copy keeps it, and the window says it. (Not read off
  // the command's stderr: rank 0 repeats its own warnings there, in other words.)
  if (const std::string warning = threadSplitWarning(m_config.threads, m_ranks);
      !warning.empty() && result.status != RunStatus::Failed) {
    if (!result.validity) result.validity = ValidityRecord{};
    result.validity->warnings.push_back(warning);
  }
  m_out.reset();  // the app saves the result in its own library
  Q_EMIT runFinished(m_queueId, result);
}

RunResult CliRun::unsavedResult() const {
  RunResult result;
  if (m_reported) {
    result = *m_reported;
  } else {
    // Ended before it said what it trains: what it was asked to train, as an in-process run
    // that fails early records it (engine/training_run.cpp), with its ranks, so it is listed
    // as the data-parallel run it was.
    result.created = isoTimestampUtc();
    result.system = collectSystemInfo();
    result.workload.name = m_config.workload;
    result.workload.dataSource = m_config.synthetic ? "synthetic" : "files";
    result.device.id = m_config.device;
    result.device.kind = m_config.device.rfind("cuda", 0) == 0 ? "cuda" : m_config.device;
    result.config.epochs = m_config.epochs;
    result.config.precision = m_config.precision;
    result.config.seed = m_config.seed;
    result.config.timeBudgetSeconds = m_config.timeBudgetSeconds;
    DistributedRecord distributed;
    distributed.worldSize = m_ranks;
    distributed.scaling = m_config.strongScaling ? "strong" : "weak";
    if (m_config.batchSize > 0 && m_ranks > 0) {
      distributed.globalBatch =
          m_config.strongScaling ? m_config.batchSize : m_config.batchSize * m_ranks;
      result.config.batchSize =
          m_config.strongScaling ? m_config.batchSize / m_ranks : m_config.batchSize;
    }
    result.distributed = distributed;
  }
  if (m_stopped && m_errors.isEmpty()) {
    result.status = RunStatus::Cancelled;
    result.failure = FailureKind::None;  // a header that could not be read said "failed"
    result.error.clear();
    return result;
  }
  result.status = RunStatus::Failed;
  const int code = m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
  result.failure = failureOfExitCode(code, m_errors);
  result.error = m_errors.isEmpty()
                     ? toStdString(tr("trainbench-cli ended without a result (exit code %1)").arg(code))
                     : toStdString(m_errors.join(QLatin1Char(' ')));
  return result;
}

}  // namespace tb::ui
