#include "ccurl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* The libcurl functions we call, resolved from the dlopen'ed library. */
static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} api;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[512];
static const char *failed = NULL;

#define RESOLVE(field, name)                                                                            \
    if (!(*(void **)&api.field = dlsym(lib, name))) {                                                   \
        snprintf(failure, sizeof failure, "the loaded libcurl has no %s (too old?): install libcurl4", \
                 name);                                                                                 \
        failed = failure;                                                                               \
        return;                                                                                         \
    }

static void load(void) {
    /* TRADINGBOT_LIBCURL names another build (a path or soname); otherwise the OpenSSL flavour Debian's
     * libcurl4 installs, then the GnuTLS one (libcurl3-gnutls, present wherever git is). RTLD_LOCAL keeps
     * libcurl's symbols (and its TLS library's) out of the global namespace. */
    const char *chosen = getenv("TRADINGBOT_LIBCURL");
    void *lib = NULL;
    if (chosen && *chosen) {
        lib = dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
    } else {
        chosen = "libcurl.so.4";
        lib = dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
        if (!lib) lib = dlopen("libcurl-gnutls.so.4", RTLD_NOW | RTLD_LOCAL);
    }
    if (!lib) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure,
                 "cannot load libcurl %s (%s): install libcurl4 (Debian: apt-get install libcurl4) or set "
                 "TRADINGBOT_LIBCURL to its path",
                 chosen, why ? why : "not found");
        failed = failure;
        return;
    }
    RESOLVE(global_init, "curl_global_init")
    RESOLVE(easy_init, "curl_easy_init")
    RESOLVE(easy_cleanup, "curl_easy_cleanup")
    RESOLVE(easy_reset, "curl_easy_reset")
    RESOLVE(easy_perform, "curl_easy_perform")
    RESOLVE(easy_strerror, "curl_easy_strerror")
    RESOLVE(easy_setopt, "curl_easy_setopt")
    RESOLVE(easy_getinfo, "curl_easy_getinfo")
    RESOLVE(slist_append, "curl_slist_append")
    RESOLVE(slist_free_all, "curl_slist_free_all")
}

const char *ccurl_load(void) {
    pthread_once(&once, load);
    return failed;
}

/* Everything below is only reached after ccurl_load() returned NULL (the transport checks). */
CURLcode ccurl_global_init_default(void) { return api.global_init(CURL_GLOBAL_DEFAULT); }
CURL *ccurl_easy_init(void) { return api.easy_init(); }
void ccurl_easy_cleanup(CURL *h) { api.easy_cleanup(h); }
void ccurl_easy_reset(CURL *h) { api.easy_reset(h); }
CURLcode ccurl_easy_perform(CURL *h) { return api.easy_perform(h); }
const char *ccurl_easy_strerror(CURLcode code) { return api.easy_strerror(code); }
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *line) { return api.slist_append(list, line); }
void ccurl_slist_free_all(struct curl_slist *list) { if (list) api.slist_free_all(list); }

CURLcode ccurl_setopt_long(CURL *h, CURLoption o, long v) { return api.easy_setopt(h, o, v); }
CURLcode ccurl_setopt_string(CURL *h, CURLoption o, const char *v) { return api.easy_setopt(h, o, v); }
CURLcode ccurl_setopt_pointer(CURL *h, CURLoption o, void *v) { return api.easy_setopt(h, o, v); }
CURLcode ccurl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return api.easy_setopt(h, o, v); }
CURLcode ccurl_setopt_write_function(CURL *h, CURLoption o, ccurl_write_callback f) { return api.easy_setopt(h, o, f); }
CURLcode ccurl_getinfo_long(CURL *h, CURLINFO i, long *v) { return api.easy_getinfo(h, i, v); }
CURLcode ccurl_getinfo_double(CURL *h, CURLINFO i, double *v) { return api.easy_getinfo(h, i, v); }
CURLcode ccurl_getinfo_curl_off_t(CURL *h, CURLINFO i, curl_off_t *v) { return api.easy_getinfo(h, i, v); }
