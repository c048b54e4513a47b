// The Setup panel: workload preset, devices, epochs, batch size, seed, data source, Run and Stop.
#pragma once

#include "engine/run_config.h"
#include "results/run_result.h"

#include <optional>

#include <QStringList>
#include <QString>
#include <QVector>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSettings;
class QSpinBox;
class QVBoxLayout;

namespace tb::ui {

class SeedField;

// One data-parallel run: `config.device` is "cpu" or "cuda"; `cudaDevices` ("0,2") the GPUs.
struct DataParallelPlan {
  RunConfig config;
  int ranks = 0;
  QString cudaDevices;
};

class SetupPanel final : public QWidget {
  Q_OBJECT

 public:
  // The largest values its fields take (the app's command line refuses larger ones).
  static constexpr int kMaxCpuRanks = 64;

  explicit SetupPanel(QWidget* parent = nullptr);

  // A core message about the run's settings with the CLI's flags named as this panel's fields
  // ("--batch-size" as "Batch size").
  static QString inFieldNames(QString text);

  // The runs to queue: each ticked device's, in the order shown (CPU first), once per repeat.
  QVector<RunConfig> configs() const;
  // One config per ticked device whatever the repeats: what to measure or profile.
  QVector<RunConfig> deviceConfigs() const;
  // Why Run cannot start (no device ticked, ...), or empty when it can.
  QString problem() const;
  void setRunning(bool running);

  QString workload() const;
  QStringList checkedDevices() const;
  void setWorkload(const QString& name);
  void setCheckedDevices(const QStringList& devices);
  void setSynthetic(bool synthetic);
  void setEpochs(int epochs);
  // Adam's learning rate; 0 (the field empty) for the workload's.
  double learningRate() const;  // 0: the workload's; NaN: typed but no rate
  QString learningRateProblem() const;
  void setLearningRate(double rate);
  void setTrainLimit(qint64 limit);
  void setTestLimit(qint64 limit);
  void setDataDir(const QString& folder);
  void setPrecision(const QString& precision);  // "fp32", "tf32", "bf16" or "fp16"
  QString precision() const;
  // "eager" or "graph" (engine/execution.h).
  QString execution() const;
  void setExecution(const QString& execution);
  // The data folder typed, in full ("~/data" expanded, a relative one made absolute); empty:
  // the default data root.
  QString dataDir() const;
  // Runs per device: 1 to kMaxRepeats, or 0 for auto (3 to 10, until the interval is within ±2%).
  int repeats() const;
  void setRepeats(int repeats);
  bool autoRepeat() const { return repeats() == 0; }
  // Quick: train for a time budget and project the full run (RunConfig::timeBudgetSeconds).
  // Length offers 1, 5 and 15 minutes; a longer budget times more steady-state steps, which a
  // slow device (ResNet-50 on a laptop CPU) needs for a projection worth trusting.
  bool quick() const { return timeBudget() > 0.0; }
  void setQuick(bool quick) { setTimeBudget(quick ? kQuickBudgetSeconds : 0.0); }
  static constexpr double kQuickBudgetSeconds = 60.0;
  // The time budget in seconds, 0 for the full run.
  double timeBudget() const;
  // Picks the Length entry of `seconds`, adding one for a budget it does not offer (Use
  // Settings of a run made with `trainbench-cli run --time-budget 120`, say). Outside the
  // range a run accepts (RunConfig's kMin/kMaxTimeBudgetSeconds), nothing changes and false is
  // returned.
  bool setTimeBudget(double seconds);
  // Re-checks whether the chosen workload's dataset is on disk (after a download).
  void refreshDataStatus() { updateDataStatus(); }

  // The data-parallel run the setup asks for: "Data-parallel over the ticked devices"
  // makes one run of all the ticked GPUs, or of `cpuRanks` ranks on the CPU. Empty when off.
  std::optional<DataParallelPlan> dataParallelPlan() const;
  void setDataParallel(bool on, int cpuRanks = 0);  // 0 keeps the CPU ranks as they are
  // A data-parallel run's scaling (trainbench-cli --scaling): "weak" gives every rank a full
  // batch, "strong" splits the batch across the ranks (the seed's global batch, as Keras's
  // MirroredStrategy does). Anything else is ignored.
  QString scaling() const;
  void setScaling(const QString& scaling);

  // Sets the fields to what the saved run `result` trained with (workload, device, epochs,
  // batch, seed, threads, precision, execution, images, data source, time budget, and a
  // data-parallel run's scaling and CPU ranks), so that Run runs it
  // again (setup_from_result.cpp). Returns, one sentence each, what the app could not set (a
  // learning rate other than the workload's, a device not on this computer, ...).
  QStringList useSettingsOf(const RunResult& result);

  void saveSettings(QSettings& settings) const;
  // Returns what it could not use ("epochs=-5", "devices=cuda:7 (not on this computer now)"):
  // those keep their defaults.
  QStringList restoreSettings(const QSettings& settings);

  QPushButton* runButton() const { return m_run; }
  QPushButton* stopButton() const { return m_stop; }

 Q_SIGNALS:
  void runRequested();
  void stopRequested();

 private:
  QWidget* buildWorkloadGroup();
  QWidget* buildDeviceGroup();
  QWidget* buildTrainingGroup();
  QWidget* buildDataGroup();
  void applyWorkloadDefaults();
  void updateDataStatus();
  void updateRunEnabled();
  QString dataParallelProblem() const;

  QComboBox* m_workload = nullptr;
  QLabel* m_workloadInfo = nullptr;
  QVector<QCheckBox*> m_devices;
  QCheckBox* m_dataParallel = nullptr;
  QSpinBox* m_cpuRanks = nullptr;
  QComboBox* m_scaling = nullptr;
  QSpinBox* m_threads = nullptr;
  QComboBox* m_precision = nullptr;
  QComboBox* m_execution = nullptr;
  QSpinBox* m_epochs = nullptr;
  QSpinBox* m_batchSize = nullptr;
  QLineEdit* m_learningRate = nullptr;
  SeedField* m_seed = nullptr;
  QSpinBox* m_trainLimit = nullptr;
  QSpinBox* m_testLimit = nullptr;
  QDoubleSpinBox* m_telemetryInterval = nullptr;  // seconds between utilisation samples
  QComboBox* m_length = nullptr;  // full run or quick projected run
  QSpinBox* m_repeats = nullptr;
  QRadioButton* m_useFiles = nullptr;
  QRadioButton* m_useSynthetic = nullptr;
  QLineEdit* m_dataDir = nullptr;
  QLabel* m_dataStatus = nullptr;
  QPushButton* m_run = nullptr;
  QPushButton* m_stop = nullptr;
  bool m_running = false;
};

}  // namespace tb::ui
