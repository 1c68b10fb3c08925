# layout.sh -- the lab's address plan: the one place lab.sh and every test read it from.
#
# Sourced by bash (lab.sh, bench scripts) and bats (tests/cli/helper.bash).
# Every address here exists only inside namespaces that lab.sh creates; the
# scanner namespace has no default route, so nothing can leave the lab.
# IPv4 comes from 198.18.0.0/15 (RFC 2544, reserved for benchmark networks),
# IPv6 from fd6c:6162::/32 (inside the ULA block fd00::/8).
#
#            +-------------------- scan --------------------+
#            | lan0 198.19.1.2/24        up0 198.19.255.2/30 |
#            |      fd6c:6162:1::2/64        fd6c:6162:ff::2  |
#            +-----+-------------------------------+---------+
#                  |                               |
#   sw: bridge br0 (no address)             rtr: dn0 198.19.255.1, forwarding,
#      |    |    |    |                          blackhole 198.18.0.0/16,
#     h10  h11  h12  h13                         blackhole 198.19.2.0/24,
#  198.19.1.10-13/24                             unreachable/prohibit personalities
#  fd6c:6162:1::10-13/64                         fr0 198.19.254.1/30
#                                                  |
#                                 far: fr0 198.19.254.2, live hosts as /32
#                                      and /128 addresses on lo, dnsmasq,
#                                      nftables, a TCP listener

# Namespace names are "$LAB_PREFIX-$LAB_ID-<role>"; LAB_ID makes runs unique.
LAB_PREFIX=lslab
LAB_ROLES="scan rtr far sw h10 h11 h12 h13"

# --- transit links --------------------------------------------------------
LAB_SCAN_UP4=198.19.255.2       LAB_RTR_DN4=198.19.255.1    # /30
LAB_SCAN_UP6=fd6c:6162:ff::2    LAB_RTR_DN6=fd6c:6162:ff::1 # /64
LAB_RTR_FR4=198.19.254.1        LAB_FAR_FR4=198.19.254.2    # /30
LAB_RTR_FR6=fd6c:6162:fe::1     LAB_FAR_FR6=fd6c:6162:fe::2 # /64
# Transit links have fixed MACs and permanent neighbour entries, so the routed
# path never waits for ARP or neighbour discovery.
LAB_SCAN_UP_MAC=02:1a:b0:ff:00:02  LAB_RTR_DN_MAC=02:1a:b0:ff:00:01
LAB_RTR_FR_MAC=02:1a:b0:fe:00:01   LAB_FAR_FR_MAC=02:1a:b0:fe:00:02

# --- the on-link segment: the scanner's own /24 and /64 -------------------
LAB_LAN_NET4=198.19.1.0/24
LAB_LAN_NET6=fd6c:6162:1::/64
LAB_SCAN_LAN4=198.19.1.2
LAB_SCAN_LAN6=fd6c:6162:1::2
LAB_SCAN_MAC=02:1a:b0:00:00:02
# On-link hosts: host namespace role hNN has 198.19.1.NN, fd6c:6162:1::NN and
# MAC 02:1a:b0:00:00:NN.
LAB_LAN_IDS="10 11 12 13"
LAB_LAN_HOSTS4="198.19.1.10 198.19.1.11 198.19.1.12 198.19.1.13"
LAB_LAN_HOSTS6="fd6c:6162:1::10 fd6c:6162:1::11 fd6c:6162:1::12 fd6c:6162:1::13"
LAB_LAN_DEAD4=198.19.1.99       # on the segment, nobody there (ARP fails)
LAB_LAN_DEAD6=fd6c:6162:1::99

# --- the routed remote network -------------------------------------------
LAB_REMOTE_NET4=198.18.0.0/16   # blackholed in rtr except the live hosts
LAB_REMOTE_NET6=fd6c:6162:18::/64
# 64 live hosts in the first /24, 10 more spread over the /16: 74 in all.
LAB_REMOTE_LIVE24_NET=198.18.0.0/24
LAB_REMOTE_LIVE24_COUNT=64      # 198.18.0.1 .. 198.18.0.64
LAB_REMOTE_LIVE4="$(i=1; while [ $i -le 64 ]; do printf '198.18.0.%d ' $i; i=$((i+1)); done)"
LAB_REMOTE_LIVE4="${LAB_REMOTE_LIVE4}198.18.10.10 198.18.20.20 198.18.30.30 198.18.40.40 198.18.50.50 198.18.60.60 198.18.70.70 198.18.80.80 198.18.90.90 198.18.100.100"
LAB_REMOTE_LIVE6="fd6c:6162:18::1 fd6c:6162:18::2 fd6c:6162:18::3 fd6c:6162:18::4 fd6c:6162:18::5 fd6c:6162:18::6 fd6c:6162:18::7 fd6c:6162:18::8"
LAB_REMOTE_DEAD4=198.18.0.200   # blackholed: silent
LAB_REMOTE_DEAD6=fd6c:6162:18::200

# --- hosts with personalities (routed, 198.19.2.0/24, fd6c:6162:2::/64) ---
LAB_PERS_NET4=198.19.2.0/24
LAB_PERS_NET6=fd6c:6162:2::/64
LAB_NOECHO4=198.19.2.1          # drops ICMP echo (nftables), TCP $LAB_TCP_PORT open
LAB_NOECHO6=fd6c:6162:2::1
LAB_RST4=198.19.2.2             # answers echo, TCP $LAB_TCP_PORT refused (RST)
LAB_RST6=fd6c:6162:2::2
LAB_UNREACH4=198.19.2.3         # rtr answers ICMP host unreachable
LAB_UNREACH6=fd6c:6162:2::3
LAB_PROHIBIT4=198.19.2.4        # rtr answers ICMP administratively prohibited
LAB_PROHIBIT6=fd6c:6162:2::4
LAB_TCP_PORT=80

# --- names ------------------------------------------------------------------
LAB_DNS4=198.19.53.53           # dnsmasq in far; the scanner's only nameserver
LAB_DOMAIN=lab.test
# Forward and reverse records served by dnsmasq (first name per address is
# the PTR).  Remote live hosts 198.18.A.B are named rA-B.lab.test.
LAB_NAME_LIVE=r0-1.lab.test      LAB_NAME_LIVE_ADDR=198.18.0.1
LAB_NAME_DUAL=dual.lab.test      # 198.18.0.5 and fd6c:6162:18::5
LAB_NAME_MULTI=multi.lab.test    # 198.18.0.6 and 198.18.0.7
LAB_NAME_V6ONLY=v6only.lab.test  # fd6c:6162:18::8
LAB_NAME_DEAD=dead.lab.test      # 198.18.0.200 (resolves, never answers)
LAB_NAME_HOSTSFILE=hostsonly.lab.test  LAB_NAME_HOSTSFILE_ADDR=198.18.0.9  # scanner's /etc/hosts only
LAB_NAME_MISSING=nosuch.lab.test # NXDOMAIN
# An internationalised name: its ASCII (punycode) form is in the lab's DNS.
LAB_NAME_IDN="bücher.lab.test"  LAB_NAME_IDN_ACE=xn--bcher-kva.lab.test  LAB_NAME_IDN_ADDR=198.18.0.200

lab_ns() { printf '%s-%s-%s' "$LAB_PREFIX" "${LAB_ID:-0}" "$1"; }

# --- the names lab (tests/lab/names.sh, added to a running lab) --------------
# A small office of real name responders (nmbd, avahi-daemon) on the scanner's
# segment at 198.19.1.30-37 and fd6c:6162:1::30-37, a routed Windows PC at
# 198.19.4.10 (198.19.4.0/24 behind rtr over 198.19.252.0/30), and a slow DNS
# server; the table is in names.sh.  Two of its hosts are named in the lab's DNS:
LAB_NAMES_NAS4=198.19.1.35      LAB_NAMES_NAS6=fd6c:6162:1::35      LAB_NAME_NAS=nas.lab.test
LAB_NAMES_PRINTER4=198.19.1.36  LAB_NAMES_PRINTER6=fd6c:6162:1::36  LAB_NAME_PRINTER=printer.lab.test
# persona.py dns in far (names_slowdns_up): slow, failing or silent PTR answers.
LAB_SLOWDNS4=198.19.53.54
