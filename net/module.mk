# net — network boot's network: links, the DHCPv4 client (AF_PACKET), addresses and routes
# (rtnetlink), and a DNS resolver. One public header, net/net.h; one job a file.
LIB_SRCS += net/addr.c net/random.c net/uuid.c net/link.c net/dhcp_parse.c net/dhcp_build.c \
	    net/frame.c net/lease.c net/dhcp_client.c net/rtnl.c net/configure.c \
	    net/dns_parse.c net/resolve.c
CLI_SRCS += cli/cmd_dhcp.c
UNIT_SRCS += tests/unit/test_net.c
FUZZ_TARGETS += dhcp dns
