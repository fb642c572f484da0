# fetch — TFTP, HTTP/1.1 and HTTPS downloads into memfds (fetch/fetch.h). One job a file:
# url.c URLs and redirect resolution; tftp_pkt.c the TFTP packet parser and builders; tftp.c
# the TFTP transfer; http_head.c the response head parser; http_chunked.c the chunked
# decoder; http.c the HTTP exchange (redirects, Range resume); conn.c TCP with timeouts;
# tls.c the mbedTLS client; entropy.c getrandom for mbedTLS; progress.c the console line.
LIB_SRCS += fetch/fetch.c fetch/url.c fetch/tftp_pkt.c fetch/tftp.c fetch/http_head.c \
	    fetch/http_chunked.c fetch/http.c fetch/conn.c fetch/tls.c fetch/entropy.c \
	    fetch/progress.c
CLI_SRCS += cli/cmd_fetch.c
UNIT_SRCS += tests/unit/test_fetch.c
FUZZ_TARGETS += tftp http
