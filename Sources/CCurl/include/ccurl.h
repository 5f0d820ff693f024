#ifndef CCURL_H
#define CCURL_H
#include <curl/curl.h>

/* libcurl, loaded on first use.
 *
 * libcurl.so.4 drags in its whole TLS / Kerberos / LDAP / SSH chain (about twenty libraries, ~5 MB of resident
 * memory and several milliseconds of dynamic linking). Only the exchange needs it, so it is dlopen'ed the first
 * time a transport is made instead of being linked: `trading-bot model predict`, `backtest` and `evaluate` never
 * map it. Types and constants still come from <curl/curl.h>; every function goes through the table below. */

/* Loads libcurl.so.4 once (thread-safe). NULL on success, otherwise a message naming what is missing. */
const char *ccurl_load(void);

CURLcode ccurl_global_init_default(void);
CURL *ccurl_easy_init(void);
void ccurl_easy_cleanup(CURL *h);
void ccurl_easy_reset(CURL *h);
CURLcode ccurl_easy_perform(CURL *h);
const char *ccurl_easy_strerror(CURLcode code);
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *line);
void ccurl_slist_free_all(struct curl_slist *list);

/* curl_easy_setopt and curl_easy_getinfo are variadic; Swift needs one typed wrapper per argument kind. */
CURLcode ccurl_setopt_long(CURL *h, CURLoption o, long v);
CURLcode ccurl_setopt_string(CURL *h, CURLoption o, const char *v);
CURLcode ccurl_setopt_pointer(CURL *h, CURLoption o, void *v);
CURLcode ccurl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v);
typedef size_t (*ccurl_write_callback)(char *, size_t, size_t, void *);
CURLcode ccurl_setopt_write_function(CURL *h, CURLoption o, ccurl_write_callback f);
CURLcode ccurl_getinfo_long(CURL *h, CURLINFO i, long *v);
CURLcode ccurl_getinfo_double(CURL *h, CURLINFO i, double *v);
CURLcode ccurl_getinfo_curl_off_t(CURL *h, CURLINFO i, curl_off_t *v);

#endif
