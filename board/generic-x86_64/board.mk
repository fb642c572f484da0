# Board generic-x86_64: a template for real x86_64 servers and workstations, booted from SPI
# flash by coreboot (Linux payload) or by a UEFI firmware whose shell/DXE was replaced by the
# kernel (LinuxBoot). Drivers for what a typical server boots from: AHCI/NVMe, the common SAS
# RAID HBAs, USB (xHCI/EHCI, mass storage, the BMC's virtual media), Intel/Broadcom/Mellanox
# NICs, serial and firmware framebuffer consoles. README.md says how to flash it.
#   make firmware BOARD=generic-x86_64     build/generic-x86_64/firmware.bzImage
#   make board BOARD=generic-x86_64        Debian's kernel + the modules in `modules`
BOARD_ARCH   := x86_64
BOARD_KERNEL := debian
BOARD_FIRMWARE_SOURCE     := linux-source-6.1
BOARD_FIRMWARE_ARCH       := x86_64
# The image is about 3.1 MiB; a server's BIOS region often leaves 8 MiB or more to the
# payload: raise this when the drivers you add need it and the flash has room.
BOARD_FIRMWARE_BUDGET_KIB := 4096
