# Board qemu-x86_64: a QEMU q35/pc machine with virtio disks (also AHCI, NVMe, USB storage,
# e1000/e1000e and virtio-net). Two ways to boot it:
#   make board      Debian's own kernel package + an initramfs with the modules in `modules`
#   make firmware   a LinuxBoot kernel from linux-source-6.1 configured by kernel.config
#                   (tinyconfig + the fragment, everything built in) with embark's initramfs
#                   inside: build/qemu-x86_64/firmware.bzImage, what goes into SPI flash
BOARD_ARCH   := x86_64
BOARD_KERNEL := debian
# make firmware: the Debian source package, kbuild's ARCH, and the largest image allowed
# (kernel + built-in initramfs), in KiB: the build fails above it.
BOARD_FIRMWARE_SOURCE     := linux-source-6.1
BOARD_FIRMWARE_ARCH       := x86_64
BOARD_FIRMWARE_BUDGET_KIB := 4096
