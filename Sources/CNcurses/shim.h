#ifndef DUET_CNCURSES_SHIM_H
#define DUET_CNCURSES_SHIM_H
/* curses.h enables the wide-character API (cchar_t, add_wch, get_wch) only if one of these is set. */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <langinfo.h>
#include <signal.h>
#include <string.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <ncursesw/curses.h>

/* Swift cannot import macros that expand to expressions, nor use C globals safely in Swift 6 mode:
   each gets a static inline wrapper. */
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }
static inline void cn_getmaxyx(WINDOW *w, int *y, int *x) { getmaxyx(w, *y, *x); }
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_a_italic(void) { return A_ITALIC; }
static inline int cn_key_f(int n) { return KEY_F(n); }
static inline int cn_key_resize(void) { return KEY_RESIZE; }
static inline const char *cn_codeset(void) { return nl_langinfo(CODESET); }

/* glibc's wcwidth (declared by wchar.h only under _XOPEN_SOURCE): the width ncurses assumes a character has. */
extern int wcwidth(wchar_t c);
static inline int cn_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }

/* One Unicode scalar with attributes and a colour pair. */
static inline int cn_mvadd_wchar(int y, int x, wchar_t ch, attr_t attrs, short pair) {
    cchar_t cc;
    wchar_t wstr[2] = { ch, L'\0' };
    setcchar(&cc, wstr, attrs, pair, NULL);
    return mvadd_wch(y, x, &cc);
}

/* One grapheme cluster (a spacing character and up to CCHARW_MAX-1 following scalars, NUL-terminated)
   with attributes and an extended colour pair (pairs above 32767 go through setcchar's opts pointer). */
static inline int cn_mvadd_cluster(int y, int x, const wchar_t *wstr, attr_t attrs, int pair) {
    cchar_t cc;
    if (setcchar(&cc, wstr, attrs, 0, &pair) != OK) {
        wchar_t fallback[2] = { L'?', L'\0' };
        setcchar(&cc, fallback, attrs, 0, &pair);
    }
    return mvadd_wch(y, x, &cc);
}

/* One character (no combining marks) with attributes and an extended colour pair: the common case. */
static inline int cn_mvadd_char(int y, int x, unsigned int ch, attr_t attrs, int pair) {
    cchar_t cc;
    wchar_t wstr[2] = { (wchar_t)ch, L'\0' };
    setcchar(&cc, wstr, attrs, 0, &pair);
    return mvadd_wch(y, x, &cc);
}

/* newterm on the process's stdout/stdin (FILE* globals are awkward from Swift). NULL if the terminal
   type is unknown (initscr would print and exit instead). */
static inline SCREEN *cn_newterm(const char *type) { return newterm(type, stdout, stdin); }

/* newterm writing to a file (for `duet bench tui`: real ncurses output cost without a terminal). */
static inline SCREEN *cn_newterm_file(const char *type, const char *path) {
    FILE *out = fopen(path, "w");
    FILE *in = fopen("/dev/null", "r");
    if (!out || !in) return NULL;
    return newterm(type, out, in);
}

/* Reads one key: returns OK (a character in *value), KEY_CODE_YES (a key code in *value) or ERR. */
static inline int cn_get_wch(unsigned int *value) {
    wint_t w = 0;
    int r = wget_wch(stdscr, &w);
    *value = (unsigned int)w;
    return r;
}

/* Writes raw bytes to the terminal (mode switches ncurses does not know, such as bracketed paste). */
static inline void cn_write_tty(const char *s) {
    fflush(stdout);
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        s += w;
        n -= (size_t)w;
    }
}

/* SIGWINCH -> a byte on a wake-up pipe, after calling the handler ncurses installed (which records the
   resize so that the next wget_wch returns KEY_RESIZE). The UI thread sleeps in poll(); the signal may
   be delivered to any thread, so the pipe, not EINTR, is what reliably wakes it. Async-signal-safe. */
/* State lives in function-local statics: Swift emits the bodies of inline functions from this header
   but not header-level variable definitions. All calls come from one Swift file (CursesTerminal), so
   they share one copy. */
static inline struct sigaction *cn_previous_winch(void) { static struct sigaction previous; return &previous; }
static inline volatile int *cn_winch_fd(void) { static volatile int fd = -1; return &fd; }

static inline void cn_winch_handler(int sig, siginfo_t *info, void *context) {
    int saved = errno;
    struct sigaction *previous = cn_previous_winch();
    if (previous->sa_flags & SA_SIGINFO) {
        if (previous->sa_sigaction) previous->sa_sigaction(sig, info, context);
    } else if (previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN && previous->sa_handler != NULL) {
        previous->sa_handler(sig);
    }
    int fd = *cn_winch_fd();
    if (fd >= 0) {
        char byte = 'w';
        ssize_t ignored = write(fd, &byte, 1);
        (void)ignored;
    }
    errno = saved;
}

/* Installs the handler above (call after newterm, so ncurses' own handler is in place to chain to). */
static inline int cn_install_winch_wakeup(int fd) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = cn_winch_handler;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    *cn_winch_fd() = fd;
    return sigaction(SIGWINCH, &action, cn_previous_winch());
}

/* Restores the SIGWINCH handler that was in place before cn_install_winch_wakeup. */
static inline void cn_remove_winch_wakeup(void) {
    *cn_winch_fd() = -1;
    sigaction(SIGWINCH, cn_previous_winch(), NULL);
}
#endif
