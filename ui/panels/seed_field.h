// The Setup panel's random seed: any whole number from 0 to 2^64-1, as `trainbench-cli run
// --seed` takes and result files record, so every saved run can be typed in again. A spin box
// stops at 2^31-1.
#pragma once

#include <QLineEdit>

#include <cstdint>
#include <optional>

namespace tb::ui {

class SeedField : public QLineEdit {
  Q_OBJECT

 public:
  static constexpr std::uint64_t kDefault = 42;  // the seed scripts' and the CLI's

  explicit SeedField(QWidget* parent = nullptr);

  // The seed shown; the default while the field is empty (being edited).
  std::uint64_t value() const;
  void setValue(std::uint64_t seed);

  // `text` as a seed, or nothing where it is no whole number from 0 to 2^64-1.
  static std::optional<std::uint64_t> parse(const QString& text);
};

}  // namespace tb::ui
