/* The console progress line for downloads. Throttled: a TFTP transfer calls the progress
 * callback every 1468 bytes, and a serial console at 115200 baud writes about 11 KiB/s. */
#include "fetch/fetch.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Bytes with a binary unit, one decimal: "512 B", "1.5 KiB", "40.0 MiB". */
static void human(char *buf, size_t cap, uint64_t n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	uint64_t scaled = n * 10; /* tenths */
	unsigned u = 0;

	if (n < 1024) {
		snprintf(buf, cap, "%llu B", (unsigned long long)n);
		return;
	}
	if (n > UINT64_MAX / 10)
		scaled = UINT64_MAX; /* only shown, never computed with */
	scaled /= 1024;
	/* One unit a pass, four units at most. */
	while (scaled >= 10240 && u + 1 < sizeof(units) / sizeof(units[0])) {
		scaled /= 1024;
		u++;
	}
	snprintf(buf, cap, "%llu.%llu %s", (unsigned long long)(scaled / 10),
		 (unsigned long long)(scaled % 10), units[u]);
}

void fetch_progress_bar(int fd, const char *what, uint64_t got, uint64_t total,
			uint64_t elapsed_ms)
{
	/* One console, one download at a time: when the last line was printed. */
	static uint64_t last_ms, last_got;
	static int printed;
	char line[160], have[24], all[24], pct[8] = "", rate[32] = "";
	int final = total != 0 && got >= total;
	uint64_t mb_tenths;
	int n;

	if (elapsed_ms < last_ms)
		printed = 0; /* a new download: the clock started again */
	if (printed && ((!final && elapsed_ms - last_ms < FETCH_PROGRESS_INTERVAL_MS) ||
			got == last_got))
		return; /* too soon, or the same line again */
	last_ms = elapsed_ms;
	last_got = got;
	printed = 1;
	human(have, sizeof(have), got);
	human(all, sizeof(all), total);
	if (total)
		snprintf(pct, sizeof(pct), "%3u%%",
			 (unsigned)(got >= total		? 100 :
				    total > UINT64_MAX / 100 ? got / (total / 100) :
							       got * 100 / total));
	if (elapsed_ms > 0) {
		/* MB/s in tenths: bytes per ms / 100 = (MB/s) * 10. */
		mb_tenths = got / elapsed_ms / 100;
		snprintf(rate, sizeof(rate), "%llu.%llu MB/s", (unsigned long long)(mb_tenths / 10),
			 (unsigned long long)(mb_tenths % 10));
	}
	n = snprintf(line, sizeof(line), "\r%.60s: %s%s%s  %s  %s   ", what, have,
		     total ? " / " : "", total ? all : "", pct, rate);
	if (n > 0)
		(void)!write(fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}
