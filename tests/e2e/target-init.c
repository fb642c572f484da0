/* /init of the target initramfs the end-to-end tests and the demo boot into: proves the
 * kexec landed by printing a marker and the command line the target kernel received, then
 * powers the machine off so QEMU exits. Static, no libc beyond what musl links in. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char cmdline[4096] = "";
	ssize_t n = 0;
	int fd;

	mkdir("/proc", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	fd = open("/proc/cmdline", O_RDONLY);
	if (fd >= 0) {
		n = read(fd, cmdline, sizeof(cmdline) - 1);
		close(fd);
	}
	if (n > 0 && cmdline[n - 1] == '\n')
		n--;
	cmdline[n > 0 ? n : 0] = '\0';
	if (fcntl(1, F_GETFD) < 0) {
		fd = open("/dev/console", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 1);
	}
	printf("\nEMBARK-TARGET-BOOTED: the kexec'd kernel is running its initramfs\n");
	printf("EMBARK-TARGET-CMDLINE[%s]\n", cmdline);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}
