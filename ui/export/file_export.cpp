// File exports through QSaveFile, widget grabs and the clipboard.
#include "export/file_export.h"

#include "common/qcustomplot_include.h"

#include <QBuffer>
#include <QClipboard>
#include <QGuiApplication>
#include <QImage>
#include <QPixmap>
#include <QSaveFile>
#include <QWidget>

#include <sys/resource.h>

#include <algorithm>

namespace tb::ui {

namespace {

void setError(QString* error, const QString& text) {
  if (error) *error = text;
}

}  // namespace

bool writeFileAtomically(const QString& path, const QByteArray& data, QString* error) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) {
    setError(error, path + QStringLiteral(": cannot write: ") + file.errorString());
    return false;
  }
  if (const qint64 written = file.write(data); written != data.size()) {
    // A write cut short (a disk filling up, a file size limit) sets no error in Qt.
    QString why = file.error() != QFileDevice::NoError
                      ? file.errorString()
                      : QStringLiteral("only %1 of %2 bytes written (is the disk full?)")
                            .arg(std::max<qint64>(written, 0))
                            .arg(data.size());
    struct rlimit fileSize {};
    if (::getrlimit(RLIMIT_FSIZE, &fileSize) == 0 && fileSize.rlim_cur != RLIM_INFINITY &&
        static_cast<rlim_t>(data.size()) > fileSize.rlim_cur) {
      why = QStringLiteral("%1 bytes, more than this process's file size limit of %2 KiB (ulimit -f)")
                .arg(data.size())
                .arg(fileSize.rlim_cur / 1024);
    }
    setError(error, path + QStringLiteral(": cannot write: ") + why);
    return false;  // the QSaveFile destructor discards the temporary file
  }
  // Flushed first and checked: Qt 6.4's commit() renames the temporary file into place even
  // when writing out its buffer failed (a full disk), leaving an empty file in place of the old.
  if (!file.flush() || !file.commit()) {
    setError(error, path + QStringLiteral(": cannot write: ") + file.errorString());
    return false;
  }
  return true;
}

bool saveTextFile(const QString& path, const QString& content, QString* error) {
  return writeFileAtomically(path, content.toUtf8(), error);
}

bool saveTextFile(const QString& path, const std::string& content, QString* error) {
  return writeFileAtomically(path, QByteArray::fromStdString(content), error);
}

bool savePng(const QImage& image, const QString& path, QString* error) {
  if (image.isNull()) {
    setError(error, path + QStringLiteral(": nothing to save (empty image)"));
    return false;
  }
  // Encode in memory first: an encoder failure must not even open the target.
  QByteArray png;
  QBuffer buffer(&png);
  buffer.open(QIODevice::WriteOnly);
  if (!image.save(&buffer, "PNG")) {
    setError(error, path + QStringLiteral(": cannot encode the image as PNG"));
    return false;
  }
  return writeFileAtomically(path, png, error);
}

bool savePng(const QPixmap& pixmap, const QString& path, QString* error) {
  return savePng(pixmap.toImage(), path, error);
}

QPixmap plotToPixmap(QCustomPlot* plot, int width, int height, qreal devicePixelRatio) {
  plot->toPixmap(width, height, 1.0);  // lays it out at that size: ticks to fit
  return plot->toPixmap(width, height, devicePixelRatio);
}

QPixmap widgetToPixmap(QWidget* widget, qreal devicePixelRatio) {
  if (!widget) return QPixmap();
  const qreal ratio = devicePixelRatio > 0.0 ? devicePixelRatio : widget->devicePixelRatioF();
  // A plot repaints from cached buffers at screen resolution; asking it to draw itself at the
  // ratio keeps lines and text sharp.
  if (auto* plot = qobject_cast<QCustomPlot*>(widget)) {
    QPixmap pixmap = plot->toPixmap(0, 0, ratio);
    pixmap.setDevicePixelRatio(ratio);
    return pixmap;
  }
  const QSize size = widget->size();
  // What QWidget::grab() does, at a ratio of our choosing: vector content is drawn at full
  // resolution rather than scaled up afterwards.
  QPixmap pixmap((QSizeF(size) * ratio).toSize());
  if (pixmap.isNull()) return pixmap;
  pixmap.setDevicePixelRatio(ratio);
  pixmap.fill(Qt::transparent);
  widget->render(&pixmap, QPoint(), QRegion(QRect(QPoint(), size)),
                 QWidget::DrawWindowBackground | QWidget::DrawChildren);
  return pixmap;
}

bool copyToClipboard(QWidget* widget, qreal devicePixelRatio) {
  QClipboard* clipboard = QGuiApplication::clipboard();
  const QPixmap pixmap = widgetToPixmap(widget, devicePixelRatio);
  if (!clipboard || pixmap.isNull()) return false;
  clipboard->setImage(pixmap.toImage());
  return true;
}

}  // namespace tb::ui
