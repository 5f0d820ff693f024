#include "CKerasGuard.h"
#include <signal.h>
#include <string.h>
#include <unistd.h>

static char crash_message[1024], timeout_message[1024];
static size_t crash_length, timeout_length;
static struct sigaction previous_segv, previous_bus, previous_alarm;
static int installed;

static void report_and_exit(const char *message, size_t length) {
    ssize_t written = write(STDERR_FILENO, message, length);
    (void)written;
    _exit(1);
}

static void crash_handler(int signal_number) { (void)signal_number; report_and_exit(crash_message, crash_length); }
static void alarm_handler(int signal_number) { (void)signal_number; report_and_exit(timeout_message, timeout_length); }

static size_t copy_line(char *to, size_t capacity, const char *from) {
    size_t length = strlen(from);
    if (length > capacity - 2) length = capacity - 2;
    memcpy(to, from, length);
    to[length] = '\n';
    return length + 1;
}

void ckeras_guard_begin(const char *crash, const char *timeout, unsigned seconds) {
    crash_length = copy_line(crash_message, sizeof(crash_message), crash);
    timeout_length = copy_line(timeout_message, sizeof(timeout_message), timeout);
    if (!installed) {
        installed = 1;
        struct sigaction action;
        memset(&action, 0, sizeof(action));
        sigemptyset(&action.sa_mask);
        action.sa_handler = crash_handler;
        sigaction(SIGSEGV, &action, &previous_segv);
        sigaction(SIGBUS, &action, &previous_bus);
        action.sa_handler = alarm_handler;
        sigaction(SIGALRM, &action, &previous_alarm);
    }
    alarm(seconds);
}

void ckeras_guard_end(void) {
    if (!installed) return;
    installed = 0;
    alarm(0);
    sigaction(SIGSEGV, &previous_segv, NULL);
    sigaction(SIGBUS, &previous_bus, NULL);
    sigaction(SIGALRM, &previous_alarm, NULL);
}
