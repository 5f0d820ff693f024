#include "CKerasGuard.h"
#include <signal.h>
#include <string.h>
#include <unistd.h>

static char guard_message[1024];
static size_t guard_length;
static struct sigaction previous_segv, previous_bus;
static int installed;

static void guard_handler(int signal_number) {
    (void)signal_number;
    ssize_t written = write(STDERR_FILENO, guard_message, guard_length);
    (void)written;
    _exit(1);
}

void ckeras_guard_begin(const char *message) {
    size_t length = strlen(message);
    if (length > sizeof(guard_message) - 2) length = sizeof(guard_message) - 2;
    memcpy(guard_message, message, length);
    guard_message[length] = '\n';
    guard_length = length + 1;
    if (installed) return;
    installed = 1;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = guard_handler;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, &previous_segv);
    sigaction(SIGBUS, &action, &previous_bus);
}

void ckeras_guard_end(void) {
    if (!installed) return;
    installed = 0;
    sigaction(SIGSEGV, &previous_segv, NULL);
    sigaction(SIGBUS, &previous_bus, NULL);
}
