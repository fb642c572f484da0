/* init — embark as PID 1: bring up userspace, find boot entries on the machine's media, and
 * boot one. pid1_main never returns: on any failure it logs why and keeps running. */
#ifndef EMBARK_INIT_H
#define EMBARK_INIT_H

int pid1_main(int argc, char **argv) __attribute__((noreturn));

#endif
