# One file per job: identify.c tries the filesystem probes (ext.c, xfs.c, iso9660.c, vfat.c,
# btrfs.c) in a documented order; parttable.c reads MBR and GPT; match.c answers UUID=/LABEL=
# /PARTUUID=/PARTLABEL= specs; text.c and crc.c are what they share.
LIB_SRCS += fsprobe/identify.c fsprobe/ext.c fsprobe/xfs.c fsprobe/iso9660.c fsprobe/vfat.c \
	    fsprobe/btrfs.c fsprobe/parttable.c fsprobe/match.c fsprobe/text.c fsprobe/crc.c
UNIT_SRCS += tests/unit/test_fsprobe.c
FUZZ_TARGETS += fsprobe
FUZZ_TARGETS += parttable
