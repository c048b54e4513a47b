// trainbench: the desktop app. Parses the automation flags and shows the main window.
#include "common/muted_text.h"
#include "common/number_format.h"
#include "common/unix_signal_watcher.h"
#include "devices/build_info.h"
#include "devices/device_id.h"
#include "devices/system_info.h"
#include "engine/run_config.h"
#include "io/user_folders.h"
#include "models/workload_catalog.h"
#include "panels/setup_panel.h"
#include "run/run_controller.h"
#include "window/automation.h"
#include "window/launch_checks.h"
#include "window/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QSettings>

#include <algorithm>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <tuple>

namespace {

constexpr int kExitCancelled = 130;  // as the CLI, and as shells report SIGINT

// `maximum` is what the Setup panel's field holds: a larger value must be refused, not wrapped
// or clamped to another number the run would then silently use.
bool parsePositive(const QCommandLineParser& parser, const QString& name, qint64& value,
                   qint64 maximum) {
  if (!parser.isSet(name)) return true;
  bool ok = false;
  value = parser.value(name).toLongLong(&ok);
  if (!ok || value <= 0 || value > maximum) {
    std::fprintf(stderr, "trainbench: error: --%s expects a number from 1 to %lld, got '%s'\n",
                 qPrintable(name), static_cast<long long>(maximum), qPrintable(parser.value(name)));
    return false;
  }
  return true;
}

// Name and version for QCommandLineParser's --version, the settings path and the About box.
void setApplicationFacts() {
  QCoreApplication::setOrganizationName(QStringLiteral("TrainBench"));
  QCoreApplication::setApplicationName(QStringLiteral("trainbench"));
  // The user's settings folder found as the results' is: Qt's own, with HOME unset, was
  // /.config, where nothing could be saved.
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                     QString::fromStdString(tb::userConfigHome()));
  QCoreApplication::setApplicationVersion(
      QStringLiteral("%1 (LibTorch %2, Qt %3; %4)")
          .arg(QString::fromStdString(tb::appVersion()),
               QString::fromStdString(tb::libtorchVersion()), QLatin1String(qVersion()),
               QString::fromStdString(tb::buildText(tb::thisBuild()))));
}

void describeOptions(QCommandLineParser& parser) {
  parser.setApplicationDescription(QStringLiteral(
      "TrainBench: how fast does this machine, and each device in it, train a neural network?"));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addOptions({
      {QStringLiteral("run"), QStringLiteral("Start a run of WORKLOAD at once."),
       QStringLiteral("workload")},
      {QStringLiteral("device"), QStringLiteral("Device to run on (repeatable): cpu, cuda:N, mps."),
       QStringLiteral("device")},
      {QStringLiteral("synthetic"), QStringLiteral("Use synthetic data.")},
      {QStringLiteral("data-dir"), QStringLiteral("Dataset folder."), QStringLiteral("dir")},
      {QStringLiteral("epochs"), QStringLiteral("Epochs."), QStringLiteral("n")},
      {QStringLiteral("train-limit"), QStringLiteral("Use the first N training images."),
       QStringLiteral("n")},
      {QStringLiteral("test-limit"), QStringLiteral("Use the first N test images."),
       QStringLiteral("n")},
      {QStringLiteral("repeat"),
       QStringLiteral("Run each device N times (1-%1), or 'auto' (3 to 10, until the 95% "
                      "interval is within 2%).")
           .arg(tb::kMaxRepeats),
       QStringLiteral("n")},
      {QStringLiteral("quick"),
       QStringLiteral("Train for about a minute and project the full run.")},
      {QStringLiteral("time-budget"),
       QStringLiteral("Train for about SECONDS (5 to 604800) and project the full run, as "
                      "Setup's Length (5 and 15 minutes: 300, 900)."),
       QStringLiteral("seconds")},
      {QStringLiteral("data-parallel"),
       QStringLiteral("Train one data-parallel run across the given devices (N ranks on the "
                      "CPU), through trainbench-cli."),
       QStringLiteral("n")},
      {QStringLiteral("scaling"),
       QStringLiteral("A data-parallel run's scaling: weak (a full batch per rank, the default) "
                      "or strong (the batch split across the ranks)."),
       QStringLiteral("mode")},
      {QStringLiteral("open"), QStringLiteral("Show a saved result file (repeatable)."),
       QStringLiteral("file")},
      {QStringLiteral("screenshot"), QStringLiteral("When done, save the window as a PNG."),
       QStringLiteral("file")},
      {QStringLiteral("report"), QStringLiteral("When done, save a PDF report."),
       QStringLiteral("file")},
      {QStringLiteral("tab"),
       QStringLiteral("When done, show this tab (for --screenshot): charts (the default) or "
                      "history, once it has read the results folder."),
       QStringLiteral("name")},
      {QStringLiteral("quit-when-done"),
       QStringLiteral("Quit when done (exit code 1 if a run did not complete).")},
      {QStringLiteral("settings"), QStringLiteral("Use this INI settings file."),
       QStringLiteral("file")},
  });
  parser.addPositionalArgument(QStringLiteral("files"),
                               QStringLiteral("Saved result files to show, as with --open."),
                               QStringLiteral("[file...]"));
}

// --help and --version must answer without a display (on a server, over SSH): QApplication
// aborts when it reaches no X server or Wayland compositor, so a QCoreApplication answers them
// first. Returns when neither was asked for (or a flag was another option's value).
void answerHelpAndVersion(int argc, char** argv) {
  const auto asked = [](const char* arg) {
    for (const char* flag : {"-h", "-?", "--help", "--help-all", "-v", "--version"}) {
      if (std::strcmp(arg, flag) == 0) return true;
    }
    return false;
  };
  if (std::none_of(argv + 1, argv + argc, asked)) return;
  QCoreApplication core(argc, argv);
  setApplicationFacts();
  QCommandLineParser parser;
  describeOptions(parser);
  // Other errors (and Qt's GUI options, like -platform) are left to the app's own parse.
  parser.parse(QCoreApplication::arguments());
  for (const QString& flag :
       {QStringLiteral("help-all"), QStringLiteral("help"), QStringLiteral("version")}) {
    if (!parser.isSet(flag)) continue;
    // Prints the text and exits with 0, like the app's own parse would.
    parser.process({QCoreApplication::arguments().constFirst(), QStringLiteral("--") + flag});
  }
}

// Without a display QApplication aborts with Qt's advice to reinstall the app: a user who
// started it over SSH on a GPU server is told instead what to do there. A platform chosen by
// QT_QPA_PLATFORM or -platform (offscreen, vnc) is left to Qt.
void refuseWithoutDisplay(int argc, char** argv) {
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
  const auto set = [](const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0';
  };
  if (set("DISPLAY") || set("WAYLAND_DISPLAY") || set("QT_QPA_PLATFORM")) return;
  const auto choosesPlatform = [](const char* arg) {
    return std::strcmp(arg, "-platform") == 0 || std::strcmp(arg, "--platform") == 0;
  };
  if (std::any_of(argv + 1, argv + argc, choosesPlatform)) return;
  std::fputs("trainbench: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not "
             "set). On a server, run the benchmarks with trainbench-cli and open the result "
             "files in the app on your desktop; to draw off-screen (--screenshot), set "
             "QT_QPA_PLATFORM=offscreen or use xvfb-run.\n",
             stderr);
  std::exit(2);  // refused before anything started, as the app's other refusals
#else
  (void)argc;
  (void)argv;
#endif
}

// Devices, data and files to show and write (--device, --synthetic, --open, --screenshot, ...);
// false after saying on stderr what is wrong.
bool readWhatToRunAndWrite(const QCommandLineParser& parser, tb::ui::AutomationOptions& options) {
  options.workload = parser.value(QStringLiteral("run"));
  // A device this machine lacks is refused, as the CLI refuses it, rather than quietly left out
  // of a scripted comparison.
  for (const QString& device : parser.values(QStringLiteral("device"))) {
    QString id;
    try {
      id = QString::fromStdString(tb::resolveDevice(device.toStdString()).str());
    } catch (const tb::DeviceError& e) {
      std::fprintf(stderr, "trainbench: error: --device: %s\n", e.what());
      return false;
    }
    // A device is ticked or not: named twice it still trains once, which is said (the CLI
    // trains it twice).
    if (options.devices.contains(id)) {
      std::fprintf(stderr,
                   "trainbench: warning: --device: %s is given twice: it trains once; --repeat N "
                   "trains it N times\n",
                   qPrintable(id));
      continue;
    }
    options.devices << id;
  }
  options.synthetic = parser.isSet(QStringLiteral("synthetic"));
  options.dataDir = parser.value(QStringLiteral("data-dir"));
  // Opposite asks, refused as the CLI refuses them: the folder was dropped without a word.
  if (options.synthetic && parser.isSet(QStringLiteral("data-dir"))) {
    std::fprintf(stderr, "trainbench: error: --synthetic excludes --data-dir: give one of them\n");
    return false;
  }
  // Files named without --open (a file manager's "Open with", `trainbench run.json`) too.
  options.openFiles = parser.values(QStringLiteral("open")) + parser.positionalArguments();
  options.screenshot = parser.value(QStringLiteral("screenshot"));
  options.report = parser.value(QStringLiteral("report"));
  options.quitWhenDone = parser.isSet(QStringLiteral("quit-when-done"));
  if (parser.isSet(QStringLiteral("tab"))) {
    const QString tab = parser.value(QStringLiteral("tab"));
    if (tab != QLatin1String("charts") && tab != QLatin1String("history")) {
      std::fprintf(stderr, "trainbench: error: --tab: '%s' is not charts or history\n", qPrintable(tab));
      return false;
    }
    options.historyTab = tab == QLatin1String("history");
  }
  // The app writes PNG and PDF only: "shot.jpg" would be a PNG under a name that says otherwise.
  for (const auto& [flag, path, suffix] :
       {std::tuple{"screenshot", options.screenshot, "png"}, {"report", options.report, "pdf"}}) {
    if (!path.isEmpty() &&
        QFileInfo(path).suffix().compare(QLatin1String(suffix), Qt::CaseInsensitive) != 0) {
      std::fprintf(stderr, "trainbench: error: --%s: '%s' must end in .%s\n", flag,
                   qPrintable(path), suffix);
      return false;
    }
    // Found now, not when done: a ResNet-50 run can take hours.
    if (const QString problem = tb::ui::outputFileProblem(path);
        !path.isEmpty() && !problem.isEmpty()) {
      std::fprintf(stderr, "trainbench: error: --%s: %s\n", flag, qPrintable(problem));
      return false;
    }
  }
  return true;
}

// How much each run trains and how often (--epochs, the limits, --quick, --time-budget,
// --data-parallel, --scaling, --repeat, --run's workload); false after saying what is wrong.
bool readRunLength(const QCommandLineParser& parser, tb::ui::AutomationOptions& options) {
  qint64 epochs = 0;
  if (!parsePositive(parser, QStringLiteral("epochs"), epochs, tb::kMaxEpochs) ||
      !parsePositive(parser, QStringLiteral("train-limit"), options.trainLimit, INT_MAX) ||
      !parsePositive(parser, QStringLiteral("test-limit"), options.testLimit, INT_MAX) ||
      !parsePositive(parser, QStringLiteral("data-parallel"), options.dataParallelRanks,
                     tb::ui::SetupPanel::kMaxCpuRanks)) {
    return false;
  }
  options.epochs = static_cast<int>(epochs);
  if (parser.isSet(QStringLiteral("quick"))) options.timeBudget = tb::ui::SetupPanel::kQuickBudgetSeconds;
  if (parser.isSet(QStringLiteral("time-budget"))) {
    bool ok = false;
    const double seconds = parser.value(QStringLiteral("time-budget")).toDouble(&ok);
    if (parser.isSet(QStringLiteral("quick"))) {
      std::fprintf(stderr, "trainbench: error: give --quick or --time-budget, not both\n");
      return false;
    }
    if (!ok || !(seconds >= tb::kMinTimeBudgetSeconds && seconds <= tb::kMaxTimeBudgetSeconds)) {
      std::fprintf(stderr, "trainbench: error: --time-budget expects %g to %g seconds, got '%s'\n",
                   tb::kMinTimeBudgetSeconds, tb::kMaxTimeBudgetSeconds,
                   qPrintable(parser.value(QStringLiteral("time-budget"))));
      return false;
    }
    options.timeBudget = seconds;
  }
  if (parser.isSet(QStringLiteral("scaling"))) {
    options.scaling = parser.value(QStringLiteral("scaling"));
    if (options.scaling != QLatin1String("weak") && options.scaling != QLatin1String("strong")) {
      std::fprintf(stderr, "trainbench: error: --scaling expects weak or strong, got '%s'\n",
                   qPrintable(options.scaling));
      return false;
    }
    // As trainbench-cli refuses it: a user who forgot --data-parallel measured no scaling.
    if (options.dataParallelRanks <= 0) {
      std::fprintf(stderr, "trainbench: error: --scaling applies only to a data-parallel run: "
                           "give --data-parallel N\n");
      return false;
    }
  }
  if (parser.isSet(QStringLiteral("repeat"))) {
    const QString repeat = parser.value(QStringLiteral("repeat"));
    bool ok = false;
    options.repeats = repeat == QLatin1String("auto") ? 0 : repeat.toInt(&ok);
    if (repeat != QLatin1String("auto") &&
        (!ok || options.repeats < 1 || options.repeats > tb::kMaxRepeats)) {
      std::fprintf(stderr, "trainbench: error: --repeat expects 1 to %d or 'auto', got '%s'\n",
                   tb::kMaxRepeats, qPrintable(repeat));
      return false;
    }
  }
  if (options.runs()) {
    QStringList known;
    for (const auto& info : tb::workloadCatalog()) known << QString::fromStdString(info.name);
    if (!known.contains(options.workload)) {
      std::fprintf(stderr, "trainbench: error: --run: unknown workload '%s'; available: %s\n",
                   qPrintable(options.workload), qPrintable(known.join(QStringLiteral(", "))));
      return false;
    }
  }
  return true;
}

// Whether the settings file and the results folder can be used; false after saying why. The
// app writes its settings back on closing: a file that is not a settings file (a result JSON or
// a README named by mistake, say) must not be overwritten.
bool settingsAndResultsUsable(const QCommandLineParser& parser) {
  if (const QString file = parser.value(QStringLiteral("settings")); !file.isEmpty()) {
    if (const QString problem = tb::ui::settingsFileProblem(file); !problem.isEmpty()) {
      std::fprintf(stderr, "trainbench: error: --settings: %s\n", qPrintable(problem));
      return false;
    }
  }
  if (const QString problem = tb::ui::resultsFolderProblem(); !problem.isEmpty()) {
    std::fprintf(stderr, "trainbench: error: %s\n", qPrintable(problem));
    return false;
  }
  return true;
}

// SIGTERM, SIGINT and SIGHUP close the window as the user would: a running run is stopped and
// saved as cancelled, then the app exits with 130. A second SIGTERM or SIGINT (Ctrl+C again)
// ends it at once (never during a save, which runs on this thread); a second SIGHUP does not:
// closing a terminal sends two at once (the kernel's and the shell's), and the run would be
// lost unsaved.
void quitOnSignals(tb::ui::UnixSignalWatcher& unixSignals, tb::ui::MainWindow& window) {
  std::signal(SIGXFSZ, SIG_IGN);  // a save past `ulimit -f` fails with a message, not a crash
  QObject::connect(&unixSignals, &tb::ui::UnixSignalWatcher::received, &window,
                   [&window](int signalNumber) {
    if (window.quitCode()) {
      if (signalNumber == SIGHUP) return;
      std::_Exit(kExitCancelled);
    }
    if (window.controller()->isBusy()) {
      std::fprintf(stderr, "trainbench: stopping: the running run is saved as cancelled first\n");
    }
    window.requestQuit(kExitCancelled);
  });
}

}  // namespace

int main(int argc, char** argv) {
  answerHelpAndVersion(argc, argv);
  refuseWithoutDisplay(argc, argv);
  // Its output's reader gone (`trainbench | tee log` closed, a restarted journal) must not end
  // the app mid-run with the run unsaved: a write there fails instead, and the app goes on.
  std::signal(SIGPIPE, SIG_IGN);
  QApplication app(argc, argv);
  tb::ui::useOneNumberFormat();
  // A dark theme's captions and notes drawn in its (light-theme) placeholder grey were unreadable.
  QApplication::setPalette(tb::ui::withReadableMutedText(QApplication::palette()));
  Q_INIT_RESOURCE(trainbench);  // the .qrc lives in the static trainbench_ui library
  setApplicationFacts();
  QApplication::setApplicationDisplayName(QStringLiteral("TrainBench"));
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/trainbench.svg")));
  // Wayland compositors find the window's icon and name through the installed desktop entry.
  QGuiApplication::setDesktopFileName(QStringLiteral("io.github.trainbench.TrainBench"));

  QCommandLineParser parser;
  describeOptions(parser);
  // Not process(): its "Unknown option" exits 1, which reads as a run that did not complete.
  if (!parser.parse(QCoreApplication::arguments())) {
    std::fprintf(stderr, "trainbench: error: %s (trainbench --help lists the options)\n",
                 qPrintable(parser.errorText()));
    // A result file named "-x.json" read as the options -x, -., -j...: say how to open it.
    for (const QString& argument : QCoreApplication::arguments().mid(1)) {
      if (argument.startsWith(u'-') && QFileInfo(argument).isFile()) {
        std::fprintf(stderr, "trainbench: %s is a file: to open it, give it as ./%s or after --\n",
                     qPrintable(argument), qPrintable(argument));
      }
    }
    return 2;
  }
  tb::ui::AutomationOptions options;
  if (!readWhatToRunAndWrite(parser, options) || !readRunLength(parser, options) ||
      !settingsAndResultsUsable(parser)) {
    return 2;
  }

  tb::ui::MainWindow window(parser.value(QStringLiteral("settings")));
  tb::ui::UnixSignalWatcher unixSignals({SIGTERM, SIGINT, SIGHUP});
  quitOnSignals(unixSignals, window);
  window.show();
  tb::ui::Automation* automation = nullptr;  // owned by the window
  if (options.active()) {
    automation = new tb::ui::Automation(&window, options);
    automation->start();
  }
  const int exitCode = app.exec();
  return window.quitCode().value_or(automation ? automation->appExitCode(exitCode) : exitCode);
}
