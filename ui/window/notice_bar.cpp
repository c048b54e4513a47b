#include "window/notice_bar.h"

#include <QAccessible>
#include <QApplication>

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace tb::ui {

NoticeBar::NoticeBar(QWidget* parent)
    : QFrame(parent), m_label(new QLabel), m_errorIcon(new QLabel) {
  setFrameShape(QFrame::StyledPanel);
  setAutoFillBackground(true);
  m_label->setObjectName(QStringLiteral("noticeText"));
  const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
  m_errorIcon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(iconSize));
  m_errorIcon->setAccessibleName(tr("Error"));
  m_errorIcon->hide();
  m_label->setWordWrap(true);
  // Notices quote file names and file contents: never rendered as HTML.
  m_label->setTextFormat(Qt::PlainText);
  m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* close = new QToolButton;
  close->setText(QStringLiteral("\u2715"));
  close->setToolTip(tr("Dismiss"));
  close->setAccessibleName(tr("Dismiss the notice"));  // not "✕"
  close->setAutoRaise(true);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(8, 4, 4, 4);
  layout->addWidget(m_errorIcon, 0, Qt::AlignTop);
  layout->addWidget(m_label, 1);
  layout->addWidget(close, 0, Qt::AlignTop);
  connect(close, &QToolButton::clicked, this, &QWidget::hide);
  hide();
}

void NoticeBar::showNotice(const QString& text, bool error, const QString& replacing) {
  // A batch of runs can end with several notices in a row (one run failed, the next was
  // disturbed): the latest few stay, newest last, until dismissed.
  if (isHidden()) {
    m_notices.clear();
    m_errors.clear();
  }
  // A word-wrapping label takes minutes to lay out a megabyte: a notice is a few lines.
  const auto shortened = [](const QString& notice) {
    return notice.size() > kMaxNoticeChars ? notice.left(kMaxNoticeChars) + QChar(0x2026) : notice;
  };
  const QString shown = shortened(text);
  for (const QString& gone : {shown, replacing.isEmpty() ? QString() : shortened(replacing)}) {
    m_notices.removeAll(gone);
    m_errors.removeAll(gone);
  }
  m_notices.append(shown);
  if (error) m_errors.append(shown);
  while (m_notices.size() > kMaxNotices) m_errors.removeAll(m_notices.takeFirst());
  const bool anError = !m_errors.isEmpty();
  // Tinted from the palette's highlight or a warm red, so it reads in light and dark themes;
  // always from the window's own colours, never the bar's (each notice would tint it further).
  QPalette colours = parentWidget() ? parentWidget()->palette() : QApplication::palette(this);
  const QColor base = colours.color(QPalette::Window);
  const QColor tint = anError ? QColor(220, 60, 50) : colours.color(QPalette::Highlight);
  const double mix = 0.22;
  colours.setColor(QPalette::Window,
                   QColor::fromRgbF(base.redF() * (1 - mix) + tint.redF() * mix,
                                    base.greenF() * (1 - mix) + tint.greenF() * mix,
                                    base.blueF() * (1 - mix) + tint.blueF() * mix));
  setPalette(colours);
  m_label->setText(m_notices.join(QLatin1Char('\n')));
  m_errorIcon->setVisible(anError);
  show();
  // Said by a screen reader as it appears: focus stays where the user works. An error says so
  // in words, as the icon and the red say it to the eye.
  m_label->setAccessibleName(anError ? tr("Error: %1").arg(m_label->text()) : m_label->text());
  QAccessibleEvent alert(m_label, QAccessible::Alert);
  QAccessible::updateAccessibility(&alert);
}

QString NoticeBar::text() const { return isHidden() ? QString() : m_label->text(); }

}  // namespace tb::ui
