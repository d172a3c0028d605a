#include "MigrationWizard.h"

#include "CredentialStore.h"
#include "ExposureWarnings.h"
#include "Icons.h"
#include "ProviderListModel.h"
#include "Secret.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QCloseEvent>
#include <QLabel>
#include <QProgressBar>
#include <QTimer>
#include <QVBoxLayout>
#include <QWizardPage>

namespace Choragen {

namespace {

QLabel *wrappingLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    return label;
}

} // namespace

// What was found in the file, each key with a checkbox, and where the checked ones will go.
class FoundPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit FoundPage(MigrationWizard &wizard)
        : m_wizard(wizard)
    {
        setObjectName(QStringLiteral("foundPage"));
        CredentialStore &store = wizard.model().store();
        const QString backend = wizard.model().keychainStatus()
            ? wizard.model().keychainStatus()->backend
            : store.keychain().name();
        setTitle(tr("Your API keys are stored unencrypted"));
        const int count = int(wizard.m_found.size());
        setSubTitle(
            count == 1 ? tr("Choragen found 1 API key in plain text in %1.").arg(store.configPath())
                       : tr("Choragen found %1 API keys in plain text in %2.")
                             .arg(count)
                             .arg(store.configPath()));
        auto *layout = new QVBoxLayout(this);
        auto *intro = wrappingLabel(QStringLiteral("foundIntroLabel"), this);
        intro->setText(tr("Anyone who can read that file, or a backup of it, can use these keys. "
                          "Choose the keys to move into the %1:")
                           .arg(backend));
        layout->addWidget(intro);
        auto *exposure = new ExposureWarnings(wizard.model(), this);
        layout->addWidget(exposure);
        exposure->refresh();
        for (const QString &id : std::as_const(wizard.m_found)) {
            QByteArray secret = store.config().apiKey(id);
            const QString preview = maskSecret(secret);
            wipeSecret(secret);
            const QString label = wizard.labelOf(id);
            auto *box = new QCheckBox(tr("%1   %2").arg(label, preview), this);
            box->setObjectName(id + QStringLiteral("MigrateCheckBox"));
            box->setProperty("providerId", id);
            box->setChecked(true);
            box->setAccessibleName(tr("Move the %1 key (%2)").arg(label, preview));
            connect(box, &QCheckBox::toggled, this, &QWizardPage::completeChanged);
            layout->addWidget(box);
            wizard.m_checkBoxes << box;
        }
        auto *where = wrappingLabel(QStringLiteral("foundWhereLabel"), this);
        where->setText(tr("Each checked key is written to the %1, read back and compared, and only "
                          "then removed from the file. Unchecked keys stay in the file. Nothing "
                          "is lost if this is interrupted: run it again to finish.")
                           .arg(backend));
        layout->addSpacing(8);
        layout->addWidget(where);
        layout->addStretch(1);
        wizard.m_foundErrorLabel = wrappingLabel(QStringLiteral("foundErrorLabel"), this);
        wizard.m_foundErrorLabel->hide();
        layout->addWidget(wizard.m_foundErrorLabel);
        setCommitPage(true);
        setButtonText(QWizard::CommitButton, tr("&Move keys"));
    }

    bool isComplete() const override { return !m_wizard.selectedProviders().isEmpty(); }

private:
    MigrationWizard &m_wizard;
};

// The move: a bar and one line per key (writing, verifying, done or failed).
class ProgressPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit ProgressPage(MigrationWizard &wizard)
        : m_wizard(wizard)
    {
        setObjectName(QStringLiteral("progressPage"));
        setTitle(tr("Moving your keys"));
        setSubTitle(tr("Each key is written to the keychain and read back before it leaves the "
                       "file."));
        auto *layout = new QVBoxLayout(this);
        m_bar = new QProgressBar(this);
        m_bar->setObjectName(QStringLiteral("migrationProgressBar"));
        m_bar->setAccessibleName(tr("Migration progress"));
        m_bar->setValue(0);
        layout->addWidget(m_bar);
        m_lines = new QVBoxLayout;
        layout->addLayout(m_lines);
        m_waitingLabel = wrappingLabel(QStringLiteral("progressWaitingLabel"), this);
        m_waitingLabel->setText(tr("Waiting for keychain… It may be showing an unlock prompt."));
        m_waitingLabel->hide();
        layout->addWidget(m_waitingLabel);
        layout->addStretch(1);
        m_waitingTimer.setSingleShot(true);
        m_waitingTimer.setInterval(wizard.model().waitingDelayMs());
        connect(&m_waitingTimer, &QTimer::timeout, m_waitingLabel, &QWidget::show);
    }

    void initializePage() override
    {
        if (m_started)
            return;
        m_started = true;
        const QStringList ids = m_wizard.selectedProviders();
        m_bar->setRange(0, int(ids.size()));
        for (const QString &id : ids) {
            auto *line = wrappingLabel(id + QStringLiteral("ProgressLabel"), this);
            line->setText(tr("%1: waiting").arg(m_wizard.labelOf(id)));
            m_lines->addWidget(line);
            m_lineById.insert(id, line);
        }
        m_waitingTimer.start();
        // Started from the event loop, so the page is on screen first.
        QTimer::singleShot(0, &m_wizard, [wizard = &m_wizard] { wizard->startMigration(); });
    }

    void step(const MigrationStep &step)
    {
        m_waitingTimer.start();
        m_waitingLabel->hide();
        QLabel *line = m_lineById.value(step.providerId);
        if (!line)
            return;
        using Stage = MigrationStep::Stage;
        const QString label = m_wizard.labelOf(step.providerId);
        QString text;
        switch (step.stage) {
        case Stage::Writing:
            text = tr("%1: writing and reading back…").arg(label);
            break;
        case Stage::Verifying:
            text = tr("%1: checking the keychain…").arg(label);
            break;
        case Stage::Done:
            text = tr("%1: done").arg(label);
            break;
        case Stage::Failed:
            text = tr("%1: failed, stays in the file (%2)").arg(label, step.message);
            break;
        case Stage::Conflict:
            text = tr("%1: conflict, stays in the file (%2)").arg(label, step.message);
            break;
        case Stage::Skipped:
            text = tr("%1: skipped").arg(label);
            break;
        }
        line->setText(text);
        if (step.stage != Stage::Writing && step.stage != Stage::Verifying)
            m_bar->setValue(m_bar->value() + 1);
    }

    void finished()
    {
        m_waitingTimer.stop();
        m_waitingLabel->hide();
        m_bar->setValue(m_bar->maximum());
        const MigrationReport &report = m_wizard.report();
        if (!report.error.ok()) {
            auto *line = wrappingLabel(QStringLiteral("progressErrorLabel"), this);
            line->setText(tr("The move stopped: %1").arg(report.error.text()));
            m_lines->addWidget(line);
        }
        Q_EMIT completeChanged();
    }

    bool isComplete() const override { return m_wizard.isFinished(); }

private:
    MigrationWizard &m_wizard;
    QProgressBar *m_bar = nullptr;
    QVBoxLayout *m_lines = nullptr;
    QLabel *m_waitingLabel = nullptr;
    QTimer m_waitingTimer;
    QHash<QString, QLabel *> m_lineById;
    bool m_started = false;
};

// What moved, what stayed and why, and a check that the file no longer holds the moved keys.
class ResultPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit ResultPage(MigrationWizard &wizard)
        : m_wizard(wizard)
    {
        setObjectName(QStringLiteral("resultPage"));
        auto *layout = new QVBoxLayout(this);
        m_summary = wrappingLabel(QStringLiteral("resultSummaryLabel"), this);
        m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(m_summary);
        m_fileCheck = wrappingLabel(QStringLiteral("resultFileLabel"), this);
        layout->addSpacing(8);
        layout->addWidget(m_fileCheck);
        layout->addStretch(1);
    }

    void initializePage() override
    {
        using Outcome = MigrationItem::Outcome;
        const MigrationReport &report = m_wizard.report();
        CredentialStore &store = m_wizard.model().store();
        QStringList moved;
        QStringList stayed;
        for (const MigrationItem &item : report.items) {
            const QString label = m_wizard.labelOf(item.providerId);
            if (item.outcome == Outcome::Moved)
                moved << tr("%1 (%2)").arg(label, item.preview);
            else if (item.outcome == Outcome::AlreadyThere)
                moved << tr("%1 (%2, already in the keychain)").arg(label, item.preview);
            else
                stayed << tr("%1: %2").arg(label, item.error.text());
        }
        const QStringList selected = m_wizard.selectedProviders();
        for (const QString &id : m_wizard.foundProviders()) {
            if (!selected.contains(id))
                stayed << tr("%1: not selected").arg(m_wizard.labelOf(id));
        }
        const bool allMoved = report.error.ok() && stayed.isEmpty();
        setTitle(allMoved ? tr("Your keys are in the keychain")
                          : tr("Some keys stayed in the file"));
        setSubTitle(tr("What happened to each key, checked against the file as it is now."));
        QStringList text;
        if (!report.error.ok())
            text << tr("Nothing was moved: %1").arg(report.error.text());
        if (!moved.isEmpty())
            text << tr("Moved to the keychain:") + QLatin1Char('\n') + QStringLiteral("  • ")
                    + moved.join(QStringLiteral("\n  • "));
        if (!stayed.isEmpty())
            text << tr("Stayed in the file:") + QLatin1Char('\n') + QStringLiteral("  • ")
                    + stayed.join(QStringLiteral("\n  • "));
        m_summary->setText(text.join(QStringLiteral("\n\n")));

        // Checked against the file as it is now, not as the report says.
        store.reload();
        const QStringList inFile = store.config().apiKeyProviders();
        QStringList lingering;
        for (const MigrationItem &item : report.items) {
            if ((item.outcome == Outcome::Moved || item.outcome == Outcome::AlreadyThere)
                && inFile.contains(item.providerId))
                lingering << m_wizard.labelOf(item.providerId);
        }
        if (moved.isEmpty())
            m_fileCheck->setText(tr("%1 was not changed.").arg(store.configPath()));
        else if (lingering.isEmpty())
            m_fileCheck->setText(tr("%1 no longer holds the moved keys.").arg(store.configPath()));
        else
            m_fileCheck->setText(
                tr("%1 still holds %2; run the move again to finish.")
                    .arg(store.configPath(), lingering.join(QStringLiteral(", "))));
    }

private:
    MigrationWizard &m_wizard;
    QLabel *m_summary = nullptr;
    QLabel *m_fileCheck = nullptr;
};

MigrationWizard::MigrationWizard(ProviderListModel &model, QWidget *parent)
    : QWizard(parent)
    , m_model(model)
    , m_migrator(model.store())
{
    setObjectName(QStringLiteral("migrationWizard"));
    setWindowTitle(tr("Secure your API keys"));
    setWindowIcon(Icons::appIcon());
    setWizardStyle(QWizard::ModernStyle);
    setPixmap(QWizard::LogoPixmap, Icons::appIcon().pixmap(QSize(48, 48), devicePixelRatioF()));
    setOptions(QWizard::HaveCustomButton1 | QWizard::HaveCustomButton2
               | QWizard::NoBackButtonOnStartPage | QWizard::NoBackButtonOnLastPage);
    setButtonText(NotNowButton, tr("&Not now"));
    setButtonText(KeepInFileButton, tr("&Keep keys in file"));
    button(NotNowButton)->setObjectName(QStringLiteral("notNowButton"));
    button(NotNowButton)->setToolTip(tr("Close; Choragen asks again next time."));
    button(KeepInFileButton)->setObjectName(QStringLiteral("keepInFileButton"));
    button(KeepInFileButton)
        ->setToolTip(tr("Keep the keys unencrypted in the file and stop "
                        "asking. The settings window can start the move "
                        "later."));

    CredentialStore &store = model.store();
    store.reload();
    m_found = store.config().apiKeyProviders();

    setPage(FoundPageId, new FoundPage(*this));
    setPage(ProgressPageId, new ProgressPage(*this));
    setPage(ResultPageId, new ResultPage(*this));
    setStartId(FoundPageId);

    connect(this, &QWizard::currentIdChanged, this, &MigrationWizard::updateButtonLayout);
    connect(this, &QWizard::customButtonClicked, this, [this](int which) {
        if (which == NotNowButton) {
            m_outcome = Outcome::NotNow;
            reject();
        } else if (which == KeepInFileButton) {
            keepKeysInFile();
        }
    });
    updateButtonLayout(FoundPageId);
    resize(640, 480);
}

MigrationWizard::~MigrationWizard() = default;

QStringList MigrationWizard::selectedProviders() const
{
    QStringList ids;
    for (const QCheckBox *box : m_checkBoxes) {
        if (box->isChecked())
            ids << box->property("providerId").toString();
    }
    return ids;
}

QString MigrationWizard::labelOf(const QString &providerId) const
{
    const int row = m_model.rowOf(providerId);
    return row >= 0 ? m_model.provider(row).label : providerId;
}

void MigrationWizard::updateButtonLayout(int pageId)
{
    switch (pageId) {
    case FoundPageId:
        setButtonLayout({NotNowButton, KeepInFileButton, QWizard::Stretch, QWizard::CommitButton});
        break;
    case ProgressPageId:
        setButtonLayout({QWizard::Stretch, QWizard::NextButton});
        break;
    default:
        setButtonLayout({QWizard::Stretch, QWizard::FinishButton});
        break;
    }
}

void MigrationWizard::keepKeysInFile()
{
    // Another process may hold the config file's lock for a moment: the choice lands once it is
    // free, and cannot be made twice meanwhile.
    QAbstractButton *keep = button(KeepInFileButton);
    keep->setEnabled(false);
    m_model.keepKeysInFile(this, [this, keep](const Error &error) {
        keep->setEnabled(true);
        if (!error.ok()) {
            m_foundErrorLabel->setText(tr("Could not record the choice: %1").arg(error.text()));
            m_foundErrorLabel->show();
            return;
        }
        // Closed meanwhile ("Not now"): that answer stands for this run.
        if (!isVisible())
            return;
        m_outcome = Outcome::KeptInFile;
        QWizard::reject();
    });
}

void MigrationWizard::startMigration()
{
    m_running = true;
    m_outcome = Outcome::Migrated;
    MigrationOptions options;
    options.only = selectedProviders();
    auto *progress = static_cast<ProgressPage *>(page(ProgressPageId));
    m_migrator.migrate(
        options, [progress](const MigrationStep &step) { progress->step(step); },
        [this, progress](const MigrationReport &report) {
            m_report = report;
            m_running = false;
            m_finished = true;
            progress->finished();
            Q_EMIT migrationFinished();
        });
}

void MigrationWizard::reject()
{
    // Closing mid-move would leave keys in both places; it finishes in moments.
    if (m_running)
        return;
    QWizard::reject();
}

void MigrationWizard::closeEvent(QCloseEvent *event)
{
    if (m_running) {
        event->ignore();
        return;
    }
    QWizard::closeEvent(event);
}

} // namespace Choragen

#include "MigrationWizard.moc"
