# Board qemu-x86_64: a QEMU q35/pc machine with virtio disks, booted with Debian's own kernel
# package (modules loaded by embark). The LinuxBoot kernel build comes with the firmware issue.
BOARD_ARCH   := x86_64
BOARD_KERNEL := debian
