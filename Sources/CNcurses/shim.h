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

/* One Unicode scalar with attributes and a colour pair. */
static inline int cn_mvadd_wchar(int y, int x, wchar_t ch, attr_t attrs, short pair) {
    cchar_t cc;
    wchar_t wstr[2] = { ch, L'\0' };
    setcchar(&cc, wstr, attrs, pair, NULL);
    return mvadd_wch(y, x, &cc);
}
#endif
