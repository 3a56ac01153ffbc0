// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/transporticons.h"

#include <QGuiApplication>
#include <QIconEngine>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>

namespace cmascope::views {

namespace {

class TransportIconEngine : public QIconEngine
{
public:
    explicit TransportIconEngine(TransportGlyph glyph)
        : m_glyph(glyph)
    { }

    QIconEngine* clone() const override { return new TransportIconEngine(m_glyph); }

    void paint(QPainter* painter, const QRect& rect, QIcon::Mode mode, QIcon::State) override
    {
        const QPalette pal = QGuiApplication::palette();
        QColor colour =
            pal.color(mode == QIcon::Disabled ? QPalette::Disabled : QPalette::Active, QPalette::ButtonText);
        if (mode == QIcon::Selected)
            colour = pal.color(QPalette::HighlightedText);
        // A square box in the middle of rect, with a margin.
        const qreal side = std::min(rect.width(), rect.height()) * 0.8;
        const QRectF box(rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2, side, side);
        const qreal h = box.height() * 0.7, top = box.center().y() - h / 2;
        auto triangle = [&](qreal x, qreal w, bool right) {
            QPainterPath p;
            if (right) {
                p.moveTo(x, top);
                p.lineTo(x + w, top + h / 2);
                p.lineTo(x, top + h);
            } else {
                p.moveTo(x + w, top);
                p.lineTo(x, top + h / 2);
                p.lineTo(x + w, top + h);
            }
            p.closeSubpath();
            return p;
        };
        QPainterPath path;
        const qreal bar = std::max<qreal>(1.0, box.width() * 0.14);
        const qreal l = box.left(), w = box.width();
        switch (m_glyph) {
        case TransportGlyph::Play:
            path.addPath(triangle(l + w * 0.2, w * 0.65, true));
            break;
        case TransportGlyph::Pause:
            path.addRect(QRectF(l + w * 0.22, top, w * 0.2, h));
            path.addRect(QRectF(l + w * 0.58, top, w * 0.2, h));
            break;
        case TransportGlyph::Forward:
            path.addPath(triangle(l + w * 0.05, w * 0.45, true));
            path.addPath(triangle(l + w * 0.5, w * 0.45, true));
            break;
        case TransportGlyph::Back:
            path.addPath(triangle(l + w * 0.05, w * 0.45, false));
            path.addPath(triangle(l + w * 0.5, w * 0.45, false));
            break;
        case TransportGlyph::First:
            path.addRect(QRectF(l + w * 0.08, top, bar, h));
            path.addPath(triangle(l + w * 0.08 + bar, w * 0.42, false));
            path.addPath(triangle(l + w * 0.08 + bar + w * 0.4, w * 0.42, false));
            break;
        case TransportGlyph::Last:
            path.addPath(triangle(l + w * 0.08, w * 0.42, true));
            path.addPath(triangle(l + w * 0.48, w * 0.42, true));
            path.addRect(QRectF(l + w * 0.92 - bar, top, bar, h));
            break;
        }
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(colour);
        painter->drawPath(path.simplified());
        painter->restore();
    }

    QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state) override
    {
        return scaledPixmap(size, mode, state, 1.0);
    }

    QPixmap scaledPixmap(const QSize& size, QIcon::Mode mode, QIcon::State state, qreal scale) override
    {
        QPixmap pm(size * scale);
        pm.setDevicePixelRatio(scale);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        paint(&p, QRect(QPoint(0, 0), size), mode, state);
        return pm;
    }

private:
    TransportGlyph m_glyph;
};

} // namespace

QIcon transportIcon(TransportGlyph glyph)
{
    return QIcon(new TransportIconEngine(glyph));
}

} // namespace cmascope::views
