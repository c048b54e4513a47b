// SeedField (seed_field.h): a line edit that takes only digits up to 2^64-1.
#include "panels/seed_field.h"

#include <QValidator>

namespace tb::ui {

namespace {

// Digits only, at most 2^64-1; an empty field may be passed through while typing and reads back
// as the default when the focus leaves it.
class SeedValidator : public QValidator {
 public:
  using QValidator::QValidator;

  State validate(QString& input, int& /*position*/) const override {
    const QString text = input.trimmed();
    if (text.isEmpty()) return Intermediate;
    return SeedField::parse(text) ? Acceptable : Invalid;
  }

  void fixup(QString& input) const override {
    if (input.trimmed().isEmpty()) input = QString::number(SeedField::kDefault);
  }
};

}  // namespace

SeedField::SeedField(QWidget* parent) : QLineEdit(parent) {
  setValidator(new SeedValidator(this));
  setValue(kDefault);
  setToolTip(tr("Random seed for the weights, the shuffle and synthetic data: 0 to "
                "18446744073709551615"));
}

std::uint64_t SeedField::value() const { return parse(text().trimmed()).value_or(kDefault); }

void SeedField::setValue(std::uint64_t seed) { setText(QString::number(seed)); }

std::optional<std::uint64_t> SeedField::parse(const QString& text) {
  // toULongLong takes "+5", " 5" and "0x5" in some forms; a seed is plain digits.
  if (text.isEmpty() || text.size() > 20) return std::nullopt;
  for (const QChar c : text) {
    if (c < u'0' || c > u'9') return std::nullopt;
  }
  bool ok = false;
  const qulonglong seed = text.toULongLong(&ok, 10);
  if (!ok) return std::nullopt;
  return static_cast<std::uint64_t>(seed);
}

}  // namespace tb::ui
