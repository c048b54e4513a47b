#include "panels/setup_panel.h"

#include "common/qt_convert.h"
#include "data/data_paths.h"
#include "devices/device_facts.h"
#include "devices/device_id.h"
#include "devices/system_info.h"
#include "engine/execution.h"
#include "engine/run_config.h"
#include "engine/precision.h"
#include "models/workload_catalog.h"
#include "panels/seed_field.h"
#include "common/eliding_combo_box.h"
#include "common/focus_in_view.h"
#include "panels/setup_texts.h"
#include "results/repeats.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <optional>

namespace tb::ui {

namespace {

// A combo box that may get narrower than its longest item, its face cut at the end ("Fashion-
// MNIST MLP — se…"; the popup lists the items whole): at their full length the items held the
// sidebar 380 pixels wide, too wide beside the charts on a small or scaled screen.
QComboBox* shrinkingComboBox() {
  auto* box = new ElidingComboBox;
  box->setElideMode(Qt::ElideRight);
  box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  box->setMinimumContentsLength(10);
  box->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  return box;
}

// A device's name cut at about 28 letters ("cpu — 11th Gen Intel(R) Core(TM) i7-118…"): the check
// box cannot wrap, and a long CPU model held the sidebar wide. Its tooltip has the facts.
QString deviceBoxText(const QCheckBox& box, const QString& id, const QString& name) {
  const QFontMetrics metrics = box.fontMetrics();
  return QStringLiteral("%1 \u2014 %2").arg(
      id, metrics.elidedText(name, Qt::ElideRight, 28 * metrics.averageCharWidth()));
}

QSpinBox* spinBox(int minimum, int maximum, int value, const QString& special = QString()) {
  auto* box = new QSpinBox;
  box->setRange(minimum, maximum);
  box->setValue(value);
  if (!special.isEmpty()) box->setSpecialValueText(special);
  return box;
}

}  // namespace

SetupPanel::SetupPanel(QWidget* parent) : QWidget(parent) {
  // The fields scroll on small screens instead of squeezing; Run and Stop stay below them, in
  // view (at 1366x768 they were below the fold).
  auto* fields = new QWidget;
  auto* fieldsLayout = new QVBoxLayout(fields);
  fieldsLayout->setContentsMargins(0, 0, 0, 0);
  fieldsLayout->addWidget(buildWorkloadGroup());
  fieldsLayout->addWidget(buildDeviceGroup());
  fieldsLayout->addWidget(buildTrainingGroup());
  fieldsLayout->addWidget(buildDataGroup());
  auto* scroll = new QScrollArea;
  scroll->setWidget(fields);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  scroll->setFocusPolicy(Qt::NoFocus);  // no Tab stop of its own; its fields are
  keepFocusInView(scroll);
  // Wide enough for the fields beside the vertical scroll bar, which would otherwise cover
  // their right edge.
  scroll->setMinimumWidth(fields->minimumSizeHint().width() +
                          scroll->verticalScrollBar()->sizeHint().width());
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(scroll, 1);

  m_run = new QPushButton(tr("Run"));
  m_run->setToolTip(tr("Train on each ticked device, one after another (Ctrl+R)"));
  m_stop = new QPushButton(tr("Stop"));
  m_stop->setToolTip(tr("Stop the running run and drop the waiting ones (Esc asks first)"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(m_run, 2);
  buttons->addWidget(m_stop, 1);
  layout->addLayout(buttons);

  connect(m_run, &QPushButton::clicked, this, &SetupPanel::runRequested);
  connect(m_stop, &QPushButton::clicked, this, &SetupPanel::stopRequested);
  applyWorkloadDefaults();
  updateDataStatus();
  setRunning(false);
}

QWidget* SetupPanel::buildWorkloadGroup() {
  auto* group = new QGroupBox(tr("&Workload"));
  auto* layout = new QVBoxLayout(group);
  m_workload = shrinkingComboBox();
  // No label beside it (the group's title is none to a screen reader): it names itself.
  m_workload->setAccessibleName(tr("Workload"));
  for (const auto& info : workloadCatalog()) {
    m_workload->addItem(toQString(info.title), toQString(info.name));
  }
  m_workloadInfo = new QLabel;
  m_workloadInfo->setWordWrap(true);
  m_workloadInfo->setForegroundRole(QPalette::PlaceholderText);
  layout->addWidget(m_workload);
  layout->addWidget(m_workloadInfo);
  connect(m_workload, &QComboBox::currentIndexChanged, this, [this] {
    applyWorkloadDefaults();
    updateDataStatus();
    updateRunEnabled();
  });
  return group;
}

QWidget* SetupPanel::buildDeviceGroup() {
  auto* group = new QGroupBox(tr("&Devices"));
  auto* layout = new QVBoxLayout(group);
  for (const auto& id : availableDevices()) {
    const DeviceId device = parseDeviceId(id);
    auto* box = new QCheckBox;
    box->setText(deviceBoxText(*box, toQString(id), toQString(deviceDisplayName(device))));
    box->setProperty("deviceId", toQString(id));
    box->setToolTip(deviceFactsText(deviceFacts(device)));
    box->setChecked(id == "cpu");
    connect(box, &QCheckBox::toggled, this, &SetupPanel::updateRunEnabled);
    m_devices.push_back(box);
    layout->addWidget(box);
  }
  m_dataParallel = new QCheckBox(tr("Data-parallel &over the ticked devices"));
  m_dataParallel->setToolTip(tr("One run on all ticked GPUs at once, or on several CPU ranks: "
                                "each trains on its share of every batch and the gradients are "
                                "averaged (trainbench-cli --data-parallel). Compare runs of "
                                "several sizes in Scaling."));
  m_cpuRanks = spinBox(1, kMaxCpuRanks, 2);
  m_cpuRanks->setToolTip(tr("Ranks of a data-parallel CPU run; the CPU threads are shared "
                            "between them"));
  m_scaling = shrinkingComboBox();
  m_scaling->addItem(tr("weak: a batch per rank"), QStringLiteral("weak"));
  m_scaling->addItem(tr("strong: the batch split"), QStringLiteral("strong"));
  m_scaling->setToolTip(tr("Weak scaling gives every rank the batch size, so the ranks train "
                           "more images per step; strong scaling splits it, so the run trains "
                           "as one device would (the seed's batch, as Keras's MirroredStrategy "
                           "does)"));
  layout->addWidget(m_dataParallel);
  connect(m_dataParallel, &QCheckBox::toggled, this, &SetupPanel::updateRunEnabled);
  connect(m_cpuRanks, &QSpinBox::valueChanged, this, &SetupPanel::updateRunEnabled);
  connect(m_scaling, &QComboBox::currentIndexChanged, this, &SetupPanel::updateRunEnabled);
  m_threads = spinBox(0, kMaxThreads, 0, tr("auto (%1)").arg(cpuThreadCount(0)));
  connect(m_threads, &QSpinBox::valueChanged, this, &SetupPanel::updateRunEnabled);
  m_threads->setToolTip(tr("CPU threads for training; auto uses the physical cores this process "
                           "may use (its CPU affinity and container quota)"));
  m_precision = shrinkingComboBox();
  for (const Precision precision : allPrecisions()) {
    m_precision->addItem(precisionLabel(precision), QString::fromLatin1(toString(precision)));
  }
  m_precision->setToolTip(tr("Number format for training; mixed precision keeps fp32 weights"));
  connect(m_precision, &QComboBox::currentIndexChanged, this, &SetupPanel::updateRunEnabled);
  auto* threads = new QFormLayout;
  threads->addRow(tr("CPU ran&ks"), m_cpuRanks);
  threads->addRow(tr("S&caling"), m_scaling);
  threads->addRow(tr("CPU &threads"), m_threads);
  threads->addRow(tr("&Precision"), m_precision);
  m_execution = shrinkingComboBox();
  m_execution->addItem(tr("eager"), QStringLiteral("eager"));
  m_execution->addItem(tr("graph (CUDA graphs)"), QStringLiteral("graph"));
  m_execution->setToolTip(tr("Eager launches each kernel from the host as the step runs, as a "
                             "plain PyTorch loop; graph captures the whole step as a CUDA graph "
                             "and replays it"));
  connect(m_execution, &QComboBox::currentIndexChanged, this, &SetupPanel::updateRunEnabled);
  threads->addRow(tr("E&xecution"), m_execution);
  layout->addLayout(threads);
  return group;
}

QWidget* SetupPanel::buildTrainingGroup() {
  auto* group = new QGroupBox(tr("Training"));
  auto* form = new QFormLayout(group);
  m_epochs = spinBox(1, kMaxEpochs, 10);
  m_batchSize = spinBox(1, kMaxBatchSize, 32);
  m_seed = new SeedField;
  // Text, not a spin box: rates span 1e-38 to 3e38 and are written as 1e-4. Empty: the
  // workload's (Keras's Adam default); what the trainer refuses turns Run off (problem()).
  m_learningRate = new QLineEdit;
  m_learningRate->setValidator(new QRegularExpressionValidator(
      QRegularExpression(QStringLiteral("[0-9]*\\.?[0-9]*([eE][-+]?[0-9]*)?")), m_learningRate));
  m_learningRate->setToolTip(tr("Adam's learning rate; empty for the workload's"));
  connect(m_learningRate, &QLineEdit::textChanged, this, &SetupPanel::updateRunEnabled);
  m_trainLimit = spinBox(0, 2147483647, 0, tr("all"));
  m_trainLimit->setSingleStep(1000);
  m_testLimit = spinBox(0, 2147483647, 0, tr("all"));
  m_testLimit->setSingleStep(1000);
  // trainbench-cli's --telemetry-interval: a shorter one shows the bursts and dips of a run
  // whose epochs take seconds; saved timelines are thinned, so a long run's file stays small.
  m_telemetryInterval = new QDoubleSpinBox;
  m_telemetryInterval->setRange(kMinTelemetryIntervalSeconds, kMaxTelemetryIntervalSeconds);
  m_telemetryInterval->setDecimals(1);
  m_telemetryInterval->setSingleStep(0.5);
  m_telemetryInterval->setSuffix(tr(" s"));
  m_telemetryInterval->setValue(RunConfig{}.telemetryIntervalSeconds);
  m_telemetryInterval->setToolTip(
      tr("How often CPU and GPU utilisation and memory are sampled "
         "for the charts"));
  m_length = shrinkingComboBox();
  m_length->addItem(tr("Full: the seed's epochs"), 0.0);
  for (const double minutes : {1.0, 5.0, 15.0}) setTimeBudget(minutes * 60.0);
  m_length->setCurrentIndex(0);
  m_length->setToolTip(tr("Quick trains for about the time chosen and projects the full run's "
                          "time from its steady-state steps; the result is marked projected. "
                          "A longer budget times more steps: slow devices want it"));
  m_repeats = spinBox(0, kMaxRepeats, 1, tr("auto"));
  m_repeats->setToolTip(tr("Runs per device, back to back. Auto repeats 3 to 10 times until the "
                           "95% interval of steady-state samples/s is within 2% of its median"));
  // Run's state and tooltip follow every field problem() checks: a batch the trainer refuses
  // turns Run off, correcting it turns Run back on.
  connect(m_length, &QComboBox::currentIndexChanged, this, &SetupPanel::updateRunEnabled);
  for (QSpinBox* box : {m_repeats, m_epochs, m_batchSize, m_trainLimit, m_testLimit}) {
    connect(box, &QSpinBox::valueChanged, this, &SetupPanel::updateRunEnabled);
  }
  form->addRow(tr("&Length"), m_length);
  form->addRow(tr("Repe&ats"), m_repeats);
  form->addRow(tr("&Epochs"), m_epochs);
  form->addRow(tr("&Batch size"), m_batchSize);
  form->addRow(tr("Learnin&g rate"), m_learningRate);
  form->addRow(tr("&Seed"), m_seed);
  form->addRow(tr("Trai&ning images"), m_trainLimit);
  form->addRow(tr("Test i&mages"), m_testLimit);
  form->addRow(tr("&Utilisation every"), m_telemetryInterval);
  return group;
}

QWidget* SetupPanel::buildDataGroup() {
  auto* group = new QGroupBox(tr("Data"));
  auto* layout = new QVBoxLayout(group);
  m_useFiles = new QRadioButton(tr("Dataset f&iles"));
  m_useSynthetic = new QRadioButton(tr("S&ynthetic data (not real images)"));
  m_useSynthetic->setToolTip(tr("Random images of the dataset's shapes, made on the spot: the "
                                "same speed as the real ones, nothing to download, an accuracy "
                                "that means nothing"));
  auto* choice = new QButtonGroup(group);
  choice->addButton(m_useFiles);
  choice->addButton(m_useSynthetic);
  m_useFiles->setChecked(true);

  m_dataDir = new QLineEdit;
  m_dataDir->setAccessibleName(tr("Dataset folder"));  // no label beside it either
  m_dataDir->setPlaceholderText(toQString(defaultDataRoot()));
  m_dataDir->setToolTip(tr("Folder with the dataset files, or a folder with one sub-folder per "
                           "dataset; empty uses the default data folder"));
  auto* browse = new QToolButton;
  browse->setText(tr("\u2026"));
  browse->setToolTip(tr("Choose the dataset folder"));
  browse->setAccessibleName(tr("Choose the dataset folder"));  // not "…"
  auto* folderRow = new QHBoxLayout;
  folderRow->addWidget(m_dataDir);
  folderRow->addWidget(browse);

  m_dataStatus = new QLabel;
  m_dataStatus->setWordWrap(true);
  m_dataStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);

  layout->addWidget(m_useFiles);
  layout->addLayout(folderRow);
  layout->addWidget(m_useSynthetic);
  layout->addWidget(m_dataStatus);

  connect(browse, &QToolButton::clicked, this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Dataset folder"),
                                                             m_dataDir->text());
    if (!folder.isEmpty()) setDataDir(folder);
  });
  connect(m_dataDir, &QLineEdit::textChanged, this, &SetupPanel::updateDataStatus);
  connect(m_useSynthetic, &QRadioButton::toggled, this, &SetupPanel::updateDataStatus);
  connect(m_useSynthetic, &QRadioButton::toggled, this, &SetupPanel::updateRunEnabled);
  return group;
}

void SetupPanel::applyWorkloadDefaults() {
  for (const auto& info : workloadCatalog()) {
    if (toQString(info.name) != workload()) continue;
    m_epochs->setValue(info.defaultEpochs);
    m_batchSize->setValue(info.defaultBatchSize);
    m_learningRate->setPlaceholderText(tr("the workload's (%1)").arg(info.learningRate));
    m_workloadInfo->setText(toQString(info.description) + QLatin1Char('\n') + workloadNeeds(info));
  }
}

void SetupPanel::updateDataStatus() {
  m_dataDir->setEnabled(m_useFiles->isChecked());
  if (m_useSynthetic->isChecked()) {
    m_dataStatus->setText(tr("Results will be marked as synthetic."));
    return;
  }
  QString dataset;
  for (const auto& info : workloadCatalog()) {
    if (toQString(info.name) == workload()) dataset = toQString(info.dataset);
  }
  const auto folder = findDatasetFolder(toStdString(dataset), toStdString(dataDir()));
  m_dataStatus->setText(folder ? tr("%1 found in %2").arg(dataset, toQString(*folder))
                               : tr("%1 files not found here; Run offers to download "
                                    "them (or use synthetic data).")
                                     .arg(dataset));
}

void SetupPanel::updateRunEnabled() {
  if (m_run == nullptr) return;  // still being built
  m_cpuRanks->setEnabled(m_dataParallel->isChecked() &&
                         checkedDevices().contains(QStringLiteral("cpu")));
  m_scaling->setEnabled(m_dataParallel->isChecked());
  m_run->setEnabled(!m_running && problem().isEmpty());
  m_run->setToolTip(problem().isEmpty()
                        ? tr("Train on each ticked device, one after another (Ctrl+R)")
                        : problem());
}

QString SetupPanel::problem() const {
  if (checkedDevices().isEmpty()) return tr("Tick at least one device.");
  // Every ticked device must support the precision, or its run would only fail.
  for (const QString& device : checkedDevices()) {
    try {
      const DeviceId id = parseDeviceId(toStdString(device));
      checkPrecision(id, toStdString(precision()), deviceFacts(id).computeCapability);
      resolveExecution(id, toStdString(execution()));
    } catch (const DeviceError& e) {
      return QString::fromUtf8(e.what());
    } catch (const ExecutionError& e) {
      return QString::fromUtf8(e.what());
    }
  }
  if (const QString why = learningRateProblem(); !why.isEmpty()) return why;
  // Said before Run offers a download into it, which failed only after it ("Not a directory").
  if (const QString folder = dataDir(); !m_useSynthetic->isChecked() && !folder.isEmpty() &&
                                        QFileInfo::exists(folder) && !QFileInfo(folder).isDir()) {
    return tr("The dataset folder %1 is a file, not a folder: choose a folder, or train on "
              "synthetic data.")
        .arg(folder);
  }
  if (m_dataParallel->isChecked()) {
    if (const QString why = dataParallelProblem(); !why.isEmpty()) return why;
    // What the CLI refuses before starting the ranks (batch too small, too few images), in
    // the words of this panel's fields rather than the CLI's flags.
    if (const auto plan = dataParallelPlan()) {
      for (const std::string& why : {runConfigProblem(plan->config, true),
                                     dataParallelStepProblem(plan->config, plan->ranks,
                                                             plan->config.strongScaling)}) {
        if (!why.empty()) return inFieldNames(QString::fromStdString(why));
      }
    }
    return QString();
  }
  // What the trainer would refuse at once (ResNet-50 with a batch of one image, say).
  const QVector<RunConfig> runs = configs();
  if (!runs.isEmpty()) {
    if (const std::string why = runConfigProblem(runs.first()); !why.empty()) {
      return inFieldNames(QString::fromStdString(why));
    }
  }
  return QString();
}

void SetupPanel::setRunning(bool running) {
  m_running = running;
  // The keyboard goes back to Run, not to whatever follows a disabled Stop.
  const bool stopHadFocus = m_stop->hasFocus();
  m_stop->setEnabled(running);
  updateRunEnabled();
  if (!running && stopHadFocus && m_run->isEnabled()) m_run->setFocus(Qt::OtherFocusReason);
}

}  // namespace tb::ui
