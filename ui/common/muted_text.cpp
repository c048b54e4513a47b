// Readable secondary text under any theme (muted_text.h).
#include "common/muted_text.h"

#include <algorithm>
#include <cmath>

namespace tb::ui {

namespace {

double relativeLuminance(const QColor& color) {
  const auto channel = [](double c) {
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) +
         0.0722 * channel(color.blueF());
}

// `front` as it shows on `back`: its alpha blended in.
QColor over(const QColor& front, const QColor& back) {
  const double alpha = front.alphaF();
  return QColor::fromRgbF(static_cast<float>(front.redF() * alpha + back.redF() * (1 - alpha)),
                          static_cast<float>(front.greenF() * alpha + back.greenF() * (1 - alpha)),
                          static_cast<float>(front.blueF() * alpha + back.blueF() * (1 - alpha)));
}

QColor mix(const QColor& a, const QColor& b, double shareOfA) {
  return QColor::fromRgbF(static_cast<float>(a.redF() * shareOfA + b.redF() * (1 - shareOfA)),
                          static_cast<float>(a.greenF() * shareOfA + b.greenF() * (1 - shareOfA)),
                          static_cast<float>(a.blueF() * shareOfA + b.blueF() * (1 - shareOfA)));
}

constexpr double kMinMutedContrast = 3.0;
// Two thirds of the way from the window to the text: quieter than the text, and readable.
constexpr double kTextShare = 0.65;

}  // namespace

double contrastRatio(const QColor& a, const QColor& b) {
  const double la = relativeLuminance(a);
  const double lb = relativeLuminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QPalette withReadableMutedText(QPalette palette) {
  for (const auto group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) {
    const QColor window = palette.color(group, QPalette::Window);
    const QColor shown = over(palette.color(group, QPalette::PlaceholderText), window);
    if (contrastRatio(shown, window) >= kMinMutedContrast) continue;
    palette.setColor(group, QPalette::PlaceholderText,
                     mix(palette.color(group, QPalette::WindowText), window, kTextShare));
  }
  return palette;
}

}  // namespace tb::ui
