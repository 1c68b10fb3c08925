#!/usr/bin/env bash
# lab.sh -- build, enter and tear down lanscan's private test network (network namespaces).
#
# Usage: lab.sh up|down|status|exec ROLE CMD...|ns ROLE    (as root)
#        lab.sh down --all      remove every lab namespace, whatever its id
# The lab id comes from $LAB_ID (default 0): namespaces are lslab-<id>-<role>,
# so two runs with different ids never clash.  The address plan is in
# layout.sh beside this file.  `up` first removes any lab with the same id,
# so it also works after a crash; `down` removes everything `up` made.
set -eu

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=layout.sh
. "$here/layout.sh"
: "${LAB_ID:=0}"
case $LAB_ID in *[!A-Za-z0-9]*|'') echo "lab.sh: LAB_ID must be alphanumeric" >&2; exit 2;; esac

run_dir=/run/lanscan-lab/$LAB_ID

die() { echo "lab.sh: $*" >&2; exit 1; }

need_root() {
	[ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces)"
}

# Kill every process inside a namespace, then delete it.
ns_destroy() {
	local ns=$1 pids
	ip netns list 2>/dev/null | grep -qw -- "^$ns" || { rm -rf "/etc/netns/$ns"; return 0; }
	pids=$(ip netns pids "$ns" 2>/dev/null || true)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill -TERM $pids 2>/dev/null || true
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			pids=$(ip netns pids "$ns" 2>/dev/null || true)
			[ -z "$pids" ] && break
			sleep 0.05
		done
		# shellcheck disable=SC2086
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null || true
	fi
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "/etc/netns/$ns"
}

# Every namespace of this lab id: its roles, and those tests added (personas.sh, ...).
lab_down() {
	local role ns
	for role in $LAB_ROLES; do ns_destroy "$(lab_ns "$role")"; done
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$LAB_PREFIX-$LAB_ID-" || true); do
		ns_destroy "$ns"
	done
	rm -rf "$run_dir"
}

lab_down_all() {
	local ns
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$LAB_PREFIX-" || true); do
		ns_destroy "$ns"
	done
	rm -rf /run/lanscan-lab
}

# Write the dnsmasq hosts file: forward and reverse records for the lab.
write_dns_hosts() {
	local f=$1 a b ip id
	{
		echo "$LAB_DNS4 ns.$LAB_DOMAIN"
		for ip in $LAB_REMOTE_LIVE4; do
			a=${ip#198.18.}; b=${a#*.}; a=${a%%.*}
			echo "$ip r$a-$b.$LAB_DOMAIN"
		done
		for ip in $LAB_REMOTE_LIVE6; do echo "$ip r6-${ip##*::}.$LAB_DOMAIN"; done
		for id in $LAB_LAN_IDS; do
			echo "198.19.1.$id lan$id.$LAB_DOMAIN"
			echo "fd6c:6162:1::$id lan$id.$LAB_DOMAIN"
		done
		echo "198.18.0.5 $LAB_NAME_DUAL"
		echo "fd6c:6162:18::5 $LAB_NAME_DUAL"
		echo "198.18.0.6 $LAB_NAME_MULTI"
		echo "198.18.0.7 $LAB_NAME_MULTI"
		echo "fd6c:6162:18::8 $LAB_NAME_V6ONLY"
		echo "$LAB_REMOTE_DEAD4 $LAB_NAME_DEAD"
		echo "$LAB_NAME_IDN_ADDR $LAB_NAME_IDN_ACE"	# after the first: no PTR of its own
		echo "$LAB_NOECHO4 noecho.$LAB_DOMAIN"
		echo "$LAB_NOECHO6 noecho.$LAB_DOMAIN"
		echo "$LAB_RST4 rst.$LAB_DOMAIN"
		echo "$LAB_RST6 rst.$LAB_DOMAIN"
		echo "$LAB_UNREACH4 unreach.$LAB_DOMAIN"
		echo "$LAB_UNREACH6 unreach.$LAB_DOMAIN"
		echo "$LAB_PROHIBIT4 prohibit.$LAB_DOMAIN"
		echo "$LAB_PROHIBIT6 prohibit.$LAB_DOMAIN"
		echo "$LAB_NAMES_NAS4 $LAB_NAME_NAS"	# the names lab (names.sh)
		echo "$LAB_NAMES_NAS6 $LAB_NAME_NAS"
		echo "$LAB_NAMES_PRINTER4 $LAB_NAME_PRINTER"
		echo "$LAB_NAMES_PRINTER6 $LAB_NAME_PRINTER"
	} >"$f"
}

lab_up() {
	need_root
	for tool in ip nft dnsmasq nc; do
		command -v $tool >/dev/null || die "missing '$tool' (run: make deps)"
	done
	lab_down
	mkdir -p "$run_dir"
	local scan rtr far sw id ip b="$run_dir"
	scan=$(lab_ns scan); rtr=$(lab_ns rtr); far=$(lab_ns far); sw=$(lab_ns sw)

	# 1. Namespaces.
	for role in $LAB_ROLES; do echo "netns add $(lab_ns "$role")"; done >"$b/netns.batch"
	ip -batch "$b/netns.batch"

	# 2. Per-namespace sysctls: no IPv6 DAD delay or RAs, no ICMP rate limits
	#    (tests count unreachable replies), forwarding in rtr, unprivileged
	#    ICMP sockets in scan (as on current distributions), no IPv6 in sw.
	local common=(net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
		net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
		net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0)
	for role in $LAB_ROLES; do
		local extra=()
		case $role in
			rtr) extra=(net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
				net.ipv4.icmp_msgs_per_sec=1000000 net.ipv4.icmp_msgs_burst=1000000);;
			scan) extra=("net.ipv4.ping_group_range=0 2147483647");;
			sw) extra=(net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1);;
		esac
		ip netns exec "$(lab_ns "$role")" sysctl -q -w "${common[@]}" "${extra[@]}" >/dev/null
	done

	# 3. Links, created straight into their namespaces (after the sysctls, so
	#    that the "default" settings, such as no DAD, apply to them).
	{
		echo "link add up0 netns $scan address $LAB_SCAN_UP_MAC type veth peer name dn0 netns $rtr address $LAB_RTR_DN_MAC"
		echo "link add fr0 netns $rtr address $LAB_RTR_FR_MAC type veth peer name fr0 netns $far address $LAB_FAR_FR_MAC"
		echo "link add lan0 netns $scan address $LAB_SCAN_MAC type veth peer name pscan netns $sw"
		for id in $LAB_LAN_IDS; do
			echo "link add eth0 netns $(lab_ns "h$id") address 02:1a:b0:00:00:$id type veth peer name p$id netns $sw"
		done
	} >"$b/links.batch"
	ip -batch "$b/links.batch"

	# 4. Addresses and routes, one batch per namespace.
	{
		echo "link set lo up"
		echo "addr add $LAB_SCAN_UP4/30 dev up0"
		echo "addr add $LAB_SCAN_UP6/64 dev up0 nodad"
		echo "addr add $LAB_SCAN_LAN4/24 dev lan0"
		echo "addr add $LAB_SCAN_LAN6/64 dev lan0 nodad"
		echo "link set up0 up"
		echo "link set lan0 up"
		echo "neigh add $LAB_RTR_DN4 lladdr $LAB_RTR_DN_MAC dev up0 nud permanent"
		echo "neigh add $LAB_RTR_DN6 lladdr $LAB_RTR_DN_MAC dev up0 nud permanent"
		echo "route add 198.18.0.0/15 via $LAB_RTR_DN4"
		echo "route add fd6c:6162::/32 via $LAB_RTR_DN6"
	} >"$b/scan.batch"
	{
		echo "link set lo up"
		echo "addr add $LAB_RTR_DN4/30 dev dn0"
		echo "addr add $LAB_RTR_DN6/64 dev dn0 nodad"
		echo "addr add $LAB_RTR_FR4/30 dev fr0"
		echo "addr add $LAB_RTR_FR6/64 dev fr0 nodad"
		echo "link set dn0 up"
		echo "link set fr0 up"
		echo "neigh add $LAB_SCAN_UP4 lladdr $LAB_SCAN_UP_MAC dev dn0 nud permanent"
		echo "neigh add $LAB_SCAN_UP6 lladdr $LAB_SCAN_UP_MAC dev dn0 nud permanent"
		echo "neigh add $LAB_FAR_FR4 lladdr $LAB_FAR_FR_MAC dev fr0 nud permanent"
		echo "neigh add $LAB_FAR_FR6 lladdr $LAB_FAR_FR_MAC dev fr0 nud permanent"
		echo "route add $LAB_LAN_NET4 via $LAB_SCAN_UP4"
		echo "route add $LAB_LAN_NET6 via $LAB_SCAN_UP6"
		echo "route add blackhole $LAB_REMOTE_NET4"
		echo "route add blackhole $LAB_PERS_NET4"
		echo "route add blackhole $LAB_REMOTE_NET6"
		echo "route add blackhole $LAB_PERS_NET6"
		for ip in $LAB_REMOTE_LIVE4 $LAB_DNS4 $LAB_NOECHO4 $LAB_RST4; do
			echo "route add $ip/32 via $LAB_FAR_FR4"
		done
		for ip in $LAB_REMOTE_LIVE6 $LAB_NOECHO6 $LAB_RST6; do
			echo "route add $ip/128 via $LAB_FAR_FR6"
		done
		echo "route add unreachable $LAB_UNREACH4/32"
		echo "route add prohibit $LAB_PROHIBIT4/32"
		echo "route add unreachable $LAB_UNREACH6/128"
		echo "route add prohibit $LAB_PROHIBIT6/128"
	} >"$b/rtr.batch"
	{
		echo "link set lo up"
		echo "addr add $LAB_FAR_FR4/30 dev fr0"
		echo "addr add $LAB_FAR_FR6/64 dev fr0 nodad"
		echo "link set fr0 up"
		echo "neigh add $LAB_RTR_FR4 lladdr $LAB_RTR_FR_MAC dev fr0 nud permanent"
		echo "neigh add $LAB_RTR_FR6 lladdr $LAB_RTR_FR_MAC dev fr0 nud permanent"
		echo "route add default via $LAB_RTR_FR4"
		echo "route add default via $LAB_RTR_FR6"
		for ip in $LAB_REMOTE_LIVE4 $LAB_DNS4 $LAB_NOECHO4 $LAB_RST4; do
			echo "addr add $ip/32 dev lo"
		done
		for ip in $LAB_REMOTE_LIVE6 $LAB_NOECHO6 $LAB_RST6; do
			echo "addr add $ip/128 dev lo nodad"
		done
	} >"$b/far.batch"
	{
		echo "link set lo up"
		echo "link add br0 type bridge stp_state 0 forward_delay 0"
		echo "link set br0 up"
		echo "link set pscan master br0"
		echo "link set pscan up"
		for id in $LAB_LAN_IDS; do
			echo "link set p$id master br0"
			echo "link set p$id up"
		done
	} >"$b/sw.batch"
	ip -n "$scan" -batch "$b/scan.batch"
	ip -n "$rtr" -batch "$b/rtr.batch"
	ip -n "$far" -batch "$b/far.batch"
	ip -n "$sw" -batch "$b/sw.batch"
	for id in $LAB_LAN_IDS; do
		printf '%s\n' "link set lo up" "addr add 198.19.1.$id/24 dev eth0" \
			"addr add fd6c:6162:1::$id/64 dev eth0 nodad" "link set eth0 up" |
			ip -n "$(lab_ns "h$id")" -batch -
	done

	# 5. Personalities: the no-echo host drops ICMP echo but listens on TCP;
	#    the RST host answers echo and refuses TCP (no listener).
	cat >"$b/far.nft" <<-EOF
	table inet lab {
		chain input {
			type filter hook input priority 0; policy accept;
			ip daddr $LAB_NOECHO4 icmp type echo-request drop
			ip6 daddr $LAB_NOECHO6 icmpv6 type echo-request drop
		}
	}
	EOF
	ip netns exec "$far" nft -f "$b/far.nft"
	ip netns exec "$far" nc -lk "$LAB_NOECHO4" "$LAB_TCP_PORT" </dev/null >/dev/null 2>&1 &
	ip netns exec "$far" nc -lk "$LAB_NOECHO6" "$LAB_TCP_PORT" </dev/null >/dev/null 2>&1 &

	# 6. Names: dnsmasq in far answers only from the lab's own records (no
	#    upstream, NXDOMAIN for the rest); the scanner uses it alone.
	write_dns_hosts "$b/dns.hosts"
	ip netns exec "$far" dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
		--addn-hosts="$b/dns.hosts" --listen-address="$LAB_DNS4" --bind-interfaces \
		--local=/#/ --domain-needed --user=root --group=root \
		--pid-file="$b/dnsmasq.pid" --log-facility=/dev/null
	mkdir -p "/etc/netns/$scan"
	printf 'nameserver %s\noptions timeout:1 attempts:2\n' "$LAB_DNS4" >"/etc/netns/$scan/resolv.conf"
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n%s\t%s\n' \
		"$LAB_NAME_HOSTSFILE_ADDR" "$LAB_NAME_HOSTSFILE" >"/etc/netns/$scan/hosts"

	# 7. Wait until the TCP listeners and DNS answer, so tests never race set-up.
	local i
	for i in $(seq 1 100); do
		if ip netns exec "$far" ss -Hltn "sport = :$LAB_TCP_PORT" | grep -q . &&
		   ip netns exec "$far" ss -Hlun "sport = :53" | grep -q .; then
			break
		fi
		sleep 0.02
	done
	[ "$i" -lt 100 ] || die "lab services did not start"
	echo "$scan"
}

case ${1:-} in
	up) lab_up ;;
	down)
		need_root
		if [ "${2:-}" = --all ]; then lab_down_all; else lab_down; fi ;;
	status)
		ip netns list | grep "^$LAB_PREFIX-$LAB_ID-" || { echo "lab $LAB_ID is down"; exit 1; } ;;
	ns) [ -n "${2:-}" ] || die "usage: lab.sh ns ROLE"; lab_ns "$2"; echo ;;
	exec)
		[ $# -ge 3 ] || die "usage: lab.sh exec ROLE CMD [ARG...]"
		role=$2; shift 2
		exec ip netns exec "$(lab_ns "$role")" "$@" ;;
	*) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
