#include "ExposureWarnings.h"

#include "Exposure.h"
#include "ProjectExposure.h"
#include "ProviderListModel.h"

#include <QLabel>
#include <QVBoxLayout>

namespace Choragen {

namespace {

// The advice as plain text, escaped, with the key page (if any) as a link.
QString linked(const QString &advice, const QString &url)
{
    QString html = advice.toHtmlEscaped();
    if (!url.isEmpty())
        html.replace(url.toHtmlEscaped(),
                     QStringLiteral("<a href=\"%1\">%1</a>").arg(url.toHtmlEscaped()));
    return html;
}

} // namespace

ExposureWarnings::ExposureWarnings(ProviderListModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setObjectName(QStringLiteral("exposureWarnings"));
    m_layout = new QVBoxLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    hide();
}

ExposureWarnings::~ExposureWarnings() = default;

void ExposureWarnings::refresh()
{
    const int generation = ++m_generation;
    checkProjectExposure(m_model.store(), m_model.providers(), this,
                         [this, generation](const ExposureReport &report) {
                             if (generation == m_generation)
                                 showReport(report);
                         });
}

QLabel *ExposureWarnings::addWarning(const QString &objectName, const QString &html)
{
    auto *label = new QLabel(this);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::RichText);
    label->setWordWrap(true);
    label->setOpenExternalLinks(true);
    label->setTextInteractionFlags(Qt::TextBrowserInteraction);
    label->setFrameShape(QFrame::StyledPanel);
    label->setMargin(6);
    label->setText(QStringLiteral("<b>%1</b> %2").arg(tr("Warning:"), html));
    label->setAccessibleName(tr("Warning"));
    m_layout->addWidget(label);
    m_labels << label;
    return label;
}

void ExposureWarnings::showReport(const ExposureReport &report)
{
    qDeleteAll(m_labels);
    m_labels.clear();
    if (report.fileAtRisk())
        addWarning(QStringLiteral("configFileExposureLabel"),
                   fileExposureAdvice(m_model.store().configPath(), report.file).toHtmlEscaped());
    for (const KeyExposure &key : report.keys) {
        for (const Provider &provider : m_model.providers()) {
            if (provider.id == key.providerId)
                addWarning(key.providerId + QStringLiteral("ExposureLabel"),
                           linked(rotationAdvice(provider, key), keyPageUrl(provider)));
        }
    }
    setVisible(!m_labels.isEmpty());
    Q_EMIT checked();
}

} // namespace Choragen
