// The baseline for the window benchmarks: a bare Qt Widgets window of the same Qt, about the
// size of the settings window, with one line of text. Nothing else starts.
#include <QApplication>
#include <QLabel>
#include <QVBoxLayout>
#include <QWidget>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QWidget window;
    window.setWindowTitle(QStringLiteral("Bare Qt Widgets window"));
    auto *layout = new QVBoxLayout(&window);
    layout->addWidget(new QLabel(QStringLiteral("A bare Qt Widgets window."), &window));
    window.resize(640, 480);
    window.show();
    return app.exec();
}
