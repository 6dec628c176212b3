/* The limit for the delivery benchmark: one reused libcurl easy handle sending N emails to an SMTP
 * sink, and another posting N SMS requests to an HTTP stub. Prints messages per second. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

struct upload { const char *data; size_t length; size_t offset; };

static size_t read_cb(char *buffer, size_t size, size_t count, void *context) {
    struct upload *u = context;
    size_t n = u->length - u->offset;
    if (n > size * count) n = size * count;
    memcpy(buffer, u->data + u->offset, n);
    u->offset += n;
    return n;
}

static size_t sink(char *buffer, size_t size, size_t count, void *context) {
    (void)buffer; (void)context;
    return size * count;
}

/* This process's CPU time (user + system), to compare the client's own cost per message. */
static double cpu(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: %s SMTP_URL N_EMAIL HTTP_URL N_SMS [MESSAGE.eml]\n", argv[0]); return 64; }
    int emails = atoi(argv[2]), sms = atoi(argv[4]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    /* The same bytes mentor-notify sends, when given (an .eml from its spool). */
    static char message[65536];
    size_t length = 0;
    if (argc > 5) {
        FILE *file = fopen(argv[5], "rb");
        if (!file) { perror(argv[5]); return 66; }
        length = fread(message, 1, sizeof message - 1, file);
        fclose(file);
    } else {
        length = (size_t)snprintf(message, sizeof message,
             "From: <noreply@example.dk>\r\nTo: <leder@example.dk>\r\nSubject: benchmark\r\nMessage-ID: <x@example.dk>\r\n"
             "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
             "Hej Amira\r\n\r\nDu er inviteret til caf=C3=A9aften onsdag kl. 18.\r\n\r\nVenlig hilsen\r\nMentorshoppen\r\n");
    }
    CURL *mail = curl_easy_init();
    struct curl_slist *rcpt = curl_slist_append(NULL, "<leder@example.dk>");
    struct upload u = { message, length, 0 };
    curl_easy_setopt(mail, CURLOPT_URL, argv[1]);
    curl_easy_setopt(mail, CURLOPT_MAIL_FROM, "<noreply@example.dk>");
    curl_easy_setopt(mail, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(mail, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(mail, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(mail, CURLOPT_READDATA, &u);
    curl_easy_setopt(mail, CURLOPT_NOSIGNAL, 1L);
    double start = now(), cpu_start = cpu();
    for (int i = 0; i < emails; i++) {
        u.offset = 0;
        CURLcode code = curl_easy_perform(mail);
        if (code != CURLE_OK) { fprintf(stderr, "smtp: %s\n", curl_easy_strerror(code)); return 69; }
    }
    double email_s = now() - start, email_cpu = cpu() - cpu_start;
    CURL *http = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Authorization: Token bench");
    const char *body = "{\"message\":\"Hej Amira. Caf\\u00e9aften onsdag kl. 18.\",\"recipients\":[{\"msisdn\":4513243546}],\"sender\":\"Mentor\"}";
    curl_easy_setopt(http, CURLOPT_URL, argv[3]);
    curl_easy_setopt(http, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(http, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(http, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(http, CURLOPT_NOSIGNAL, 1L);
    start = now();
    cpu_start = cpu();
    for (int i = 0; i < sms; i++) {
        CURLcode code = curl_easy_perform(http);
        if (code != CURLE_OK) { fprintf(stderr, "http: %s\n", curl_easy_strerror(code)); return 69; }
    }
    double sms_s = now() - start, sms_cpu = cpu() - cpu_start;
    /* Messages per second, then CPU microseconds per message, for email and SMS. */
    printf("%.0f %.0f %.0f %.0f\n", emails / email_s, sms / sms_s, email_cpu * 1e6 / emails, sms_cpu * 1e6 / sms);
    curl_slist_free_all(rcpt);
    curl_slist_free_all(headers);
    curl_easy_cleanup(mail);
    curl_easy_cleanup(http);
    curl_global_cleanup();
    return 0;
}
