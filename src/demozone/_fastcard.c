/* The batch scoring kernel: one JSON input line in, its scorecard JSON out, or None.
 *
 * demozone/core/fastlane.py compiles a framework into the tables this kernel runs: every text
 * fragment, key and constant comes from there (and from the Python engine behind it), so this
 * file holds no wording and no indicator. The kernel accepts only what it is sure of: a line it
 * cannot read, a figure out of its exact range, a missing figure, a warning to give, anything
 * unusual at all, and it returns None, so that the line takes the Python path, which is the
 * reference and words every error. tests/core/test_fastlane.py holds the two paths byte-equal.
 * Why a compiled kernel at all: docs/decisions/0011-compiled-batch-kernel.md.
 *
 * Numbers are exact: a figure is an integer mantissa and a count of decimal places, products and
 * comparisons use 128-bit integers, and the one division (a percentage shown in a reason) is
 * done digit by digit the way Python's decimal module does it in the engine's display context.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef __int128 i128;

#define BAIL (-1)
/* Where the last line stepped aside (the innermost check that failed), for tests and for
 * finding what the kernel lacks. */
static int stepped_aside_at;
#define STEP_ASIDE (stepped_aside_at = stepped_aside_at ? stepped_aside_at : __LINE__, BAIL)
#define MAX_YEARS 101 /* 2000..2100, as inputs.py accepts */
#define MIN_YEAR 2000
#define MAX_YEAR 2100
#define MAX_OPS 64
#define MAX_JUDGED 256
#define MAX_DEPTH_DIGITS 256
#define MAX_NODES 64

/* ------------------------------------------------------------------------------------------ */
/* values */

typedef struct {
    i128 m; /* value = m / 10^s */
    int s;
} Dec;

static i128 POW10[39];

static void init_pow10(void) {
    POW10[0] = 1;
    for (int i = 1; i < 39; i++) POW10[i] = POW10[i - 1] * 10;
}

static inline Dec dec_mul(Dec a, Dec b) {
    Dec r = {a.m * b.m, a.s + b.s};
    return r;
}

static inline int sign_of(i128 m) { return (m > 0) - (m < 0); }

/* -1, 0, 1 as a < b, a == b, a > b; exact for any two products of accepted figures (their
 * mantissas stay below 2^126). */
static int dec_cmp(Dec a, Dec b) {
    if (a.s != b.s && a.m != 0 && b.m != 0) {
        Dec *lo = a.s < b.s ? &a : &b; /* the one to scale up */
        Dec *hi = a.s < b.s ? &b : &a;
        int d = hi->s - lo->s;
        i128 mag = lo->m < 0 ? -lo->m : lo->m;
        if (d > 38 || mag > (((i128)1 << 126) / POW10[d])) {
            /* |lo| scaled up is beyond any |hi| mantissa: lo's sign decides */
            return lo == &a ? sign_of(lo->m) : -sign_of(lo->m);
        }
        lo->m *= POW10[d];
        lo->s = hi->s;
    }
    if (a.m == 0 || b.m == 0) return sign_of(a.m) - sign_of(b.m) > 0 ? 1 : (sign_of(a.m) - sign_of(b.m) < 0 ? -1 : 0);
    return a.m < b.m ? -1 : (a.m > b.m ? 1 : 0);
}

enum { OP_GT, OP_GE, OP_EQ, OP_LT, OP_LE };

static int holds(int op, int c) {
    switch (op) {
        case OP_GT: return c > 0;
        case OP_GE: return c >= 0;
        case OP_EQ: return c == 0;
        case OP_LT: return c < 0;
        default: return c <= 0;
    }
}

/* A decimal as whole units of 1/10000 point; steps aside when it is not one, or too large
 * (scores and their sums stay far below 2^50 units). */
static int to_units(Dec d, int64_t *out) {
    i128 u;
    if (d.s <= 4) {
        if (d.m > ((i128)1 << 50) || d.m < -((i128)1 << 50)) return STEP_ASIDE;
        u = d.m * POW10[4 - d.s];
    } else {
        if (d.s > 38) return STEP_ASIDE;
        i128 p = POW10[d.s - 4];
        if (d.m % p != 0) return STEP_ASIDE;
        u = d.m / p;
    }
    if (u > ((i128)1 << 50) || u < -((i128)1 << 50)) return STEP_ASIDE;
    *out = (int64_t)u;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* output buffers */

typedef struct {
    char *p;
    Py_ssize_t n, cap;
} Buf;

static int buf_reserve(Buf *b, Py_ssize_t more) {
    if (b->n + more <= b->cap) return 0;
    Py_ssize_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + more) cap *= 2;
    char *p = PyMem_Realloc(b->p, cap);
    if (!p) {
        PyErr_NoMemory();
        return -2;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

static inline int put(Buf *b, const char *s, Py_ssize_t n) {
    if (buf_reserve(b, n) < 0) return -2;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    return 0;
}

typedef struct {
    const char *p;
    Py_ssize_t n;
} Frag;

static inline int putf(Buf *b, Frag f) { return put(b, f.p, f.n); }

#define PUT(b, s) put((b), (s), (Py_ssize_t)(sizeof(s) - 1))

static int put_int(Buf *b, int64_t v) {
    char tmp[24];
    int i = 24, neg = v < 0;
    uint64_t u = neg ? (uint64_t)(-v) : (uint64_t)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg) tmp[--i] = '-';
    return put(b, tmp + i, 24 - i);
}

/* plain(): a figure with no exponent and no trailing zeros, as numbers.plain writes it. */
static int put_plain(Buf *b, Dec d) {
    char tmp[128];
    int i = 128;
    if (d.s > 80) return STEP_ASIDE;
    int neg = d.m < 0;
    unsigned __int128 u = neg ? (unsigned __int128)(-d.m) : (unsigned __int128)d.m;
    int s = d.s;
    /* drop trailing zeros of the fraction */
    while (s > 0 && u % 10 == 0) {
        u /= 10;
        s--;
    }
    int written = 0;
    do {
        tmp[--i] = (char)('0' + (int)(u % 10));
        u /= 10;
        written++;
        if (written == s) tmp[--i] = '.';
    } while (u || written < s);
    if (written == s) tmp[--i] = '0'; /* "0.5": the point was written last */
    if (neg) tmp[--i] = '-';
    return put(b, tmp + i, 128 - i);
}

/* A score as Scorecard.to_dict writes it (scorecard.number, then orjson): an integer when whole,
 * else rounded half up to 2 decimals as a float. */
static int put_score(Buf *b, int64_t u) {
    if (u < 0) return STEP_ASIDE;
    if (u % 10000 == 0) return put_int(b, u / 10000);
    int64_t h = (u + 50) / 100;
    if (put_int(b, h / 100) < 0) return -2;
    char frac[3] = {'.', (char)('0' + (h % 100) / 10), (char)('0' + h % 10)};
    return put(b, frac, (h % 10) ? 3 : 2);
}

/* A level's rate as LevelResult.to_dict writes it: total / max rounded half up to 4 places,
 * as a float (so 1 is "1.0"). total and max are small: no double rounding to mind. */
static int put_rate(Buf *b, int64_t total, int64_t max) {
    if (total < 0 || max <= 0) return STEP_ASIDE;
    int64_t r = (2 * total * 10000 + max) / (2 * max);
    if (put_int(b, r / 10000) < 0) return -2;
    int f = (int)(r % 10000);
    if (f == 0) return PUT(b, ".0");
    char frac[5] = {'.', (char)('0' + f / 1000), (char)('0' + f / 100 % 10), (char)('0' + f / 10 % 10),
                    (char)('0' + f % 10)};
    int n = 5;
    while (frac[n - 1] == '0') n--;
    return put(b, frac, n);
}

/* ------------------------------------------------------------------------------------------ */
/* shown percentages: Q.shown in core/scoring.py, digit for digit.
 * Python: value = num / den rounded to 40 digits half even; optionally − 1 (again to 40 digits);
 * × 100; quantized to 2 places half up. Digits are kept most significant first with an
 * exponent: value = digits × 10^exp. */

typedef struct {
    int neg;
    int n;   /* number of digits */
    int exp; /* value = digits × 10^exp */
    unsigned char d[MAX_DEPTH_DIGITS];
} Digits;

enum { SHOW_RATIO, SHOW_SHARE, SHOW_GROWTH };

/* Round to at most 40 significant digits, half even; `sticky`: nonzero digits were dropped
 * beyond d[n-1] already (the remainder of a division). */
static void round40(Digits *v, int sticky) {
    int lead = 0;
    while (lead < v->n && v->d[lead] == 0) lead++;
    int sig = v->n - lead;
    if (sig <= 40) {
        return;
    }
    int keep = lead + 40;
    int first = v->d[keep];
    int rest = sticky;
    for (int i = keep + 1; i < v->n && !rest; i++) rest = v->d[i] != 0;
    int up = first > 5 || (first == 5 && (rest || (v->d[keep - 1] & 1)));
    v->exp += v->n - keep;
    v->n = keep;
    if (up) {
        int i = keep - 1;
        while (i >= 0 && v->d[i] == 9) v->d[i--] = 0;
        if (i >= 0) {
            v->d[i]++;
        } else { /* 999… became 1000…: one more digit in front */
            memmove(v->d + 1, v->d, v->n);
            v->d[0] = 1;
            v->n++;
        }
    }
}

/* num / den (both > 0 denominators, num >= 0) to 40 significant digits, half even. */
static int divide40(Dec num, Dec den, Digits *v) {
    if (num.m < 0 || den.m <= 0) return STEP_ASIDE;
    v->neg = 0;
    v->n = 0;
    unsigned __int128 n = (unsigned __int128)num.m, dn = (unsigned __int128)den.m;
    unsigned __int128 q = n / dn, r = n % dn;
    /* integer digits */
    unsigned char tmp[48];
    int t = 0;
    while (q) {
        tmp[t++] = (unsigned char)(q % 10);
        q /= 10;
    }
    while (t) v->d[v->n++] = tmp[--t];
    int frac = 0;
    int sig = v->n; /* integer digits are all significant (no leading zeros) */
    while (r && (sig < 41)) {
        if (v->n >= MAX_DEPTH_DIGITS - 2) return STEP_ASIDE;
        r *= 10;
        unsigned char digit = (unsigned char)(r / dn);
        r %= dn;
        v->d[v->n++] = digit;
        frac++;
        if (sig || digit) sig++;
    }
    if (v->n == 0) { /* exactly zero */
        v->d[0] = 0;
        v->n = 1;
    }
    v->exp = -frac + (den.s - num.s);
    /* half-even at 40 digits: the 41st digit (if produced) and the remainder decide */
    if (sig > 40) {
        round40(v, r != 0);
    }
    return 0;
}

/* v − 1, exactly, then rounded to 40 digits half even (Decimal subtract in a 40-digit context). */
static int minus_one(Digits *v) {
    int e = v->exp < 0 ? v->exp : 0;
    /* aligned lengths: a = v.d followed by (v.exp − e) zeros; b = 1 followed by (−e) zeros */
    int alen = v->n + (v->exp - e);
    int blen = 1 - e;
    int len = alen > blen ? alen : blen;
    if (len >= MAX_DEPTH_DIGITS) return STEP_ASIDE;
    unsigned char a[MAX_DEPTH_DIGITS], bb[MAX_DEPTH_DIGITS];
    memset(a, 0, len);
    memset(bb, 0, len);
    memcpy(a + (len - alen), v->d, v->n);
    bb[len - blen] = 1;
    int cmp = memcmp(a, bb, len);
    unsigned char *big = cmp >= 0 ? a : bb, *small = cmp >= 0 ? bb : a;
    int borrow = 0;
    for (int i = len - 1; i >= 0; i--) {
        int x = big[i] - small[i] - borrow;
        borrow = x < 0;
        v->d[i] = (unsigned char)(borrow ? x + 10 : x);
    }
    v->n = len;
    v->exp = e;
    v->neg = cmp < 0;
    round40(v, 0);
    return 0;
}

/* The value quantized to 2 places half up, written as str(Decimal) writes it. */
static int put_two_places(Buf *b, const Digits *v) {
    /* value × 100 as an integer of hundredths, with the first dropped digit deciding */
    int shift = v->exp + 2; /* exponent of the digits in hundredths */
    unsigned char out[MAX_DEPTH_DIGITS + 4];
    int n = 0;
    int up = 0;
    if (shift >= 0) {
        if (v->n + shift >= MAX_DEPTH_DIGITS) return STEP_ASIDE;
        memcpy(out, v->d, v->n);
        n = v->n;
        memset(out + n, 0, shift);
        n += shift;
    } else {
        int keep = v->n + shift; /* digits at or above the hundredths */
        if (keep > 0) {
            memcpy(out, v->d, keep);
            n = keep;
            up = v->d[keep] >= 5;
        } else {
            n = 0;
            up = keep == 0 && v->d[0] >= 5;
        }
    }
    if (up) {
        int i = n - 1;
        while (i >= 0 && out[i] == 9) out[i--] = 0;
        if (i >= 0) {
            out[i]++;
        } else {
            memmove(out + 1, out, n);
            out[0] = 1;
            n++;
        }
    }
    /* out[0..n) is the value in hundredths: written as d…d.dd, at least 0.dd */
    int lead = 0;
    while (lead < n && out[lead] == 0) lead++;
    char text[MAX_DEPTH_DIGITS + 8];
    int t = 0;
    if (v->neg) text[t++] = '-';
    int len = n - lead;
    if (len <= 2) {
        text[t++] = '0';
        text[t++] = '.';
        text[t++] = (char)('0' + (len == 2 ? out[lead] : 0));
        text[t++] = (char)('0' + (len >= 1 ? out[n - 1] : 0));
    } else {
        for (int i = lead; i < n - 2; i++) text[t++] = (char)('0' + out[i]);
        text[t++] = '.';
        text[t++] = (char)('0' + out[n - 2]);
        text[t++] = (char)('0' + out[n - 1]);
    }
    return put(b, text, t);
}

static int put_shown(Buf *b, Dec num, Dec den, int mode) {
    Digits v;
    if (divide40(num, den, &v) < 0) return STEP_ASIDE;
    if (mode == SHOW_GROWTH && minus_one(&v) < 0) return STEP_ASIDE;
    if (mode != SHOW_RATIO) v.exp += 2;
    return put_two_places(b, &v);
}

/* ------------------------------------------------------------------------------------------ */
/* key maps: the framework's metric ids and item ids, looked up by their JSON text */

typedef struct {
    const char *k;
    Py_ssize_t n;
    int v;
} Entry;

typedef struct {
    Entry *e;
    uint32_t mask;
} KeyMap;

static uint32_t hash(const char *s, Py_ssize_t n) {
    uint32_t h = 2166136261u;
    for (Py_ssize_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int map_init(KeyMap *m, Py_ssize_t count) {
    uint32_t size = 8;
    while (size < (uint32_t)count * 2 + 2) size *= 2;
    m->e = PyMem_Calloc(size, sizeof(Entry));
    if (!m->e) {
        PyErr_NoMemory();
        return -1;
    }
    m->mask = size - 1;
    return 0;
}

static void map_put(KeyMap *m, const char *k, Py_ssize_t n, int v) {
    uint32_t i = hash(k, n) & m->mask;
    while (m->e[i].k) i = (i + 1) & m->mask;
    m->e[i].k = k;
    m->e[i].n = n;
    m->e[i].v = v;
}

static int map_get(const KeyMap *m, const char *k, Py_ssize_t n) {
    uint32_t i = hash(k, n) & m->mask;
    while (m->e[i].k) {
        if (m->e[i].n == n && memcmp(m->e[i].k, k, n) == 0) return m->e[i].v;
        i = (i + 1) & m->mask;
    }
    return -1;
}

/* ------------------------------------------------------------------------------------------ */
/* reading the spec built by fastlane.py */

static int get_frag(PyObject *o, Frag *f) {
    if (!PyBytes_Check(o)) {
        PyErr_SetString(PyExc_TypeError, "fragment must be bytes");
        return -1;
    }
    f->p = PyBytes_AS_STRING(o);
    f->n = PyBytes_GET_SIZE(o);
    return 0;
}

static int get_int(PyObject *o, long long *out) {
    long long v = PyLong_AsLongLong(o);
    if (v == -1 && PyErr_Occurred()) return -1;
    *out = v;
    return 0;
}

/* item `i` of tuple `t`, checked */
static PyObject *at(PyObject *t, Py_ssize_t i) {
    if (!PyTuple_Check(t) || i >= PyTuple_GET_SIZE(t)) {
        PyErr_Format(PyExc_ValueError, "spec: tuple too short for item %zd", i);
        return NULL;
    }
    return PyTuple_GET_ITEM(t, i);
}

#define FRAG(t, i, dst) \
    do { \
        PyObject *_o = at((t), (i)); \
        if (!_o || get_frag(_o, &(dst)) < 0) return -1; \
    } while (0)
#define INT(t, i, dst) \
    do { \
        long long _v; \
        PyObject *_o = at((t), (i)); \
        if (!_o || get_int(_o, &_v) < 0) return -1; \
        (dst) = _v; \
    } while (0)

/* a decimal given as (mantissa, places) */
static int get_dec(PyObject *o, Dec *d) {
    long long s;
    PyObject *m = at(o, 0);
    if (!m) return -1;
    INT(o, 1, s);
    int overflow = 0;
    long long mv = PyLong_AsLongLongAndOverflow(m, &overflow);
    if (overflow || (mv == -1 && PyErr_Occurred())) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_OverflowError, "spec: decimal too large");
        return -1;
    }
    if (s < 0 || s > 30) {
        PyErr_SetString(PyExc_ValueError, "spec: decimal places out of range");
        return -1;
    }
    d->m = mv;
    d->s = (int)s;
    return 0;
}

#define DEC(t, i, dst) \
    do { \
        PyObject *_o = at((t), (i)); \
        if (!_o || get_dec(_o, &(dst)) < 0) return -1; \
    } while (0)

/* ------------------------------------------------------------------------------------------ */
/* the program for one pair of evaluated years */

enum { EX_COUNT, EX_COUNT_TIMES, EX_RATIO, EX_RATE, EX_CONST, EX_GROWTH, EX_SHARE, EX_NEVER };

typedef struct {
    int kind;
    int a, b, c; /* slot indices: count / numerator / stated; denominator / level / part; whole */
    int year;
    Dec k;          /* times (COUNT_TIMES); constant numerator (CONST) */
    Dec k2;         /* constant denominator (CONST) */
    Frag f[5];      /* text fragments */
} Expr;

typedef struct {
    int left, right, op;
    Frag said_met, said_unmet;
} Test;

typedef struct {
    int64_t score_u;
    int severity;
    Frag text; /* the whole JSON (judged), or the item's JSON up to its reason's figures */
    Frag tail; /* after the figures: the rest of the reason and the item's end */
} Form;

enum { IT_JUDGED, IT_COMPARE, IT_BANDS, IT_THRESHOLD, IT_CAPPED };

typedef struct {
    int kind;
    int judge; /* JUDGED: judgeable index */
    int nforms;
    Form *forms;  /* JUDGED: by judgment code; BANDS/THRESHOLD: by band reached, then none */
    Frag met_head, unmet_head, met_tail, unmet_tail, prefix, joiner;
    int64_t points_u;
    int ntests;
    Test *tests;
    int expr; /* BANDS: the ratio; CAPPED: the count slot */
    int nbands;
    Dec *band_min;
    Dec thr[3];
    Frag zone_prefix[3];
    Frag n_suffix, colon, open, year_sfx, unit_close, sep; /* THRESHOLD */
    Dec per_unit;                                          /* CAPPED */
    Frag head, mid, lead, tail, award_pre, award_post, award_none;
} Item;

enum { IND_TABLE, IND_ITEMS };

typedef struct {
    int kind;
    int level, group;
    Frag head;
    Frag mid[4];
    int nitems;
    Item *items;
    int nids;
    int *ids;
    int *sizes;
    int nentries;
    Form *entries;
} Ind;

typedef struct {
    Frag head, mid, code;
    int64_t max_u, least_u;
} Node;

typedef struct {
    int used, bool_only;
    int64_t step_u, max_u;
} Judgeable;

typedef struct {
    PyObject_HEAD
    PyObject *spec;
    KeyMap judge_map;
    int njudge;
    Judgeable *judge;
    int nexpr;
    Expr *expr;
    int nind;
    Ind *ind;
    int nlevel;
    Node *level;
    int ngroup;
    Node *group;
    Frag top_head, years_json, max_total;
    int64_t total_min_u;
    int year0;
} Program;

static void program_free_parts(Program *p) {
    for (int i = 0; i < p->nind; i++) {
        Ind *ind = &p->ind[i];
        for (int j = 0; j < ind->nitems; j++) {
            PyMem_Free(ind->items[j].forms);
            PyMem_Free(ind->items[j].tests);
            PyMem_Free(ind->items[j].band_min);
        }
        PyMem_Free(ind->items);
        PyMem_Free(ind->ids);
        PyMem_Free(ind->sizes);
        PyMem_Free(ind->entries);
    }
    PyMem_Free(p->ind);
    PyMem_Free(p->expr);
    PyMem_Free(p->judge);
    PyMem_Free(p->judge_map.e);
    PyMem_Free(p->level);
    PyMem_Free(p->group);
}

static void Program_dealloc(Program *p) {
    program_free_parts(p);
    Py_XDECREF(p->spec);
    Py_TYPE(p)->tp_free((PyObject *)p);
}

static void *calloc_n(Py_ssize_t n, size_t size) {
    void *p = PyMem_Calloc(n ? n : 1, size);
    if (!p) PyErr_NoMemory();
    return p;
}

static int read_forms(PyObject *t, Form **out, int *count) {
    if (!PyTuple_Check(t)) {
        PyErr_SetString(PyExc_TypeError, "spec: forms must be a tuple");
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(t);
    Form *forms = calloc_n(n, sizeof(Form));
    if (!forms) return -1;
    *out = forms;
    *count = (int)n;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *f = PyTuple_GET_ITEM(t, i);
        INT(f, 0, forms[i].score_u);
        INT(f, 1, forms[i].severity);
        FRAG(f, 2, forms[i].text);
        FRAG(f, 3, forms[i].tail);
        if (forms[i].severity < 0 || forms[i].severity > 3) {
            PyErr_SetString(PyExc_ValueError, "spec: severity out of range");
            return -1;
        }
    }
    return 0;
}

static int read_expr(PyObject *t, Expr *e) {
    INT(t, 0, e->kind);
    switch (e->kind) {
        case EX_COUNT: /* (kind, slot, name) */
            INT(t, 1, e->a);
            FRAG(t, 2, e->f[0]);
            break;
        case EX_COUNT_TIMES: /* (kind, slot, name, times, middle) */
            INT(t, 1, e->a);
            FRAG(t, 2, e->f[0]);
            DEC(t, 3, e->k);
            FRAG(t, 4, e->f[1]);
            break;
        case EX_RATIO: /* (kind, num slot, den slot, lead, " / ", " = ", "%") */
            INT(t, 1, e->a);
            INT(t, 2, e->b);
            for (int i = 0; i < 4; i++) FRAG(t, 3 + i, e->f[i]);
            break;
        case EX_RATE: /* (kind, scope, slot, lead, "%") */
            INT(t, 1, e->c);
            INT(t, 2, e->a);
            FRAG(t, 3, e->f[0]);
            FRAG(t, 4, e->f[1]);
            break;
        case EX_CONST: /* (kind, num, den, text) */
            DEC(t, 1, e->k);
            DEC(t, 2, e->k2);
            FRAG(t, 3, e->f[0]);
            break;
        case EX_GROWTH: /* (kind, stated slot|-1, level slot, year, lead, stated tail, computed head, sep, tail) */
        case EX_SHARE:  /* (kind, stated slot|-1, part slot, year, …, whole slot) */
            INT(t, 1, e->a);
            INT(t, 2, e->b);
            INT(t, 3, e->year);
            for (int i = 0; i < 5; i++) FRAG(t, 4 + i, e->f[i]);
            if (e->kind == EX_SHARE) INT(t, 9, e->c);
            if (e->year < MIN_YEAR || e->year > MAX_YEAR) {
                PyErr_SetString(PyExc_ValueError, "spec: year out of range");
                return -1;
            }
            break;
        case EX_NEVER:
            break;
        default:
            PyErr_SetString(PyExc_ValueError, "spec: unknown expression kind");
            return -1;
    }
    return 0;
}

static int read_item(PyObject *t, Item *it) {
    INT(t, 0, it->kind);
    switch (it->kind) {
        case IT_JUDGED: /* (kind, judgeable, forms by code) */
            INT(t, 1, it->judge);
            return read_forms(at(t, 2), &it->forms, &it->nforms);
        case IT_COMPARE: { /* (kind, met head, unmet head, met tail, unmet tail, prefix, joiner, tests) */
            FRAG(t, 1, it->met_head);
            FRAG(t, 2, it->unmet_head);
            FRAG(t, 3, it->met_tail);
            FRAG(t, 4, it->unmet_tail);
            FRAG(t, 5, it->prefix);
            FRAG(t, 6, it->joiner);
            INT(t, 7, it->points_u);
            PyObject *tests = at(t, 8);
            if (!tests || !PyTuple_Check(tests)) return -1;
            it->ntests = (int)PyTuple_GET_SIZE(tests);
            it->tests = calloc_n(it->ntests, sizeof(Test));
            if (!it->tests) return -1;
            for (int i = 0; i < it->ntests; i++) {
                PyObject *x = PyTuple_GET_ITEM(tests, i);
                INT(x, 0, it->tests[i].left);
                INT(x, 1, it->tests[i].right);
                INT(x, 2, it->tests[i].op);
                FRAG(x, 3, it->tests[i].said_met);
                FRAG(x, 4, it->tests[i].said_unmet);
            }
            return 0;
        }
        case IT_BANDS: { /* (kind, ratio expr, band minima, forms) */
            INT(t, 1, it->expr);
            PyObject *mins = at(t, 2);
            if (!mins || !PyTuple_Check(mins)) return -1;
            it->nbands = (int)PyTuple_GET_SIZE(mins);
            it->band_min = calloc_n(it->nbands, sizeof(Dec));
            if (!it->band_min) return -1;
            for (int i = 0; i < it->nbands; i++) DEC(mins, i, it->band_min[i]);
            if (read_forms(at(t, 3), &it->forms, &it->nforms) < 0) return -1;
            if (it->nforms != it->nbands + 1) {
                PyErr_SetString(PyExc_ValueError, "spec: a form per band and one for none");
                return -1;
            }
            return 0;
        }
        case IT_THRESHOLD: { /* (kind, thresholds[3], prefixes[3], frags[6], band minima, forms) */
            PyObject *thr = at(t, 1), *pre = at(t, 2), *fr = at(t, 3), *mins = at(t, 4);
            if (!thr || !pre || !fr || !mins) return -1;
            for (int i = 0; i < 3; i++) {
                DEC(thr, i, it->thr[i]);
                FRAG(pre, i, it->zone_prefix[i]);
            }
            FRAG(fr, 0, it->n_suffix);
            FRAG(fr, 1, it->colon);
            FRAG(fr, 2, it->open);
            FRAG(fr, 3, it->year_sfx);
            FRAG(fr, 4, it->unit_close);
            FRAG(fr, 5, it->sep);
            if (!PyTuple_Check(mins)) return -1;
            it->nbands = (int)PyTuple_GET_SIZE(mins);
            it->band_min = calloc_n(it->nbands, sizeof(Dec));
            if (!it->band_min) return -1;
            for (int i = 0; i < it->nbands; i++) DEC(mins, i, it->band_min[i]);
            if (read_forms(at(t, 5), &it->forms, &it->nforms) < 0) return -1;
            if (it->nforms != it->nbands + 1) {
                PyErr_SetString(PyExc_ValueError, "spec: a form per band and one for none");
                return -1;
            }
            return 0;
        }
        case IT_CAPPED: /* (kind, count slot, per unit, points, head, mid, lead, tail, award pre, post, none) */
            INT(t, 1, it->expr);
            DEC(t, 2, it->per_unit);
            INT(t, 3, it->points_u);
            FRAG(t, 4, it->head);
            FRAG(t, 5, it->mid);
            FRAG(t, 6, it->lead);
            FRAG(t, 7, it->tail);
            FRAG(t, 8, it->award_pre);
            FRAG(t, 9, it->award_post);
            FRAG(t, 10, it->award_none);
            return 0;
        default:
            PyErr_SetString(PyExc_ValueError, "spec: unknown item kind");
            return -1;
    }
}

static int read_ind(PyObject *t, Ind *ind) {
    INT(t, 0, ind->kind);
    INT(t, 1, ind->level);
    INT(t, 2, ind->group);
    if (ind->kind == IND_TABLE) { /* (kind, level, group, ids, sizes, entries) */
        PyObject *ids = at(t, 3), *sizes = at(t, 4);
        if (!ids || !sizes || !PyTuple_Check(ids) || !PyTuple_Check(sizes)) return -1;
        ind->nids = (int)PyTuple_GET_SIZE(ids);
        ind->ids = calloc_n(ind->nids, sizeof(int));
        ind->sizes = calloc_n(ind->nids, sizeof(int));
        if (!ind->ids || !ind->sizes) return -1;
        for (int i = 0; i < ind->nids; i++) {
            INT(ids, i, ind->ids[i]);
            INT(sizes, i, ind->sizes[i]);
        }
        return read_forms(at(t, 5), &ind->entries, &ind->nentries);
    }
    /* (kind, level, group, head, mids[4], items) */
    FRAG(t, 3, ind->head);
    PyObject *mids = at(t, 4), *items = at(t, 5);
    if (!mids || !items || !PyTuple_Check(items)) return -1;
    for (int i = 0; i < 4; i++) FRAG(mids, i, ind->mid[i]);
    ind->nitems = (int)PyTuple_GET_SIZE(items);
    ind->items = calloc_n(ind->nitems, sizeof(Item));
    if (!ind->items) return -1;
    for (int i = 0; i < ind->nitems; i++)
        if (read_item(PyTuple_GET_ITEM(items, i), &ind->items[i]) < 0) return -1;
    return 0;
}

static int read_node(PyObject *t, Node *n) {
    FRAG(t, 0, n->head);
    FRAG(t, 1, n->mid);
    FRAG(t, 2, n->code);
    INT(t, 3, n->max_u);
    INT(t, 4, n->least_u);
    return 0;
}

static int program_read(Program *p, PyObject *spec) {
    /* (year0, judgeables, exprs, indicators, levels, groups, top) */
    INT(spec, 0, p->year0);
    PyObject *judge = at(spec, 1), *exprs = at(spec, 2), *inds = at(spec, 3), *levels = at(spec, 4),
             *groups = at(spec, 5), *top = at(spec, 6);
    if (!judge || !exprs || !inds || !levels || !groups || !top) return -1;
    if (!PyTuple_Check(judge) || !PyTuple_Check(exprs) || !PyTuple_Check(inds) ||
        !PyTuple_Check(levels) || !PyTuple_Check(groups)) {
        PyErr_SetString(PyExc_TypeError, "spec: tuples expected");
        return -1;
    }
    p->njudge = (int)PyTuple_GET_SIZE(judge);
    p->judge = calloc_n(p->njudge, sizeof(Judgeable));
    if (!p->judge || map_init(&p->judge_map, p->njudge) < 0) return -1;
    for (int i = 0; i < p->njudge; i++) {
        PyObject *j = PyTuple_GET_ITEM(judge, i);
        Frag key;
        FRAG(j, 0, key);
        INT(j, 1, p->judge[i].used);
        INT(j, 2, p->judge[i].bool_only);
        INT(j, 3, p->judge[i].step_u);
        INT(j, 4, p->judge[i].max_u);
        if (!p->judge[i].bool_only && p->judge[i].step_u <= 0) {
            PyErr_SetString(PyExc_ValueError, "spec: a judgment step must be positive");
            return -1;
        }
        map_put(&p->judge_map, key.p, key.n, i);
    }
    p->nexpr = (int)PyTuple_GET_SIZE(exprs);
    p->expr = calloc_n(p->nexpr, sizeof(Expr));
    if (!p->expr) return -1;
    for (int i = 0; i < p->nexpr; i++)
        if (read_expr(PyTuple_GET_ITEM(exprs, i), &p->expr[i]) < 0) return -1;
    p->nind = (int)PyTuple_GET_SIZE(inds);
    p->ind = calloc_n(p->nind, sizeof(Ind));
    if (!p->ind) return -1;
    for (int i = 0; i < p->nind; i++)
        if (read_ind(PyTuple_GET_ITEM(inds, i), &p->ind[i]) < 0) return -1;
    p->nlevel = (int)PyTuple_GET_SIZE(levels);
    p->level = calloc_n(p->nlevel, sizeof(Node));
    p->ngroup = (int)PyTuple_GET_SIZE(groups);
    p->group = calloc_n(p->ngroup, sizeof(Node));
    if (!p->level || !p->group) return -1;
    for (int i = 0; i < p->nlevel; i++)
        if (read_node(PyTuple_GET_ITEM(levels, i), &p->level[i]) < 0) return -1;
    for (int i = 0; i < p->ngroup; i++)
        if (read_node(PyTuple_GET_ITEM(groups, i), &p->group[i]) < 0) return -1;
    FRAG(top, 0, p->top_head);
    FRAG(top, 1, p->years_json);
    FRAG(top, 2, p->max_total);
    INT(top, 3, p->total_min_u);
    /* indices the kernel will follow must be in range */
    for (int i = 0; i < p->nind; i++) {
        Ind *ind = &p->ind[i];
        if (ind->level < 0 || ind->level >= p->nlevel || ind->group < -1 || ind->group >= p->ngroup)
            goto bad;
        if (ind->kind == IND_TABLE) {
            long long size = 1;
            for (int k = 0; k < ind->nids; k++) {
                if (ind->ids[k] < 0 || ind->ids[k] >= p->njudge || ind->sizes[k] < 3) goto bad;
                size *= ind->sizes[k];
            }
            if (size != ind->nentries) goto bad;
        }
        for (int j = 0; j < ind->nitems; j++) {
            Item *it = &ind->items[j];
            if (it->kind == IT_JUDGED && (it->judge < 0 || it->judge >= p->njudge)) goto bad;
            if (it->kind == IT_BANDS && (it->expr < 0 || it->expr >= p->nexpr)) goto bad;
            for (int k = 0; k < it->ntests; k++)
                if (it->tests[k].left < 0 || it->tests[k].left >= p->nexpr || it->tests[k].right < 0 ||
                    it->tests[k].right >= p->nexpr)
                    goto bad;
        }
    }
    return 0;
bad:
    PyErr_SetString(PyExc_ValueError, "spec: index out of range");
    return -1;
}

static int Program_init(Program *p, PyObject *args, PyObject *kw) {
    (void)kw;
    PyObject *spec;
    if (!PyArg_ParseTuple(args, "O!", &PyTuple_Type, &spec)) return -1;
    if (p->spec) {
        PyErr_SetString(PyExc_RuntimeError, "Program is immutable");
        return -1;
    }
    Py_INCREF(spec);
    p->spec = spec;
    return program_read(p, spec);
}

static PyTypeObject ProgramType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "demozone._fastcard.Program",
    .tp_basicsize = sizeof(Program),
    .tp_dealloc = (destructor)Program_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The scoring tables of one pair of evaluated years (built by core/fastlane.py).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Program_init,
};

/* ------------------------------------------------------------------------------------------ */
/* the kernel: the input schema of a framework, the programs by year, and one line's state */

enum { K_SERIES, K_GROWTH, K_SHARE };

typedef struct {
    Dec v;
    uint32_t gen;  /* has a value in this line */
    uint32_t seen; /* its key appeared in this line (null included) */
} Slot;

typedef struct {
    Frag key;
    const char *kp;
    int kind; /* 0 true, 1 false, 2 number, 3 null */
    Dec v;
} RawJudgment;

typedef struct {
    Frag name;
    int year;
    Dec sales;
} Operator;

typedef struct {
    PyObject_HEAD
    PyObject *spec;
    PyObject *programs; /* year0 → Program or None */
    PyObject *build;    /* year0 → Program | None */
    Frag fw_id;
    int ncount;
    KeyMap count_map;
    int *count_integer;
    int *count_parent;
    int nrate[2];
    KeyMap rate_map[2];
    int nyearly;
    KeyMap yearly_map;
    int *yearly_kind;
    KeyMap zone_map;
    /* one line: the state below belongs to the line being scored; `busy` keeps a second caller
     * (another thread, while the build callback runs Python) out of it */
    int busy;
    uint32_t gen;
    Slot *counts;
    Slot *rates[2];
    uint32_t *yearly_seen;
    Slot *series; /* nyearly × MAX_YEARS */
    int zone, year0, ops_present, nops, njudged;
    Frag region;
    Operator ops[MAX_OPS];
    RawJudgment judged[MAX_JUDGED];
    int *codes;    /* by judgeable: 0 none, 1 true, 2 false, 3 + k: k steps */
    int ncodes;
    uint32_t *code_gen;
    /* figures of the line, by expression */
    Dec *fnum, *fden;
    Py_ssize_t *ftext_at, *ftext_len;
    int nfig;
    Buf text, items, body, out, strings;
} Kernel;

static void Kernel_dealloc(Kernel *k) {
    PyMem_Free(k->count_map.e);
    PyMem_Free(k->count_integer);
    PyMem_Free(k->count_parent);
    for (int s = 0; s < 2; s++) {
        PyMem_Free(k->rate_map[s].e);
        PyMem_Free(k->rates[s]);
    }
    PyMem_Free(k->yearly_map.e);
    PyMem_Free(k->yearly_kind);
    PyMem_Free(k->zone_map.e);
    PyMem_Free(k->counts);
    PyMem_Free(k->yearly_seen);
    PyMem_Free(k->series);
    PyMem_Free(k->codes);
    PyMem_Free(k->code_gen);
    PyMem_Free(k->fnum);
    PyMem_Free(k->fden);
    PyMem_Free(k->ftext_at);
    PyMem_Free(k->ftext_len);
    PyMem_Free(k->text.p);
    PyMem_Free(k->items.p);
    PyMem_Free(k->strings.p);
    PyMem_Free(k->body.p);
    PyMem_Free(k->out.p);
    Py_XDECREF(k->spec);
    Py_XDECREF(k->programs);
    Py_XDECREF(k->build);
    Py_TYPE(k)->tp_free((PyObject *)k);
}

static int keys_into(PyObject *t, KeyMap *m, int *count) {
    if (!PyTuple_Check(t)) {
        PyErr_SetString(PyExc_TypeError, "spec: key tuple expected");
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(t);
    *count = (int)n;
    if (map_init(m, n) < 0) return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        Frag f;
        if (get_frag(PyTuple_GET_ITEM(PyTuple_GET_ITEM(t, i), 0), &f) < 0) return -1;
        map_put(m, f.p, f.n, (int)i);
    }
    return 0;
}

static int kernel_read(Kernel *k, PyObject *spec) {
    /* (framework id, counts ((key, integer, parent|-1)…), rates ((key,)…, (key,)…),
     *  yearly ((key, kind)…), zones ((key, index)…)) */
    FRAG(spec, 0, k->fw_id);
    PyObject *counts = at(spec, 1), *rates = at(spec, 2), *yearly = at(spec, 3), *zones = at(spec, 4);
    if (!counts || !rates || !yearly || !zones) return -1;
    if (keys_into(counts, &k->count_map, &k->ncount) < 0) return -1;
    k->count_integer = calloc_n(k->ncount, sizeof(int));
    k->count_parent = calloc_n(k->ncount, sizeof(int));
    k->counts = calloc_n(k->ncount, sizeof(Slot));
    if (!k->count_integer || !k->count_parent || !k->counts) return -1;
    for (int i = 0; i < k->ncount; i++) {
        PyObject *c = PyTuple_GET_ITEM(counts, i);
        INT(c, 1, k->count_integer[i]);
        INT(c, 2, k->count_parent[i]);
        if (k->count_parent[i] < -1 || k->count_parent[i] >= k->ncount) {
            PyErr_SetString(PyExc_ValueError, "spec: parent out of range");
            return -1;
        }
    }
    for (int s = 0; s < 2; s++) {
        PyObject *r = at(rates, s);
        if (!r || keys_into(r, &k->rate_map[s], &k->nrate[s]) < 0) return -1;
        k->rates[s] = calloc_n(k->nrate[s], sizeof(Slot));
        if (!k->rates[s]) return -1;
    }
    if (keys_into(yearly, &k->yearly_map, &k->nyearly) < 0) return -1;
    k->yearly_kind = calloc_n(k->nyearly, sizeof(int));
    k->yearly_seen = calloc_n(k->nyearly, sizeof(uint32_t));
    k->series = calloc_n((Py_ssize_t)k->nyearly * MAX_YEARS, sizeof(Slot));
    if (!k->yearly_kind || !k->yearly_seen || !k->series) return -1;
    for (int i = 0; i < k->nyearly; i++) INT(PyTuple_GET_ITEM(yearly, i), 1, k->yearly_kind[i]);
    int nz;
    if (!PyTuple_Check(zones)) return -1;
    if (map_init(&k->zone_map, PyTuple_GET_SIZE(zones)) < 0) return -1;
    nz = (int)PyTuple_GET_SIZE(zones);
    for (int i = 0; i < nz; i++) {
        PyObject *z = PyTuple_GET_ITEM(zones, i);
        Frag f;
        int idx;
        FRAG(z, 0, f);
        INT(z, 1, idx);
        if (idx < 0 || idx > 2) {
            PyErr_SetString(PyExc_ValueError, "spec: zone index out of range");
            return -1;
        }
        map_put(&k->zone_map, f.p, f.n, idx);
    }
    return 0;
}

static int Kernel_init(Kernel *k, PyObject *args, PyObject *kw) {
    (void)kw;
    PyObject *spec, *build;
    if (!PyArg_ParseTuple(args, "O!O", &PyTuple_Type, &spec, &build)) return -1;
    if (k->spec) {
        PyErr_SetString(PyExc_RuntimeError, "Kernel is immutable");
        return -1;
    }
    if (!PyCallable_Check(build)) {
        PyErr_SetString(PyExc_TypeError, "build must be callable");
        return -1;
    }
    Py_INCREF(spec);
    k->spec = spec;
    Py_INCREF(build);
    k->build = build;
    k->programs = PyDict_New();
    if (!k->programs) return -1;
    return kernel_read(k, spec);
}

/* --- reading a line ------------------------------------------------------------------------ */

typedef struct {
    const unsigned char *p, *end;
    unsigned char *arena; /* decoded strings of the line */
    Py_ssize_t used;
} Cur;

static inline void ws(Cur *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) c->p++;
}

static inline int eat(Cur *c, char ch) {
    ws(c);
    if (c->p < c->end && *c->p == (unsigned char)ch) {
        c->p++;
        return 1;
    }
    return 0;
}

static int literal(Cur *c, const char *word, Py_ssize_t n) {
    if (c->end - c->p >= n && memcmp(c->p, word, n) == 0) {
        c->p += n;
        return 1;
    }
    return 0;
}

static inline int is_null(Cur *c) {
    ws(c);
    return literal(c, "null", 4);
}

static int hex4(const unsigned char *p, uint32_t *out) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char ch = p[i];
        v <<= 4;
        if (ch >= '0' && ch <= '9') v |= ch - '0';
        else if (ch >= 'a' && ch <= 'f') v |= ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F') v |= ch - 'A' + 10;
        else return BAIL;
    }
    *out = v;
    return 0;
}

static unsigned char *put_utf8(unsigned char *w, uint32_t cp) {
    if (cp < 0x80) {
        *w++ = (unsigned char)cp;
    } else if (cp < 0x800) {
        *w++ = (unsigned char)(0xC0 | cp >> 6);
        *w++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *w++ = (unsigned char)(0xE0 | cp >> 12);
        *w++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        *w++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else {
        *w++ = (unsigned char)(0xF0 | cp >> 18);
        *w++ = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
        *w++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        *w++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    return w;
}

/* One escape after its backslash, as json.loads reads it, into w; the kernel writes every text
 * unescaped, so one that decodes to a quote, a backslash or a control character is not its. */
static int escape(Cur *c, unsigned char **w) {
    if (c->end - c->p < 2) return STEP_ASIDE;
    unsigned char ch = c->p[1];
    uint32_t cp;
    if (ch == '/') {
        cp = '/';
        c->p += 2;
    } else if (ch == 'u') {
        if (c->end - c->p < 6 || hex4(c->p + 2, &cp) < 0) return STEP_ASIDE;
        c->p += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) { /* a pair, or a lone surrogate UTF-8 cannot hold */
            uint32_t low;
            if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u' || hex4(c->p + 2, &low) < 0 ||
                low < 0xDC00 || low > 0xDFFF)
                return STEP_ASIDE;
            c->p += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return STEP_ASIDE;
        }
        if (cp < 0x20 || cp == '"' || cp == '\\') return STEP_ASIDE;
    } else {
        return STEP_ASIDE; /* \" \\ \b \f \n \r \t, or an invalid escape */
    }
    *w = put_utf8(*w, cp);
    return 0;
}

/* A string of valid UTF-8 (no surrogates). Without escapes it is returned in place; with them
 * it is decoded into the line's arena, which holds as many bytes as the line (a decoded text is
 * never longer than its JSON), so what it returns stays put for the whole line. */
static int string(Cur *c, Frag *out) {
    ws(c);
    if (c->p >= c->end || *c->p != '"') return STEP_ASIDE;
    const unsigned char *s = ++c->p;
    unsigned char *start = NULL, *w = NULL;
    while (c->p < c->end) {
        unsigned char ch = *c->p;
        if (ch == '"') {
            if (w) {
                out->p = (const char *)start;
                out->n = w - start;
                c->used = w - c->arena;
            } else {
                out->p = (const char *)s;
                out->n = c->p - s;
            }
            c->p++;
            return 0;
        }
        if (ch < 0x20) return STEP_ASIDE;
        if (ch == '\\') {
            if (!w) {
                start = c->arena + c->used;
                memcpy(start, s, c->p - s);
                w = start + (c->p - s);
            }
            if (escape(c, &w) < 0) return BAIL;
            continue;
        }
        int len;
        uint32_t cp;
        if (ch < 0x80) {
            len = 1;
            cp = ch;
        } else if (ch >= 0xC2 && ch <= 0xDF) {
            len = 2;
            cp = ch & 0x1F;
        } else if (ch >= 0xE0 && ch <= 0xEF) {
            len = 3;
            cp = ch & 0x0F;
        } else if (ch >= 0xF0 && ch <= 0xF4) {
            len = 4;
            cp = ch & 0x07;
        } else {
            return STEP_ASIDE;
        }
        if (c->end - c->p < len) return STEP_ASIDE;
        for (int i = 1; i < len; i++) {
            unsigned char cc = c->p[i];
            if ((cc & 0xC0) != 0x80) return STEP_ASIDE;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return STEP_ASIDE;
        if (w) {
            memcpy(w, c->p, len);
            w += len;
        }
        c->p += len;
    }
    return STEP_ASIDE;
}

/* The first or last character of a name is one str.strip() keeps: an ASCII letter or digit, or
 * a character from U+3400 on (no whitespace is there). Anything else: not ours. */
static int firm_edges(Frag f) {
    if (f.n == 0) return 0;
    const unsigned char *s = (const unsigned char *)f.p;
    unsigned char a = s[0];
    int first_ok = (a < 0x80) ? ((a >= '0' && a <= '9') || (a >= 'A' && a <= 'Z') || (a >= 'a' && a <= 'z'))
                              : (a >= 0xE3 && !(a == 0xE3 && s[1] < 0x90)) ;
    if (!first_ok) return 0;
    /* the last character: walk back over continuation bytes */
    Py_ssize_t i = f.n - 1;
    while (i > 0 && (s[i] & 0xC0) == 0x80) i--;
    unsigned char z = s[i];
    if (z < 0x80) return (z >= '0' && z <= '9') || (z >= 'A' && z <= 'Z') || (z >= 'a' && z <= 'z');
    return z >= 0xE3 && !(z == 0xE3 && s[i + 1] < 0x90);
}

enum { N_INT = 1 }; /* the number was written as a JSON integer */

/* A number within the exact range inputs.py accepts without its long checks: at most 15
 * significant digits and 15 decimal places, no exponent, not a negative zero. */
static int number(Cur *c, Dec *out, int *flags) {
    ws(c);
    const unsigned char *p = c->p, *end = c->end;
    int neg = 0;
    if (p < end && *p == '-') {
        neg = 1;
        p++;
    }
    if (p >= end || *p < '0' || *p > '9') return STEP_ASIDE;
    i128 m = 0;
    int digits = 0, places = 0;
    if (*p == '0') {
        p++;
    } else {
        while (p < end && *p >= '0' && *p <= '9') {
            m = m * 10 + (*p++ - '0');
            if (++digits > 15) return STEP_ASIDE;
        }
    }
    int integer = 1;
    if (p < end && *p == '.') {
        integer = 0;
        p++;
        if (p >= end || *p < '0' || *p > '9') return STEP_ASIDE;
        while (p < end && *p >= '0' && *p <= '9') {
            m = m * 10 + (*p++ - '0');
            if (++places > 15) return STEP_ASIDE;
            if (digits || m) digits++;
            if (digits > 15) return STEP_ASIDE;
        }
    }
    int s = places;
    if (p < end && (*p == 'e' || *p == 'E')) {
        /* as Decimal reads it: mantissa × 10^exponent, then the same limits as above */
        integer = 0;
        p++;
        int eneg = 0, e = 0;
        if (p < end && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        if (p >= end || *p < '0' || *p > '9') return STEP_ASIDE;
        while (p < end && *p >= '0' && *p <= '9') {
            e = e * 10 + (*p++ - '0');
            if (e > 99) return STEP_ASIDE;
        }
        s = places + (eneg ? e : -e);
        if (s > 15) return STEP_ASIDE;
        if (s < 0) { /* a whole number: Python checks only its size */
            if (m != 0 && (-s > 15 || m >= POW10[15] / POW10[-s])) return STEP_ASIDE;
            m *= POW10[-s];
            s = 0;
        }
    }
    if (neg && m == 0) return STEP_ASIDE;
    c->p = p;
    out->m = neg ? -m : m;
    out->s = s;
    *flags = integer ? N_INT : 0;
    return 0;
}

static int is_whole(Dec d) { return d.s == 0 || d.m % POW10[d.s] == 0; }

static int dec_le(Dec a, Dec b) { return dec_cmp(a, b) <= 0; }

static const Dec HUNDRED = {100, 0}, MINUS_HUNDRED = {-100, 0};

static int year_int(Cur *c, int *year) {
    Dec d;
    int flags;
    if (number(c, &d, &flags) < 0 || !(flags & N_INT)) return STEP_ASIDE;
    if (d.m < MIN_YEAR || d.m > MAX_YEAR) return STEP_ASIDE;
    *year = (int)d.m;
    return 0;
}

/* A year as an object key: exactly the text str(year) gives, 2000–2100. */
static int year_key(Frag f) {
    if (f.n != 4) return STEP_ASIDE;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (f.p[i] < '0' || f.p[i] > '9') return STEP_ASIDE;
        y = y * 10 + (f.p[i] - '0');
    }
    if (y < MIN_YEAR || y > MAX_YEAR) return STEP_ASIDE;
    return y;
}

#define EXPECT(cond) \
    do { \
        if (!(cond)) return STEP_ASIDE; \
    } while (0)

/* `{ key: value, … }` with `each` called after each key's colon. */
#define OBJECT(c, keyvar, body) \
    do { \
        EXPECT(eat((c), '{')); \
        if (!eat((c), '}')) { \
            for (;;) { \
                Frag keyvar; \
                EXPECT(string((c), &keyvar) == 0); \
                EXPECT(eat((c), ':')); \
                body; \
                if (eat((c), ',')) continue; \
                EXPECT(eat((c), '}')); \
                break; \
            } \
        } \
    } while (0)

/* `key` is the JSON key `word` */
#define IS(key, word) ((key).n == (Py_ssize_t)(sizeof(word) - 1) && memcmp((key).p, word, sizeof(word) - 1) == 0)

static int read_series(Kernel *k, Cur *c, int metric) {
    int kind = k->yearly_kind[metric];
    Slot *row = k->series + (Py_ssize_t)metric * MAX_YEARS;
    OBJECT(c, key, {
        int y = year_key(key);
        EXPECT(y >= 0);
        Slot *slot = &row[y - MIN_YEAR];
        EXPECT(slot->seen != k->gen);
        slot->seen = k->gen;
        if (!is_null(c)) {
            Dec d;
            int flags;
            EXPECT(number(c, &d, &flags) == 0);
            if (kind == K_GROWTH) {
                EXPECT(dec_cmp(d, MINUS_HUNDRED) >= 0);
            } else {
                EXPECT(d.m >= 0);
                if (kind == K_SHARE) EXPECT(dec_le(d, HUNDRED));
            }
            slot->v = d;
            slot->gen = k->gen;
        }
    });
    return 0;
}

static int read_statistics(Kernel *k, Cur *c) {
    if (is_null(c)) return 0;
    int seen = 0;
    OBJECT(c, scope, {
        if (IS(scope, "region")) {
            EXPECT(!(seen & 1));
            seen |= 1;
            if (!is_null(c)) {
                OBJECT(c, key, {
                    int m = map_get(&k->yearly_map, key.p, key.n);
                    EXPECT(m >= 0); /* "definitions" too: not ours */
                    EXPECT(k->yearly_seen[m] != k->gen);
                    k->yearly_seen[m] = k->gen;
                    if (!is_null(c)) EXPECT(read_series(k, c, m) == 0);
                });
            }
        } else if (IS(scope, "national")) {
            EXPECT(!(seen & 2));
            seen |= 2;
            EXPECT(is_null(c)); /* national figures given: the engine's path */
        } else {
            return STEP_ASIDE;
        }
    });
    return 0;
}

static int read_counts(Kernel *k, Cur *c) {
    if (is_null(c)) return 0;
    OBJECT(c, key, {
        int i = map_get(&k->count_map, key.p, key.n);
        EXPECT(i >= 0);
        Slot *slot = &k->counts[i];
        EXPECT(slot->seen != k->gen);
        slot->seen = k->gen;
        if (!is_null(c)) {
            Dec d;
            int flags;
            EXPECT(number(c, &d, &flags) == 0);
            EXPECT(d.m >= 0);
            if (k->count_integer[i]) EXPECT(is_whole(d));
            slot->v = d;
            slot->gen = k->gen;
        }
    });
    return 0;
}

static int read_rates(Kernel *k, Cur *c) {
    if (is_null(c)) return 0;
    int seen = 0;
    OBJECT(c, scope, {
        int s;
        if (IS(scope, "region"))
            s = 0;
        else if (IS(scope, "national"))
            s = 1;
        else
            return STEP_ASIDE;
        EXPECT(!(seen & (1 << s)));
        seen |= 1 << s;
        if (!is_null(c)) {
            OBJECT(c, key, {
                int i = map_get(&k->rate_map[s], key.p, key.n);
                EXPECT(i >= 0);
                Slot *slot = &k->rates[s][i];
                EXPECT(slot->seen != k->gen);
                slot->seen = k->gen;
                if (!is_null(c)) {
                    Dec d;
                    int flags;
                    EXPECT(number(c, &d, &flags) == 0);
                    EXPECT(d.m >= 0 && dec_le(d, HUNDRED));
                    slot->v = d;
                    slot->gen = k->gen;
                }
            });
        }
    });
    return 0;
}

static int read_operators(Kernel *k, Cur *c) {
    if (is_null(c)) return 0;
    k->ops_present = 1;
    EXPECT(eat(c, '['));
    if (eat(c, ']')) return 0;
    for (;;) {
        EXPECT(k->nops < MAX_OPS);
        Operator *op = &k->ops[k->nops++];
        int seen = 0;
        OBJECT(c, key, {
            if (IS(key, "name")) {
                EXPECT(!(seen & 1));
                seen |= 1;
                EXPECT(string(c, &op->name) == 0 && firm_edges(op->name));
            } else if (IS(key, "year")) {
                EXPECT(!(seen & 2));
                seen |= 2;
                EXPECT(year_int(c, &op->year) == 0);
            } else if (IS(key, "ecommerce_sales")) {
                EXPECT(!(seen & 4));
                seen |= 4;
                int flags;
                EXPECT(number(c, &op->sales, &flags) == 0 && op->sales.m >= 0);
            } else {
                return STEP_ASIDE;
            }
        });
        EXPECT(seen == 7);
        if (eat(c, ',')) continue;
        EXPECT(eat(c, ']'));
        return 0;
    }
}

static int read_judgments(Kernel *k, Cur *c) {
    if (is_null(c)) return 0;
    OBJECT(c, key, {
        EXPECT(k->njudged < MAX_JUDGED);
        RawJudgment *j = &k->judged[k->njudged++];
        j->key = key;
        ws(c);
        if (literal(c, "true", 4)) {
            j->kind = 0;
        } else if (literal(c, "false", 5)) {
            j->kind = 1;
        } else if (literal(c, "null", 4)) {
            j->kind = 3;
        } else {
            int flags;
            EXPECT(number(c, &j->v, &flags) == 0);
            j->kind = 2;
        }
    });
    return 0;
}

static int read_region(Kernel *k, Cur *c) {
    int seen = 0;
    OBJECT(c, key, {
        if (IS(key, "name")) {
            EXPECT(!(seen & 1));
            seen |= 1;
            EXPECT(string(c, &k->region) == 0 && firm_edges(k->region));
        } else if (IS(key, "zone")) {
            EXPECT(!(seen & 2));
            seen |= 2;
            Frag z;
            EXPECT(string(c, &z) == 0);
            k->zone = map_get(&k->zone_map, z.p, z.n);
            EXPECT(k->zone >= 0);
        } else {
            return STEP_ASIDE;
        }
    });
    EXPECT(seen == 3);
    return 0;
}

static int read_years(Kernel *k, Cur *c) {
    int a, b;
    EXPECT(eat(c, '['));
    EXPECT(year_int(c, &a) == 0);
    EXPECT(eat(c, ','));
    EXPECT(year_int(c, &b) == 0);
    EXPECT(eat(c, ']'));
    EXPECT(b == a + 1);
    k->year0 = a;
    return 0;
}

/* The top-level keys of SPEC §4 (inputs.TOP_KEYS); seen once each. */
static int read_line(Kernel *k, Cur *c) {
    int seen = 0;
#define ONCE(bit) \
    do { \
        EXPECT(!(seen & (1 << (bit)))); \
        seen |= 1 << (bit); \
    } while (0)
    OBJECT(c, key, {
        if (IS(key, "region")) {
            ONCE(0);
            EXPECT(read_region(k, c) == 0);
        } else if (IS(key, "years")) {
            ONCE(1);
            EXPECT(read_years(k, c) == 0);
        } else if (IS(key, "statistics")) {
            ONCE(2);
            EXPECT(read_statistics(k, c) == 0);
        } else if (IS(key, "counts")) {
            ONCE(3);
            EXPECT(read_counts(k, c) == 0);
        } else if (IS(key, "rates")) {
            ONCE(4);
            EXPECT(read_rates(k, c) == 0);
        } else if (IS(key, "large_operators")) {
            ONCE(5);
            EXPECT(read_operators(k, c) == 0);
        } else if (IS(key, "judgments")) {
            ONCE(6);
            EXPECT(read_judgments(k, c) == 0);
        } else if (IS(key, "framework")) {
            ONCE(7);
            if (!is_null(c)) {
                Frag f;
                EXPECT(string(c, &f) == 0 && f.n == k->fw_id.n && memcmp(f.p, k->fw_id.p, f.n) == 0);
            }
        } else if (IS(key, "overrides")) {
            ONCE(8);
            if (!is_null(c)) {
                EXPECT(eat(c, '{') && eat(c, '}'));
            }
        } else if (IS(key, "note")) {
            ONCE(9);
            Frag f;
            EXPECT(string(c, &f) == 0);
        } else {
            return STEP_ASIDE;
        }
    });
#undef ONCE
    EXPECT((seen & 3) == 3); /* region and years are required */
    ws(c);
    EXPECT(c->p == c->end);
    /* a part may not exceed its whole */
    for (int i = 0; i < k->ncount; i++) {
        int parent = k->count_parent[i];
        if (parent >= 0 && k->counts[i].gen == k->gen && k->counts[parent].gen == k->gen)
            EXPECT(dec_cmp(k->counts[i].v, k->counts[parent].v) <= 0);
    }
    return 0;
}

/* --- scoring ------------------------------------------------------------------------------- */

static inline Slot *series_at(Kernel *k, int metric, int year) {
    if (metric < 0 || metric >= k->nyearly || year < MIN_YEAR || year > MAX_YEAR) return NULL;
    Slot *s = &k->series[(Py_ssize_t)metric * MAX_YEARS + (year - MIN_YEAR)];
    return s->gen == k->gen ? s : NULL;
}

static inline Slot *count_at(Kernel *k, int i) {
    if (i < 0 || i >= k->ncount) return NULL;
    return k->counts[i].gen == k->gen ? &k->counts[i] : NULL;
}

/* Each expression's figure for this line: its exact value num/den and its text. */
static int figures(Kernel *k, Program *p) {
    if (p->nexpr > k->nfig) {
        PyMem_Free(k->fnum);
        PyMem_Free(k->fden);
        PyMem_Free(k->ftext_at);
        PyMem_Free(k->ftext_len);
        k->fnum = calloc_n(p->nexpr, sizeof(Dec));
        k->fden = calloc_n(p->nexpr, sizeof(Dec));
        k->ftext_at = calloc_n(p->nexpr, sizeof(Py_ssize_t));
        k->ftext_len = calloc_n(p->nexpr, sizeof(Py_ssize_t));
        if (!k->fnum || !k->fden || !k->ftext_at || !k->ftext_len) {
            k->nfig = 0;
            return -2;
        }
        k->nfig = p->nexpr;
    }
    Buf *t = &k->text;
    t->n = 0;
    const Dec one = {1, 0};
    for (int i = 0; i < p->nexpr; i++) {
        Expr *e = &p->expr[i];
        Py_ssize_t start = t->n;
        Dec num, den = one;
        int r = 0;
        switch (e->kind) {
            case EX_COUNT: {
                Slot *s = count_at(k, e->a);
                if (!s) return STEP_ASIDE;
                num = s->v;
                r |= putf(t, e->f[0]) | put_plain(t, num);
                break;
            }
            case EX_COUNT_TIMES: {
                Slot *s = count_at(k, e->a);
                if (!s) return STEP_ASIDE;
                num = dec_mul(s->v, e->k);
                r |= putf(t, e->f[0]) | put_plain(t, s->v) | putf(t, e->f[1]) | put_plain(t, num);
                break;
            }
            case EX_RATIO: {
                Slot *n = count_at(k, e->a), *d = count_at(k, e->b);
                if (!n || !d || d->v.m == 0) return STEP_ASIDE;
                num = dec_mul(n->v, HUNDRED);
                den = d->v;
                r |= putf(t, e->f[0]) | put_plain(t, n->v) | putf(t, e->f[1]) | put_plain(t, d->v) |
                     putf(t, e->f[2]);
                if (r == 0) r = put_shown(t, num, den, SHOW_RATIO);
                r |= putf(t, e->f[3]);
                break;
            }
            case EX_RATE: {
                int s = e->c;
                if (s < 0 || s > 1 || e->a < 0 || e->a >= k->nrate[s]) return STEP_ASIDE;
                Slot *v = &k->rates[s][e->a];
                if (v->gen != k->gen) return STEP_ASIDE;
                num = v->v;
                r |= putf(t, e->f[0]) | put_plain(t, num) | putf(t, e->f[1]);
                break;
            }
            case EX_CONST:
                num = e->k;
                den = e->k2;
                r |= putf(t, e->f[0]);
                break;
            case EX_GROWTH:
            case EX_SHARE: {
                Slot *stated = e->a >= 0 ? series_at(k, e->a, e->year) : NULL;
                int mode = e->kind == EX_GROWTH ? SHOW_GROWTH : SHOW_SHARE;
                if (stated) {
                    if (e->kind == EX_GROWTH) {
                        num = stated->v;
                        num.m += HUNDRED.m * POW10[num.s];
                    } else {
                        num = stated->v;
                    }
                    den = HUNDRED;
                    r |= putf(t, e->f[0]);
                    if (r == 0) r = put_shown(t, num, den, mode);
                    r |= putf(t, e->f[1]);
                } else {
                    Slot *a, *b;
                    if (e->kind == EX_GROWTH) {
                        a = series_at(k, e->b, e->year);
                        b = series_at(k, e->b, e->year - 1);
                    } else {
                        a = series_at(k, e->b, e->year);
                        b = series_at(k, e->c, e->year);
                    }
                    if (!a || !b || b->v.m == 0) return STEP_ASIDE;
                    num = a->v;
                    den = b->v;
                    r |= putf(t, e->f[0]);
                    if (r == 0) r = put_shown(t, num, den, mode);
                    r |= putf(t, e->f[2]) | put_plain(t, a->v) | putf(t, e->f[3]) | put_plain(t, b->v) |
                         putf(t, e->f[4]);
                }
                break;
            }
            default:
                return STEP_ASIDE;
        }
        if (r) return r < -1 ? -2 : BAIL;
        k->fnum[i] = num;
        k->fden[i] = den;
        k->ftext_at[i] = start;
        k->ftext_len[i] = t->n - start;
    }
    return 0;
}

static inline int put_fig(Kernel *k, Buf *b, int i) {
    return put(b, k->text.p + k->ftext_at[i], k->ftext_len[i]);
}

/* The judgments of the line, as codes by judgeable item. */
static int judgment_codes(Kernel *k, Program *p) {
    if (p->njudge > k->ncodes) {
        PyMem_Free(k->codes);
        PyMem_Free(k->code_gen);
        k->codes = calloc_n(p->njudge, sizeof(int));
        k->code_gen = calloc_n(p->njudge, sizeof(uint32_t));
        if (!k->codes || !k->code_gen) {
            k->ncodes = 0;
            return -2;
        }
        k->ncodes = p->njudge;
    }
    memset(k->codes, 0, sizeof(int) * p->njudge);
    for (int i = 0; i < k->njudged; i++) {
        RawJudgment *j = &k->judged[i];
        int idx = map_get(&p->judge_map, j->key.p, j->key.n);
        EXPECT(idx >= 0);
        EXPECT(k->code_gen[idx] != k->gen); /* a key twice: json.loads keeps the last */
        k->code_gen[idx] = k->gen;
        if (j->kind == 3) continue;
        Judgeable *spec = &p->judge[idx];
        EXPECT(spec->used); /* a judgment for a computed item: the engine warns */
        if (j->kind == 0 || j->kind == 1) {
            k->codes[idx] = 1 + j->kind;
            continue;
        }
        EXPECT(!spec->bool_only);
        int64_t u;
        EXPECT(j->v.m >= 0 && to_units(j->v, &u) == 0);
        EXPECT(u % spec->step_u == 0 && u <= spec->max_u);
        k->codes[idx] = 3 + (int)(u / spec->step_u);
    }
    return 0;
}

#define MAX_TESTS 16

static int item_compare(Kernel *k, Buf *b, Item *it, int64_t *score) {
    int met = 1;
    unsigned char held[MAX_TESTS];
    if (it->ntests > MAX_TESTS) return STEP_ASIDE;
    for (int i = 0; i < it->ntests; i++) {
        Test *t = &it->tests[i];
        /* left <op> right, cross-multiplied as the engine compares: nothing divided */
        Dec lhs = dec_mul(k->fnum[t->left], k->fden[t->right]);
        Dec rhs = dec_mul(k->fnum[t->right], k->fden[t->left]);
        held[i] = (unsigned char)holds(t->op, dec_cmp(lhs, rhs));
        if (!held[i]) met = 0;
    }
    int r = putf(b, met ? it->met_head : it->unmet_head) | putf(b, it->prefix);
    for (int i = 0; i < it->ntests; i++) {
        Test *t = &it->tests[i];
        int ok = held[i];
        if (i) r |= putf(b, it->joiner);
        r |= put_fig(k, b, t->left) | putf(b, ok ? t->said_met : t->said_unmet) | put_fig(k, b, t->right);
    }
    r |= putf(b, met ? it->met_tail : it->unmet_tail);
    *score = met ? it->points_u : 0;
    return r;
}

/* An operator counts when it is of an evaluated year and reaches the zone's threshold. */
static inline int counts_toward(const Kernel *k, const Operator *op, Dec threshold) {
    return (op->year == k->year0 || op->year == k->year0 + 1) && dec_cmp(op->sales, threshold) >= 0;
}

static int band_of(Item *it, Dec num, Dec den) {
    for (int i = 0; i < it->nbands; i++)
        if (dec_cmp(num, dec_mul(it->band_min[i], den)) >= 0) return i;
    return it->nbands;
}

/* An item's JSON into b; its score and severity out. */
static int write_item(Kernel *k, Program *p, Buf *b, Item *it, int64_t *score, int *severity) {
    *severity = 0;
    switch (it->kind) {
        case IT_JUDGED: {
            int code = k->codes[it->judge];
            if (code >= it->nforms) return STEP_ASIDE;
            Form *f = &it->forms[code];
            *score = f->score_u;
            *severity = f->severity;
            return putf(b, f->text);
        }
        case IT_COMPARE:
            return item_compare(k, b, it, score);
        case IT_BANDS: {
            int e = it->expr;
            int band = band_of(it, k->fnum[e], k->fden[e]);
            Form *f = &it->forms[band];
            *score = f->score_u;
            return putf(b, f->text) | put_fig(k, b, e) | putf(b, f->tail);
        }
        case IT_THRESHOLD: {
            if (!k->ops_present) return STEP_ASIDE;
            Dec thr = it->thr[k->zone];
            int counted = 0;
            for (int i = 0; i < k->nops; i++) {
                Operator *op = &k->ops[i];
                if (counts_toward(k, op, thr)) counted++;
            }
            Dec n = {counted, 0}, one = {1, 0};
            int band = band_of(it, n, one);
            Form *f = &it->forms[band];
            int r = putf(b, f->text) | putf(b, it->zone_prefix[k->zone]) | put_int(b, counted) |
                    putf(b, it->n_suffix);
            if (counted) {
                r |= putf(b, it->colon);
                int first = 1;
                for (int i = 0; i < k->nops; i++) {
                    Operator *op = &k->ops[i];
                    if (!counts_toward(k, op, thr)) continue;
                    if (!first) r |= putf(b, it->sep);
                    first = 0;
                    r |= putf(b, op->name) | putf(b, it->open) | put_int(b, op->year) | putf(b, it->year_sfx) |
                         put_plain(b, op->sales) | putf(b, it->unit_close);
                }
            }
            *score = f->score_u;
            return r | putf(b, f->tail);
        }
        case IT_CAPPED: {
            Slot *s = count_at(k, it->expr);
            if (!s) return STEP_ASIDE;
            int64_t award;
            if (to_units(dec_mul(s->v, it->per_unit), &award) < 0) return STEP_ASIDE;
            if (award > it->points_u) award = it->points_u;
            *score = award;
            int r = putf(b, it->head) | put_score(b, award) | putf(b, it->mid) | putf(b, it->lead) |
                    put_plain(b, s->v) | putf(b, it->tail);
            if (award) {
                Dec a = {award, 4};
                r |= putf(b, it->award_pre) | put_plain(b, a) | putf(b, it->award_post);
            } else {
                r |= putf(b, it->award_none);
            }
            return r;
        }
        default:
            (void)p;
            return STEP_ASIDE;
    }
}

static int write_card(Kernel *k, Program *p) {
    int64_t levels[MAX_NODES], groups[MAX_NODES];
    if (p->nlevel > MAX_NODES || p->ngroup > MAX_NODES) return STEP_ASIDE;
    memset(levels, 0, sizeof(int64_t) * p->nlevel);
    memset(groups, 0, sizeof(int64_t) * p->ngroup);
    Buf *body = &k->body;
    body->n = 0;
    int r = 0;
    for (int i = 0; i < p->nind; i++) {
        Ind *ind = &p->ind[i];
        int64_t total = 0;
        if (i) r |= PUT(body, ",");
        if (ind->kind == IND_TABLE) {
            Py_ssize_t index = 0;
            for (int j = 0; j < ind->nids; j++) {
                int code = k->codes[ind->ids[j]];
                if (code >= ind->sizes[j]) return STEP_ASIDE;
                index = index * ind->sizes[j] + code;
            }
            Form *f = &ind->entries[index];
            total = f->score_u;
            r |= putf(body, f->text);
        } else {
            /* the items first: the indicator's head holds their total */
            Buf *items = &k->items;
            items->n = 0;
            int worst = 0;
            for (int j = 0; j < ind->nitems; j++) {
                int64_t score;
                int severity;
                if (j) r |= PUT(items, ",");
                int w = write_item(k, p, items, &ind->items[j], &score, &severity);
                if (w) return w < -1 ? -2 : BAIL;
                total += score;
                if (severity > worst) worst = severity;
            }
            r |= putf(body, ind->head) | put_score(body, total) | putf(body, ind->mid[worst]) |
                 put(body, items->p, items->n) | PUT(body, "]}");
        }
        if (r) return r < -1 ? -2 : BAIL;
        levels[ind->level] += total;
        if (ind->group >= 0) groups[ind->group] += total;
    }
    /* the whole card */
    Buf *o = &k->out;
    o->n = 0;
    int64_t total = 0;
    int passed = 1;
    for (int i = 0; i < p->nlevel; i++) {
        total += levels[i];
        if (levels[i] < p->level[i].least_u) passed = 0;
    }
    if (total < p->total_min_u) passed = 0;
    r |= putf(o, p->top_head) | PUT(o, "\"") | putf(o, k->region) | PUT(o, "\",\"years\":") |
         putf(o, p->years_json) | PUT(o, ",\"total\":") | put_score(o, total) | PUT(o, ",\"max_total\":") |
         putf(o, p->max_total);
    r |= passed ? PUT(o, ",\"passed\":true") : PUT(o, ",\"passed\":false");
    r |= PUT(o, ",\"shortfall\":{\"total\":") |
         put_score(o, total < p->total_min_u ? p->total_min_u - total : 0) | PUT(o, ",\"levels\":{");
    for (int i = 0; i < p->nlevel; i++) {
        int64_t short_u = levels[i] < p->level[i].least_u ? p->level[i].least_u - levels[i] : 0;
        if (i) r |= PUT(o, ",");
        r |= putf(o, p->level[i].code) | PUT(o, ":") | put_score(o, short_u);
    }
    r |= PUT(o, "}},\"levels\":[");
    for (int i = 0; i < p->nlevel; i++) {
        Node *n = &p->level[i];
        if (i) r |= PUT(o, ",");
        r |= putf(o, n->head) | put_score(o, levels[i]) | putf(o, n->mid) | put_rate(o, levels[i], n->max_u);
        r |= levels[i] >= n->least_u ? PUT(o, ",\"rate_ok\":true}") : PUT(o, ",\"rate_ok\":false}");
    }
    r |= PUT(o, "],\"groups\":[");
    for (int i = 0; i < p->ngroup; i++) {
        Node *n = &p->group[i];
        if (i) r |= PUT(o, ",");
        r |= putf(o, n->head) | put_score(o, groups[i]) | putf(o, n->mid);
    }
    r |= PUT(o, "],\"indicators\":[") | put(o, body->p, body->n) | PUT(o, "],\"warnings\":[]}");
    if (r) return r < -1 ? -2 : BAIL;
    return 0;
}

static Program *program_for(Kernel *k, int year0) {
    PyObject *key = PyLong_FromLong(year0);
    if (!key) return NULL;
    PyObject *found = PyDict_GetItemWithError(k->programs, key);
    if (!found) {
        if (PyErr_Occurred()) {
            Py_DECREF(key);
            return NULL;
        }
        found = PyObject_CallOneArg(k->build, key);
        if (!found) {
            Py_DECREF(key);
            return NULL;
        }
        if (found != Py_None &&
            (!PyObject_TypeCheck(found, &ProgramType) || ((Program *)found)->year0 != year0)) {
            Py_DECREF(found);
            Py_DECREF(key);
            PyErr_SetString(PyExc_TypeError, "build must return None or the Program of its year");
            return NULL;
        }
        int failed = PyDict_SetItem(k->programs, key, found);
        Py_DECREF(found); /* the dict holds it */
        if (failed) {
            Py_DECREF(key);
            return NULL;
        }
    }
    Py_DECREF(key);
    return (Program *)found; /* Py_None when this pair of years is not the kernel's */
}

static PyObject *kernel_score(Kernel *k, PyObject *arg);

static PyObject *Kernel_score(Kernel *k, PyObject *arg) {
    if (k->busy) Py_RETURN_NONE; /* the Python path serves it meanwhile */
    k->busy = 1;
    PyObject *result = kernel_score(k, arg);
    k->busy = 0;
    return result;
}

static PyObject *kernel_score(Kernel *k, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    stepped_aside_at = 0;
    k->gen++;
    if (k->gen == 0) { /* wrapped: clear every mark */
        k->gen = 1;
        for (int i = 0; i < k->ncount; i++) k->counts[i].gen = k->counts[i].seen = 0;
        for (int s = 0; s < 2; s++)
            for (int i = 0; i < k->nrate[s]; i++) k->rates[s][i].gen = k->rates[s][i].seen = 0;
        for (int i = 0; i < k->nyearly; i++) k->yearly_seen[i] = 0;
        for (Py_ssize_t i = 0; i < (Py_ssize_t)k->nyearly * MAX_YEARS; i++) k->series[i].gen = k->series[i].seen = 0;
        for (int i = 0; i < k->ncodes; i++) k->code_gen[i] = 0;
    }
    k->zone = -1;
    k->year0 = 0;
    k->ops_present = 0;
    k->nops = 0;
    k->njudged = 0;
    k->region.n = 0;
    k->strings.n = 0;
    if (buf_reserve(&k->strings, view.len + 1) < 0) {
        PyBuffer_Release(&view);
        return NULL;
    }
    Cur c = {(const unsigned char *)view.buf, (const unsigned char *)view.buf + view.len,
             (unsigned char *)k->strings.p, 0};
    int r = read_line(k, &c);
    PyObject *result = NULL;
    if (r != 0 && PyErr_Occurred()) goto error;
    if (r == 0) {
        Program *p = program_for(k, k->year0);
        if (!p) goto error;
        if ((PyObject *)p == Py_None) goto none;
        Py_INCREF(p); /* the build callback may have run Python code */
        r = judgment_codes(k, p);
        if (r == 0) r = figures(k, p);
        if (r == 0) r = write_card(k, p);
        if (r == 0) result = PyBytes_FromStringAndSize(k->out.p, k->out.n);
        Py_DECREF(p);
        if (r != 0 && PyErr_Occurred()) goto error; /* out of memory, not a line to step aside */
        if (r == 0) {
            PyBuffer_Release(&view);
            return result;
        }
    }
none:
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
error:
    PyBuffer_Release(&view);
    return NULL;
}

static PyMethodDef Kernel_methods[] = {
    {"score", (PyCFunction)Kernel_score, METH_O,
     "score(line: bytes) -> bytes | None: the scorecard JSON of one input line, or None when the "
     "line must take the Python path."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject KernelType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "demozone._fastcard.Kernel",
    .tp_basicsize = sizeof(Kernel),
    .tp_dealloc = (destructor)Kernel_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A framework's batch scoring kernel (built by core/fastlane.py).",
    .tp_methods = Kernel_methods,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Kernel_init,
};

/* Exposed for tests: the display percentage of num/den as the engine words it. */
static PyObject *shown(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *num, *den;
    int mode;
    if (!PyArg_ParseTuple(args, "OOi", &num, &den, &mode)) return NULL;
    Dec n, d;
    if (get_dec(num, &n) < 0 || get_dec(den, &d) < 0) return NULL;
    Buf b = {0};
    int r = put_shown(&b, n, d, mode);
    PyObject *out = r == 0 ? PyBytes_FromStringAndSize(b.p, b.n) : (r < -1 ? NULL : Py_NewRef(Py_None));
    PyMem_Free(b.p);
    return out;
}

static PyObject *stepped_aside(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyLong_FromLong(stepped_aside_at);
}

static PyMethodDef module_methods[] = {
    {"stepped_aside_at", stepped_aside, METH_NOARGS,
     "The source line of _fastcard.c where the last line stepped aside (for tests)."},
    {"shown", shown, METH_VARARGS, "shown((m, s), (m, s), mode) -> bytes | None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "demozone._fastcard",
    "The compiled batch scoring kernel; see demozone/core/fastlane.py.", -1, module_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__fastcard(void) {
    init_pow10();
    if (PyType_Ready(&ProgramType) < 0 || PyType_Ready(&KernelType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    if (PyModule_AddObjectRef(m, "Program", (PyObject *)&ProgramType) < 0 ||
        PyModule_AddObjectRef(m, "Kernel", (PyObject *)&KernelType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
